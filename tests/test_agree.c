/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite "agree": the explorer's tables and the batch text views show the
 * same cells. Each table of a real snapshot (the arm64 board in data/) is
 * drawn by the table widget on a screen wide enough for every column and
 * written by the batch view; row for row, with runs of blanks squeezed,
 * the two must read the same (the widget may cut the last, flexible
 * column at the screen's edge).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/batch.h"
#include "memscope/widget.h"
#include "testutil.h"

#define WIDE 400

static ms_source *src;
static ms_sample sample;

static void setup(void)
{
	char path[PATH_MAX];
	ms_error err;

	snprintf(path, sizeof path, "%s/../../data/board-arm64-qemu.tar.gz", tu_fixture(""));
	src = ms_source_open_snapshot(path, &err);
	cr_assert(src, "%s", err.msg);
	cr_assert_eq(ms_sample_load(&sample, src, MS_PART_ALL, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
	ms_sample_free(&sample);
	ms_source_close(src);
}

TestSuite(agree, .init = setup, .fini = teardown);

/* Blanks squeezed to one, none at either end. */
static void squeeze(char *s)
{
	char *out = s;
	bool blank = true;

	for (const char *p = s; *p; p++) {
		if (*p == ' ' && blank)
			continue;
		blank = *p == ' ';
		*out++ = *p;
	}
	if (out > s && out[-1] == ' ')
		out--;
	*out = '\0';
}

/* Line n (0-based) of text, squeezed, into line. */
static bool text_line(const char *text, size_t n, char *line, size_t cap)
{
	const char *p = text;

	for (size_t i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return false;
	size_t len = strcspn(p, "\n");
	snprintf(line, cap, "%.*s", (int)len, p);
	squeeze(line);
	return true;
}

/* The widget's rows of table t (default sort) against the batch text of
 * view, whose header is at text line `head`. */
static void agree(const ms_table_def *t, const void *rows, size_t n, size_t stride,
		  const void *ctx, const char *view, size_t head, const char *extra_args)
{
	ms_tablew w;
	ms_screen scr;
	ms_buf out = MS_BUF_INIT, row = MS_BUF_INIT;
	ms_error err;
	ms_batch_opts o = { .view = ms_view_find(view), .format = MS_FORMAT_TEXT };
	char want[WIDE * 2], got[WIDE * 2];

	if (extra_args)
		o.pid = atoi(extra_args);
	cr_assert_eq(ms_batch_render(&o, &sample, src, &out, &err), 0, "%s", err.msg);
	ms_tablew_init(&w, t, NULL, NULL);
	/* Mappings find their paths by their place in the list: the widget
	 * shows them in place, in the order given, as the VMA pane does. */
	w.fixed_order = t == &ms_vma_table;
	cr_assert_eq(ms_tablew_set_rows(&w, rows, n, stride, ctx), 0);
	cr_assert_eq(ms_screen_init(&scr, (int)n + 1, WIDE), 0);
	ms_tablew_draw(&w, &scr, (ms_rect){ 0, 0, (int)n + 1, WIDE }, NULL);
	for (size_t i = 0; i <= n; i++) {
		cr_assert(text_line(out.data, head + i, want, sizeof want), "%s: line %zu", view, i);
		cr_assert_eq(ms_screen_row_text(&scr, (int)i, &row), 0);
		snprintf(got, sizeof got, "%s", row.data);
		squeeze(got);
		cr_assert(strncmp(want, got, strlen(got)) == 0 && strlen(got) > strlen(want) / 2,
			  "%s row %zu:\nbatch:    %s\nexplorer: %s", view, i, want, got);
	}
	ms_screen_free(&scr);
	ms_tablew_free(&w);
	ms_buf_free(&out);
	ms_buf_free(&row);
}

Test(agree, procrank)
{
	cr_assert_gt(sample.nprocs, 3u);
	/* As the explorer's loader does: DMA-BUFs are not part of a sample. */
	cr_assert_eq(ms_procs_read_dmabuf(sample.procs, sample.nprocs, src), 0);
	agree(&ms_procrank_table, sample.procs, sample.nprocs, sizeof(ms_proc), &sample,
	      "procrank", 0, NULL);
}

Test(agree, slabs)
{
	cr_assert_gt(sample.slabs.n, 50u);
	agree(&ms_slab_table, sample.slabs.caches, sample.slabs.n, sizeof(ms_slab), &sample,
	      "slabs", 0, NULL);
}

Test(agree, zones)
{
	cr_assert_gt(sample.zones.n, 1u);
	agree(&ms_zone_table, sample.zones.zones, sample.zones.n, sizeof(ms_zone), &sample,
	      "zones", 0, NULL);
}

/* The mappings of the board's largest process, in address order. */
Test(agree, vma)
{
	ms_vmalist l;
	ms_error err;
	char pid[16];
	const ms_proc *big = &sample.procs[0];

	for (size_t i = 1; i < sample.nprocs; i++)
		if (sample.procs[i].vss_kb > big->vss_kb)
			big = &sample.procs[i];
	cr_assert_eq(ms_vmas_load(src, big->pid, &l, &err), 0, "%s", err.msg);
	cr_assert_gt(l.n, 5u);
	snprintf(pid, sizeof pid, "%d", big->pid);
	/* "pid N (name)" comes first, then the header. */
	agree(&ms_vma_table, l.v, l.n, sizeof(ms_vma), &l, "vma", 1, pid);
	ms_vmalist_free(&l);
}
