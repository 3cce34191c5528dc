/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The catalogue of kernel files: every file memscope reads or records, one
 * row each (src/model/catalogue.c). Loading a sample, freeing it, what
 * capture copies, which files say "this folder is a /proc tree", and the
 * list data/memscope-capture.sh keeps (a test compares them) all come from
 * these rows, so adding a kernel file is one row plus its parser
 * (doc/hacking.md, "Add a kernel file").
 */
#ifndef MEMSCOPE_CATALOGUE_H
#define MEMSCOPE_CATALOGUE_H

#include "memscope/model.h"

enum ms_kfile_flag {
	/* The path is below each process's directory ("smaps"). */
	MS_KF_PER_PID = 1u << 0,
	/* A directory: capture copies the regular files below it (names,
	 * depth). */
	MS_KF_TREE = 1u << 1,
	/* Readable by root only on current kernels. */
	MS_KF_ROOT = 1u << 2,
	/* Recorded by capture (and by data/memscope-capture.sh). */
	MS_KF_CAPTURE = 1u << 3,
	/* Its presence at the top of a folder says "a /proc tree". */
	MS_KF_MARKER = 1u << 4,
	/* Left out by capture --no-smaps / --no-cmdline. */
	MS_KF_SMAPS = 1u << 5,
	MS_KF_CMDLINE = 1u << 6,
	/* Per-process: only of processes that are not kernel threads. */
	MS_KF_USER_PROC = 1u << 7,
};

typedef struct ms_kfile {
	const char *path;    /* relative to a source (source.h): "meminfo",
			      * "sys/kernel/mm/cma", "smaps" with MS_KF_PER_PID */
	enum ms_part_id part; /* the part it feeds, or MS_P_NONE */
	const char *name;    /* the part's name, where it is not the path */
	unsigned flags;      /* MS_KF_* */
	/* A part read from this one whole file: its bytes to the parser. */
	int (*parse)(const char *buf, size_t len, ms_sample *s, ms_error *err);
	/* A part read from several files (a directory, every process): it
	 * reads them through the source itself. Returns 0 or -errno with err
	 * worded for a user. */
	int (*load)(ms_sample *s, ms_source *src, ms_error *err);
	/* Frees what parse or load put into the sample. */
	void (*free)(ms_sample *s);
	/* True when the part loaded but what this reader was shown is
	 * blanked (iomem's addresses as zeros without CAP_SYS_ADMIN). */
	bool (*redacted)(const ms_sample *s);
	/* MS_KF_TREE: only files of these names (NULL-terminated; NULL:
	 * every file), at most this many levels down (0: 8). */
	const char *const *names;
	int depth;
} ms_kfile;

extern const ms_kfile ms_kfiles[];
extern const size_t ms_nkfiles;

/* The row that loads a part (parse or load); NULL for MS_P_NONE. */
const ms_kfile *ms_kfile_of_part(enum ms_part_id part);
/* The file a part is known by in messages ("slabinfo"); NULL when it is
 * made of many (the processes). */
const char *ms_part_file(enum ms_part_id part);
/* The part's name in messages and JSON ("meminfo", "processes"). */
const char *ms_part_name(enum ms_part_id part);

#endif
