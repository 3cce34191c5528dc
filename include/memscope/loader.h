/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading off the explorer's thread (src/loader.c): a second thread reads
 * samples, and the mappings of one process, while the explorer goes on
 * answering keys, redrawing on resize and quitting at once, however slow
 * the source (a board over ssh, 100,000 processes, a FIFO).
 *
 * The loader owns the source from ms_loader_start on. Every read of the
 * source (and so every libproc2 call, which must stay on one thread)
 * happens on the loader's thread.
 */
#ifndef MEMSCOPE_LOADER_H
#define MEMSCOPE_LOADER_H

#include "memscope/model.h"

typedef struct ms_loader ms_loader;

/* What to read next. */
typedef struct ms_load_request {
	unsigned parts;  /* MS_PART_* of the sample; 0: no new sample */
	int vma_pid;     /* > 0: that process's mappings too */
	size_t at;       /* a recording's sample to select first; SIZE_MAX: stay,
			  * MS_AT_NEWEST: its last complete one as it is now */
	bool libs;       /* librank over every process's smaps too (libs pane) */
} ms_load_request;
#define MS_AT_NEWEST (SIZE_MAX - 1)

/* What was read. The receiver owns sample and vmas. */
typedef struct ms_load_result {
	bool has_sample;
	int status;         /* 0 or -errno of the sample; err says why */
	ms_error err;
	ms_sample sample;
	size_t index;       /* which of the source's samples it is (recordings) */
	size_t count;       /* how many the source holds now (1 but for those) */
	int64_t at_ns;      /* when that sample and the first were taken (the */
	int64_t first_ns;   /* recording's headers); MS_NA when not known */
	bool torn_tail;     /* the recording ends in a torn sample */

	int vma_pid;        /* 0 when no mappings were asked for */
	char vma_name[64];  /* its comm, raw; "" when unreadable */
	ms_proc_ident vma_ident; /* what it is: a kernel thread, a zombie... */
	int vma_status;
	ms_error vma_err;
	ms_vmalist vmas;    /* loaded when vma_status is 0 */

	bool has_libs;      /* librank was asked for */
	int libs_status;    /* 0 or -errno (the list of processes, ENOMEM) */
	ms_error libs_err;
	ms_librank libs;    /* whole when libs_status is 0; its outcome says
			     * which processes could not be read */
} ms_load_result;

/* Starts the thread; it takes src and closes it when stopped. NULL with
 * err set when no thread could be started (src is then still the
 * caller's). */
ms_loader *ms_loader_start(ms_source *src, ms_error *err);

/* Readable (poll POLLIN) when a result is waiting. */
int ms_loader_fd(const ms_loader *l);
/* True while a request is being read. */
bool ms_loader_busy(ms_loader *l);
/* Asks for a read; when one is under way, this one replaces any request
 * waiting behind it. */
void ms_loader_request(ms_loader *l, const ms_load_request *rq);
/* The finished result, if there is one: true and *out filled. */
bool ms_loader_take(ms_loader *l, ms_load_result *out);
void ms_load_result_free(ms_load_result *r);

/* Stops the thread and closes the source. A read under way is waited for
 * a second at most: after that the thread is left to finish it on its
 * own and then frees everything, so that quitting never hangs on a slow
 * source. */
void ms_loader_stop(ms_loader *l);

#endif
