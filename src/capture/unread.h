/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside capture: the log of what could not be read, written into the
 * snapshot as memscope-unread (doc/snapshot.md) and summed up in one line
 * for the user.
 */
#ifndef MEMSCOPE_CAPTURE_UNREAD_H
#define MEMSCOPE_CAPTURE_UNREAD_H

#include "memscope/util.h"

/* One line of memscope-unread: a file or folder of the system, or one
 * per-process file name with the processes it could not be read for. */
struct ms_unread_rec {
	char path[256];
	char reason[64];
	bool per_pid;
	int *pids;
	size_t npids, cap;
};

struct ms_unread_log {
	struct ms_unread_rec *r;
	size_t n, cap;
};

/* path: a file or folder of the system ("slabinfo", "sys/kernel/debug"),
 * pid 0; or the name of a process's file ("smaps") and its pid. rc and e:
 * the failed read, which says why. 0 or -ENOMEM. */
int ms_unread_log_add(struct ms_unread_log *l, const char *path, int pid, int rc,
		      const ms_error *e);
/* The file's lines, sorted as sort(1) sorts them in the C locale. 0 or
 * -ENOMEM. */
int ms_unread_log_format(struct ms_unread_log *l, ms_buf *out);
/* "not readable (needs root): slabinfo; maps, smaps of 12 processes";
 * empty when nothing was left out. */
void ms_unread_log_summary(const struct ms_unread_log *l, ms_buf *out);
void ms_unread_log_free(struct ms_unread_log *l);

#endif
