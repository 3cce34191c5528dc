/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How full each RAM-backed mount is. /proc says which mounts are tmpfs
 * or ramfs but not how much they hold: that is statvfs(2) on the running
 * system, and on a snapshot the memscope-statvfs file its capture wrote
 * from the same calls (src/parse/statvfs.c gives the format). Both come
 * out as that file's text, so that the live system and a snapshot are
 * read by one parser.
 */
#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include "memscope/parse.h"
#include "memscope/source.h"

/* The running system itself, not a tree of files laid out like /proc:
 * only there do the mount points of its mounts file exist. */
static bool is_this_system(const ms_source *src)
{
	const ms_source_info *i = ms_source_get_info(src);

	return ms_source_can(src, MS_CAP_HOST_FACTS) && strcmp(i->path, "/proc") == 0;
}

/* As /proc/mounts escapes a path: space, tab, newline, backslash. */
static void put_escaped(ms_buf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr(" \t\n\\", *s))
			ms_buf_printf(out, "\\%03o", (unsigned char)*s);
		else
			ms_buf_putc(out, *s);
	}
}

static int statvfs_text(ms_source *src, ms_buf *out, ms_error *err)
{
	ms_mountlist ml;
	ms_buf b = MS_BUF_INIT;
	int rc = ms_source_read(src, "mounts", &b, err);

	if (rc == 0)
		rc = ms_parse_mounts(b.data ? b.data : "", b.len, &ml, err);
	ms_buf_free(&b);
	if (rc)
		return rc;
	ms_buf_reset(out);
	for (size_t i = 0; i < ml.n; i++) {
		struct statvfs st;
		if (!ms_fstype_is_ram(ml.items[i].fstype) || statvfs(ml.items[i].dir, &st) != 0 ||
		    st.f_frsize == 0)
			continue; /* gone since, or not ours to see: no line, not a zero */
		put_escaped(out, ml.items[i].dir);
		ms_buf_printf(out, " %llu %llu %llu %llu %llu %llu\n",
			      (unsigned long long)st.f_frsize, (unsigned long long)st.f_blocks,
			      (unsigned long long)st.f_bfree, (unsigned long long)st.f_bavail,
			      (unsigned long long)st.f_files, (unsigned long long)st.f_ffree);
	}
	ms_mountlist_free(&ml);
	if (!out->data)
		ms_buf_printf(out, "%s", "");
	return out->data ? 0 : ms_error_set(err, ENOMEM, 0, "out of memory");
}

int ms_source_statvfs(ms_source *src, ms_buf *out, ms_error *err)
{
	if (is_this_system(src))
		return statvfs_text(src, out, err);
	return ms_source_read(src, "memscope-statvfs", out, err);
}
