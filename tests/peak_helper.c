/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peak_helper: the peak RSS of one run of a program, for the whole
 * suite's memory checks (tests/test_whole.c).
 *
 *   peak_helper OUTFILE PROG ARGS...
 *
 * Runs PROG, writes its peak RSS in kB (ru_maxrss) to OUTFILE and exits
 * with PROG's exit status (125 when it could not start it). A peak taken
 * by the test process itself would be the test process's: a child forked
 * from it starts with the parent's resident pages, and exec keeps that
 * high-water mark in ru_maxrss (the suite's process passed 3 MB as it
 * grew). This helper is static and small, so the mark its child starts
 * from is its own few hundred kB.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: peak_helper OUTFILE PROG ARGS...\n");
		return 125;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(125);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		;
	FILE *out = fopen(argv[1], "w");
	if (!out || fprintf(out, "%ld\n", ru.ru_maxrss) < 0 || fclose(out) != 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
