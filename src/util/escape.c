/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Escaping of text that comes from the system. Any user on a board can name
 * a process "\e]0;...\a" or put a newline in a file name; such bytes must
 * never reach a terminal raw, and must not break JSON or CSV either.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/util.h"

/* Decodes one UTF-8 sequence at s. Returns its length and sets *cp, or 0
 * for an invalid or truncated sequence (overlong forms, surrogates and code
 * points above U+10FFFF are invalid). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min_for_len[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points that act on a terminal or reorder text: C0, DEL, C1, the
 * line/paragraph separators and the bidi overrides and isolates. */
static bool is_dangerous(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int put_display_escape(ms_buf *out, uint32_t cp)
{
	switch (cp) {
	case '\n': return ms_buf_puts(out, "\\n");
	case '\t': return ms_buf_puts(out, "\\t");
	case '\r': return ms_buf_puts(out, "\\r");
	case 0x1b: return ms_buf_puts(out, "\\e");
	default:
		if (cp <= 0xff)
			return ms_buf_printf(out, "\\x%02x", (unsigned)cp);
		return ms_buf_printf(out, "\\u%04x", (unsigned)cp);
	}
}

/* Length of the run of printable ASCII at s that needs no escaping (for
 * JSON, no quote or backslash either): copied in one go, since nearly all
 * text is such a run. */
static size_t plain_run(const unsigned char *s, size_t len, bool json)
{
	size_t n = 0;
	while (n < len && s[n] >= 0x20 && s[n] < 0x7f && !(json && (s[n] == '"' || s[n] == '\\')))
		n++;
	return n;
}

int ms_escape_display(ms_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t run = plain_run(u + i, len - i, false);
		if (run) {
			if (ms_buf_append(out, s + i, run) != 0)
				return -ENOMEM;
			i += run;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		int r;
		if (n == 0) {
			r = ms_buf_printf(out, "\\x%02x", u[i]);
			n = 1;
		} else if (is_dangerous(cp)) {
			r = put_display_escape(out, cp);
		} else {
			r = ms_buf_append(out, s + i, n);
		}
		if (r != 0)
			return r;
		i += n;
	}
	return 0;
}

static int cp_width(uint32_t cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

size_t ms_display_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cp = '?';
		}
		w += (size_t)cp_width(cp);
		i += n;
	}
	return w;
}

int ms_escape_json(ms_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t run = plain_run(u + i, len - i, true);
		if (run) {
			if (ms_buf_append(out, s + i, run) != 0)
				return -ENOMEM;
			i += run;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		int r;
		if (n == 0) {
			/* JSON text must be UTF-8: an invalid byte is kept
			 * visible as the four characters \xNN. */
			r = ms_buf_printf(out, "\\\\x%02x", u[i]);
			n = 1;
		} else if (cp == '"') {
			r = ms_buf_puts(out, "\\\"");
		} else if (cp == '\\') {
			r = ms_buf_puts(out, "\\\\");
		} else if (cp == '\n') {
			r = ms_buf_puts(out, "\\n");
		} else if (cp == '\t') {
			r = ms_buf_puts(out, "\\t");
		} else if (cp == '\r') {
			r = ms_buf_puts(out, "\\r");
		} else if (is_dangerous(cp)) {
			r = ms_buf_printf(out, "\\u%04x", (unsigned)cp);
		} else {
			r = ms_buf_append(out, s + i, n);
		}
		if (r != 0)
			return r;
		i += n;
	}
	return 0;
}

bool ms_is_plain_display(const char *s, size_t len)
{
	return plain_run((const unsigned char *)s, len, false) == len;
}

bool ms_is_plain_json(const char *s, size_t len)
{
	return plain_run((const unsigned char *)s, len, true) == len;
}

/* Printable ASCII without a comma or a quote, and no blank at either end:
 * a CSV field as it is, nearly always. */
static bool plain_csv(const char *s, size_t len)
{
	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		return false;
	return ms_is_plain_display(s, len) && !memchr(s, ',', len) && !memchr(s, '"', len);
}

int ms_escape_csv(ms_buf *out, const char *s, size_t len)
{
	if (plain_csv(s, len))
		return ms_buf_append(out, s, len);
	ms_buf tmp = MS_BUF_INIT;
	int r = ms_escape_display(&tmp, s, len);
	if (r != 0) {
		ms_buf_free(&tmp);
		return r;
	}
	const char *t = tmp.data ? tmp.data : "";
	bool quote = strpbrk(t, ",\"") != NULL || (tmp.len && (t[0] == ' ' || t[tmp.len - 1] == ' '));
	if (!quote) {
		r = ms_buf_append(out, t, tmp.len);
	} else {
		r = ms_buf_putc(out, '"');
		for (size_t i = 0; r == 0 && i < tmp.len; i++)
			r = t[i] == '"' ? ms_buf_puts(out, "\"\"") : ms_buf_putc(out, t[i]);
		if (r == 0)
			r = ms_buf_putc(out, '"');
	}
	ms_buf_free(&tmp);
	return r;
}

int ms_escape_label(ms_buf *out, const char *s, size_t len)
{
	ms_buf shown = MS_BUF_INIT;
	int rc = ms_escape_display(&shown, s, len);

	/* What the display escape left is printable UTF-8; only the two
	 * characters the exposition format quotes remain to be escaped (a
	 * newline is already "\n", its backslash escaped below). */
	for (size_t i = 0; !rc && i < shown.len; i++) {
		char c = shown.data[i];
		rc = c == '\\' || c == '"' ? ms_buf_putc(out, '\\') : 0;
		if (!rc)
			rc = ms_buf_putc(out, c);
	}
	ms_buf_free(&shown);
	return rc;
}
