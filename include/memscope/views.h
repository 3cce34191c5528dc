/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The explorer's panes (src/views/): each one draws a const sample into a
 * screen buffer and reacts to a few keys. They never read /proc: the app
 * loads what a pane's `parts` say it needs and hands it over here.
 */
#ifndef MEMSCOPE_VIEWS_H
#define MEMSCOPE_VIEWS_H

#include "memscope/model.h"
#include "memscope/screen.h"
#include "memscope/widget.h"

/* What the panes are given to draw. */
typedef struct ms_view_data {
	const ms_sample *cur;   /* never NULL */
	const ms_sample *prev;  /* the refresh before (deltas), or NULL */
	/* Bumped by the app whenever cur, prev or the mappings change, so a
	 * pane rebuilds its rows only then and not on every key. */
	unsigned long generation;

	/* The VMA pane: the mappings of one process. */
	int vma_pid;             /* 0: none chosen */
	const char *vma_name;    /* its name (raw) or NULL */
	const ms_vmalist *vmas;  /* NULL when not loaded */
	int vma_status;          /* 0 or -errno from ms_vmas_load */
	const ms_error *vma_err;
	ms_proc_kind vma_kind;   /* a kernel thread or a zombie has no mappings */
	int vma_ppid;

	/* The libs pane: librank over every process (the loader reads it
	 * while the pane is shown). NULL until a first read ended. */
	const ms_librank *libs;
	int libs_status;         /* 0 or -errno of that read */
	const ms_error *libs_err;
	bool libs_loading;       /* a read is under way or waiting */

	/* The baseline the user chose (b, --baseline): when set, panes show
	 * changes since it, and mark rows new since it or gone; else changes
	 * are since prev. */
	const ms_sample *base;
	/* The samples the explorer keeps, oldest first, cur last: a short
	 * ring of its own in live mode, for sparklines without a recording. */
	const ms_sample *const *history;
	size_t nhistory;

	bool plain_kb;           /* kB as plain numbers */
	bool live;
	bool paused;
	double delay;            /* seconds between live refreshes */
} ms_view_data;

/* What a key did. */
typedef enum ms_pane_action {
	MS_PANE_IGNORED,  /* not a key of this pane */
	MS_PANE_USED,
	MS_PANE_OPEN_VMA, /* open the VMA pane of ms_pane.open_pid */
	MS_PANE_OPEN_PANE, /* show the pane named ms_pane.open_pane */
} ms_pane_action;

typedef struct ms_pane ms_pane;

/*
 * A pane, declared once (src/views/<name>.c) and listed in the registry
 * (src/views/registry.c): its number key (its place there), the tab line,
 * the hint line, the help and what the explorer reads for it all come
 * from these (doc/hacking.md, "Add a pane").
 */
typedef struct ms_pane_class {
	const char *name;          /* tab line: "procrank" */
	unsigned parts;            /* MS_PART_* it draws (the header adds meminfo) */
	bool wants_vmas;           /* the mappings of the chosen process (Enter) */
	bool wants_libs;           /* librank over every process's smaps */
	const ms_table_def *table; /* its columns, for the help (NULL: none) */
	const char *const *help;   /* more help lines, NULL-terminated */
	/* The keys it adds to the hint line ("Enter:VMA"), or NULL. */
	const char *hint;
	bool sorts;                /* its table sorts: < > r apply */
	int (*create)(ms_pane *p); /* p->state (and p->table where it adds columns) */
	void (*destroy)(ms_pane *p);
	void (*draw)(ms_pane *p, ms_screen *s, ms_rect r, const ms_view_data *d);
	ms_pane_action (*key)(ms_pane *p, int key);
	/* '/': case-insensitive substring on names; NULL when it has none. */
	int (*filter)(ms_pane *p, const char *text);
} ms_pane_class;

struct ms_pane {
	const ms_pane_class *cls;
	const ms_table_def *table; /* the columns it shows: cls->table unless create says */
	int open_pid;              /* set with MS_PANE_OPEN_VMA */
	const char *open_pane;     /* set with MS_PANE_OPEN_PANE: a class name */
	void *state;
};

/* The registry: every pane, in key order ('1' the first), NULL-terminated. */
extern const ms_pane_class *const ms_panes[];
size_t ms_pane_count(void);
const ms_pane_class *ms_pane_find(const char *name);

/* Makes p a pane of that class. 0 or -ENOMEM. */
int ms_pane_init(ms_pane *p, const ms_pane_class *cls);
void ms_pane_destroy(ms_pane *p);

/* For panes whose state begins with an ms_tablew (procrank, slabs, vma):
 * keys and the filter go to the table (src/views/table_pane.c). */
ms_pane_action ms_table_pane_key(ms_pane *p, int key);
int ms_table_pane_filter(ms_pane *p, const char *text);
/* The first words of a table pane's status line: 'filter "ssh": 3 of
 * 412 processes  sort: PSS desc', the filter in force first so that a
 * narrow terminal never hides it. Returns the columns used. */
int ms_table_pane_status(ms_screen *s, ms_rect r, const ms_tablew *t, size_t total,
			 const char *one, const char *many);

/* The top-like header: host, kernel, source, totals and the memory bar.
 * Draws from row 0; returns the rows used. */
int ms_header_draw(ms_screen *s, const ms_view_data *d);
#define MS_HEADER_ROWS 4
/* MemAvailable over the samples kept, as a sparkline at the right of row
 * from column x on (the tab line, when it is not a recording's). */
void ms_header_trend_draw(ms_screen *s, int row, int x, const ms_view_data *d);

/* The time bar of a recording (src/views/timebar.c): one line, "sample 2
 * of 3  2026-12-04T03:10:00Z  +10m00s  [--#--b--]  torn tail", fitted to
 * the screen's width (80 columns hold it all). */
typedef struct ms_timebar {
	size_t index, count;       /* the sample shown (0 the first), of how many */
	int64_t at_ns, first_ns;   /* when it and the first were taken; MS_NA unknown */
	size_t base_index;         /* the baseline's sample; SIZE_MAX: none of these */
	bool torn;                 /* the recording ends in a torn sample */
	const char *noun;          /* "report" for a kernel log's; NULL: "sample" */
} ms_timebar;
void ms_timebar_draw(ms_screen *s, int row, const ms_timebar *t);

/* A series as an ASCII sparkline ('_' least ... '#' most, ' ' unknown)
 * of its last cap - 1 values at most, NUL-terminated in out; returns
 * the characters written. */
size_t ms_sparkline(char *out, size_t cap, const int64_t *v, size_t n);

/* The help overlay of a pane: one line per field, then the keys it (and
 * a source that refreshes, or holds more than one sample) takes, wrapped
 * at the screen's width. listed: the snapshot was opened from the fleet
 * list, which q goes back to. scroll is clamped and written back. */
void ms_help_draw(const ms_pane *p, bool refreshes, size_t samples, bool listed, ms_screen *s,
		  ms_rect r, int *scroll);
/* The status line's hint for a pane: "?:help 1-4:pane <>:sort ...", only
 * the keys that pane (and a source that refreshes, or holds so many
 * samples, or the fleet list) takes. */
void ms_hint_line(const ms_pane *p, bool refreshes, size_t samples, bool listed, ms_buf *out);

/* A pane's one-line reason when its part could not be read (in help.c,
 * with the other texts that explain things to the user). */
void ms_pane_draw_reason(ms_screen *s, ms_rect r, const char *what, const ms_part_state *st);

#endif
