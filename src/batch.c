/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batch views: one view of one sample as text, CSV or JSON (doc/json.md).
 * Tabular views are driven by the column declarations of table.h, so the
 * text header, CSV header and JSON keys cannot drift apart; buddy and
 * meminfo have shapes of their own. Nothing here prints: output goes into
 * a buffer and failures into an ms_error for main.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/batch.h"
#include "memscope/table.h"

#define SCHEMA "memscope/1"

/* Text cells are built in a small buffer; longer strings (command lines)
 * go through an ms_buf. */
#define CELL_MAX 64

/* ---- views by name ------------------------------------------------------ */

static const struct view_desc {
	const char *name;
	unsigned parts;
	const char *file; /* the file whose absence makes the view fail */
} views[] = {
	[MS_VIEW_PROCRANK] = { "procrank", MS_PART_PROCS, NULL },
	[MS_VIEW_SLABS] = { "slabs", MS_PART_SLABINFO, "slabinfo" },
	[MS_VIEW_BUDDY] = { "buddy", MS_PART_BUDDY | MS_PART_PAGETYPE, "buddyinfo" },
	[MS_VIEW_ZONES] = { "zones", MS_PART_ZONEINFO, "zoneinfo" },
	[MS_VIEW_MEMINFO] = { "meminfo", MS_PART_MEMINFO, "meminfo" },
	/* vma reads one pid's smaps itself, at render time. */
	[MS_VIEW_VMA] = { "vma", 0, NULL },
	[MS_VIEW_REPORT] = { "report", MS_PART_MEMINFO | MS_PART_PROCS | MS_PART_SLABINFO |
					       MS_PART_BUDDY | MS_PART_PAGETYPE |
					       MS_PART_ZONEINFO, NULL },
};

static const struct view_desc *view_desc(ms_view v)
{
	return (unsigned)v < MS_ARRAY_LEN(views) ? &views[v] : &views[MS_VIEW_REPORT];
}

unsigned ms_view_parts(ms_view v)
{
	return view_desc(v)->parts;
}

const char *ms_view_name(ms_view v)
{
	return view_desc(v)->name;
}

const char *ms_view_file(ms_view v)
{
	return view_desc(v)->file;
}

int ms_view_from_name(const char *name, ms_view *out)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(views); i++) {
		if (strcmp(name, views[i].name) == 0) {
			*out = (ms_view)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- the render context -------------------------------------------------- */

struct render {
	const ms_batch_opts *o;
	const ms_sample *s;
	ms_buf *out;
	ms_json j;
	ms_buf scratch; /* escaped text of the cell being written */
	int status;     /* first -ENOMEM of the text/CSV writers, sticky */
	/* ms_batch_write: out goes to sink whenever it holds FLUSH_AT bytes,
	 * once `flushing` says the data is all read (a view that fails while
	 * reading must not leave half a document behind). */
	FILE *sink;
	bool flushing;
	int sink_errno; /* the write that failed */
};

#define FLUSH_AT ((size_t)256 << 10)

/* At a row's end: hands the output made so far to the sink, so that a
 * 60,000-row table is never held whole. */
static void flush_out(struct render *r, bool all)
{
	if (!r->sink || !r->flushing || r->status || (!all && r->out->len < FLUSH_AT))
		return;
	if (r->out->len && fwrite(r->out->data, 1, r->out->len, r->sink) != r->out->len) {
		r->sink_errno = errno ? errno : EIO;
		r->status = -r->sink_errno;
	}
	ms_buf_reset(r->out);
}

static void put(struct render *r, const char *s)
{
	if (!r->status && ms_buf_puts(r->out, s))
		r->status = -ENOMEM;
}

static void putf(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct render *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!r->status && ms_buf_vprintf(r->out, fmt, ap))
		r->status = -ENOMEM;
	va_end(ap);
}

static void put_bytes(struct render *r, const char *s, size_t len)
{
	if (!r->status && ms_buf_append(r->out, s, len))
		r->status = -ENOMEM;
}

static void put_spaces(struct render *r, size_t n)
{
	static const char spaces[] = "                                ";

	for (size_t step; n > 0; n -= step) {
		step = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		put_bytes(r, spaces, step);
	}
}

/* Text ready for a terminal, and its width in columns. */
struct shown {
	const char *text;
	size_t len, width;
};

static bool printable_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Untrusted text made safe to show: nearly all of it is printable ASCII,
 * shown as it is; the rest is escaped into r->scratch, valid until the next
 * call. */
static struct shown display_text(struct render *r, const char *s)
{
	size_t len = strlen(s);

	if (printable_ascii(s, len))
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
		put_spaces(r, width - t.width);
	put_bytes(r, t.text, t.len);
	if (left && t.width < width)
		put_spaces(r, width - t.width);
}

/* Untrusted text for a terminal: escaped, then padded to width columns. */
static void put_display(struct render *r, const char *s, size_t width, bool left)
{
	put_padded(r, display_text(r, s), width, left);
}

/* Why a part is missing. The parsers' messages quote the bytes they could
 * not read (a migrate type name, a key), so they are text from the system
 * like any other. */
static void put_reason(struct render *r, const ms_part_state *st)
{
	put_display(r, ms_part_reason(st), 0, true);
}

static void put_csv_field(struct render *r, const char *s)
{
	if (!r->status && ms_escape_csv(r->out, s, strlen(s)))
		r->status = -ENOMEM;
}

static void put_kb_text(struct render *r, int64_t kb, size_t width)
{
	char cell[CELL_MAX];

	ms_format_kb(cell, sizeof cell, kb, r->o->plain_kb);
	size_t len = strlen(cell);
	put_padded(r, (struct shown){ cell, len, len }, width, false);
}

/* CSV leaves an unknown figure empty: a spreadsheet then sees no value
 * rather than a zero or a dash it would take for text. */
static void put_i64_csv(struct render *r, int64_t v)
{
	char digits[MS_NUM_MAX];

	if (v != MS_NA)
		put_bytes(r, digits, ms_fmt_i64(digits, v));
}

static void json_source(struct render *r)
{
	const ms_source_info *i = &r->s->info;
	ms_json *j = &r->j;

	ms_json_key(j, "source");
	ms_json_obj_begin(j);
	ms_json_kv_str(j, "kind", i->kind == MS_SOURCE_LIVE ? "live" : "snapshot");
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
	ms_json_obj_end(j);
}

static void json_begin(struct render *r, const char *view)
{
	ms_json_init(&r->j, r->out);
	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "schema", SCHEMA);
	ms_json_kv_str(&r->j, "view", view);
	json_source(r);
}

static void json_end(struct render *r)
{
	ms_json_obj_end(&r->j);
	put(r, "\n");
}

/* "slabs: /proc/slabinfo: needs root" */
static int part_error(const struct render *r, const char *file, const ms_part_state *st,
		      ms_error *err)
{
	return ms_error_set(err, st->err.code ? st->err.code : EIO, st->err.line,
			    "%s: %s/%s: %s", ms_view_name(r->o->view), r->s->info.path, file,
			    ms_part_reason(st));
}

/* ---- tables -------------------------------------------------------------- */

/* Columns a table may have (the widest, vma, has 13). */
#define MAX_COLS 24

/* Sums of the kB columns over every row, shown or not: MS_NA where no row
 * knows the figure. */
struct totals {
	int64_t sum[MAX_COLS];
	size_t count;
};

/* A sorted, limited copy of a table's rows (the sample stays const). */
struct rows {
	const ms_table_def *t;
	const void *ctx;
	char *data;
	bool owned;    /* data is our copy (freed by rows_free) */
	size_t n;      /* all rows: totals cover them all */
	size_t shown;  /* after --limit */
	size_t stride;
	struct totals totals;
};

static const void *row_at(const struct rows *rs, size_t i)
{
	return rs->data + i * rs->stride;
}

static void swap_bytes(char *a, char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* --reverse on a table kept in the kernel's order. */
static void reverse_rows(struct rows *rs)
{
	for (size_t i = 0, k = rs->n; i + 1 < k; i++, k--)
		swap_bytes(rs->data + i * rs->stride, rs->data + (k - 1) * rs->stride, rs->stride);
}

static const ms_table_def *view_table(ms_view v)
{
	switch (v) {
	case MS_VIEW_PROCRANK: return &ms_procrank_table;
	case MS_VIEW_SLABS: return &ms_slab_table;
	case MS_VIEW_ZONES: return &ms_zone_table;
	case MS_VIEW_VMA: return &ms_vma_table;
	default: return NULL;
	}
}

/* "--sort bogus: unknown key (valid: pid, user, ...)" */
static int unknown_sort_key(const ms_table_def *t, const char *key, ms_error *err)
{
	char keys[160] = "";
	size_t used = 0;

	for (size_t i = 0; i < t->ncols && used < sizeof keys; i++) {
		int n = snprintf(keys + used, sizeof keys - used, "%s%s", i ? ", " : "",
				 t->cols[i].key);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return ms_error_set(err, EINVAL, 0, "--sort %s: unknown key (valid: %s)", key, keys);
}

int ms_batch_check_sort(const ms_batch_opts *o, ms_error *err)
{
	const ms_table_def *t = view_table(o->view);

	if (!o->sort)
		return 0;
	if (!t)
		return ms_error_set(err, EINVAL, 0, "--sort: %s has no sortable table",
				    ms_view_name(o->view));
	return ms_table_find_col(t, o->sort) >= 0 ? 0 : unknown_sort_key(t, o->sort, err);
}

/* The column to sort on; -1 keeps the kernel's order (zones have no
 * default sort: DMA, DMA32, Normal... is an order no column gives). */
static int sort_col(const ms_batch_opts *o, const ms_table_def *t, int *col, ms_error *err)
{
	const char *key = o->sort ? o->sort : t->default_sort;

	*col = key ? ms_table_find_col(t, key) : -1;
	return key && *col < 0 ? unknown_sort_key(t, key, err) : 0;
}

static bool col_totals(const ms_column *c)
{
	return c->kind == MS_COL_KB && !c->no_total;
}

static bool has_totals(const ms_table_def *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]))
			return true;
	return false;
}

static void totals_init(struct totals *tot)
{
	for (size_t c = 0; c < MAX_COLS; c++)
		tot->sum[c] = MS_NA;
	tot->count = 0;
}

/* Adds one row's known figures: a row that lacks one hides nothing. */
static void totals_add(struct totals *tot, const ms_table_def *t, const void *row,
		       const void *ctx)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (!col_totals(&t->cols[c]))
			continue;
		int64_t v = ms_cell_i64(&t->cols[c], row, ctx);
		if (v != MS_NA)
			tot->sum[c] = tot->sum[c] == MS_NA ? v : ms_add_na(tot->sum[c], v);
	}
	tot->count++;
}

/* Sorts and limits the rows of a table. The sample is const, so its rows
 * are copied; rows the caller owns (a VMA list) are sorted in place, as
 * their getters find a row's strings by its index in the list. */
static int rows_prepare(struct rows *rs, const ms_batch_opts *o, const ms_table_def *t,
			const void *rows, size_t n, size_t stride, const void *ctx, bool copy,
			ms_error *err)
{
	int col;

	*rs = (struct rows){ .t = t, .ctx = ctx, .n = n, .stride = stride,
			     .data = (char *)rows };
	if (t->ncols > MAX_COLS)
		return ms_error_set(err, EINVAL, 0, "%s: more than %d columns", t->name, MAX_COLS);
	int rc = sort_col(o, t, &col, err);
	if (rc)
		return rc;
	if (copy && n) {
		if (n > SIZE_MAX / stride || !(rs->data = malloc(n * stride)))
			return ms_error_set(err, ENOMEM, 0, "%s: out of memory", t->name);
		memcpy(rs->data, rows, n * stride);
		rs->owned = true;
	}
	if (col >= 0)
		ms_table_sort(t, rs->data, n, stride, col, t->cols[col].descending != o->reverse,
			      ctx);
	else if (o->reverse)
		reverse_rows(rs);
	rs->shown = o->limit > 0 && (size_t)o->limit < n ? (size_t)o->limit : n;
	totals_init(&rs->totals);
	for (size_t i = 0; i < n; i++)
		totals_add(&rs->totals, t, row_at(rs, i), ctx);
	return 0;
}

static void rows_free(struct rows *rs)
{
	if (rs->owned)
		free(rs->data);
	rs->data = NULL;
}

static const char *cell_str(const ms_column *c, const void *row, const void *ctx)
{
	const char *s = ms_cell_str(c, row, ctx);
	return s ? s : "";
}

/* A number, hex or kB cell as text ("-" when unknown); its length. */
static size_t format_number(const struct render *r, const ms_column *c, const void *row,
			    const void *ctx, char cell[CELL_MAX])
{
	int64_t v;

	switch (c->kind) {
	case MS_COL_HEX:
		return ms_fmt_hex(cell, ms_cell_u64(c, row, ctx), 8);
	case MS_COL_KB:
		ms_format_kb(cell, CELL_MAX, ms_cell_i64(c, row, ctx), r->o->plain_kb);
		return strlen(cell);
	default:
		v = ms_cell_i64(c, row, ctx);
		if (v == MS_NA) {
			memcpy(cell, "-", 2);
			return 1;
		}
		return ms_fmt_i64(cell, v);
	}
}

/* One cell of a text table, formatted into cell when it is a number. */
static struct shown text_cell(struct render *r, const ms_column *c, const void *row,
			      const void *ctx, char cell[CELL_MAX])
{
	if (c->kind == MS_COL_STR)
		return display_text(r, cell_str(c, row, ctx));
	size_t len = format_number(r, c, row, ctx, cell);
	return (struct shown){ cell, len, len };
}

static void put_sep(struct render *r, size_t c)
{
	if (c)
		put(r, " ");
}

/* The last left-aligned column is not padded: no trailing blanks. */
static size_t pad_for(const ms_table_def *t, size_t c, const size_t *w)
{
	return c + 1 == t->ncols && t->cols[c].left ? 0 : w[c];
}

/* ---- text tables: every cell formatted once ------------------------------- */

/* The cells of the shown rows as text, one after the other, so that the
 * column widths come from them and they are then written padded, without
 * formatting a number twice; rows can be added as they are read. */
struct cells {
	const ms_table_def *t;
	size_t nrows, cap;  /* rows held, rows len[] has room for */
	ms_buf text;        /* every cell's bytes, row after row */
	uint32_t *len;      /* bytes of each cell, ncols per row */
	size_t width[MAX_COLS];
};

/* Widths start at the declared width, widened to the title. */
static void cells_init(struct cells *cs, const ms_table_def *t)
{
	*cs = (struct cells){ .t = t, .text = MS_BUF_INIT };
	for (size_t c = 0; c < t->ncols && c < MAX_COLS; c++) {
		size_t title = strlen(t->cols[c].title);
		cs->width[c] = t->cols[c].width > 0 ? (size_t)t->cols[c].width : 0;
		if (title > cs->width[c])
			cs->width[c] = title;
	}
}

static void cells_free(struct cells *cs)
{
	ms_buf_free(&cs->text);
	free(cs->len);
	cs->len = NULL;
}

/* Width in columns of an escaped cell (multi-byte UTF-8 may be narrower or
 * wider than its bytes). */
static size_t stored_width(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] >= 0x80)
			return ms_display_width(text, len);
	return len;
}

static int cells_add_row(struct render *r, struct cells *cs, const void *row, const void *ctx)
{
	const ms_table_def *t = cs->t;
	char cell[CELL_MAX];

	if (cs->nrows == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		uint32_t *len = cap > SIZE_MAX / sizeof *len / t->ncols
					? NULL : realloc(cs->len, cap * t->ncols * sizeof *len);
		if (!len)
			return r->status = -ENOMEM;
		cs->len = len;
		cs->cap = cap;
	}
	uint32_t *lens = cs->len + cs->nrows * t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		struct shown sh = text_cell(r, &t->cols[c], row, ctx, cell);
		if (sh.len > UINT32_MAX || ms_buf_append(&cs->text, sh.text, sh.len))
			return r->status = -ENOMEM;
		lens[c] = (uint32_t)sh.len;
		if (sh.width > cs->width[c])
			cs->width[c] = sh.width;
	}
	cs->nrows++;
	return 0;
}

static size_t total_width(const struct render *r, int64_t total)
{
	char cell[CELL_MAX];

	ms_format_kb(cell, sizeof cell, total, r->o->plain_kb);
	return strlen(cell);
}

/* The widths once every shown row is in: widened to the totals too. */
static void cells_finish_widths(const struct render *r, struct cells *cs,
				const struct totals *tot)
{
	const ms_table_def *t = cs->t;

	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]) && total_width(r, tot->sum[c]) > cs->width[c])
			cs->width[c] = total_width(r, tot->sum[c]);
	if (has_totals(t) && cs->width[0] < strlen("TOTAL"))
		cs->width[0] = strlen("TOTAL");
}

static void text_header(struct render *r, const ms_table_def *t, const size_t *w)
{
	for (size_t c = 0; c < t->ncols; c++) {
		put_sep(r, c);
		putf(r, t->cols[c].left ? "%-*s" : "%*s", (int)pad_for(t, c, w), t->cols[c].title);
	}
	put(r, "\n");
}

static void text_totals(struct render *r, const ms_table_def *t, const struct totals *tot,
			const size_t *w)
{
	size_t last = 0;

	if (!has_totals(t))
		return;
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]))
			last = c;
	for (size_t c = 0; c <= last && c < t->ncols; c++) {
		const ms_column *col = &t->cols[c];
		put_sep(r, c);
		if (col_totals(col))
			put_kb_text(r, tot->sum[c], w[c]);
		else
			putf(r, col->left ? "%-*s" : "%*s", (int)w[c], c == 0 ? "TOTAL" : "");
	}
	put(r, "\n");
}

/* Text after a row's last column (the zones' watermark marker). */
typedef const char *(*row_note_fn)(const void *row);

/* One row from its cells, padded, in one go: room for the widest row is
 * made once, then the bytes are copied (60,000 rows of 13 cells). Returns
 * the text of the next row. */
static const char *cells_write_row(struct render *r, const struct cells *cs, const char *text,
				   const uint32_t *lens)
{
	const ms_table_def *t = cs->t;
	size_t room = 0;

	for (size_t c = 0; c < t->ncols; c++)
		room += 1 + lens[c] + cs->width[c];
	if (ms_buf_reserve(r->out, room)) {
		r->status = -ENOMEM;
		return text;
	}
	char *p = r->out->data + r->out->len;
	for (size_t c = 0; c < t->ncols; c++) {
		size_t len = lens[c], pad = pad_for(t, c, cs->width);
		size_t width = t->cols[c].kind == MS_COL_STR ? stored_width(text, len) : len;
		size_t fill = width < pad ? pad - width : 0;
		if (c)
			*p++ = ' ';
		if (!t->cols[c].left)
			p = (char *)memset(p, ' ', fill) + fill;
		p = (char *)memcpy(p, text, len) + len;
		if (t->cols[c].left)
			p = (char *)memset(p, ' ', fill) + fill;
		text += len;
	}
	r->out->len = (size_t)(p - r->out->data);
	r->out->data[r->out->len] = '\0';
	return text;
}

/* Header, the rows from their cells, totals. rs and note give each row's
 * note; rs is NULL for rows that were written as they were read. */
static void cells_write(struct render *r, struct cells *cs, const struct totals *tot,
			const struct rows *rs, row_note_fn note)
{
	const ms_table_def *t = cs->t;
	const char *text = cs->text.data ? cs->text.data : "";

	cells_finish_widths(r, cs, tot);
	text_header(r, t, cs->width);
	for (size_t i = 0; i < cs->nrows && !r->status; i++) {
		text = cells_write_row(r, cs, text, cs->len + i * t->ncols);
		flush_out(r, false);
		const char *extra = rs && note ? note(row_at(rs, i)) : NULL;
		if (extra)
			putf(r, "  %s", extra);
		put(r, "\n");
	}
	text_totals(r, t, tot, cs->width);
	if (cs->nrows < tot->count)
		putf(r, "(%zu of %zu rows shown; totals cover all %zu)\n", cs->nrows, tot->count,
		     tot->count);
}

static void table_text(struct render *r, const struct rows *rs, row_note_fn note)
{
	struct cells cs;

	cells_init(&cs, rs->t);
	for (size_t i = 0; i < rs->shown; i++)
		if (cells_add_row(r, &cs, row_at(rs, i), rs->ctx))
			break;
	if (!r->status)
		cells_write(r, &cs, &rs->totals, rs, note);
	cells_free(&cs);
}

static void render_table_text(struct render *r, const struct rows *rs)
{
	table_text(r, rs, NULL);
}

static void csv_header(struct render *r, const ms_table_def *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		put(r, c ? "," : "");
		put(r, t->cols[c].key);
	}
	put(r, "\r\n");
}

static void csv_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx)
{
	char cell[CELL_MAX];

	for (size_t c = 0; c < t->ncols; c++) {
		const ms_column *col = &t->cols[c];
		put(r, c ? "," : "");
		if (col->kind == MS_COL_STR)
			put_csv_field(r, cell_str(col, row, ctx));
		else if (col->kind == MS_COL_HEX)
			put_bytes(r, cell, format_number(r, col, row, ctx, cell));
		else
			put_i64_csv(r, ms_cell_i64(col, row, ctx));
	}
	put(r, "\r\n");
}

static void render_table_csv(struct render *r, const struct rows *rs)
{
	csv_header(r, rs->t);
	for (size_t i = 0; i < rs->shown; i++) {
		csv_row(r, rs->t, row_at(rs, i), rs->ctx);
		flush_out(r, false);
	}
}

static void json_cell(struct render *r, const ms_column *c, const void *row, const void *ctx)
{
	char cell[CELL_MAX];

	ms_json_key(&r->j, c->key);
	switch (c->kind) {
	case MS_COL_STR:
		ms_json_str(&r->j, ms_cell_str(c, row, ctx));
		return;
	case MS_COL_HEX:
		ms_json_strn(&r->j, cell, format_number(r, c, row, ctx, cell));
		return;
	default:
		ms_json_i64(&r->j, ms_cell_i64(c, row, ctx));
		return;
	}
}

/* Keys a view adds to each row beyond its columns (documented in json.md). */
typedef void (*row_extra_fn)(struct render *r, const void *row);

static void json_row(struct render *r, const ms_table_def *t, const void *row, const void *ctx,
		     row_extra_fn extra)
{
	ms_json_obj_begin(&r->j);
	for (size_t c = 0; c < t->ncols; c++)
		json_cell(r, &t->cols[c], row, ctx);
	if (extra)
		extra(r, row);
	ms_json_obj_end(&r->j);
}

static void json_rows(struct render *r, const char *key, const struct rows *rs,
		      row_extra_fn extra)
{
	ms_json_key(&r->j, key);
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < rs->shown; i++) {
		json_row(r, rs->t, row_at(rs, i), rs->ctx, extra);
		flush_out(r, false);
	}
	ms_json_arr_end(&r->j);
}

static void json_totals_of(struct render *r, const char *key, const ms_table_def *t,
			   const struct totals *tot)
{
	ms_json_key(&r->j, key);
	ms_json_obj_begin(&r->j);
	for (size_t c = 0; c < t->ncols; c++)
		if (col_totals(&t->cols[c]))
			ms_json_kv_i64(&r->j, t->cols[c].key, tot->sum[c]);
	ms_json_kv_i64(&r->j, "count", (int64_t)tot->count);
	ms_json_obj_end(&r->j);
}

static void json_totals(struct render *r, const char *key, const struct rows *rs)
{
	json_totals_of(r, key, rs->t, &rs->totals);
}

/* ---- procrank ------------------------------------------------------------ */

static const char *origin_name(ms_mem_origin o)
{
	switch (o) {
	case MS_ORIGIN_ROLLUP: return "smaps_rollup";
	case MS_ORIGIN_SMAPS: return "smaps";
	default: return NULL;
	}
}

static void proc_extra(struct render *r, const void *row)
{
	const ms_proc *p = row;

	ms_json_kv_str(&r->j, "origin", origin_name(p->origin));
}

static int procs_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return rows_prepare(rs, r->o, &ms_procrank_table, r->s->procs, r->s->nprocs,
			    sizeof(ms_proc), r->s, true, err);
}

static void json_skipped(struct render *r)
{
	ms_json_key(&r->j, "skipped");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "kernel_threads", (int64_t)r->s->nkthreads);
	ms_json_kv_i64(&r->j, "unknown", (int64_t)r->s->nunknown);
	ms_json_kv_i64(&r->j, "gone", (int64_t)r->s->ngone);
	ms_json_obj_end(&r->j);
}

static void text_skipped(struct render *r)
{
	const ms_sample *s = r->s;

	putf(r, "kernel threads not listed: %zu", s->nkthreads);
	if (s->nunknown)
		putf(r, "; unknown figures (-): %zu", s->nunknown);
	if (s->ngone)
		putf(r, "; exited while read: %zu", s->ngone);
	put(r, "\n");
}

static int render_procrank(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->procs_st.status)
		return ms_error_set(err, r->s->procs_st.err.code ? r->s->procs_st.err.code : EIO,
				    0, "procrank: %s: %s", r->s->info.path,
				    ms_part_reason(&r->s->procs_st));
	int rc = procs_prepare(&rs, r, err);
	if (rc)
		return rc;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		render_table_text(r, &rs);
		text_skipped(r);
		break;
	case MS_FORMAT_CSV:
		render_table_csv(r, &rs);
		break;
	case MS_FORMAT_JSON:
		json_begin(r, "procrank");
		json_rows(r, "processes", &rs, proc_extra);
		json_totals(r, "totals", &rs);
		json_skipped(r);
		json_end(r);
		break;
	}
	rows_free(&rs);
	return 0;
}

/* ---- slabs --------------------------------------------------------------- */

static int slabs_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return rows_prepare(rs, r->o, &ms_slab_table, r->s->slabs.caches, r->s->slabs.n,
			    sizeof(ms_slab), r->s, true, err);
}

static int render_slabs(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->slabs_st.status)
		return part_error(r, "slabinfo", &r->s->slabs_st, err);
	int rc = slabs_prepare(&rs, r, err);
	if (rc)
		return rc;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		render_table_text(r, &rs);
		break;
	case MS_FORMAT_CSV:
		render_table_csv(r, &rs);
		break;
	case MS_FORMAT_JSON:
		json_begin(r, "slabs");
		ms_json_kv_str(&r->j, "slabinfo_version",
			       r->s->slabs.version[0] ? r->s->slabs.version : NULL);
		json_rows(r, "caches", &rs, NULL);
		json_totals(r, "totals", &rs);
		json_end(r);
		break;
	}
	rows_free(&rs);
	return 0;
}

/* ---- zones --------------------------------------------------------------- */

/* "< min" below the min watermark (allocations stall in direct reclaim),
 * "< low" below low (kswapd wakes), NULL when fine, unknown or empty (an
 * empty Movable or Device zone has watermarks but nothing to run low on). */
static const char *zone_marker(const void *row)
{
	const ms_zone *z = row;

	if (z->free_pages == MS_NA || z->managed == 0)
		return NULL;
	if (z->min != MS_NA && z->free_pages < z->min)
		return "< min";
	if (z->low != MS_NA && z->free_pages < z->low)
		return "< low";
	return NULL;
}

static void zone_extra(struct render *r, const void *row)
{
	const ms_zone *z = row;

	ms_json_kv_i64(&r->j, "cma", z->cma);
	ms_json_key(&r->j, "protection");
	if (z->nprotection <= 0) {
		ms_json_null(&r->j);
	} else {
		ms_json_arr_begin(&r->j);
		for (int i = 0; i < z->nprotection && i < (int)MS_ARRAY_LEN(z->protection); i++)
			ms_json_i64(&r->j, z->protection[i]);
		ms_json_arr_end(&r->j);
	}
	ms_json_key(&r->j, "below_low");
	if (z->free_pages == MS_NA || z->low == MS_NA)
		ms_json_null(&r->j);
	else
		ms_json_bool(&r->j, zone_marker(z) != NULL);
}

static int zones_prepare(struct rows *rs, const struct render *r, ms_error *err)
{
	return rows_prepare(rs, r->o, &ms_zone_table, r->s->zones.zones, r->s->zones.n,
			    sizeof(ms_zone), r->s, true, err);
}

static void zones_text(struct render *r, const struct rows *rs)
{
	table_text(r, rs, zone_marker);
	put(r, "(pages; \"< low\": free below the low watermark, \"< min\": below min)\n");
}

static int render_zones(struct render *r, ms_error *err)
{
	struct rows rs;

	if (r->s->zones_st.status)
		return part_error(r, "zoneinfo", &r->s->zones_st, err);
	int rc = zones_prepare(&rs, r, err);
	if (rc)
		return rc;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		zones_text(r, &rs);
		break;
	case MS_FORMAT_CSV:
		render_table_csv(r, &rs);
		break;
	case MS_FORMAT_JSON:
		json_begin(r, "zones");
		json_rows(r, "zones", &rs, zone_extra);
		json_end(r);
		break;
	}
	rows_free(&rs);
	return 0;
}

/* ---- meminfo ------------------------------------------------------------- */

static bool kv_seen_before(const ms_kvlist *l, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(l->items[k].key, l->items[i].key) == 0)
			return true;
	return false;
}

/* As the kernel prints it (fs/proc/meminfo.c and its neighbours): the
 * value ends in column 24 whatever the name's length, with at least one
 * blank after the colon, then " kB" where the kernel printed a unit. */
#define MEMINFO_VALUE_END 24

static void meminfo_text(struct render *r, const ms_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char name[sizeof l->items[i].key + 1];
		char value[CELL_MAX] = "-";
		snprintf(name, sizeof name, "%s:", l->items[i].key);
		if (l->items[i].value != MS_NA)
			snprintf(value, sizeof value, "%" PRId64, l->items[i].value);
		size_t used = strlen(name) + strlen(value);
		put_display(r, name, 0, true);
		put_spaces(r, used < MEMINFO_VALUE_END ? MEMINFO_VALUE_END - used : 1);
		put(r, value);
		put(r, l->items[i].kb ? " kB\n" : "\n");
	}
}

static void meminfo_csv(struct render *r, const ms_kvlist *l)
{
	put(r, "key,value,unit\r\n");
	for (size_t i = 0; i < l->n; i++) {
		put_csv_field(r, l->items[i].key);
		put(r, ",");
		put_i64_csv(r, l->items[i].value);
		put(r, l->items[i].kb ? ",kB\r\n" : ",\r\n");
	}
}

/* Keys exactly as printed; a repeated key (never seen from a kernel, but
 * a snapshot can hold anything) keeps its first value so that the object
 * stays valid JSON. */
static void meminfo_json_object(struct render *r, const ms_kvlist *l)
{
	ms_json_obj_begin(&r->j);
	for (size_t i = 0; i < l->n; i++) {
		if (!kv_seen_before(l, i))
			ms_json_kv_i64(&r->j, l->items[i].key, l->items[i].value);
	}
	ms_json_obj_end(&r->j);
}

static int render_meminfo(struct render *r, ms_error *err)
{
	if (r->s->meminfo_st.status)
		return part_error(r, "meminfo", &r->s->meminfo_st, err);
	/* An empty file parses to no keys: say so, as the other views do,
	 * rather than print nothing and succeed. */
	if (r->s->meminfo.n == 0)
		return ms_error_set(err, ENODATA, 0,
				    "meminfo: %s/meminfo: no contents (empty file)", r->s->info.path);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		meminfo_text(r, &r->s->meminfo);
		break;
	case MS_FORMAT_CSV:
		meminfo_csv(r, &r->s->meminfo);
		break;
	case MS_FORMAT_JSON:
		json_begin(r, "meminfo");
		ms_json_key(&r->j, "meminfo");
		meminfo_json_object(r, &r->s->meminfo);
		json_end(r);
		break;
	}
	return 0;
}

/* ---- buddy --------------------------------------------------------------- */

static bool pagetype_loaded(const ms_sample *s)
{
	return s->pagetype_st.status == 0;
}

static bool same_zone(const ms_pagetype_free *f, const ms_buddy_zone *z)
{
	return f->node == z->node && strcmp(f->zone, z->zone) == 0;
}

static void json_i64_array(struct render *r, const int64_t *v, int n)
{
	ms_json_arr_begin(&r->j);
	for (int i = 0; i < n; i++)
		ms_json_i64(&r->j, v[i]);
	ms_json_arr_end(&r->j);
}

/* The kernel's index is a fraction in [0,1]; our -1 (the allocation would
 * succeed now) is kept, -2 (no free blocks at all) becomes null. */
static void json_frag_array(struct render *r, const ms_buddy_zone *z,
			    double (*index)(const ms_buddy_zone *, int))
{
	ms_json_arr_begin(&r->j);
	for (int o = 0; o < z->norders; o++) {
		double v = index(z, o);
		if (v < -1.5)
			ms_json_null(&r->j);
		else
			ms_json_double(&r->j, v, 3);
	}
	ms_json_arr_end(&r->j);
}

static void json_migrate(struct render *r, const ms_buddy_zone *z)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	bool any_at_least = false;

	ms_json_key(&r->j, "migrate");
	if (!pagetype_loaded(r->s)) {
		ms_json_null(&r->j);
	} else {
		ms_json_obj_begin(&r->j);
		for (size_t i = 0; i < pt->nfree; i++) {
			const ms_pagetype_free *f = &pt->free[i];
			if (!same_zone(f, z))
				continue;
			ms_json_key(&r->j, f->type);
			json_i64_array(r, f->free, f->norders);
			for (int o = 0; o < f->norders; o++)
				any_at_least |= f->at_least[o];
		}
		ms_json_obj_end(&r->j);
	}
	ms_json_key(&r->j, "migrate_at_least");
	if (pagetype_loaded(r->s))
		ms_json_bool(&r->j, any_at_least);
	else
		ms_json_null(&r->j);
}

static void json_buddy_zone(struct render *r, const ms_buddy_zone *z)
{
	long page_size = r->s->info.page_size;

	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "node", z->node);
	ms_json_kv_str(&r->j, "zone", z->zone);
	ms_json_key(&r->j, "free");
	json_i64_array(r, z->free, z->norders);
	ms_json_kv_i64(&r->j, "free_kb", ms_buddy_free_kb(z, page_size));
	ms_json_kv_i64(&r->j, "free_pages", ms_buddy_free_pages(z));
	int largest = ms_buddy_largest_order(z);
	ms_json_kv_i64(&r->j, "largest_order", largest < 0 ? MS_NA : largest);
	ms_json_key(&r->j, "unusable_index");
	json_frag_array(r, z, ms_unusable_index);
	ms_json_key(&r->j, "extfrag_index");
	json_frag_array(r, z, ms_extfrag_index);
	json_migrate(r, z);
	ms_json_obj_end(&r->j);
}

static void json_buddy_body(struct render *r)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	bool pt_ok = pagetype_loaded(r->s);

	ms_json_kv_i64(&r->j, "page_size", r->s->info.page_size);
	ms_json_kv_i64(&r->j, "pageblock_order",
		       pt_ok && pt->page_block_order >= 0 ? pt->page_block_order : MS_NA);
	ms_json_kv_i64(&r->j, "pages_per_block", pt_ok ? pt->pages_per_block : MS_NA);
	ms_json_kv_str(&r->j, "pagetypeinfo_error",
		       pt_ok ? NULL : ms_part_reason(&r->s->pagetype_st));
	ms_json_key(&r->j, "zones");
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < r->s->buddy.n; i++)
		json_buddy_zone(r, &r->s->buddy.zones[i]);
	ms_json_arr_end(&r->j);
}

static int max_orders(const ms_buddyinfo *b)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->zones[i].norders > n)
			n = b->zones[i].norders;
	return n;
}

#define BUDDY_NAME_W 12
#define BUDDY_COUNT_W 7
#define BUDDY_KB_W 9

static void buddy_text_header(struct render *r, int norders)
{
	putf(r, "%4s %-*s", "NODE", BUDDY_NAME_W, "ZONE");
	for (int o = 0; o < norders; o++)
		putf(r, " %*d", BUDDY_COUNT_W, o);
	putf(r, " %*s\n", BUDDY_KB_W, "FREE");
}

/* A count the kernel capped (">100000", 5.9+) keeps its ">" in text. */
static void buddy_text_counts(struct render *r, const int64_t *v, const bool *at_least, int n,
			      int norders)
{
	char cell[CELL_MAX];

	for (int o = 0; o < norders; o++) {
		if (o >= n || v[o] == MS_NA)
			snprintf(cell, sizeof cell, "-");
		else
			snprintf(cell, sizeof cell, "%s%" PRId64,
				 at_least && at_least[o] ? ">" : "", v[o]);
		putf(r, " %*s", BUDDY_COUNT_W, cell);
	}
}

/* Under each zone, its free blocks split by migrate type (pagetypeinfo). */
static void buddy_text_migrate(struct render *r, const ms_buddy_zone *z, int norders)
{
	const ms_pagetypeinfo *pt = &r->s->pagetype;

	for (size_t i = 0; i < pt->nfree; i++) {
		const ms_pagetype_free *f = &pt->free[i];
		if (!same_zone(f, z))
			continue;
		put(r, "     ");
		put_display(r, f->type, BUDDY_NAME_W, true);
		buddy_text_counts(r, f->free, f->at_least, f->norders, norders);
		put(r, "\n");
	}
}

static void buddy_text(struct render *r)
{
	const ms_buddyinfo *b = &r->s->buddy;
	int norders = max_orders(b);

	buddy_text_header(r, norders);
	for (size_t i = 0; i < b->n; i++) {
		const ms_buddy_zone *z = &b->zones[i];
		putf(r, "%4d ", z->node);
		put_display(r, z->zone, BUDDY_NAME_W, true);
		buddy_text_counts(r, z->free, NULL, z->norders, norders);
		put(r, " ");
		put_kb_text(r, ms_buddy_free_kb(z, r->s->info.page_size), BUDDY_KB_W);
		put(r, "\n");
		if (pagetype_loaded(r->s))
			buddy_text_migrate(r, z, norders);
	}
	putf(r, "(free blocks per order; page size %ld", r->s->info.page_size);
	if (!pagetype_loaded(r->s)) {
		put(r, "; migrate types: pagetypeinfo: ");
		put_reason(r, &r->s->pagetype_st);
	}
	put(r, ")\n");
}

/* One row per zone and migrate type ("" for the zone's own counts). */
static void buddy_csv_row(struct render *r, int node, const char *zone, const char *type,
			  const int64_t *v, int n, int norders, int64_t free_kb)
{
	putf(r, "%d,", node);
	put_csv_field(r, zone);
	put(r, ",");
	put_csv_field(r, type);
	for (int o = 0; o < norders; o++) {
		put(r, ",");
		if (o < n)
			put_i64_csv(r, v[o]);
	}
	put(r, ",");
	put_i64_csv(r, free_kb);
	put(r, "\r\n");
}

static void buddy_csv(struct render *r)
{
	const ms_buddyinfo *b = &r->s->buddy;
	const ms_pagetypeinfo *pt = &r->s->pagetype;
	int norders = max_orders(b);

	put(r, "node,zone,migrate_type");
	for (int o = 0; o < norders; o++)
		putf(r, ",order%d", o);
	put(r, ",free_kb\r\n");
	for (size_t i = 0; i < b->n; i++) {
		const ms_buddy_zone *z = &b->zones[i];
		buddy_csv_row(r, z->node, z->zone, "", z->free, z->norders, norders,
			      ms_buddy_free_kb(z, r->s->info.page_size));
		for (size_t k = 0; pagetype_loaded(r->s) && k < pt->nfree; k++) {
			const ms_pagetype_free *f = &pt->free[k];
			if (same_zone(f, z))
				buddy_csv_row(r, f->node, f->zone, f->type, f->free, f->norders,
					      norders, MS_NA);
		}
	}
}

static int render_buddy(struct render *r, ms_error *err)
{
	if (r->s->buddy_st.status)
		return part_error(r, "buddyinfo", &r->s->buddy_st, err);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		buddy_text(r);
		break;
	case MS_FORMAT_CSV:
		buddy_csv(r);
		break;
	case MS_FORMAT_JSON:
		json_begin(r, "buddy");
		json_buddy_body(r);
		json_end(r);
		break;
	}
	return 0;
}

/* ---- vma ----------------------------------------------------------------- */

/* "vma 42: no such process", "vma 42: /proc/42/smaps: needs root". */
static int vma_error(const struct render *r, ms_source *src, int rc, ms_error *err)
{
	const char *root = r->s->info.path;
	int pid = r->o->pid;

	if (rc == -EACCES || rc == -EPERM)
		return ms_error_set(err, EACCES, 0, "vma %d: %s/%d/smaps: %s", pid, root, pid,
				    ms_denied_reason());
	if (rc != -ENOENT) {
		char what[32];
		snprintf(what, sizeof what, "vma %d", pid);
		ms_error_prefix(err, what);
		return rc;
	}
	/* Neither smaps nor maps: is the process there at all? */
	ms_buf status = MS_BUF_INIT;
	char rel[32];
	snprintf(rel, sizeof rel, "%d/status", pid);
	bool exists = ms_source_read(src, rel, &status, NULL) == 0;
	ms_buf_free(&status);
	if (!exists)
		return ms_error_set(err, ENOENT, 0, "vma %d: no such process in %s", pid, root);
	return ms_error_set(err, ENOENT, 0, "vma %d: %s/%d: no smaps or maps", pid, root, pid);
}

static void vma_text_head(struct render *r, size_t n, bool from_smaps)
{
	putf(r, "pid %d, %zu mappings%s\n", r->o->pid, n,
	     from_smaps ? "" : " (from maps: no smaps, memory figures unknown)");
}

static void vma_json_head(struct render *r, bool from_smaps)
{
	json_begin(r, "vma");
	ms_json_kv_i64(&r->j, "pid", r->o->pid);
	ms_json_key(&r->j, "from_smaps");
	ms_json_bool(&r->j, from_smaps);
}

/* --sort or --reverse: the whole list, then sorted. */
static int render_vma_sorted(struct render *r, ms_source *src, ms_error *err)
{
	ms_vmalist vl;
	struct rows rs;

	int rc = ms_vmas_load(src, r->o->pid, &vl, err);
	if (rc)
		return vma_error(r, src, rc, err);
	rc = rows_prepare(&rs, r->o, &ms_vma_table, vl.v, vl.n, sizeof(ms_vma), &vl, false, err);
	if (rc) {
		ms_vmalist_free(&vl);
		return rc;
	}
	r->flushing = true;
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		vma_text_head(r, vl.n, vl.from_smaps);
		render_table_text(r, &rs);
		break;
	case MS_FORMAT_CSV:
		render_table_csv(r, &rs);
		break;
	case MS_FORMAT_JSON:
		vma_json_head(r, vl.from_smaps);
		json_rows(r, "vmas", &rs, NULL);
		json_totals(r, "totals", &rs);
		json_end(r);
		break;
	}
	rows_free(&rs);
	ms_vmalist_free(&vl);
	return 0;
}

/* Without --sort, mappings come in the order of the file, which the kernel
 * prints by address: each is written as soon as it is read, so the
 * formatting runs while the kernel prints the rest (src reads ahead) and no
 * mapping is kept. Text keeps its cells until the widths are known. */
struct vma_feed {
	struct render *r;
	struct totals tot;
	struct cells cells; /* text */
	bool began;         /* JSON or CSV head written */
};

static void vma_feed_begin(struct vma_feed *f, bool from_smaps)
{
	if (f->began)
		return;
	f->began = true;
	if (f->r->o->format == MS_FORMAT_JSON) {
		vma_json_head(f->r, from_smaps);
		ms_json_key(&f->r->j, "vmas");
		ms_json_arr_begin(&f->r->j);
	} else if (f->r->o->format == MS_FORMAT_CSV) {
		csv_header(f->r, &ms_vma_table);
	}
}

static int vma_feed_row(void *ctx, const ms_vmalist *l, size_t i)
{
	struct vma_feed *f = ctx;
	struct render *r = f->r;
	const ms_vma *row = &l->v[i];
	bool shown = r->o->limit <= 0 || f->tot.count < (size_t)r->o->limit;

	vma_feed_begin(f, l->from_smaps);
	totals_add(&f->tot, &ms_vma_table, row, l);
	if (shown) {
		switch (r->o->format) {
		case MS_FORMAT_TEXT: cells_add_row(r, &f->cells, row, l); break;
		case MS_FORMAT_CSV: csv_row(r, &ms_vma_table, row, l); break;
		case MS_FORMAT_JSON: json_row(r, &ms_vma_table, row, l, NULL); break;
		}
	}
	return r->status ? r->status : MS_VMA_USED;
}

static void vma_feed_end(struct vma_feed *f, bool from_smaps)
{
	struct render *r = f->r;

	/* smaps is read whole: what is left cannot fail half-way but for
	 * want of memory. */
	r->flushing = true;
	vma_feed_begin(f, from_smaps);
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		vma_text_head(r, f->tot.count, from_smaps);
		cells_write(r, &f->cells, &f->tot, NULL, NULL);
		break;
	case MS_FORMAT_CSV:
		break;
	case MS_FORMAT_JSON:
		ms_json_arr_end(&r->j);
		json_totals_of(r, "totals", &ms_vma_table, &f->tot);
		json_end(r);
		break;
	}
}

static int render_vma_streamed(struct render *r, ms_source *src, ms_error *err)
{
	struct vma_feed f = { .r = r };
	ms_vmalist vl;

	totals_init(&f.tot);
	cells_init(&f.cells, &ms_vma_table);
	int rc = ms_vmas_load_each(src, r->o->pid, &vl, vma_feed_row, &f, err);
	if (rc == 0)
		vma_feed_end(&f, vl.from_smaps);
	else if (r->status)
		rc = ms_error_set(err, -r->status, 0, "vma %d: out of memory", r->o->pid);
	else
		rc = vma_error(r, src, rc, err);
	cells_free(&f.cells);
	ms_vmalist_free(&vl);
	return rc;
}

static int render_vma(struct render *r, ms_source *src, ms_error *err)
{
	if (r->o->sort || r->o->reverse)
		return render_vma_sorted(r, src, err);
	return render_vma_streamed(r, src, err);
}

/* ---- report -------------------------------------------------------------- */

/* The sections of a report, each with the part state that can hide it. */
struct section {
	const char *key;   /* JSON key and the name in "errors" */
	const char *title; /* text heading */
	const ms_part_state *(*state)(const ms_sample *s);
};

static const ms_part_state *st_meminfo(const ms_sample *s) { return &s->meminfo_st; }
static const ms_part_state *st_procs(const ms_sample *s) { return &s->procs_st; }
static const ms_part_state *st_slabs(const ms_sample *s) { return &s->slabs_st; }
static const ms_part_state *st_buddy(const ms_sample *s) { return &s->buddy_st; }
static const ms_part_state *st_pagetype(const ms_sample *s) { return &s->pagetype_st; }
static const ms_part_state *st_zones(const ms_sample *s) { return &s->zones_st; }

enum { SEC_MEMINFO, SEC_PROCS, SEC_SLABS, SEC_BUDDY, SEC_PAGETYPE, SEC_ZONES, SEC_COUNT };

static const struct section sections[SEC_COUNT] = {
	[SEC_MEMINFO] = { "meminfo", "Memory (meminfo)", st_meminfo },
	[SEC_PROCS] = { "processes", "Processes (procrank)", st_procs },
	[SEC_SLABS] = { "caches", "Slab caches (slabinfo)", st_slabs },
	[SEC_BUDDY] = { "buddy", "Free blocks (buddyinfo, pagetypeinfo)", st_buddy },
	[SEC_PAGETYPE] = { "pagetypeinfo", NULL, st_pagetype },
	[SEC_ZONES] = { "zones", "Zones (zoneinfo, pages)", st_zones },
};

static bool section_ok(const struct render *r, int sec)
{
	return sections[sec].state(r->s)->status == 0;
}

static void report_text_header(struct render *r)
{
	const ms_source_info *i = &r->s->info;

	put(r, "memscope report\n");
	put(r, "source:      ");
	put_display(r, i->kind == MS_SOURCE_LIVE ? "live " : "snapshot ", 0, true);
	put_display(r, i->path, 0, true);
	put(r, "\nkernel:      ");
	put_display(r, i->kernel[0] ? i->kernel : "-", 0, true);
	put(r, "\nmachine:     ");
	put_display(r, i->machine[0] ? i->machine : "-", 0, true);
	putf(r, "\npage size:   %ld\ncaptured at: ", i->page_size);
	put_display(r, i->captured_at[0] ? i->captured_at : "-", 0, true);
	put(r, "\n");
}

static int section_rows(struct rows *rs, const struct render *r, int sec, ms_error *err)
{
	switch (sec) {
	case SEC_PROCS:
		return procs_prepare(rs, r, err);
	case SEC_SLABS:
		return slabs_prepare(rs, r, err);
	default:
		return zones_prepare(rs, r, err);
	}
}

static void report_text_section(struct render *r, int sec)
{
	struct rows rs;
	ms_error ignored;

	putf(r, "\n== %s ==\n", sections[sec].title);
	if (!section_ok(r, sec)) {
		put_reason(r, sections[sec].state(r->s));
		put(r, "\n");
		return;
	}
	switch (sec) {
	case SEC_MEMINFO:
		meminfo_text(r, &r->s->meminfo);
		return;
	case SEC_BUDDY:
		buddy_text(r);
		return;
	}
	if (section_rows(&rs, r, sec, &ignored))
		return;
	if (sec == SEC_ZONES) {
		zones_text(r, &rs);
	} else {
		render_table_text(r, &rs);
		if (sec == SEC_PROCS)
			text_skipped(r);
	}
	rows_free(&rs);
}

/* processes + process_totals, caches + cache_totals, zones. */
static void report_json_table(struct render *r, int sec)
{
	static const char *const totals_key[SEC_COUNT] = {
		[SEC_PROCS] = "process_totals", [SEC_SLABS] = "cache_totals",
	};
	struct rows rs;
	ms_error ignored;
	bool ok = section_ok(r, sec) && section_rows(&rs, r, sec, &ignored) == 0;

	if (ok) {
		json_rows(r, sections[sec].key, &rs, sec == SEC_PROCS ? proc_extra
						     : sec == SEC_ZONES ? zone_extra : NULL);
	} else {
		ms_json_key(&r->j, sections[sec].key);
		ms_json_null(&r->j);
	}
	if (totals_key[sec]) {
		if (ok) {
			json_totals(r, totals_key[sec], &rs);
		} else {
			ms_json_key(&r->j, totals_key[sec]);
			ms_json_null(&r->j);
		}
	}
	if (ok)
		rows_free(&rs);
}

static void report_json_section(struct render *r, int sec)
{
	switch (sec) {
	case SEC_PAGETYPE:
		return; /* inside "buddy" */
	case SEC_PROCS:
	case SEC_SLABS:
	case SEC_ZONES:
		report_json_table(r, sec);
		return;
	}
	ms_json_key(&r->j, sections[sec].key);
	if (!section_ok(r, sec)) {
		ms_json_null(&r->j);
	} else if (sec == SEC_MEMINFO) {
		meminfo_json_object(r, &r->s->meminfo);
	} else {
		ms_json_obj_begin(&r->j);
		json_buddy_body(r);
		ms_json_obj_end(&r->j);
	}
}

/* {"meminfo": "not in snapshot", ...}: why each missing section is missing. */
static void report_json_errors(struct render *r)
{
	ms_json_key(&r->j, "errors");
	ms_json_obj_begin(&r->j);
	for (int sec = 0; sec < SEC_COUNT; sec++) {
		if (!section_ok(r, sec))
			ms_json_kv_str(&r->j, sections[sec].key,
				       ms_part_reason(sections[sec].state(r->s)));
	}
	ms_json_obj_end(&r->j);
}

static int render_report(struct render *r, ms_error *err)
{
	switch (r->o->format) {
	case MS_FORMAT_TEXT:
		report_text_header(r);
		for (int sec = 0; sec < SEC_COUNT; sec++)
			if (sections[sec].title)
				report_text_section(r, sec);
		return 0;
	case MS_FORMAT_JSON:
		json_begin(r, "report");
		for (int sec = 0; sec < SEC_COUNT; sec++)
			report_json_section(r, sec);
		report_json_errors(r);
		json_end(r);
		return 0;
	default:
		/* options.c refuses it; a library caller gets the same answer. */
		return ms_error_set(err, EINVAL, 0,
				    "report: CSV holds one table: use -f text or -f json");
	}
}

/* ---- entry point ----------------------------------------------------------- */

/* Renders into out, handing it to sink (when not NULL) as it fills once
 * the view's data is read. */
static int render_view(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		       FILE *sink, const char *sink_name, ms_error *err)
{
	/* The vma view reads its process while rendering; the others have
	 * their data in the sample already. */
	struct render r = { .o = o, .s = s, .out = out, .sink = sink,
			    .flushing = o->view != MS_VIEW_VMA };
	size_t start = out->len;
	int rc;

	ms_error_clear(err);
	switch (o->view) {
	case MS_VIEW_PROCRANK: rc = render_procrank(&r, err); break;
	case MS_VIEW_SLABS: rc = render_slabs(&r, err); break;
	case MS_VIEW_BUDDY: rc = render_buddy(&r, err); break;
	case MS_VIEW_ZONES: rc = render_zones(&r, err); break;
	case MS_VIEW_MEMINFO: rc = render_meminfo(&r, err); break;
	case MS_VIEW_VMA: rc = render_vma(&r, src, err); break;
	case MS_VIEW_REPORT: rc = render_report(&r, err); break;
	default: rc = ms_error_set(err, EINVAL, 0, "view %d: unknown", (int)o->view); break;
	}
	ms_buf_free(&r.scratch);
	if (!rc) {
		r.flushing = true;
		flush_out(&r, true);
	}
	if (!rc && r.sink_errno)
		rc = ms_error_set(err, r.sink_errno, 0, "%s: %s", sink_name, strerror(r.sink_errno));
	else if (!rc && r.status)
		rc = ms_error_set(err, -r.status, 0, "%s: out of memory", ms_view_name(o->view));
	if (rc && out->len >= start) {
		/* Never hand back half a document (what went to the sink is
		 * gone: only a failed write or memory can get there). */
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

int ms_batch_render(const ms_batch_opts *o, const ms_sample *s, ms_source *src, ms_buf *out,
		    ms_error *err)
{
	return render_view(o, s, src, out, NULL, NULL, err);
}

int ms_batch_write(const ms_batch_opts *o, const ms_sample *s, ms_source *src, FILE *to,
		   const char *to_name, ms_error *err)
{
	ms_buf out = MS_BUF_INIT;
	int rc = render_view(o, s, src, &out, to, to_name, err);

	ms_buf_free(&out);
	if (rc == 0 && fflush(to) != 0) {
		int e = errno ? errno : EIO;
		rc = ms_error_set(err, e, 0, "%s: %s", to_name, strerror(e));
	}
	return rc;
}
