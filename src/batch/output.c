/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The render context: every byte of a batch view goes through here, into a
 * buffer, escaped where it comes from the system, handed to the sink once
 * the view's data is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define SCHEMA "memscope/1"

/* Output goes to the sink in pieces of this size: a pipe's buffer, and
 * little to hold (vma at 60,000 mappings peaks below 3 MB in every
 * format; doc/performance.md). */
#define FLUSH_AT ((size_t)64 << 10)

/* ---- the render context -------------------------------------------------- */


/* At a row's end: hands the output made so far to the sink, so that a
 * 60,000-row table is never held whole. */
void ms_out_flush(struct render *r, bool all)
{
	if (!r->sink || !r->flushing || r->status || (!all && r->out->len < FLUSH_AT))
		return;
	if (r->out->len && fwrite(r->out->data, 1, r->out->len, r->sink) != r->out->len) {
		r->sink_errno = errno ? errno : EIO;
		r->status = -r->sink_errno;
	}
	ms_buf_reset(r->out);
}

void ms_out_put(struct render *r, const char *s)
{
	if (!r->status && ms_buf_puts(r->out, s))
		r->status = -ENOMEM;
}

void ms_out_putf(struct render *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!r->status && ms_buf_vprintf(r->out, fmt, ap))
		r->status = -ENOMEM;
	va_end(ap);
}

void ms_out_bytes(struct render *r, const char *s, size_t len)
{
	if (!r->status && ms_buf_append(r->out, s, len))
		r->status = -ENOMEM;
}

void ms_out_spaces(struct render *r, size_t n)
{
	static const char spaces[] = "                                ";

	for (size_t step; n > 0; n -= step) {
		step = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		ms_out_bytes(r, spaces, step);
	}
}


/* Untrusted text made safe to show: nearly all of it is printable ASCII,
 * shown as it is; the rest is escaped into r->scratch, valid until the next
 * call. */
struct shown ms_out_display_text(struct render *r, const char *s)
{
	size_t len = strlen(s);

	if (ms_is_plain_display(s, len))
		return (struct shown){ s, len, len };
	ms_buf_reset(&r->scratch);
	if (ms_escape_display(&r->scratch, s, len) || !r->scratch.data) {
		if (len)
			r->status = -ENOMEM;
		return (struct shown){ "", 0, 0 };
	}
	return (struct shown){ r->scratch.data, r->scratch.len,
			       ms_display_width(r->scratch.data, r->scratch.len) };
}

/* Text padded to width columns, on the left or on the right. */
static void put_padded(struct render *r, struct shown t, size_t width, bool left)
{
	if (!left && t.width < width)
		ms_out_spaces(r, width - t.width);
	ms_out_bytes(r, t.text, t.len);
	if (left && t.width < width)
		ms_out_spaces(r, width - t.width);
}

/* Untrusted text for a terminal: escaped, then padded to width columns. */
void ms_out_display(struct render *r, const char *s, size_t width, bool left)
{
	put_padded(r, ms_out_display_text(r, s), width, left);
}

/* Why a part is missing. The parsers' messages quote the bytes they could
 * not read (a migrate type name, a key), so they are text from the system
 * like any other. */
void ms_out_reason(struct render *r, const ms_part_state *st)
{
	ms_out_display(r, ms_part_reason(st), 0, true);
}

void ms_out_csv_field(struct render *r, const char *s)
{
	if (!r->status && ms_escape_csv(r->out, s, strlen(s)))
		r->status = -ENOMEM;
}

void ms_out_kb_text(struct render *r, int64_t kb, size_t width)
{
	char cell[MS_CELL_MAX];

	ms_format_kb(cell, sizeof cell, kb, r->o->plain_kb);
	size_t len = strlen(cell);
	put_padded(r, (struct shown){ cell, len, len }, width, false);
}

/* CSV leaves an unknown figure empty: a spreadsheet then sees no value
 * rather than a zero or a dash it would take for text. */
void ms_out_i64_csv(struct render *r, int64_t v)
{
	char digits[MS_NUM_MAX];

	if (v != MS_NA)
		ms_out_bytes(r, digits, ms_fmt_i64(digits, v));
}

/* A recording's sample shown: which, of how many, when, and a torn tail
 * when the recording ends in one (the samples before it read as usual). */
static void json_sample(struct render *r)
{
	ms_json *j = &r->j;
	char torn[300];

	if (!r->src || !ms_source_can(r->src, MS_CAP_SAMPLES))
		return;
	ms_json_key(j, "sample");
	ms_json_obj_begin(j);
	ms_json_kv_i64(j, "index", (int64_t)ms_source_selected(r->src));
	ms_json_kv_i64(j, "count", (int64_t)ms_source_sample_count(r->src));
	ms_json_kv_str(j, "captured_at", r->s->info.captured_at[0] ? r->s->info.captured_at : NULL);
	bool is_torn = ms_source_torn_tail(r->src, torn, sizeof torn);
	ms_json_kv_str(j, "torn_tail", is_torn ? torn : NULL);
	/* A kernel log's report: "OOM report 1 of 2, <time>, victim 10 hog". */
	ms_json_kv_str(j, "label", r->s->info.sample_label[0] ? r->s->info.sample_label : NULL);
	ms_json_obj_end(j);
}

static void json_source(struct render *r)
{
	const ms_source_info *i = &r->s->info;
	ms_json *j = &r->j;

	ms_json_key(j, "source");
	ms_json_obj_begin(j);
	ms_json_kv_str(j, "kind", ms_source_kind_name(i));
	ms_json_kv_str(j, "path", i->path);
	ms_json_kv_str(j, "kernel", i->kernel[0] ? i->kernel : NULL);
	ms_json_kv_str(j, "machine", i->machine[0] ? i->machine : NULL);
	ms_json_kv_i64(j, "page_size", i->page_size > 0 ? i->page_size : MS_NA);
	ms_json_kv_str(j, "page_size_origin", i->page_size_origin);
	ms_json_kv_str(j, "captured_at", i->captured_at[0] ? i->captured_at : NULL);
	ms_json_kv_str(j, "hostname", i->hostname[0] ? i->hostname : NULL);
	ms_json_kv_str(j, "container", i->container[0] ? i->container : NULL);
	ms_json_kv_str(j, "layout", i->layout[0] ? i->layout : NULL);
	ms_json_kv_i64(j, "skipped_entries", i->skipped_entries);
	json_sample(r);
	ms_json_kv_str(j, "lacks", i->lacks[0] ? i->lacks : NULL);
	ms_json_obj_end(j);
}

void ms_out_json_begin(struct render *r, const char *view)
{
	ms_json_init(&r->j, r->out);
	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "schema", SCHEMA);
	ms_json_kv_str(&r->j, "view", view);
	json_source(r);
}

void ms_out_json_end(struct render *r)
{
	ms_json_obj_end(&r->j);
	ms_out_put(r, "\n");
}
