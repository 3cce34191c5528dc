/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload_helper: processes whose memory is known to the page, for the
 * "groundtruth" and "live" suites. Linked statically on purpose: a worker
 * then shares no library page with the processes that come and go around
 * it (the test runner included), so its whole-process PSS holds still
 * between two reads.
 *
 *   workload_helper [-n N] [-k K] [-s S] [-f F] [-p P] [-q Q] [-a A] [-t T] [-T SEC]
 *
 * The controller forks N workers. Each maps, in one address window that is
 * the same in every worker, with a one-page hole after each mapping so that
 * the kernel cannot merge them:
 *   - S pages of MAP_SHARED|MAP_ANONYMOUS memory made before forking a group
 *     of K workers (each member writes every page: mapcount K);
 *   - F read-only MAP_SHARED mappings of P pages over disjoint parts of one
 *     data file, read by every worker (mapcount N);
 *   - Q private anonymous mappings of A pages, T of them written,
 *     MADV_NOHUGEPAGE (no THP would round them up).
 * When all are set up it prints one line
 *   READY <page size> <window start hex> <window end hex> <pid>...
 * and holds still until its standard input closes (or SEC seconds pass,
 * default 120); then it kills and reaps its workers and removes the file.
 * Workers die with the controller (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

struct layout {
	long n, k, s, f, p, q, a, t, timeout;
};

static long page;

static void die(const char *what)
{
	fprintf(stderr, "workload_helper: %s: %s\n", what, strerror(errno));
	exit(1);
}

static size_t window_pages(const struct layout *l)
{
	return (size_t)(l->s + 1) + (size_t)l->f * (size_t)(l->p + 1) +
	       (size_t)l->q * (size_t)(l->a + 1);
}

static void touch_read(const char *p, long pages)
{
	volatile char sink = 0;

	for (long i = 0; i < pages; i++)
		sink ^= p[i * page];
	(void)sink;
}

/* Maps the file and private parts after the shared region; every mapping
 * is followed by a hole. Returns 0, or the errno of the failed call. */
static int map_own_parts(const struct layout *l, char *cur, int datafd)
{
	for (long i = 0; i < l->f; i++) {
		size_t len = (size_t)(l->p * page);
		char *m = mmap(cur, len, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, datafd,
			       (off_t)(i * l->p * page));
		if (m != cur)
			return errno ? errno : EEXIST;
		touch_read(m, l->p);
		cur += len + (size_t)page;
	}
	for (long i = 0; i < l->q; i++) {
		size_t len = (size_t)(l->a * page);
		char *m = mmap(cur, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (m != cur)
			return errno ? errno : EEXIST;
		madvise(m, len, MADV_NOHUGEPAGE);
		for (long j = 0; j < l->t; j++)
			m[(j * l->a / l->t) * page] = (char)(j + 1);
		cur += len + (size_t)page;
	}
	return 0;
}

static void worker(const struct layout *l, char *win, int datafd, int readyfd, pid_t parent)
{
	size_t shared = (size_t)(l->s * page);
	size_t total = window_pages(l) * (size_t)page;
	int status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* The rest of the reservation goes: holes must be real holes. */
	if (munmap(win + shared, total - shared) != 0)
		_exit(1);
	for (long i = 0; i < l->s; i++)
		win[i * page] = 1;
	status = map_own_parts(l, win + shared + page, datafd);
	close(datafd);
	if (write(readyfd, &status, sizeof status) != sizeof status)
		_exit(1);
	close(readyfd);
	for (;;)
		pause();
}

static int make_datafile(const struct layout *l, char *path, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	char *buf = malloc((size_t)page);
	int fd;

	snprintf(path, cap, "%s/memscope-workload.%ld", dir && *dir ? dir : "/tmp",
		 (long)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !buf)
		die("data file");
	for (long i = 0; i < l->f * l->p; i++) {
		memset(buf, (int)(i & 0x7f) + 1, (size_t)page);
		if (write(fd, buf, (size_t)page) != (ssize_t)page)
			die("data file");
	}
	free(buf);
	/* Clean page cache, like a library's pages. */
	fsync(fd);
	return fd;
}

static void kill_all(pid_t *pids, long n)
{
	for (long i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (long i = 0; i < n; i++)
		if (pids[i] > 0)
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
}

/* Forks the workers group by group, each group over a fresh shared region
 * that the controller drops again, so that it holds no mapping of it. */
static long fork_workers(const struct layout *l, char *win, int datafd, int readyfd,
			 pid_t *pids)
{
	size_t shared = (size_t)(l->s * page);
	pid_t self = getpid();
	long started = 0;

	while (started < l->n) {
		if (shared && mmap(win, shared, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != win)
			return -1;
		if (shared)
			madvise(win, shared, MADV_NOHUGEPAGE);
		for (long i = 0; i < l->k && started < l->n; i++) {
			pid_t pid = fork();
			if (pid < 0)
				return -1;
			if (pid == 0)
				worker(l, win, datafd, readyfd, self);
			pids[started++] = pid;
		}
		if (shared)
			mmap(win, shared, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	}
	return started;
}

static int wait_ready(const struct layout *l, int fd)
{
	for (long ready = 0; ready < l->n; ready++) {
		int status;
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 30000) <= 0 || read(fd, &status, sizeof status) != sizeof status)
			return -1;
		if (status != 0) {
			errno = status;
			return -1;
		}
	}
	return 0;
}

static void hold_until_stdin_closes(long timeout)
{
	char c[64];
	time_t end = time(NULL) + timeout;

	for (;;) {
		struct pollfd pfd = { 0, POLLIN, 0 };
		long left = (long)(end - time(NULL));
		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000)) <= 0)
			return;
		if (read(0, c, sizeof c) <= 0)
			return;
	}
}

static long arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 0) {
		fprintf(stderr, "workload_helper: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct layout l = { .n = 4, .k = 2, .s = 64, .f = 3, .p = 4, .q = 5, .a = 16, .t = 8,
			    .timeout = 120 };
	char datapath[256];
	int opt, rp[2];

	while ((opt = getopt(argc, argv, "n:k:s:f:p:q:a:t:T:")) != -1) {
		long v = optarg ? arg(optarg) : 0;
		switch (opt) {
		case 'n': l.n = v; break;
		case 'k': l.k = v; break;
		case 's': l.s = v; break;
		case 'f': l.f = v; break;
		case 'p': l.p = v; break;
		case 'q': l.q = v; break;
		case 'a': l.a = v; break;
		case 't': l.t = v; break;
		case 'T': l.timeout = v; break;
		default: return 2;
		}
	}
	if (l.n < 1 || l.k < 1 || l.p < 1 || l.a < 1 || l.t > l.a || l.n > 4096)
		return 2;
	page = sysconf(_SC_PAGESIZE);
	signal(SIGPIPE, SIG_IGN);

	int datafd = make_datafile(&l, datapath, sizeof datapath);
	size_t winlen = window_pages(&l) * (size_t)page;
	char *win = mmap(NULL, winlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	pid_t *pids = calloc((size_t)l.n, sizeof *pids);
	if (win == MAP_FAILED || !pids || pipe2(rp, O_CLOEXEC) != 0) {
		unlink(datapath);
		die("setup");
	}
	long started = fork_workers(&l, win, datafd, rp[1], pids);
	close(rp[1]);
	close(datafd);
	int rc = started == l.n ? wait_ready(&l, rp[0]) : -1;
	if (rc == 0) {
		printf("READY %ld %lx %lx", page, (unsigned long)win,
		       (unsigned long)(win + winlen));
		for (long i = 0; i < l.n; i++)
			printf(" %d", (int)pids[i]);
		printf("\n");
		fflush(stdout);
		hold_until_stdin_closes(l.timeout);
	} else {
		fprintf(stderr, "workload_helper: setup failed: %s\n", strerror(errno));
	}
	kill_all(pids, started > 0 ? started : 0);
	unlink(datapath);
	return rc == 0 ? 0 : 1;
}
