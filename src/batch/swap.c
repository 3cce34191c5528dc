/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The swap view: the swap areas (/proc/swaps), the zram devices
 * (sys/block/zram*: what was stored, what the compressor made of it and
 * what the allocator holds for it, i.e. zram's real cost in RAM), and
 * zswap's pool (meminfo Zswap, Zswapped). Each of the three is whole or
 * says why not; one missing does not hide the others.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

struct swap_data {
	int swaps_status;
	ms_error swaps_err;
	ms_swaplist swaps;
	int zram_status;
	ms_error zram_err;
	ms_zram_list zram;
	int64_t zswap_kb, zswapped_kb; /* MS_NA: not in meminfo */
};

static void load(struct swap_data *d, const ms_sample *s, ms_source *src)
{
	ms_buf b = MS_BUF_INIT;

	memset(d, 0, sizeof *d);
	d->swaps_status = ms_source_read(src, "swaps", &b, &d->swaps_err);
	if (d->swaps_status == 0)
		d->swaps_status = ms_parse_swaps(b.data ? b.data : "", b.len, &d->swaps,
						 &d->swaps_err);
	ms_buf_free(&b);
	d->zram_status = ms_zram_load(src, &d->zram, &d->zram_err);
	bool mi = ms_sample_has(s, MS_P_MEMINFO);
	d->zswap_kb = mi ? ms_kvlist_get(&s->meminfo, "Zswap") : MS_NA;
	d->zswapped_kb = mi ? ms_kvlist_get(&s->meminfo, "Zswapped") : MS_NA;
}

static void unload(struct swap_data *d)
{
	ms_swaplist_free(&d->swaps);
	ms_zram_list_free(&d->zram);
}

/* Is a zram device one of the swap areas? "/dev/zram0" */
static bool is_swap(const struct swap_data *d, const char *dev)
{
	for (size_t i = 0; d->swaps_status == 0 && i < d->swaps.n; i++) {
		const char *p = d->swaps.items[i].path;
		if (strncmp(p, "/dev/", 5) == 0 && strcmp(p + 5, dev) == 0)
			return true;
	}
	return false;
}

static int64_t kb_of_bytes(int64_t b)
{
	return b == MS_NA ? MS_NA : b / 1024;
}

/* "not in snapshot", "needs root", or the parser's words. */
static const char *reason(int status, const ms_error *e)
{
	static _Thread_local char buf[sizeof e->msg];
	ms_part_state st = { .status = status, .err = *e };

	snprintf(buf, sizeof buf, "%s", ms_part_reason(&st));
	return buf;
}

/* ---- text ------------------------------------------------------------------ */

static void text_swaps(struct render *r, const struct swap_data *d)
{
	ms_out_put(r, "Swap areas (swaps)\n");
	if (d->swaps_status) {
		ms_out_put(r, "  ");
		ms_out_display(r, reason(d->swaps_status, &d->swaps_err), 0, true);
		ms_out_put(r, "\n");
		return;
	}
	if (d->swaps.n == 0) {
		ms_out_put(r, "  none\n");
		return;
	}
	ms_out_put(r, "  TYPE          SIZE    USED  PRIO  PATH\n");
	for (size_t i = 0; i < d->swaps.n; i++) {
		const ms_swap *w = &d->swaps.items[i];
		ms_out_put(r, "  ");
		ms_out_display(r, w->type, 10, true);
		ms_out_kb_text(r, w->size_kb, 8);
		ms_out_kb_text(r, w->used_kb, 8);
		ms_out_putf(r, " %5lld  ", (long long)w->priority);
		ms_out_display(r, w->path, 0, true);
		ms_out_put(r, "\n");
	}
}

static void text_ratio(struct render *r, double v)
{
	if (isfinite(v))
		ms_out_putf(r, " %6.2f", v);
	else
		ms_out_put(r, "      -");
}

static void text_zram_dev(struct render *r, const struct swap_data *d, const ms_zram_dev *z)
{
	ms_out_put(r, "  ");
	ms_out_display(r, z->name, 7, true);
	ms_out_display(r, z->comp_status ? "-" : z->comp.current, 9, true);
	ms_out_kb_text(r, kb_of_bytes(z->fig.disksize), 8);
	ms_out_kb_text(r, kb_of_bytes(z->fig.orig), 8);
	ms_out_kb_text(r, kb_of_bytes(z->fig.compr), 8);
	ms_out_kb_text(r, kb_of_bytes(z->fig.mem_used), 8);
	text_ratio(r, z->fig.compr_ratio);
	text_ratio(r, z->fig.mem_ratio);
	ms_out_kb_text(r, kb_of_bytes(z->fig.saved), 8);
	ms_out_put(r, is_swap(d, z->name) ? "  swap" : "      ");
	if (z->mm_status) {
		ms_out_put(r, z->mm_legacy ? "  mem_used_total: " : "  mm_stat: ");
		ms_out_display(r, reason(z->mm_status, &z->mm_err), 0, true);
	} else if (z->mm_legacy) {
		ms_out_put(r, "  (no mm_stat: the files of kernels before 4.1)");
	}
	ms_out_put(r, "\n");
}

static void text_zram(struct render *r, const struct swap_data *d)
{
	ms_out_put(r, "\nzram (sys/block/zram*/mm_stat: ORIG stored, COMPR after the compressor, "
		      "MEMUSED held in RAM)\n");
	if (d->zram_status) {
		ms_out_put(r, "  ");
		ms_out_display(r, reason(d->zram_status, &d->zram_err), 0, true);
		ms_out_put(r, "\n");
		return;
	}
	if (d->zram.n == 0) {
		ms_out_put(r, "  no zram device\n");
		return;
	}
	ms_out_put(r, "  DEVICE ALGORITHM DISKSIZE    ORIG   COMPR MEMUSED  RATIO MRATIO   "
		      "SAVED\n");
	for (size_t i = 0; i < d->zram.n; i++)
		text_zram_dev(r, d, &d->zram.items[i]);
}

static void text_zswap(struct render *r, const struct swap_data *d)
{
	ms_out_put(r, "\nzswap (meminfo): ");
	if (!ms_sample_has(r->s, MS_P_MEMINFO)) {
		ms_out_reason(r, ms_sample_state(r->s, MS_P_MEMINFO));
	} else if (d->zswap_kb == MS_NA) {
		ms_out_put(r, "no Zswap line (kernel without zswap, or before 5.x)");
	} else {
		ms_out_put(r, "pool ");
		ms_out_kb_text(r, d->zswap_kb, 0);
		ms_out_put(r, ", stored ");
		ms_out_kb_text(r, d->zswapped_kb, 0);
	}
	ms_out_put(r, "\n");
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_swaps(struct render *r, const struct swap_data *d)
{
	ms_json_key(&r->j, "swaps");
	if (d->swaps_status) {
		ms_json_null(&r->j);
		return;
	}
	ms_json_arr_begin(&r->j);
	for (size_t i = 0; i < d->swaps.n; i++) {
		const ms_swap *w = &d->swaps.items[i];
		ms_json_obj_begin(&r->j);
		ms_json_kv_str(&r->j, "path", w->path);
		ms_json_kv_str(&r->j, "type", w->type);
		ms_json_kv_i64(&r->j, "size_kb", w->size_kb);
		ms_json_kv_i64(&r->j, "used_kb", w->used_kb);
		ms_json_kv_i64(&r->j, "priority", w->priority);
		ms_json_obj_end(&r->j);
	}
	ms_json_arr_end(&r->j);
}

static void json_zram_dev(struct render *r, const struct swap_data *d, const ms_zram_dev *z)
{
	const ms_zram_mm_stat *m = &z->mm;
	bool mm = z->mm_status == 0;

	ms_json_obj_begin(&r->j);
	ms_json_kv_str(&r->j, "device", z->name);
	ms_json_key(&r->j, "swap");
	ms_json_bool(&r->j, is_swap(d, z->name));
	ms_json_kv_str(&r->j, "algorithm", z->comp_status ? NULL : z->comp.current);
	ms_json_kv_i64(&r->j, "disksize_bytes", z->fig.disksize);
	ms_json_kv_i64(&r->j, "orig_data_bytes", z->fig.orig);
	ms_json_kv_i64(&r->j, "compr_data_bytes", z->fig.compr);
	ms_json_kv_i64(&r->j, "mem_used_bytes", z->fig.mem_used);
	ms_json_kv_i64(&r->j, "mem_limit_bytes", mm ? m->mem_limit : MS_NA);
	ms_json_kv_i64(&r->j, "mem_used_max_bytes", mm ? m->mem_used_max : MS_NA);
	ms_json_kv_i64(&r->j, "same_pages", mm ? m->same_pages : MS_NA);
	ms_json_kv_i64(&r->j, "pages_compacted", mm ? m->pages_compacted : MS_NA);
	ms_json_kv_i64(&r->j, "huge_pages", mm ? m->huge_pages : MS_NA);
	ms_json_key(&r->j, "compr_ratio");
	ms_json_double(&r->j, z->fig.compr_ratio, 3);
	ms_json_key(&r->j, "mem_ratio");
	ms_json_double(&r->j, z->fig.mem_ratio, 3);
	ms_json_kv_i64(&r->j, "saved_bytes", z->fig.saved);
	ms_json_kv_str(&r->j, "error", mm ? NULL : reason(z->mm_status, &z->mm_err));
	ms_json_kv_str(&r->j, "figures_from", z->mm_legacy ? "legacy_files" : "mm_stat");
	ms_json_obj_end(&r->j);
}

static void json_all(struct render *r, const struct swap_data *d)
{
	ms_out_json_begin(r, "swap");
	json_swaps(r, d);
	ms_json_kv_str(&r->j, "swaps_error",
		       d->swaps_status ? reason(d->swaps_status, &d->swaps_err) : NULL);
	ms_json_key(&r->j, "zram");
	if (d->zram_status) {
		ms_json_null(&r->j);
	} else {
		ms_json_arr_begin(&r->j);
		for (size_t i = 0; i < d->zram.n; i++)
			json_zram_dev(r, d, &d->zram.items[i]);
		ms_json_arr_end(&r->j);
	}
	ms_json_kv_str(&r->j, "zram_error",
		       d->zram_status ? reason(d->zram_status, &d->zram_err) : NULL);
	ms_json_kv_i64(&r->j, "zswap_pool_kb", d->zswap_kb);
	ms_json_kv_i64(&r->j, "zswap_stored_kb", d->zswapped_kb);
	ms_out_json_end(r);
}

static int render(struct render *r, ms_source *src, ms_error *err)
{
	struct swap_data d;

	(void)err;
	load(&d, r->s, src);
	if (d.swaps_status == -ENOMEM || d.zram_status == -ENOMEM) {
		unload(&d);
		return ms_error_set(err, ENOMEM, 0, "swap: out of memory");
	}
	if (r->o->format == MS_FORMAT_JSON) {
		json_all(r, &d);
	} else {
		text_swaps(r, &d);
		text_zram(r, &d);
		text_zswap(r, &d);
	}
	unload(&d);
	return 0;
}

const ms_view_class ms_view_swap = {
	.name = "swap",
	.summary = "swap areas, zram (stored, compressed, RAM used), zswap",
	.parts = MS_PART_MEMINFO,
	.part = MS_P_NONE, /* swaps and sys/block are read by the view; each says why */
	.opts = MS_VOPT_KB,
	.render = render,
};
