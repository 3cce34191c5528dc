/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A strict RFC 8259 validator, the oracle of the snapshot target: whatever
 * bytes a snapshot holds, every JSON document memscope prints must parse
 * (strings escaped, valid UTF-8, no NaN or Infinity, balanced nesting).
 * It only says yes or no; nothing is built.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "targets.h"

#define MAX_DEPTH 64

struct cursor {
	const unsigned char *p, *end;
	int depth;
};

static bool value(struct cursor *c);

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool literal(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool is_digit(const struct cursor *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

static bool digits(struct cursor *c)
{
	if (!is_digit(c))
		return false;
	while (is_digit(c))
		c->p++;
	return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(struct cursor *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digits(c))
			return false;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return false;
	}
	return true;
}

/* One UTF-8 sequence, shortest form, no surrogates, at most U+10FFFF. */
static bool utf8_char(struct cursor *c)
{
	unsigned char b = *c->p;
	int more = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : (b & 0xf0) == 0xe0 ? 2
		 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
	unsigned cp = more == 0 ? b : more == 1 ? b & 0x1f : more == 2 ? b & 0x0f : b & 0x07;

	if (more < 0 || c->end - c->p <= more)
		return false;
	for (int i = 1; i <= more; i++) {
		if ((c->p[i] & 0xc0) != 0x80)
			return false;
		cp = cp << 6 | (c->p[i] & 0x3f);
	}
	if ((more == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (more == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return false;
	c->p += more + 1;
	return true;
}

static bool escape(struct cursor *c)
{
	if (c->p >= c->end)
		return false;
	if (strchr("\"\\/bfnrt", *c->p) && *c->p) {
		c->p++;
		return true;
	}
	if (*c->p != 'u' || c->end - c->p < 5)
		return false;
	for (int i = 1; i <= 4; i++)
		if (!strchr("0123456789abcdefABCDEF", c->p[i]) || !c->p[i])
			return false;
	c->p += 5;
	return true;
}

static bool string(struct cursor *c)
{
	if (c->p >= c->end || *c->p != '"')
		return false;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p < 0x20)
			return false;
		if (*c->p == '\\') {
			c->p++;
			if (!escape(c))
				return false;
		} else if (!utf8_char(c)) {
			return false;
		}
	}
	if (c->p >= c->end)
		return false;
	c->p++;
	return true;
}

/* Members or elements up to the closing bracket, after the opening one. */
static bool sequence(struct cursor *c, char close, bool keyed)
{
	if (++c->depth > MAX_DEPTH)
		return false;
	skip_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		skip_ws(c);
		if (keyed) {
			if (!string(c))
				return false;
			skip_ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return false;
		}
		if (!value(c))
			return false;
		skip_ws(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == close) {
			c->p++;
			c->depth--;
			return true;
		}
		if (*c->p++ != ',')
			return false;
	}
}

static bool value(struct cursor *c)
{
	skip_ws(c);
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '{': c->p++; return sequence(c, '}', true);
	case '[': c->p++; return sequence(c, ']', false);
	case '"': return string(c);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

bool ms_fuzz_json_valid(const char *s, size_t len)
{
	struct cursor c = { (const unsigned char *)s, (const unsigned char *)s + len, 0 };

	if (!value(&c))
		return false;
	skip_ws(&c);
	return c.p == c.end;
}
