/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grow_helper: a process that grows by a known number of pages on demand,
 * for the record suite's trend test (tests/test_record.c).
 *
 *   grow_helper PAGES STEPS
 *
 * Maps PAGES x STEPS private anonymous pages (MADV_NOHUGEPAGE: no THP
 * would round a step up to 2 MiB), prints "READY <pid>" and then, for
 * each byte read on standard input, writes the next PAGES pages and
 * answers "ok": its PSS grows by exactly PAGES pages per byte. It exits
 * when its input closes. Static, like workload_helper: it shares no
 * library page with processes that come and go, so its PSS moves only
 * when it grows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long pages = atol(argv[1]), steps = atol(argv[2]), page = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || steps <= 0 || page <= 0)
		return 2;
	size_t step = (size_t)pages * (size_t)page;
	char *mem = mmap(NULL, step * (size_t)steps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	madvise(mem, step * (size_t)steps, MADV_NOHUGEPAGE);
	printf("READY %ld\n", (long)getpid());
	fflush(stdout);
	char c;
	for (long done = 0; done < steps && read(0, &c, 1) == 1; done++) {
		memset(mem + (size_t)done * step, 0x5a, step);
		printf("ok\n");
		fflush(stdout);
	}
	while (read(0, &c, 1) == 1) {
	}
	return 0;
}
