/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Key/value files: /proc/meminfo ("Key:  123 kB"), /proc/vmstat and the
 * sysfs node vmstat ("key 123"), and the list type that holds them (also
 * used for the free-form counters of zoneinfo). Also home of the number
 * helper every system-file parser uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

bool ms_parse_i64_word(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;

	if (!ms_parse_i64(&s, end, out))
		return false;
	/* Only a blank (as ms_skip_space sees it) may end the word. */
	const char *after = s;
	ms_skip_space(&after, end);
	if (s < end && after == s)
		return false;
	*p = s;
	return true;
}

/* ---- the list ---------------------------------------------------------- */

/* Kernel keys are printable ASCII words ("Active(anon)", "nr_free_pages").
 * Refusing anything else keeps NUL bytes and terminal escapes out of keys
 * and out of error messages, which quote them. */
static bool valid_key(const char *key, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (key[i] <= ' ' || key[i] > '~' || key[i] == ':')
			return false;
	return true;
}

void ms_kvlist_free(ms_kvlist *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

int64_t ms_kvlist_get(const ms_kvlist *l, const char *key)
{
	/* The first one wins: a key printed twice is a kernel quirk, and the
	 * kernel's own order is what a reader of the file sees first. */
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return MS_NA;
}

int ms_kvlist_add(ms_kvlist *l, const char *key, size_t keylen, int64_t v, bool kb)
{
	if (keylen >= sizeof l->items[0].key || !valid_key(key, keylen))
		return -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof *l->items)
			return -ENOMEM;
		ms_kv *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return -ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	ms_kv *kv = &l->items[l->n++];
	memcpy(kv->key, key, keylen);
	kv->key[keylen] = '\0';
	kv->value = v;
	kv->kb = kb;
	return 0;
}

/* ---- line helpers ------------------------------------------------------ */

static void trim_right(const char *line, size_t *len)
{
	while (*len > 0 && (line[*len - 1] == ' ' || line[*len - 1] == '\t' ||
			    line[*len - 1] == '\r'))
		(*len)--;
}

static int add_checked(ms_kvlist *out, const char *key, size_t keylen, int64_t v, bool kb,
		       unsigned lineno, ms_error *err)
{
	int rc = ms_kvlist_add(out, key, keylen, v, kb);

	if (rc == -ENOMEM)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	if (rc < 0)
		return ms_error_set(err, EINVAL, lineno, "invalid key, or longer than %zu bytes",
				    sizeof out->items[0].key - 1);
	return 0;
}

/* ---- meminfo ----------------------------------------------------------- */

/* The sysfs per-node meminfo prefixes each line with "Node N ". */
static void skip_node_prefix(const char **p, const char *end)
{
	const char *s = *p;
	int64_t node;

	if (end - s < 5 || memcmp(s, "Node ", 5) != 0)
		return;
	s += 5;
	if (ms_parse_i64_word(&s, end, &node) && node >= 0)
		*p = s;
}

static bool key_is(const char *key, size_t len, const char *lit)
{
	return ms_token_eq(key, len, lit);
}

/* Linux 2.4 (and some 2.6 vendor kernels) print a table in bytes before
 * the "Key: value" lines:
 *         total:    used:    free:  shared: buffers:  cached:
 * Mem:  260579328 136073216 124506112        0  4915200 94064640
 * Swap:        0        0        0
 * Its figures repeat the kB lines below it, so the table is skipped. */
static bool legacy_table_line(const char *key, size_t keylen, bool *in_table)
{
	if (key_is(key, keylen, "total")) {
		*in_table = true;
		return true;
	}
	if (*in_table && (key_is(key, keylen, "Mem") || key_is(key, keylen, "Swap")))
		return true;
	*in_table = false;
	return false;
}

static int meminfo_line(const char *line, size_t len, unsigned lineno, bool *in_table,
			ms_kvlist *out, ms_error *err)
{
	const char *p = line, *end = line + len;
	int64_t v;
	bool kb = false;

	skip_node_prefix(&p, end);
	ms_skip_space(&p, end);
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon)
		return ms_error_set(err, EINVAL, lineno, "expected 'Key: value', found no ':'");
	const char *key = p;
	size_t keylen = (size_t)(colon - p);
	if (!valid_key(key, keylen))
		return ms_error_set(err, EINVAL, lineno, "invalid key before ':'");
	if (legacy_table_line(key, keylen, in_table))
		return 0;
	p = colon + 1;
	if (!ms_parse_i64_word(&p, end, &v))
		return ms_error_set(err, EINVAL, lineno, "%.*s: value is not a number or overflows",
				    (int)keylen, key);
	ms_skip_space(&p, end);
	if (end - p == 2 && memcmp(p, "kB", 2) == 0) {
		kb = true;
		p = end;
	}
	if (p != end)
		return ms_error_set(err, EINVAL, lineno, "%.*s: unexpected text after the value",
				    (int)keylen, key);
	return add_checked(out, key, keylen, v, kb, lineno, err);
}

int ms_parse_meminfo(const char *buf, size_t len, ms_kvlist *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;
	bool in_table = false;

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		trim_right(line, &n);
		if (n == 0)
			continue;
		int rc = meminfo_line(line, n, it.lineno, &in_table, out, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- vmstat ------------------------------------------------------------ */

static int vmstat_line(const char *line, size_t len, unsigned lineno, ms_kvlist *out,
		       ms_error *err)
{
	const char *p = line, *end = line + len;
	const char *key;
	size_t keylen;
	int64_t v;

	if (!ms_next_token(&p, end, &key, &keylen) || !valid_key(key, keylen))
		return ms_error_set(err, EINVAL, lineno, "expected 'key value', found no key");
	if (!ms_parse_i64_word(&p, end, &v))
		return ms_error_set(err, EINVAL, lineno, "%.*s: value is not a number or overflows",
				    (int)keylen, key);
	ms_skip_space(&p, end);
	if (p != end)
		return ms_error_set(err, EINVAL, lineno, "%.*s: unexpected text after the value",
				    (int)keylen, key);
	return add_checked(out, key, keylen, v, false, lineno, err);
}

int ms_parse_vmstat(const char *buf, size_t len, ms_kvlist *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		trim_right(line, &n);
		if (n == 0)
			continue;
		int rc = vmstat_line(line, n, it.lineno, out, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
