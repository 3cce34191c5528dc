/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch views: one view of one sample as text, CSV or JSON, for scripts.
 * The JSON contract is doc/json.md (schema "memscope/1").
 */
#ifndef MEMSCOPE_BATCH_H
#define MEMSCOPE_BATCH_H

#include <stdio.h>

#include "memscope/model.h"
#include "memscope/table.h"

typedef enum ms_format {
	MS_FORMAT_TEXT,
	MS_FORMAT_CSV,
	MS_FORMAT_JSON,
} ms_format;

typedef struct ms_view_class ms_view_class;

typedef struct ms_batch_opts {
	const ms_view_class *view;
	ms_format format;
	const char *sort;  /* column key, NULL for the table's default */
	bool reverse;      /* flip the sort direction */
	long limit;        /* rows; <= 0 for all */
	bool plain_kb;     /* -k: plain kB numbers in text */
	int pid;           /* for views that show one process (vma) */
	const char *path;  /* libs --path: mapping names starting with it */
	const char *perms; /* libs --perm: "r-x" matches r-xp and r-xs */
	const char *cgroup; /* procrank --cgroup: processes in that memory cgroup or below */
} ms_batch_opts;

/* The options a view takes beyond -s and -f; any other is a usage error,
 * never silently ignored. */
enum ms_view_opt {
	MS_VOPT_SORT = 1u << 0,    /* --sort KEY (a column of its table) */
	MS_VOPT_REVERSE = 1u << 1, /* -r */
	MS_VOPT_LIMIT = 1u << 2,   /* --limit N */
	MS_VOPT_KB = 1u << 3,      /* -k */
	MS_VOPT_CSV = 1u << 4,     /* -f csv (one table) */
	MS_VOPT_PATH = 1u << 5,    /* --path PREFIX (libs) */
	MS_VOPT_PERM = 1u << 6,    /* --perm r-x (libs) */
	MS_VOPT_CGROUP = 1u << 7,  /* --cgroup PATH (procrank) */
};

struct render; /* src/batch/render.h: what a view writes through */
typedef struct ms_report_section ms_report_section;

/*
 * A batch view, declared once (src/batch/<name>.c) and listed in the
 * registry (src/batch/registry.c): the command word, the usage line, the
 * man page's list, the dispatch and `report` all come from these.
 */
struct ms_view_class {
	const char *name;          /* "procrank": the command word, JSON "view" */
	const char *args;          /* words after the name, for usage ("PID"); NULL */
	const char *summary;       /* one line for usage and the man page */
	unsigned parts;            /* MS_PART_* the sample must hold */
	/* It shows every view's report section (report): its parts are
	 * theirs. */
	bool gathers_sections;
	/* The part without which the view has nothing: its errors name that
	 * file ("slabs: /proc/slabinfo: needs root"). MS_P_NONE for views
	 * that read several, or read for themselves. */
	enum ms_part_id part;
	const ms_table_def *table; /* its rows' columns (--sort keys), or NULL */
	unsigned opts;             /* MS_VOPT_* */
	/* The view's words after its name (vma's PID): how many it took, or
	 * -EINVAL with err set. NULL: it takes none. */
	int (*take_args)(ms_batch_opts *o, int argc, char *const *argv, ms_error *err);
	/* Writes the view of r's sample; src for views that read more. */
	int (*render)(struct render *r, ms_source *src, ms_error *err);
	const ms_report_section *report; /* its part of `report`, or NULL */
	/* It reads while it writes (vma): its output goes out as it is made
	 * once its first row is read, and a read that fails after that ends
	 * the document saying it is incomplete (never a whole-looking half). */
	bool reads_while_writing;
};

/* The registry: every batch view, in the order usage lists them,
 * NULL-terminated. */
extern const ms_view_class *const ms_views[];

/* The view of that name, NULL when there is none. */
const ms_view_class *ms_view_find(const char *name);
/* The parts a sample must hold for the view (for report, every
 * section's). */
unsigned ms_view_parts(const ms_view_class *v);
/* "procrank | slabs | ... | vma PID | report": the registry as usage
 * lists it. */
void ms_views_usage_list(ms_buf *out, const char *sep);

/* 0 when the options given suit the view (o->sort names a column of its
 * table, --limit only on views with rows, ...); else -EINVAL with *err
 * saying which option and, for --sort, the valid keys. given says which
 * options were typed (MS_VOPT_*). */
int ms_batch_check_opts(const ms_batch_opts *o, unsigned given, ms_error *err);

/* Renders the view into out. Returns 0, or -errno with *err set when the
 * view has nothing to show (its file missing or unreadable, a bad --sort
 * key, an unknown pid): out is then as it was; or when the vma view's read
 * failed half-way: out then holds a document that says it is incomplete. */
int ms_batch_render(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		    ms_error *err);

/* Renders the view to `to` (stdout, named to_name in errors), writing as
 * it goes once the view's data is read, so that a big table is never held
 * whole. Returns as ms_batch_render, or -errno of a failed write (a closed
 * pipe, a full disk): *err then says "stdout: No space left on device".
 * A view that fails before its data is read writes nothing; vma, which
 * writes as it reads, ends a read that failed half-way with a document
 * that says so (JSON "complete": false) and still returns the error. */
int ms_batch_write(const ms_batch_opts *o, const ms_sample *s, ms_source *src, FILE *to,
		   const char *to_name, ms_error *err);

#endif
