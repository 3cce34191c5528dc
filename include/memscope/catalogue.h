/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The catalogue of kernel files: every file memscope reads or records, one
 * row each (src/model/catalogue.c). Loading a sample, freeing it, what
 * capture copies, which files say "this folder is a /proc tree", and the
 * list data/memscope-capture.sh keeps (a test compares them) all come from
 * these rows, so adding a kernel file is one row plus its parser
 * (doc/hacking.md, "Add a kernel file"). It is data about the kernel's
 * files, below the model: the sources read it too (which files say "this
 * folder is a /proc tree").
 */
#ifndef MEMSCOPE_CATALOGUE_H
#define MEMSCOPE_CATALOGUE_H

#include "memscope/util.h"

typedef struct ms_sample ms_sample;
typedef struct ms_source ms_source;

/* The parts of a sample: what is read together and fails together. Each
 * is loaded by one row of the catalogue of kernel files (catalogue.h);
 * adding a part is a value here, its data in ms_sample and that row. */
enum ms_part_id {
	MS_P_MEMINFO,
	MS_P_VMSTAT,
	MS_P_BUDDY,
	MS_P_PAGETYPE,
	MS_P_ZONEINFO,
	MS_P_SLABINFO,
	MS_P_PROCS, /* identity + smaps_rollup figures of every process */
	MS_P_ZRAM,  /* sys/block/zram*: mm_stat, disksize, comp_algorithm */
	/* The kernel side of the accounting (issue 10). */
	MS_P_IOMEM,
	MS_P_VMALLOC,
	MS_P_DEVTREE, /* memory and reserved-memory nodes of the device tree */
	MS_P_CMA,     /* sysfs mm/cma/<area> and debugfs cma/<area> */
	MS_P_DMABUF,  /* sysfs dmabuf/buffers, else debugfs dma_buf/bufinfo */
	MS_P_PSI,   /* /proc/pressure/memory */
	MS_P_CGROUPS, /* the memory cgroup trees, v1 and v2, under sys/fs/cgroup */
	/* Each process's command line, oom_score, oom_score_adj and memory
	 * cgroup: the procrank table's columns beyond memory and name. Read
	 * with MS_P_PROCS, in its pool, for the views that show them: four
	 * files per process a scrape, a trend or a fleet row has no use for. */
	MS_P_PROC_DETAIL,
	MS_P_COUNT,
	MS_P_NONE = -1, /* a file captured but read by no part */
};

/* What to read, as a set of parts: only what something visible needs. */
#define MS_PART(id) (1u << (id))
enum ms_part {
	MS_PART_MEMINFO = MS_PART(MS_P_MEMINFO),
	MS_PART_VMSTAT = MS_PART(MS_P_VMSTAT),
	MS_PART_BUDDY = MS_PART(MS_P_BUDDY),
	MS_PART_PAGETYPE = MS_PART(MS_P_PAGETYPE),
	MS_PART_ZONEINFO = MS_PART(MS_P_ZONEINFO),
	MS_PART_SLABINFO = MS_PART(MS_P_SLABINFO),
	MS_PART_PROCS = MS_PART(MS_P_PROCS),
	MS_PART_ZRAM = MS_PART(MS_P_ZRAM),
	MS_PART_IOMEM = MS_PART(MS_P_IOMEM),
	MS_PART_VMALLOC = MS_PART(MS_P_VMALLOC),
	MS_PART_DEVTREE = MS_PART(MS_P_DEVTREE),
	MS_PART_CMA = MS_PART(MS_P_CMA),
	MS_PART_DMABUF = MS_PART(MS_P_DMABUF),
	MS_PART_PSI = MS_PART(MS_P_PSI),
	MS_PART_CGROUPS = MS_PART(MS_P_CGROUPS),
	MS_PART_PROC_DETAIL = MS_PART(MS_P_PROC_DETAIL),
	MS_PART_ALL = MS_PART(MS_P_COUNT) - 1,
};

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
	/* A line per mapping (maps): left out of a recording's samples but
	 * for the processes it follows (record --smaps PID). */
	MS_KF_MAPS = 1u << 8,
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
	/* MS_KF_TREE: how many folder levels below path are walked (0: its
	 * own entries only), and which entries are taken (depth 0 is path's
	 * own entries; NULL takes every one). */
	unsigned depth;
	bool (*keep_name)(const char *name, bool is_dir, unsigned depth);
	/* Capture keeps a file only when this says so once it is read (the
	 * DMA-BUF entries of fdinfo); NULL keeps every one. */
	bool (*keep_bytes)(const char *data, size_t len);
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
/* True when relpath (below a proc root) is a file whose presence says
 * "this folder is a /proc tree": the rows marked MS_KF_MARKER. The
 * memscope-* files count only with meta. */
bool ms_kfile_is_marker(const char *relpath, bool meta);

#endif
