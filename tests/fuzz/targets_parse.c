/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz targets for the pure parsers of src/parse (and the figures derived
 * from their output in src/model/derived.c, where hostile counts meet
 * arithmetic). Beyond "no crash", each target checks what parse.h
 * promises of a result: error codes come with a message, names stay
 * NUL-terminated inside their fields, counts stay within their arrays.
 * The smaps target also checks that the whole-buffer parser and the
 * incremental one, fed through the line splitter in odd-sized chunks,
 * agree on every mapping.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/parse.h"
#include "memscope/source.h"
#include "targets.h"

/* The line cap the model gives the splitter when it streams smaps. */
#define FUZZ_MAX_LINE 65536

/* The page sizes memscope meets: 4K, 16K (arm64, Apple), 64K (arm64). */
static const long page_sizes[] = { 4096, 16384, 65536 };

void ms_fuzz_check_result(int rc, const ms_error *err)
{
	FUZZ_CHECK(rc <= 0);
	if (rc == 0)
		return;
	FUZZ_CHECK(err->code == -rc);
	FUZZ_CHECK(err->msg[0] != '\0');
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL);
	/* glibc's rendering of a NULL given to %s: undefined behaviour that
	 * UBSan cannot see, and no explanation for the user. Unless the input
	 * says "(null)" itself, for a message to quote. */
	FUZZ_CHECK(strstr(err->msg, "(null)") == NULL || ms_fuzz_input_holds("(null)"));
}

/* A fixed-size name field holds a terminated string. */
#define CHECK_FIELD(field) FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL)

static const char *as_text(const uint8_t *data)
{
	return (const char *)data;
}

/* ---- key/value files ------------------------------------------------------ */

static void check_kvlist(const ms_kvlist *l)
{
	FUZZ_CHECK(l->n <= l->cap);
	for (size_t i = 0; i < l->n; i++) {
		CHECK_FIELD(l->items[i].key);
		FUZZ_CHECK(l->items[i].key[0] != '\0');
		/* What was added can be found again (the first of a key wins
		 * or the last: either way the key is there). */
		FUZZ_CHECK(ms_kvlist_get(l, l->items[i].key) != MS_NA ||
			   l->items[i].value == MS_NA);
	}
}

int ms_fuzz_meminfo(const uint8_t *data, size_t size)
{
	ms_kvlist kv = { 0 };
	ms_error err;
	int rc = ms_parse_meminfo(as_text(data), size, &kv, &err);

	ms_fuzz_check_result(rc, &err);
	check_kvlist(&kv);
	ms_kvlist_get(&kv, "MemTotal");
	ms_kvlist_free(&kv);
	return 0;
}

int ms_fuzz_vmstat(const uint8_t *data, size_t size)
{
	ms_kvlist kv = { 0 };
	ms_error err;
	int rc = ms_parse_vmstat(as_text(data), size, &kv, &err);

	ms_fuzz_check_result(rc, &err);
	check_kvlist(&kv);
	ms_kvlist_free(&kv);
	return 0;
}

/* ---- buddyinfo and pagetypeinfo ------------------------------------------- */

/* The derived figures of one zone never trap, and the unusable index is a
 * ratio (rounding aside) or NaN when a count is unknown or negative. */
static void check_buddy_zone(const ms_buddy_zone *z)
{
	CHECK_FIELD(z->zone);
	FUZZ_CHECK(z->norders >= 0 && z->norders <= MS_MAX_ORDERS);
	for (size_t i = 0; i < MS_ARRAY_LEN(page_sizes); i++) {
		int64_t kb = ms_buddy_free_kb(z, page_sizes[i]);
		FUZZ_CHECK(kb == MS_NA || kb >= 0);
	}
	int largest = ms_buddy_largest_order(z);
	FUZZ_CHECK(largest >= -1 && largest < z->norders);
	for (int order = 0; order < z->norders; order++) {
		double u = ms_unusable_index(z, order);
		FUZZ_CHECK(isnan(u) || (u >= -1e-9 && u <= 1.0 + 1e-9));
		FUZZ_CHECK(!isinf(ms_extfrag_index(z, order)));
	}
}

int ms_fuzz_buddyinfo(const uint8_t *data, size_t size)
{
	ms_buddyinfo bi = { 0 };
	ms_error err;
	int rc = ms_parse_buddyinfo(as_text(data), size, &bi, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(bi.n <= bi.cap);
	for (size_t i = 0; i < bi.n; i++)
		check_buddy_zone(&bi.zones[i]);
	ms_buddyinfo_free(&bi);
	return 0;
}

int ms_fuzz_pagetypeinfo(const uint8_t *data, size_t size)
{
	ms_pagetypeinfo pt = { 0 };
	ms_error err;
	int rc = ms_parse_pagetypeinfo(as_text(data), size, &pt, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(pt.nfree <= pt.free_cap && pt.nblocks <= pt.blocks_cap);
	FUZZ_CHECK(pt.ntypes >= 0 && pt.ntypes <= MS_MAX_MIGRATE);
	for (int t = 0; t < pt.ntypes; t++)
		CHECK_FIELD(pt.types[t]);
	for (size_t i = 0; i < pt.nfree; i++) {
		CHECK_FIELD(pt.free[i].zone);
		CHECK_FIELD(pt.free[i].type);
		FUZZ_CHECK(pt.free[i].norders >= 0 && pt.free[i].norders <= MS_MAX_ORDERS);
	}
	for (size_t i = 0; i < pt.nblocks; i++)
		CHECK_FIELD(pt.blocks[i].zone);
	ms_pagetypeinfo_free(&pt);
	return 0;
}

/* ---- zoneinfo and slabinfo ------------------------------------------------ */

int ms_fuzz_zoneinfo(const uint8_t *data, size_t size)
{
	ms_zoneinfo zi = { 0 };
	ms_error err;
	int rc = ms_parse_zoneinfo(as_text(data), size, &zi, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(zi.n <= zi.cap);
	for (size_t i = 0; i < zi.n; i++) {
		CHECK_FIELD(zi.zones[i].zone);
		FUZZ_CHECK(zi.zones[i].nprotection >= 0 && zi.zones[i].nprotection <= 8);
		check_kvlist(&zi.zones[i].stats);
	}
	ms_zoneinfo_free(&zi);
	return 0;
}

int ms_fuzz_slabinfo(const uint8_t *data, size_t size)
{
	ms_slabinfo si = { 0 };
	ms_error err;
	int rc = ms_parse_slabinfo(as_text(data), size, &si, &err);

	ms_fuzz_check_result(rc, &err);
	/* "Any malformed row makes the whole file an error: out is emptied." */
	FUZZ_CHECK(rc == 0 || si.n == 0);
	FUZZ_CHECK(si.n <= si.cap);
	CHECK_FIELD(si.version);
	for (size_t i = 0; i < si.n; i++) {
		const ms_slab *s = &si.caches[i];
		CHECK_FIELD(s->name);
		FUZZ_CHECK(s->name[0] != '\0');
		for (size_t p = 0; p < MS_ARRAY_LEN(page_sizes); p++) {
			int64_t kb = ms_slab_size_kb(s, page_sizes[p]);
			FUZZ_CHECK(kb == MS_NA || kb >= 0);
		}
		int64_t used = ms_slab_used_kb(s);
		FUZZ_CHECK(used == MS_NA || used >= 0);
	}
	ms_slabinfo_free(&si);
	return 0;
}

/* ---- maps, smaps, smaps_rollup -------------------------------------------- */

static void check_vmalist(const ms_vmalist *l)
{
	FUZZ_CHECK(l->n <= l->cap);
	for (size_t i = 0; i < l->n; i++) {
		const ms_vma *v = &l->v[i];
		CHECK_FIELD(v->perms);
		CHECK_FIELD(v->vmflags);
		if (v->path_len == 0)
			continue;
		FUZZ_CHECK((size_t)v->path_off + v->path_len < l->strings.len + 1);
		FUZZ_CHECK(strlen(ms_vma_path(l, i)) == v->path_len);
	}
}

static bool same_vma(const ms_vmalist *a, size_t i, const ms_vmalist *b, size_t j)
{
	const ms_vma *x = &a->v[i], *y = &b->v[j];

	return x->start == y->start && x->end == y->end && x->offset == y->offset &&
	       x->inode == y->inode && x->dev_major == y->dev_major &&
	       x->dev_minor == y->dev_minor && strcmp(x->perms, y->perms) == 0 &&
	       strcmp(x->vmflags, y->vmflags) == 0 &&
	       memcmp(&x->mem, &y->mem, sizeof x->mem) == 0 &&
	       strcmp(ms_vma_path(a, i), ms_vma_path(b, j)) == 0;
}

static int smaps_line(void *ctx, const char *line, size_t len)
{
	return ms_smaps_parser_line(ctx, line, len);
}

/* Chunk sizes from a small generator seeded by the input, so that a line
 * is cut at every place over the runs, yet each input replays the same. */
static size_t next_chunk(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return 1 + (*state >> 16) % 97;
}

/* The way the model reads smaps: streamed chunks, split into lines. */
static int smaps_incremental(const uint8_t *data, size_t size, ms_vmalist *out, ms_error *err)
{
	ms_smaps_parser parser;
	ms_line_splitter split;
	uint32_t state = (uint32_t)size;
	size_t off = 0;
	int rc = 0;

	ms_smaps_parser_init(&parser, out, err);
	ms_line_splitter_init(&split, smaps_line, &parser, FUZZ_MAX_LINE);
	while (rc == 0 && off < size) {
		size_t n = next_chunk(&state);
		if (n > size - off)
			n = size - off;
		rc = ms_line_splitter_feed(&split, as_text(data) + off, n);
		off += n;
	}
	if (rc == 0)
		rc = ms_line_splitter_finish(&split);
	if (rc == 0)
		rc = ms_smaps_parser_finish(&parser);
	ms_line_splitter_free(&split);
	return rc;
}

static bool has_long_line(const uint8_t *data, size_t size)
{
	size_t run = 0;

	for (size_t i = 0; i < size; i++) {
		run = data[i] == '\n' ? 0 : run + 1;
		if (run > FUZZ_MAX_LINE)
			return true;
	}
	return false;
}

int ms_fuzz_smaps(const uint8_t *data, size_t size)
{
	ms_vmalist whole = { 0 }, streamed = { 0 };
	ms_error werr, serr;
	int wrc = ms_parse_smaps(as_text(data), size, &whole, &werr);
	int src = smaps_incremental(data, size, &streamed, &serr);

	ms_fuzz_check_result(wrc, &werr);
	check_vmalist(&whole);
	check_vmalist(&streamed);
	if (!has_long_line(data, size)) {
		/* The splitter's line cap aside, both paths see the same lines. */
		FUZZ_CHECK(wrc == src);
		FUZZ_CHECK(whole.n == streamed.n);
		for (size_t i = 0; i < whole.n; i++)
			FUZZ_CHECK(same_vma(&whole, i, &streamed, i));
		if (wrc < 0) {
			ms_fuzz_check_result(src, &serr);
			FUZZ_CHECK(werr.line == serr.line);
		}
	}
	ms_vmalist_free(&whole);
	ms_vmalist_free(&streamed);
	return 0;
}

int ms_fuzz_maps(const uint8_t *data, size_t size)
{
	ms_vmalist l = { 0 };
	ms_error err;
	int rc = ms_parse_maps(as_text(data), size, &l, &err);
	ms_lines it;
	const char *line;
	size_t n, done = 0;

	ms_fuzz_check_result(rc, &err);
	check_vmalist(&l);
	/* The one-line form agrees with the list on every line it accepted. */
	ms_lines_init(&it, as_text(data), size);
	while (done < l.n && ms_lines_next(&it, &line, &n)) {
		ms_vma v;
		const char *path;
		size_t pathlen;
		if (n == 0)
			continue;
		FUZZ_CHECK(ms_parse_maps_line(line, n, &v, &path, &pathlen) == 0);
		FUZZ_CHECK(v.start == l.v[done].start && v.end == l.v[done].end);
		FUZZ_CHECK(path >= line && path + pathlen <= line + n);
		done++;
	}
	FUZZ_CHECK(done == l.n);
	ms_vmalist_free(&l);
	return 0;
}

int ms_fuzz_rollup(const uint8_t *data, size_t size)
{
	ms_memcounters c, sum;
	ms_error err;
	int rc = ms_parse_smaps_rollup(as_text(data), size, &c, &err);

	ms_fuzz_check_result(rc, &err);
	ms_memcounters_uss(&c);
	/* Sums of hostile counters saturate to MS_NA, never wrap. */
	ms_memcounters_init(&sum);
	ms_memcounters_add(&sum, &c);
	ms_memcounters_add(&sum, &c);
	ms_memcounters_uss(&sum);
	return 0;
}

/* ---- per-process identity files ------------------------------------------- */

int ms_fuzz_pid(const uint8_t *data, size_t size)
{
	ms_pid_status st;
	ms_pid_stat sa;
	ms_pid_statm sm;
	ms_buf cmd = MS_BUF_INIT;
	ms_error err;
	int rc;

	rc = ms_parse_pid_status(as_text(data), size, &st, &err);
	ms_fuzz_check_result(rc, &err);
	CHECK_FIELD(st.name);
	/* State: a letter, or 0 when not printed. */
	FUZZ_CHECK(st.state == 0 || (st.state >= 'A' && st.state <= 'Z') ||
		   (st.state >= 'a' && st.state <= 'z'));
	rc = ms_parse_pid_stat(as_text(data), size, &sa, &err);
	ms_fuzz_check_result(rc, &err);
	CHECK_FIELD(sa.comm);
	rc = ms_parse_pid_statm(as_text(data), size, &sm, &err);
	ms_fuzz_check_result(rc, &err);
	rc = ms_parse_cmdline(as_text(data), size, &cmd);
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
	/* argv joined: as long as the input, minus a trailing NUL at most. */
	FUZZ_CHECK(rc != 0 || cmd.len <= size);
	FUZZ_CHECK(cmd.len == 0 || cmd.data[cmd.len] == '\0');
	ms_buf_free(&cmd);
	return 0;
}

int ms_fuzz_meta(const uint8_t *data, size_t size)
{
	ms_snapshot_meta m;
	ms_error err;
	char release[64];
	int rc = ms_parse_snapshot_meta(as_text(data), size, &m, &err);

	ms_fuzz_check_result(rc, &err);
	CHECK_FIELD(m.format);
	CHECK_FIELD(m.captured_at);
	CHECK_FIELD(m.hostname);
	CHECK_FIELD(m.kernel);
	CHECK_FIELD(m.machine);
	CHECK_FIELD(m.tool);
	rc = ms_parse_version(as_text(data), size, release, sizeof release);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
	CHECK_FIELD(release);
	FUZZ_CHECK(rc != 0 || release[0] != '\0');
	return 0;
}
