/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running tests/workload_helper (processes whose memory is known to the
 * page) from the "groundtruth" and "live" suites, and reading the kernel's
 * own figures of a process without memscope's parsers. Implemented in
 * test_groundtruth.c.
 */
#ifndef MEMSCOPE_TEST_WORKLOAD_H
#define MEMSCOPE_TEST_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WL_MAX_WORKERS 16

typedef struct wl_layout {
	int n; /* workers */
	int k; /* workers sharing one MAP_SHARED|MAP_ANONYMOUS region */
	int s; /* pages of that region */
	int f; /* read-only shared file mappings, mapped by all n */
	int p; /* pages per file mapping */
	int q; /* private anonymous mappings */
	int a; /* pages per private mapping */
	int t; /* pages written in each private mapping */
} wl_layout;

typedef struct wl_run {
	wl_layout l;
	pid_t ctl;
	int in_fd; /* closing it ends the workload */
	long page;
	uint64_t win_start, win_end;
	int npids;
	int pids[WL_MAX_WORKERS];
} wl_run;

/* Starts the helper and waits until every worker is ready. false, with
 * the reason in why, when the helper is not built or fails. */
bool wl_start(wl_run *w, const wl_layout *l, char *why, size_t cap);
void wl_stop(wl_run *w);

/* The kernel's whole-process figures, in kB, read with stdio. */
typedef struct wl_rollup {
	int64_t rss, pss, private_clean, private_dirty, swap, swap_pss, vm_size;
} wl_rollup;

bool wl_read_rollup(int pid, wl_rollup *r);
bool wl_rollup_eq(const wl_rollup *a, const wl_rollup *b);

#endif
