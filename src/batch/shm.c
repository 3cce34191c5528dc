/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shm view: RAM that files and shared memory hold. The tmpfs and
 * ramfs mounts with their size and use (statvfs; a snapshot's
 * memscope-statvfs), the SysV segments (sysvipc/shm) and who maps them,
 * every shared-memory mapping of every process (memfd, /dev/shm, SysV,
 * shared anonymous, files on a tmpfs), and the part of meminfo's Shmem
 * that no process maps: tmpfs files and unattached segments, which no
 * process's PSS shows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static const char *reason(int status, const ms_error *e)
{
	static _Thread_local char buf[sizeof e->msg];
	ms_part_state st = { .status = status, .err = *e };

	snprintf(buf, sizeof buf, "%s", ms_part_reason(&st));
	return buf;
}

static int64_t kb_of_bytes(int64_t b)
{
	return b == MS_NA ? MS_NA : b / 1024;
}

/* ---- Shmem that no process maps ------------------------------------------- */

struct unmapped {
	int64_t shmem_kb, mapped_kb, unmapped_kb;
	const char *mapped_origin; /* "smaps_rollup Pss_Shmem", "smaps", NULL */
	const char *why;           /* when unmapped_kb is unknown */
};

/* Shmem minus what processes map of it, each page once (PSS): from the
 * rollups' Pss_Shmem when every process gave one, else from the sum of
 * the shared-memory mappings when every process's smaps was read. */
static void unmapped_of(const ms_sample *s, const ms_shm_info *in, struct unmapped *u)
{
	bool complete = false;
	const ms_librank_outcome *o = &in->maps.outcome;

	*u = (struct unmapped){ MS_NA, MS_NA, MS_NA, NULL, NULL };
	if (!ms_sample_has(s, MS_P_MEMINFO)) {
		u->why = ms_part_reason(ms_sample_state(s, MS_P_MEMINFO));
		return;
	}
	u->shmem_kb = ms_kvlist_get(&s->meminfo, "Shmem");
	if (ms_sample_has(s, MS_P_PROCS) && s->nunknown == 0)
		u->mapped_kb = ms_procs_pss_shmem_kb(s->procs, s->nprocs, &complete);
	if (complete && u->mapped_kb != MS_NA) {
		u->mapped_origin = "smaps_rollup Pss_Shmem";
	} else if (in->maps_status == 0 && o->denied + o->failed + o->no_smaps == 0) {
		u->mapped_kb = in->maps.totals.pss_kb == MS_NA ? 0 : in->maps.totals.pss_kb;
		u->mapped_origin = "smaps";
	} else {
		u->mapped_kb = MS_NA;
		u->why = "not every process's memory could be read";
		return;
	}
	if (u->shmem_kb == MS_NA)
		u->why = "no Shmem line in meminfo";
	u->unmapped_kb = ms_shmem_unmapped_kb(u->shmem_kb, u->mapped_kb);
}

/* ---- text ------------------------------------------------------------------ */

static void text_problem(struct render *r, int status, const ms_error *e)
{
	ms_out_put(r, "  ");
	ms_out_display(r, reason(status, e), 0, true);
	ms_out_put(r, "\n");
}

static void text_mounts(struct render *r, const ms_shm_info *in)
{
	size_t shown = 0;

	ms_out_put(r, "RAM-backed mounts (mounts; size and use from statvfs)\n");
	if (in->mounts_status) {
		text_problem(r, in->mounts_status, &in->mounts_err);
		return;
	}
	for (size_t i = 0; i < in->mounts.n; i++) {
		const ms_mount *m = &in->mounts.items[i];
		if (!ms_fstype_is_ram(m->fstype))
			continue;
		if (shown++ == 0)
			ms_out_put(r, "  TYPE          SIZE    USED  MOUNT\n");
		const ms_fsusage *u = in->usage_status ? NULL : ms_fsusage_find(&in->usage, m->dir);
		ms_out_put(r, "  ");
		ms_out_display(r, m->fstype, 10, true);
		ms_out_kb_text(r, ms_fsusage_size_kb(u), 8);
		ms_out_kb_text(r, ms_fsusage_used_kb(u), 8);
		ms_out_put(r, "  ");
		ms_out_display(r, m->dir, 0, true);
		ms_out_put(r, "\n");
	}
	if (!shown)
		ms_out_put(r, "  none\n");
	else if (in->usage_status) {
		ms_out_put(r, "  size and use unknown (memscope-statvfs): ");
		ms_out_display(r, reason(in->usage_status, &in->usage_err), 0, true);
		ms_out_put(r, "\n");
	}
}

/* The processes that map SysV segment shmid, from the mappings. */
static const ms_librank_name *sysv_row(const ms_shm_info *in, int64_t shmid)
{
	for (size_t i = 0; i < in->maps.n; i++) {
		char kind[16];
		int64_t id;
		ms_shm_group_split(ms_librank_name_of(&in->maps, i), kind, &id);
		if (id == shmid)
			return &in->maps.rows[i];
	}
	return NULL;
}

static void text_sysv(struct render *r, const ms_shm_info *in)
{
	ms_out_put(r, "\nSysV shared memory (sysvipc/shm)\n");
	if (in->sysv_status) {
		text_problem(r, in->sysv_status, &in->sysv_err);
		return;
	}
	if (in->sysv.n == 0) {
		ms_out_put(r, "  none\n");
		return;
	}
	ms_out_put(r, "         KEY    SHMID    SIZE     RSS    SWAP NATTCH    CPID    LPID  "
		      "MAPPED BY (PID)\n");
	for (size_t i = 0; i < in->sysv.n; i++) {
		const ms_shm_segment *g = &in->sysv.items[i];
		const ms_librank_name *row = sysv_row(in, g->shmid);
		ms_out_putf(r, "  0x%08" PRIx32 " %8" PRId64, (uint32_t)g->key, g->shmid);
		ms_out_kb_text(r, kb_of_bytes(g->size), 8);
		ms_out_kb_text(r, kb_of_bytes(g->rss), 8);
		ms_out_kb_text(r, kb_of_bytes(g->swap), 8);
		ms_out_putf(r, " %6" PRId64 " %7" PRId64 " %7" PRId64 " ", g->nattch, g->cpid,
			    g->lpid);
		for (size_t k = 0; row && k < row->nprocs && k < 8; k++)
			ms_out_putf(r, " %d", row->procs[k].pid);
		if (row && row->nprocs > 8)
			ms_out_putf(r, " (+%zu)", row->nprocs - 8);
		ms_out_put(r, "\n");
	}
}

static void text_maps(struct render *r, const ms_shm_info *in)
{
	const ms_librank_outcome *o = &in->maps.outcome;

	ms_out_put(r, "\nShared memory mapped by processes (smaps)\n");
	if (in->maps_status) {
		text_problem(r, in->maps_status, &in->maps_err);
		return;
	}
	if (in->maps.n)
		ms_out_put(r, "  KIND            PSS     RSS    SWAP PROCS  NAME\n");
	for (size_t i = 0; i < in->maps.n; i++) {
		const ms_librank_name *row = &in->maps.rows[i];
		char kind[16];
		int64_t id;
		const char *name = ms_shm_group_split(ms_librank_name_of(&in->maps, i), kind, &id);
		ms_out_put(r, "  ");
		ms_out_display(r, kind, 11, true);
		ms_out_kb_text(r, row->total.pss_kb, 8);
		ms_out_kb_text(r, row->total.rss_kb, 8);
		ms_out_kb_text(r, row->total.swap_kb, 8);
		ms_out_putf(r, " %5zu  ", row->nprocs);
		ms_out_display(r, name, 0, true);
		ms_out_put(r, "\n");
	}
	ms_out_putf(r, "  %zu of %zu processes read", o->read, o->listed);
	if (o->denied)
		ms_out_putf(r, "; smaps %s: %zu", ms_denied_reason(), o->denied);
	if (o->gone)
		ms_out_putf(r, "; exited while read: %zu", o->gone);
	if (o->no_smaps + o->failed)
		ms_out_putf(r, "; unreadable: %zu", o->no_smaps + o->failed);
	ms_out_put(r, "\n");
}

static void text_unmapped(struct render *r, const struct unmapped *u)
{
	ms_out_put(r, "\nShmem (meminfo) ");
	ms_out_kb_text(r, u->shmem_kb, 0);
	ms_out_put(r, "; mapped by processes ");
	ms_out_kb_text(r, u->mapped_kb, 0);
	ms_out_put(r, "; mapped by no process (tmpfs files, unattached segments) ");
	ms_out_kb_text(r, u->unmapped_kb, 0);
	if (u->why) {
		ms_out_put(r, " (");
		ms_out_display(r, u->why, 0, true);
		ms_out_put(r, ")");
	}
	ms_out_put(r, "\n");
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_mounts(struct render *r, const ms_shm_info *in)
{
	ms_json_key(&r->j, "mounts");
	if (in->mounts_status) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < in->mounts.n; i++) {
		const ms_mount *m = &in->mounts.items[i];
		if (!ms_fstype_is_ram(m->fstype))
			continue;
		const ms_fsusage *u = in->usage_status ? NULL : ms_fsusage_find(&in->usage, m->dir);
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "dir", m->dir);
		ms_json_kv_str(&r->j, "fstype", m->fstype);
		ms_json_kv_str(&r->j, "device", m->device);
		ms_json_kv_str(&r->j, "options", m->options);
		ms_json_kv_i64(&r->j, "size_kb", ms_fsusage_size_kb(u));
		ms_json_kv_i64(&r->j, "used_kb", ms_fsusage_used_kb(u));
		ms_json_kv_i64(&r->j, "inodes", u ? u->files : MS_NA);
		ms_json_kv_i64(&r->j, "inodes_free", u ? u->ffree : MS_NA);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
}

static void json_pids(struct render *r, const ms_librank_name *row)
{
	ms_json_arr_begin(&r->j);
	for (size_t k = 0; row && k < row->nprocs; k++) {
		const ms_librank_share *s = &row->procs[k];
		ms_json_obj_begin(&r->j);
		ms_json_kv_i64(&r->j, "pid", s->pid);
		ms_json_kv_i64(&r->j, "rss_kb", s->rss_kb);
		ms_json_kv_i64(&r->j, "pss_kb", s->pss_kb);
		ms_json_kv_i64(&r->j, "swap_kb", s->swap_kb);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
}

static void json_sysv(struct render *r, const ms_shm_info *in)
{
	ms_json_key(&r->j, "sysv_segments");
	if (in->sysv_status) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < in->sysv.n; i++) {
		const ms_shm_segment *g = &in->sysv.items[i];
		ms_json_obj_begin(&r->j);
		ms_json_kv_i64(&r->j, "key", g->key);
		ms_json_kv_i64(&r->j, "shmid", g->shmid);
		ms_json_kv_i64(&r->j, "size_bytes", g->size);
		ms_json_kv_i64(&r->j, "rss_bytes", g->rss);
		ms_json_kv_i64(&r->j, "swap_bytes", g->swap);
		ms_json_kv_i64(&r->j, "nattch", g->nattch);
		ms_json_kv_i64(&r->j, "cpid", g->cpid);
		ms_json_kv_i64(&r->j, "lpid", g->lpid);
		ms_json_kv_i64(&r->j, "uid", g->uid);
		ms_json_kv_i64(&r->j, "perms", g->perms);
		ms_json_key(&r->j, "mapped_by");
		json_pids(r, in->maps_status ? NULL : sysv_row(in, g->shmid));
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
}

static void json_maps(struct render *r, const ms_shm_info *in)
{
	const ms_librank_outcome *o = &in->maps.outcome;

	ms_json_key(&r->j, "mappings");
	if (in->maps_status) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < in->maps.n; i++) {
		const ms_librank_name *row = &in->maps.rows[i];
		char kind[16];
		int64_t id;
		const char *name = ms_shm_group_split(ms_librank_name_of(&in->maps, i), kind, &id);
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "kind", kind);
		ms_json_kv_str(&r->j, "name", name);
		ms_json_kv_i64(&r->j, "shmid", id >= 0 ? id : MS_NA);
		ms_json_kv_i64(&r->j, "vss_kb", row->total.vss_kb);
		ms_json_kv_i64(&r->j, "rss_kb", row->total.rss_kb);
		ms_json_kv_i64(&r->j, "pss_kb", row->total.pss_kb);
		ms_json_kv_i64(&r->j, "swap_kb", row->total.swap_kb);
		ms_json_key(&r->j, "processes");
		json_pids(r, row);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
	ms_json_key(&r->j, "processes_read");
	ms_json_obj_begin(&r->j);
	ms_json_kv_i64(&r->j, "listed", (int64_t)o->listed);
	ms_json_kv_i64(&r->j, "read", (int64_t)o->read);
	ms_json_kv_i64(&r->j, "denied", (int64_t)o->denied);
	ms_json_kv_i64(&r->j, "gone", (int64_t)o->gone);
	ms_json_kv_i64(&r->j, "failed", (int64_t)(o->failed + o->no_smaps));
	ms_json_obj_end(&r->j);
}

static void json_all(struct render *r, const ms_shm_info *in, const struct unmapped *u)
{
	ms_out_json_begin(r, "shm");
	json_mounts(r, in);
	ms_json_kv_str(&r->j, "mounts_error",
		       in->mounts_status ? reason(in->mounts_status, &in->mounts_err) : NULL);
	ms_json_kv_str(&r->j, "usage_error",
		       in->usage_status ? reason(in->usage_status, &in->usage_err) : NULL);
	json_sysv(r, in);
	ms_json_kv_str(&r->j, "sysv_error",
		       in->sysv_status ? reason(in->sysv_status, &in->sysv_err) : NULL);
	json_maps(r, in);
	ms_json_kv_i64(&r->j, "shmem_kb", u->shmem_kb);
	ms_json_kv_i64(&r->j, "shmem_mapped_kb", u->mapped_kb);
	ms_json_kv_str(&r->j, "shmem_mapped_origin", u->mapped_origin);
	ms_json_kv_i64(&r->j, "shmem_unmapped_kb", u->unmapped_kb);
	ms_json_kv_str(&r->j, "shmem_unmapped_error", u->why);
	ms_out_json_end(r);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	ms_shm_info in;
	struct unmapped u;
	int rc = ms_shm_info_load(src, &in, err);

	if (rc)
		return rc;
	unmapped_of(r->s, &in, &u);
	if (r->o->format == MS_FORMAT_JSON) {
		json_all(r, &in, &u);
	} else {
		text_mounts(r, &in);
		text_sysv(r, &in);
		text_maps(r, &in);
		text_unmapped(r, &u);
	}
	ms_shm_info_free(&in);
	return 0;
}

const ms_view_class ms_view_shm = {
	.name = "shm",
	.summary = "tmpfs mounts, SysV and shared mappings, unmapped Shmem",
	.parts = MS_PART_MEMINFO | MS_PART_PROCS,
	.part = MS_P_NONE, /* mounts, sysvipc/shm and smaps are read by the view */
	.opts = MS_VOPT_KB,
	.render = render,
};
