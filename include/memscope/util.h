/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small shared pieces: one growable byte buffer, one error record, a line
 * iterator, overflow-checked number parsing and the escaping rules for text
 * that comes from the system (process names, command lines, paths).
 */
#ifndef MEMSCOPE_UTIL_H
#define MEMSCOPE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A figure that could not be read. Shown as "-" in text and null in JSON,
 * never as 0. Every int64_t figure in the model uses it. */
#define MS_NA INT64_MIN

#define MS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------ */

/* code is an errno value (ENOENT: not there, EACCES: not allowed, EINVAL:
 * not the format we know, EFBIG: over a size cap, ENOMEM). line is the
 * 1-based input line the problem was found on, 0 when it does not apply. */
typedef struct ms_error {
	int code;
	unsigned line;
	char msg[240];
} ms_error;

/* Sets *e (when e is not NULL) and returns -code, so a parser can write
 * `return ms_error_set(err, EINVAL, n, "...")`. */
int ms_error_set(ms_error *e, int code, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ms_error_clear(ms_error *e);
/* Prefixes the message with "what: " (e.g. the file name). */
void ms_error_prefix(ms_error *e, const char *what);

/* ---- growable arrays ------------------------------------------------------ */

/* Room for one more element in an array of *cap elements of elem bytes each
 * holding n: doubles *cap (first when empty) and reallocs *items when n has
 * reached it. Returns 0, or -ENOMEM (the array is then unchanged). */
int ms_array_grow(void *items, size_t *cap, size_t n, size_t elem, size_t first);

/* ---- growable buffer (one type for all text, as git's strbuf) ---------- */

typedef struct ms_buf {
	char *data; /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
} ms_buf;

#define MS_BUF_INIT { NULL, 0, 0 }

/* All return 0, or -ENOMEM (the buffer is then unchanged). */
int ms_buf_reserve(ms_buf *b, size_t extra);
int ms_buf_append(ms_buf *b, const void *p, size_t n);
int ms_buf_puts(ms_buf *b, const char *s);
int ms_buf_putc(ms_buf *b, char c);
int ms_buf_printf(ms_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ms_buf_vprintf(ms_buf *b, const char *fmt, va_list ap);
void ms_buf_reset(ms_buf *b); /* len = 0, memory kept */
void ms_buf_free(ms_buf *b);
/* Hands the memory to the caller (NUL-terminated, never NULL); b is reset. */
char *ms_buf_detach(ms_buf *b);

/* ---- lines ------------------------------------------------------------- */

/* Walks a buffer line by line without copying. The line excludes '\n';
 * a last line without '\n' is returned too. */
typedef struct ms_lines {
	const char *p;
	const char *end;
	unsigned lineno; /* of the line last returned, 1-based */
} ms_lines;

void ms_lines_init(ms_lines *it, const char *buf, size_t len);
bool ms_lines_next(ms_lines *it, const char **line, size_t *len);

/* ---- numbers and fields ------------------------------------------------ */

/* Cursor helpers over [*p, end). They never read past end. */
void ms_skip_space(const char **p, const char *end);
/* Signed decimal; false on no digits or overflow. */
bool ms_parse_i64(const char **p, const char *end, int64_t *out);
bool ms_parse_u64(const char **p, const char *end, uint64_t *out);
bool ms_parse_hex_u64(const char **p, const char *end, uint64_t *out);
/* Next whitespace-separated token; false at end. */
bool ms_next_token(const char **p, const char *end, const char **tok, size_t *toklen);
/* Copies at most cap-1 bytes and NUL-terminates. */
void ms_copy_field(char *dst, size_t cap, const char *src, size_t len);
bool ms_token_eq(const char *tok, size_t len, const char *lit);

/* Numbers as text without printf (a 60,000-mapping table holds a million
 * of them). dst needs MS_NUM_MAX bytes; the text is NUL-terminated and its
 * length returned. */
#define MS_NUM_MAX 24
size_t ms_fmt_u64(char *dst, uint64_t v);
size_t ms_fmt_i64(char *dst, int64_t v);
/* Lower-case hex, zero-padded to at least min_digits ("%08" PRIx64). */
size_t ms_fmt_hex(char *dst, uint64_t v, int min_digits);

/* ns since the epoch as UTC ISO 8601, as captured_at writes it:
 * "2026-12-05T03:20:38Z", with the fraction of a second when there is one
 * ("...38.25Z"); "" when the time cannot be shown. cap: 40 is plenty. */
void ms_format_utc(char *out, size_t cap, int64_t ns);

/* Saturating arithmetic for totals: MS_NA is contagious. */
int64_t ms_add_na(int64_t a, int64_t b);

/* ---- escaping of untrusted text ---------------------------------------- */

/* For a terminal or a text table: valid UTF-8 passes, every control
 * character (C0, DEL, C1) and every invalid byte becomes a visible escape
 * (\n, \t, \e, \xNN). Nothing that could act on a terminal survives. */
int ms_escape_display(ms_buf *out, const char *s, size_t len);
/* Display width of the result of ms_escape_display, in columns
 * (one per code point; East Asian wide ones count two). */
size_t ms_display_width(const char *s, size_t len);
/* True when the text is printable ASCII that the escapes leave as it is
 * (for JSON, without a quote or a backslash either): nearly all of it, so
 * callers copy it in one go. */
bool ms_is_plain_display(const char *s, size_t len);
bool ms_is_plain_json(const char *s, size_t len);
/* RFC 8259 string body, without the quotes. */
int ms_escape_json(ms_buf *out, const char *s, size_t len);
/* RFC 4180 field: display-escaped, then quoted when it holds , " or space. */
int ms_escape_csv(ms_buf *out, const char *s, size_t len);
/* OpenMetrics label value, without the quotes: display-escaped (so no
 * control character or invalid UTF-8 reaches a scraper), then \\ and \"
 * as the exposition format wants. */
int ms_escape_label(ms_buf *out, const char *s, size_t len);

/* ---- JSON writer ------------------------------------------------------- */

/* Compact JSON into a buffer; commas and escaping are handled here so that
 * no view writes punctuation by hand. Nesting deeper than 32 is a bug. */
typedef struct ms_json {
	ms_buf *out;
	int depth;
	bool need_comma[32];
	bool after_key;
} ms_json;

void ms_json_init(ms_json *j, ms_buf *out);
void ms_json_obj_begin(ms_json *j);
void ms_json_obj_end(ms_json *j);
void ms_json_arr_begin(ms_json *j);
void ms_json_arr_end(ms_json *j);
void ms_json_key(ms_json *j, const char *key);
void ms_json_str(ms_json *j, const char *s); /* NULL gives null */
void ms_json_strn(ms_json *j, const char *s, size_t len);
void ms_json_i64(ms_json *j, int64_t v); /* MS_NA gives null */
void ms_json_u64(ms_json *j, uint64_t v);
void ms_json_double(ms_json *j, double v, int decimals);
void ms_json_bool(ms_json *j, bool v);
void ms_json_null(ms_json *j);
/* Shorthands for "key": value. */
void ms_json_kv_str(ms_json *j, const char *key, const char *s);
void ms_json_kv_i64(ms_json *j, const char *key, int64_t v);

/* ---- data files -------------------------------------------------------- */

/* The path of memscope's data file `name` (a bare file name such as
 * "memscope-capture.sh") in buf: the installed data directory
 * (<prefix>/<datadir>/memscope), or the source tree's data/ when the program
 * runs uninstalled from its build tree. NULL with errno set when the file is
 * not there or not readable (ENOENT, EACCES), the path does not fit in cap
 * (ENAMETOOLONG) or name is not a bare file name (EINVAL). */
const char *ms_data_path(const char *name, char *buf, size_t cap);

#endif
