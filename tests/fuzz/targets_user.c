/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz targets of issue 13's parsers (mounts, sysvipc/shm, swaps, zram's
 * files) and of the categories of one process: any smaps that parses goes
 * through the classifier, and its rows must add up to its totals exactly,
 * and the totals to the sums over its mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/parse.h"
#include "targets.h"

static const char *as_text(const uint8_t *data)
{
	return (const char *)data;
}

/* An error leaves nothing behind; a result is whole text. */
int ms_fuzz_mounts(const uint8_t *data, size_t size)
{
	ms_mountlist l;
	ms_error err;
	int rc = ms_parse_mounts(as_text(data), size, &l, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || l.n == 0);
	FUZZ_CHECK(l.n <= l.cap);
	for (size_t i = 0; i < l.n; i++) {
		const ms_mount *m = &l.items[i];
		/* Unescaped fields are never longer than what was read. */
		FUZZ_CHECK(strlen(m->device) + strlen(m->dir) + strlen(m->fstype) +
				   strlen(m->options) <= size);
		FUZZ_CHECK(m->device[0] && m->dir[0] && m->fstype[0] && m->options[0]);
		const ms_mount *found = ms_mount_of_path(&l, m->dir);
		FUZZ_CHECK(found == NULL || strlen(found->dir) >= strlen(m->dir) ||
			   m->dir[0] != '/');
	}
	ms_mountlist_free(&l);
	return 0;
}

int ms_fuzz_sysvipc(const uint8_t *data, size_t size)
{
	ms_shmlist l;
	ms_error err;
	int rc = ms_parse_sysvipc_shm(as_text(data), size, &l, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || l.n == 0);
	FUZZ_CHECK(l.n <= l.cap);
	for (size_t i = 0; i < l.n; i++) {
		/* The three columns a header must name are always read. */
		FUZZ_CHECK(l.items[i].key != MS_NA && l.items[i].shmid != MS_NA &&
			   l.items[i].size != MS_NA);
		FUZZ_CHECK(l.items[i].perms == MS_NA || l.items[i].perms >= 0);
	}
	ms_shmlist_free(&l);
	return 0;
}

int ms_fuzz_swaps(const uint8_t *data, size_t size)
{
	ms_swaplist l;
	ms_error err;
	int rc = ms_parse_swaps(as_text(data), size, &l, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 || l.n == 0);
	for (size_t i = 0; i < l.n; i++) {
		FUZZ_CHECK(l.items[i].path != NULL && strlen(l.items[i].path) <= size);
		FUZZ_CHECK(memchr(l.items[i].type, '\0', sizeof l.items[i].type) != NULL);
		FUZZ_CHECK(l.items[i].size_kb >= 0 && l.items[i].used_kb >= 0);
	}
	ms_swaplist_free(&l);
	return 0;
}

/* Every zram file's parser on the same bytes, and the figures. */
int ms_fuzz_zram(const uint8_t *data, size_t size)
{
	ms_zram_mm_stat m;
	ms_zram_io_stat io;
	ms_zram_bd_stat bd;
	ms_zram_comp c;
	ms_zram_figures f;
	ms_error err;
	int64_t v;
	int rc = ms_parse_zram_mm_stat(as_text(data), size, &m, &err);

	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 ? m.nfields >= 6 && m.nfields <= 9 + MS_ZRAM_MAX_EXTRA
			   : m.nfields == 0 && m.orig_data_size == MS_NA);
	ms_zram_figures_of(&m, MS_NA, &f);
	FUZZ_CHECK(f.saved == MS_NA || rc == 0);
	ms_fuzz_check_result(ms_parse_zram_io_stat(as_text(data), size, &io, &err), &err);
	ms_fuzz_check_result(ms_parse_zram_bd_stat(as_text(data), size, &bd, &err), &err);
	rc = ms_parse_single_number(as_text(data), size, &v, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 ? v >= 0 : v == MS_NA);
	rc = ms_parse_zram_comp_algorithm(as_text(data), size, &c, &err);
	ms_fuzz_check_result(rc, &err);
	FUZZ_CHECK(rc == 0 ? c.current[0] != '\0' && c.n >= 1 : c.n == 0);
	FUZZ_CHECK(c.n <= MS_ZRAM_MAX_ALGS);
	for (int i = 0; i < c.n; i++)
		FUZZ_CHECK(memchr(c.available[i], '\0', MS_ZRAM_ALG_NAME) != NULL &&
			   c.available[i][0] != '\0');
	return 0;
}

/* Sums in 128 bits: what the rows and the totals must be. __extension__
 * keeps -Wpedantic quiet about a GNU type the fuzz build relies on. */
__extension__ typedef __int128 wide_int;

typedef struct wide_row {
	wide_int nvmas, vss, rss, pss, pc, pd, swap, swap_pss;
} wide_row;

static wide_int known(int64_t v)
{
	return v == MS_NA ? 0 : v;
}

static void wide_add(wide_row *w, const ms_category_row *r)
{
	w->nvmas += (wide_int)r->nvmas;
	w->vss += known(r->vss_kb);
	w->rss += known(r->rss_kb);
	w->pss += known(r->pss_kb);
	w->pc += known(r->private_clean_kb);
	w->pd += known(r->private_dirty_kb);
	w->swap += known(r->swap_kb);
	w->swap_pss += known(r->swap_pss_kb);
}

static void wide_add_vma(wide_row *w, const ms_vma *v)
{
	w->nvmas++;
	w->vss += known(ms_vma_vss_kb(v));
	w->rss += known(v->mem.rss);
	w->pss += known(v->mem.pss);
	w->pc += known(v->mem.private_clean);
	w->pd += known(v->mem.private_dirty);
	w->swap += known(v->mem.swap);
	w->swap_pss += known(v->mem.swap_pss);
}

int ms_fuzz_categories(const uint8_t *data, size_t size)
{
	ms_vmalist l = { 0 };
	ms_error err;
	ms_categories c;
	wide_row rows = { 0 }, tot = { 0 }, vmas = { 0 };

	if (ms_parse_smaps(as_text(data), size, &l, &err) != 0) {
		ms_vmalist_free(&l);
		return 0;
	}
	ms_categories_init(&c);
	for (size_t i = 0; i < l.n; i++) {
		ms_category cat = ms_categories_add(&c, &l, i);
		FUZZ_CHECK((unsigned)cat < MS_NCATEGORIES);
		FUZZ_CHECK(ms_category_defs[cat].key != NULL);
		wide_add_vma(&vmas, &l.v[i]);
		(void)ms_vma_group_name(ms_vma_path(&l, i));
	}
	for (int i = 0; i < MS_NCATEGORIES; i++) {
		FUZZ_CHECK(c.rows[i].nvmas > 0 || c.rows[i].pss_kb == MS_NA);
		wide_add(&rows, &c.rows[i]);
	}
	wide_add(&tot, &c.totals);
	if (!c.saturated) {
		FUZZ_CHECK(memcmp(&rows, &tot, sizeof rows) == 0);
		FUZZ_CHECK(memcmp(&tot, &vmas, sizeof tot) == 0);
	}
	FUZZ_CHECK(c.totals.nvmas == l.n);
	ms_vmalist_free(&l);
	return 0;
}
