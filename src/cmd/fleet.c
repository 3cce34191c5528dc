/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope fleet DIR|FILES...`: one row per snapshot of many (folders
 * of captures, archives, the last sample of recordings), the ones that
 * cannot be read as rows with their error. The rows are
 * src/model/fleet.c's, the output src/batch/fleet.c's; the explorer's
 * list of a folder of snapshots (src/fleet_list.c) reads them here too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

struct collect {
	ms_fleet *fleet;
	int rc; /* -ENOMEM: stop */
};

static int add_source(void *ctx, ms_source *src, const char *name)
{
	struct collect *c = ctx;

	c->rc = ms_fleet_add_source(c->fleet, src, name);
	return c->rc != 0;
}

static void add_failure(void *ctx, const char *name, const ms_error *err, int rc)
{
	struct collect *c = ctx;
	const char *why = err->msg[0] ? err->msg : strerror(rc < 0 ? -rc : EIO);

	if (!c->rc)
		c->rc = ms_fleet_add_error(c->fleet, name, why);
}

int ms_cmd_fleet_collect(const char *const *paths, size_t n, ms_fleet *f)
{
	struct collect c = { f, 0 };
	int status = 0;

	for (size_t i = 0; i < n && !c.rc; i++) {
		size_t before = f->n;
		int rc = ms_cmd_each_snapshot(paths[i], add_source, add_failure, &c);
		/* A folder with no snapshot in it was said on stderr. */
		if (rc < 0 && f->n == before)
			status = -1;
	}
	if (c.rc) {
		ms_error err;
		ms_error_set(&err, ENOMEM, 0, "out of memory");
		ms_cmd_print_error("fleet", &err, c.rc);
		return -1;
	}
	return status;
}

bool ms_cmd_is_snapshot_folder(const char *path)
{
	struct stat st;
	ms_error err = { 0 };

	if (!path || ms_source_is_ssh(path) || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	ms_source *src = ms_source_open_snapshot(path, &err);
	if (!src)
		return true;
	ms_source_close(src);
	return false;
}

static int run(const ms_options *o)
{
	ms_fleet f = { 0 };
	ms_error err = { 0 };
	const char *one[] = { o->snapshot };
	const char *const *paths = o->fleet.n ? o->fleet.paths : one;
	size_t n = o->fleet.n ? o->fleet.n : 1;

	int rc = ms_cmd_fleet_collect(paths, n, &f);
	int status = rc || ms_fleet_failed(&f) ? MS_EXIT_FAILED : MS_EXIT_OK;
	if (f.n && ms_fleet_write(&o->batch, &f, stdout, &err) != 0) {
		ms_cmd_print_error(NULL, &err, -(err.code ? err.code : EIO));
		status = MS_EXIT_FAILED;
	}
	ms_fleet_free(&f);
	return status;
}

/* DIR|FILES...: the words up to the first option. */
static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	int n = 0;

	(void)err;
	while (n < argc && !(argv[n][0] == '-' && argv[n][1]))
		n++;
	o->fleet.paths = (const char *const *)argv;
	o->fleet.n = (size_t)n;
	return n;
}

static int check(const ms_options *o, ms_error *err)
{
	if (!o->fleet.n && !o->snapshot)
		return ms_error_set(err, EINVAL, 0,
				    "fleet: needs DIR or FILES... (snapshots, archives, recordings)");
	if (o->fleet.n && o->snapshot)
		return ms_error_set(err, EINVAL, 0, "fleet: -s and FILES...: name them one way");
	return ms_fleet_check_sort(o->batch.sort, err);
}

const ms_command ms_cmd_fleet = {
	.name = "fleet",
	.synopsis = "DIR|FILES... [-f text|csv|json] [--sort KEY] [-r] [--limit N]",
	.summary = "one row per snapshot: memory, PSS, slab, top process",
	.take_args = take_args,
	.check = check,
	.run = run,
};
