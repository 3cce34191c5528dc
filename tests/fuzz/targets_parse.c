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

/* ---- memory cgroups and OOM reports (issue 12) ----------------------------- */

static void check_pid_cgroup(const ms_pid_cgroup *c)
{
	int version = 0;

	FUZZ_CHECK(c->n <= c->cap);
	for (size_t i = 0; i < c->n; i++) {
		const ms_cgroup_entry *e = &c->entries[i];
		FUZZ_CHECK((size_t)e->path_off + e->path_len < c->strings.len);
		FUZZ_CHECK((size_t)e->controllers_off + e->controllers_len < c->strings.len);
		FUZZ_CHECK(strlen(ms_pid_cgroup_path(c, i)) == e->path_len);
		FUZZ_CHECK(strlen(ms_pid_cgroup_controllers(c, i)) == e->controllers_len);
		FUZZ_CHECK(e->path_len > 0 && ms_pid_cgroup_path(c, i)[0] == '/');
		FUZZ_CHECK(e->hierarchy >= 0);
	}
	int i = ms_pid_cgroup_memory(c, &version);
	FUZZ_CHECK(i >= -1 && i < (int)c->n);
	FUZZ_CHECK(i < 0 || version == 1 || version == 2);
}

/* Every file of a memory cgroup read from the input, one kind at a time. */
int ms_fuzz_cgroup(const uint8_t *data, size_t size)
{
	ms_memcg g;
	ms_pid_cgroup pc = { 0 };
	ms_error err;
	int64_t v = 0;
	int rc;

	rc = ms_parse_cg_number(as_text(data), size, &v, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc != 0 || v >= 0);
	rc = ms_parse_cg_limit(as_text(data), size, &v, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc != 0 || v >= 0);
	rc = ms_parse_pid_cgroup(as_text(data), size, &pc, &err);
	ms_fuzz_check_result(rc, &err);
	check_pid_cgroup(&pc);
	ms_pid_cgroup_free(&pc);
	ms_memcg_init(&g);
	for (size_t i = 0; i < ms_memcg_nfiles; i++) {
		rc = ms_memcg_read(&g, &ms_memcg_files[i], as_text(data), size, &err);
		ms_fuzz_check_result(rc, &err);
	}
	FUZZ_CHECK(g.version >= 0 && g.version <= 2);
	check_kvlist(&g.stat);
	check_kvlist(&g.events);
	check_kvlist(&g.oom_control);
	ms_memcg_free(&g);
	return 0;
}

/* Every field of a report as text, so that two readings can be compared
 * whole. */
static void digest_kv(ms_buf *b, const ms_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ms_buf_printf(b, " %s=%lld%s", l->items[i].key, (long long)l->items[i].value,
			      l->items[i].kb ? "kB" : "");
	ms_buf_putc(b, '\n');
}

static void digest_trigger(ms_buf *b, const ms_oom_trigger *t)
{
	ms_buf_printf(b, "%s|%lld|%lld|%lld|%s|%lld|%lld|%lld|%s|%s|%s|%s|%s|%s|%d|%s|%s\n",
		      t->comm, (long long)t->pid, (long long)t->cpu, (long long)t->gfp_mask,
		      t->gfp_flags, (long long)t->order, (long long)t->oom_score_adj,
		      (long long)t->oom_adj, t->nodemask, t->constraint, t->cpuset,
		      t->mems_allowed, t->memcg, t->task_memcg, t->global_oom, t->kernel,
		      t->hardware);
}

static void digest_mem(ms_buf *b, const ms_oom_report *r)
{
	digest_kv(b, &r->meminfo);
	digest_kv(b, &r->summary);
	for (size_t i = 0; i < r->nnodes; i++) {
		ms_buf_printf(b, "node %d %d", r->nodes[i].node, r->nodes[i].all_unreclaimable);
		digest_kv(b, &r->nodes[i].stats);
	}
	for (size_t i = 0; i < r->nzones; i++) {
		const ms_oom_zone *z = &r->zones[i];
		ms_buf_printf(b, "zone %d %d %s %d %d", z->node, z->node_printed, z->zone,
			      z->all_unreclaimable, z->nreserve);
		for (int k = 0; k < z->nreserve; k++)
			ms_buf_printf(b, " %lld", (long long)z->lowmem_reserve[k]);
		digest_kv(b, &z->stats);
	}
	for (size_t i = 0; i < r->nbuddy; i++) {
		const ms_oom_buddy *z = &r->buddy[i];
		ms_buf_printf(b, "buddy %d %s %lld %lld %d:", z->node, z->zone,
			      (long long)z->page_kb, (long long)z->total_kb, z->empty);
		for (int k = 0; k < z->norders; k++)
			ms_buf_printf(b, " %lld(%s)", (long long)z->free[k], z->types[k]);
		ms_buf_putc(b, '\n');
	}
	for (size_t i = 0; i < r->nhuge; i++)
		ms_buf_printf(b, "huge %d %lld %lld %lld %lld\n", r->huge[i].node,
			      (long long)r->huge[i].total, (long long)r->huge[i].free,
			      (long long)r->huge[i].surp, (long long)r->huge[i].size_kb);
	for (size_t i = 0; i < r->nslabs; i++)
		ms_buf_printf(b, "slab %s %lld %lld\n", r->slabs[i].name,
			      (long long)r->slabs[i].used_kb, (long long)r->slabs[i].total_kb);
}

static void digest_procs(ms_buf *b, const ms_oom_report *r)
{
	for (int i = 0; i < r->nusage; i++)
		ms_buf_printf(b, "usage %s %lld %lld %lld\n", r->usage[i].name,
			      (long long)r->usage[i].usage_kb, (long long)r->usage[i].limit_kb,
			      (long long)r->usage[i].failcnt);
	ms_buf_printf(b, "memcg %s", r->memcg_stat_path);
	digest_kv(b, &r->memcg_stat);
	ms_buf_printf(b, "tasks %d %x %lld\n", r->tasks_printed, r->task_cols,
		      (long long)r->tasks_dropped);
	for (size_t i = 0; i < r->ntasks; i++) {
		ms_buf_printf(b, "[%lld]", (long long)r->tasks[i].pid);
		for (int c = 0; c < MS_OOM_NCOLS; c++)
			ms_buf_printf(b, " %lld", (long long)r->tasks[i].col[c]);
		ms_buf_printf(b, " %s\n", r->tasks[i].name);
	}
	ms_buf_printf(b, "chosen %lld %lld %s\n", (long long)r->chosen_pid,
		      (long long)r->chosen_score, r->chosen_name);
	for (size_t i = 0; i < r->nkills; i++) {
		const ms_oom_kill *k = &r->kills[i];
		ms_buf_printf(b, "kill %lld %s %lld %lld %lld %lld %lld %lld %lld %d %lld %lld %lld\n",
			      (long long)k->pid, k->name, (long long)k->total_vm_kb,
			      (long long)k->anon_rss_kb, (long long)k->file_rss_kb,
			      (long long)k->shmem_rss_kb, (long long)k->pgtables_kb,
			      (long long)k->uid, (long long)k->oom_score_adj, k->memcg,
			      (long long)k->reaped_anon_rss_kb, (long long)k->reaped_file_rss_kb,
			      (long long)k->reaped_shmem_rss_kb);
	}
}

static void digest_report(ms_buf *b, const ms_oom_report *r)
{
	ms_buf_printf(b, "report %u-%u %lld %s %d %d %d %d %u %u %s\n", r->first_line,
		      r->last_line, (long long)r->time_us, r->wall_time, r->headless, r->end,
		      r->truncated, r->meminfo_printed, r->problems, r->problem.line,
		      r->problem.msg);
	digest_trigger(b, &r->trigger);
	digest_mem(b, r);
	digest_procs(b, r);
}

static void check_oom_names(const ms_oom_report *r)
{
	const ms_oom_trigger *t = &r->trigger;

	CHECK_FIELD(r->wall_time);
	CHECK_FIELD(t->comm);
	CHECK_FIELD(t->gfp_flags);
	CHECK_FIELD(t->nodemask);
	CHECK_FIELD(t->constraint);
	CHECK_FIELD(t->cpuset);
	CHECK_FIELD(t->mems_allowed);
	CHECK_FIELD(t->memcg);
	CHECK_FIELD(t->task_memcg);
	CHECK_FIELD(t->kernel);
	CHECK_FIELD(t->hardware);
	CHECK_FIELD(r->memcg_stat_path);
	CHECK_FIELD(r->chosen_name);
	for (size_t i = 0; i < r->ntasks; i++)
		CHECK_FIELD(r->tasks[i].name);
	for (size_t i = 0; i < r->nkills; i++)
		CHECK_FIELD(r->kills[i].name);
	for (size_t i = 0; i < r->nslabs; i++)
		CHECK_FIELD(r->slabs[i].name);
	for (int i = 0; i < r->nusage; i++)
		CHECK_FIELD(r->usage[i].name);
}

static void check_oom_counts(const ms_oom_report *r)
{
	FUZZ_CHECK(r->nnodes <= r->nodes_cap && r->nzones <= r->zones_cap);
	FUZZ_CHECK(r->nbuddy <= r->buddy_cap && r->nhuge <= r->huge_cap);
	FUZZ_CHECK(r->nslabs <= r->slabs_cap && r->nkills <= r->kills_cap);
	FUZZ_CHECK(r->ntasks <= r->tasks_cap && r->ntasks <= MS_OOM_MAX_TASKS);
	FUZZ_CHECK(r->nzones <= MS_OOM_MAX_ITEMS && r->nbuddy <= MS_OOM_MAX_ITEMS);
	FUZZ_CHECK(r->nusage >= 0 && r->nusage <= (int)MS_ARRAY_LEN(r->usage));
	FUZZ_CHECK(r->tasks_dropped >= 0);
	FUZZ_CHECK(r->first_line >= 1 && r->first_line <= r->last_line);
	FUZZ_CHECK(r->truncated == (r->end == MS_OOM_END_LOG || r->end == MS_OOM_END_NEXT));
	FUZZ_CHECK(r->end != MS_OOM_END_KILL || r->nkills > 0);
	FUZZ_CHECK(r->problems == 0 || (r->problem.msg[0] && r->problem.code == EINVAL));
	for (size_t i = 0; i < r->nzones; i++) {
		FUZZ_CHECK(r->zones[i].nreserve >= 0 && r->zones[i].nreserve <= MS_OOM_MAX_RESERVE);
		check_kvlist(&r->zones[i].stats);
	}
	for (size_t i = 0; i < r->nbuddy; i++)
		FUZZ_CHECK(r->buddy[i].norders >= 0 && r->buddy[i].norders <= MS_MAX_ORDERS);
	check_kvlist(&r->meminfo);
	check_kvlist(&r->summary);
	check_kvlist(&r->memcg_stat);
}

/* Checks a report and adds its digest, and its copy's, to the buffer. */
static int oom_collect(void *ctx, const ms_oom_report *r)
{
	ms_buf *b = ctx;
	ms_oom_report copy;
	size_t start = b->len;

	check_oom_counts(r);
	check_oom_names(r);
	digest_report(b, r);
	/* A copy reads the same. */
	if (ms_oom_report_copy(&copy, r) == 0) {
		ms_buf d = MS_BUF_INIT;
		digest_report(&d, &copy);
		FUZZ_CHECK(d.len == b->len - start && memcmp(d.data, b->data + start, d.len) == 0);
		ms_buf_free(&d);
		ms_oom_report_free(&copy);
	}
	return 0;
}

/* The input fed in chunks of varied sizes, as a log is read from a pipe. */
static int oom_in_chunks(const uint8_t *data, size_t size, ms_buf *out, size_t *count,
			 ms_error *err)
{
	ms_oom_parser *p = malloc(sizeof *p);
	uint32_t state = (uint32_t)size ^ 0x9e3779b9u;
	size_t off = 0;
	int rc = 0;

	FUZZ_CHECK(p != NULL);
	ms_oom_parser_init(p, oom_collect, out, err);
	while (rc == 0 && off < size) {
		/* mostly short chunks, sometimes one far longer than a line */
		size_t n = next_chunk(&state);
		if (n % 13 == 0)
			n *= 400;
		if (n > size - off)
			n = size - off;
		rc = ms_oom_parser_feed(p, as_text(data) + off, n);
		off += n;
	}
	if (rc == 0)
		rc = ms_oom_parser_finish(p);
	FUZZ_CHECK(ms_oom_parser_footprint(p) < ((size_t)64 << 20));
	*count = p->nreports;
	ms_oom_parser_free(p);
	free(p);
	return rc;
}

int ms_fuzz_oom(const uint8_t *data, size_t size)
{
	ms_buf whole = MS_BUF_INIT, chunked = MS_BUF_INIT;
	ms_error werr, cerr;
	size_t wn = 0, cn = 0;
	int wrc = ms_parse_oom_log(as_text(data), size, oom_collect, &whole, &wn, &werr);
	int crc = oom_in_chunks(data, size, &chunked, &cn, &cerr);

	FUZZ_CHECK(wrc == 0 || wrc == -ENOMEM);
	ms_fuzz_check_result(wrc, &werr);
	/* Lines or chunks of any size: the same reports, field by field. */
	FUZZ_CHECK(wrc == crc && wn == cn);
	FUZZ_CHECK(whole.len == chunked.len &&
		   (whole.len == 0 || memcmp(whole.data, chunked.data, whole.len) == 0));
	ms_buf_free(&whole);
	ms_buf_free(&chunked);
	return 0;
}

static bool has_dotdot(const char *path)
{
	for (const char *p = path; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
	}
	return false;
}

/* memscope-unread: a line's fields, each path relative and free of "..",
 * the pids of a line ascending and as many as its count said. */
int ms_fuzz_unread(const uint8_t *data, size_t size)
{
	ms_unread u;
	ms_error err;
	int rc = ms_parse_unread(as_text(data), size, &u, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || (u.n == 0 && u.e == NULL));
	for (size_t i = 0; i < u.n; i++) {
		const ms_unread_entry *e = &u.e[i];
		CHECK_FIELD(e->path);
		CHECK_FIELD(e->reason);
		FUZZ_CHECK(e->path[0] && e->path[0] != '/' && e->reason[0]);
		FUZZ_CHECK(!has_dotdot(e->path));
		FUZZ_CHECK((e->pids != NULL) == (e->npids > 0));
		for (size_t j = 0; j < e->npids; j++)
			FUZZ_CHECK(e->pids[j] > 0 && (j == 0 || e->pids[j - 1] <= e->pids[j]));
	}
	ms_unread_free(&u);
	return 0;
}
