/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the RAM went (issue 10): one table from the RAM the machine has
 * down to every consumer, kernel side included, each row with its figure,
 * the file and field it came from, and the row it is part of. The parts
 * of a row add up to it exactly: the last part of each whole is its
 * remainder (boot reservations of installed RAM, "unaccounted" of
 * MemTotal), so what no counter names is shown, never lost. A figure
 * whose file could not be read is MS_NA with a reason, never 0; a
 * remainder says which unknown rows it holds. Areas that other rows'
 * pages may sit in (CMA) are rows of their own kind after the tree,
 * parts of nothing, so no sum can count them.
 * doc/accounting.md says which kernel counters overlap and why each row
 * is what it is.
 */
#ifndef MEMSCOPE_ACCOUNTING_H
#define MEMSCOPE_ACCOUNTING_H

#include "memscope/model.h"

enum ms_acct_kind {
	MS_ACCT_TOTAL,     /* a whole: its parts add up to it */
	MS_ACCT_PART,      /* a part of its parent (and maybe a whole itself) */
	MS_ACCT_REMAINDER, /* the parent less its other parts */
	MS_ACCT_AREA,      /* a region that other rows' pages sit in: not summed */
};

typedef struct ms_acct_row {
	/* Room for any node name a device tree has in practice (the spec
	 * allows 31 characters and a unit address; vendor trees go beyond). */
	char key[192];    /* "mem_total", "no_map.<node>": a node name is raw */
	char label[192];  /* "Page cache": raw where it holds a node name */
	char origin[96];  /* "meminfo Cached - Shmem" */
	char reason[384]; /* why kb is unknown, or what a remainder holds; "" */
	int64_t kb;       /* MS_NA when unknown */
	int64_t used_kb;  /* areas: what is allocated in them; MS_NA otherwise */
	int32_t parent;   /* index of the row it is part of; -1 for installed
			   * and for the areas, which are parts of nothing */
	uint8_t kind;     /* enum ms_acct_kind */
	uint8_t depth;    /* 0 for installed */
} ms_acct_row;

typedef struct ms_accounting {
	size_t n, cap;
	ms_acct_row *rows; /* each row before its parts, parts in order */
	int64_t installed_kb, mem_total_kb, unaccounted_kb; /* MS_NA unknown */
} ms_accounting;

/* The parts the accounting reads; those not loaded give null rows. */
#define MS_PART_ACCOUNTING                                                              \
	(MS_PART_MEMINFO | MS_PART_IOMEM | MS_PART_VMALLOC | MS_PART_DEVTREE | MS_PART_CMA | \
	 MS_PART_DMABUF)

/* 0 or -ENOMEM (out emptied). Never fails for missing data. */
int ms_accounting_build(const ms_sample *s, ms_accounting *out);
void ms_accounting_free(ms_accounting *a);
/* The row's kb / installed, in [0, 1]; NAN when either is unknown. */
double ms_acct_share(const ms_accounting *a, size_t i);
/* Key of the row's parent; NULL for installed. */
const char *ms_acct_parent_key(const ms_accounting *a, size_t i);
/* Index of the row with that key; -1. */
int32_t ms_acct_find(const ms_accounting *a, const char *key);
/* "total", "part", "remainder", "area". */
const char *ms_acct_kind_name(enum ms_acct_kind k);

/* The kernel stacks among vmallocinfo's areas (VMAP_STACK): the pages of
 * the areas whose caller is the thread stack allocator (kernel_clone,
 * fork_idle, alloc_thread_stack_node...), in pages. */
int64_t ms_vmalloc_stack_pages(const ms_vmallocinfo *v);

#endif
