/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Micro-benchmark of the smaps parser: builds in memory the smaps of a
 * process with 60,000 mappings as a 6.x kernel prints it (~40 MB) and
 * times ms_parse_smaps over it, best of several runs. The target is well
 * under 70 ms. Usage: bench_smaps [mappings] [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "memscope/parse.h"

/* The per-mapping keys of a 6.x kernel, in its order. */
static const char *const keys[] = {
	"Size:", "KernelPageSize:", "MMUPageSize:", "Rss:", "Pss:", "Pss_Dirty:",
	"Shared_Clean:", "Shared_Dirty:", "Private_Clean:", "Private_Dirty:", "Referenced:",
	"Anonymous:", "KSM:", "LazyFree:", "AnonHugePages:", "ShmemPmdMapped:",
	"FilePmdMapped:", "Shared_Hugetlb:", "Private_Hugetlb:", "Swap:", "SwapPss:", "Locked:",
};

/* One mapping in three of a library, the rest anonymous, as in a big
 * JVM or browser process. Values vary so that no digit count dominates. */
static int append_mapping(ms_buf *b, size_t i)
{
	uint64_t start = UINT64_C(0x7f0000000000) + (uint64_t)i * 0x21000;
	char hdr[128];
	int n;

	n = snprintf(hdr, sizeof hdr, "%012llx-%012llx rw-p %08llx fd:01 %zu",
		     (unsigned long long)start, (unsigned long long)(start + 0x20000),
		     (unsigned long long)(i % 7) * 0x1000, i % 3 ? (size_t)0 : 1000000 + i);
	if (i % 3 == 0)
		n = ms_buf_printf(b, "%-72s /usr/lib/x86_64-linux-gnu/libexample-%zu.so.1\n", hdr,
				  i % 500);
	else
		n = ms_buf_printf(b, "%s\n", hdr);
	for (size_t k = 0; k < MS_ARRAY_LEN(keys) && n == 0; k++)
		n = ms_buf_printf(b, "%-16s%8zu kB\n", keys[k], k < 3 ? 128 : (i * 37 + k) % 129);
	if (n == 0)
		n = ms_buf_puts(b, "THPeligible:           0\nProtectionKey:         0\n"
				   "VmFlags: rd wr mr mw me ac sd \n");
	return n;
}

/* CPU time of this thread: on a loaded machine (a CI runner, a board
 * running its workload) wall time mostly measures the neighbours. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	size_t mappings = argc > 1 ? strtoul(argv[1], NULL, 10) : 60000;
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	ms_buf text = MS_BUF_INIT;
	ms_vmalist l = { 0 };
	ms_error err;
	double best = 1e9;

	for (size_t i = 0; i < mappings; i++) {
		if (append_mapping(&text, i) != 0) {
			fprintf(stderr, "bench_smaps: out of memory\n");
			return 1;
		}
	}
	for (int r = 0; r < runs; r++) {
		double t0 = cpu_ms();
		int rc = ms_parse_smaps(text.data, text.len, &l, &err);
		double t = cpu_ms() - t0;
		if (rc != 0 || l.n != mappings) {
			fprintf(stderr, "bench_smaps: line %u: %s\n", err.line, err.msg);
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("smaps: %zu mappings, %.1f MB, best of %d: %.1f ms CPU (%.0f MB/s)\n", mappings,
	       text.len / 1e6, runs, best, text.len / 1e3 / best);
	ms_vmalist_free(&l);
	ms_buf_free(&text);
	return 0;
}
