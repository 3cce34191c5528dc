/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/mounts and /proc/PID/mounts (fs/proc_namespace.c show_vfsmnt),
 * the same since 2.4:
 *   tmpfs /dev/shm tmpfs rw,nosuid,nodev,size=65536k,inode64 0 0
 *   /dev/disk/by-label/My\040Disk /media/My\040Disk vfat rw,relatime 0 0
 * Device, mount point and type go through mangle() (seq_escape with
 * " \t\n\\"), options through seq_show_option's escapes: so a field never
 * holds a blank, and splitting at blanks is exact. The last two fields are
 * the constants "0 0" (fstab's dump and pass, never set by the kernel).
 * Devices without a name print "none"; rootfs prints "rootfs".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"
#include "memscope/util.h"

#define MOUNT_FIELDS 6

void ms_mountlist_free(ms_mountlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].device);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static int grow(ms_mountlist *l)
{
	return ms_array_grow(&l->items, &l->cap, l->n, sizeof *l->items, 32);
}

/* The four text fields, unescaped into one block: "dev\0dir\0type\0opts\0". */
static int add_mount(ms_mountlist *l, const char *tok[], const size_t toklen[],
		     const int64_t nums[2], ms_buf *scratch)
{
	size_t off[4];

	ms_buf_reset(scratch);
	for (int i = 0; i < 4; i++) {
		off[i] = scratch->len;
		if (ms_unescape_octal(scratch, tok[i], toklen[i]) != 0 ||
		    ms_buf_putc(scratch, '\0') != 0)
			return -ENOMEM;
	}
	char *block = malloc(scratch->len);
	if (!block || grow(l) != 0) {
		free(block);
		return -ENOMEM;
	}
	memcpy(block, scratch->data, scratch->len);
	l->items[l->n++] = (ms_mount){ .device = block, .dir = block + off[1],
				       .fstype = block + off[2], .options = block + off[3],
				       .freq = nums[0], .passno = nums[1] };
	return 0;
}

static int parse_row(ms_mountlist *l, const char *line, size_t len, unsigned lineno,
		     ms_buf *scratch, ms_error *err)
{
	const char *p = line, *end = line + len;
	const char *tok[MOUNT_FIELDS + 1];
	size_t toklen[MOUNT_FIELDS + 1];
	int64_t nums[2];
	int n = 0;

	/* The kernel escapes what it must; a NUL byte would cut a field. */
	if (memchr(line, '\0', len))
		return ms_error_set(err, EINVAL, lineno, "a NUL byte in the line");
	while (n <= MOUNT_FIELDS && ms_next_token(&p, end, &tok[n], &toklen[n]))
		n++;
	if (n != MOUNT_FIELDS)
		return ms_error_set(err, EINVAL, lineno, "%d fields, not %d", n, MOUNT_FIELDS);
	if (!ms_token_i64(tok[4], toklen[4], &nums[0]) ||
	    !ms_token_i64(tok[5], toklen[5], &nums[1]))
		return ms_error_set(err, EINVAL, lineno, "dump and pass are not numbers");
	if (add_mount(l, tok, toklen, nums, scratch) != 0)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	return 0;
}

int ms_parse_mounts(const char *buf, size_t len, ms_mountlist *out, ms_error *err)
{
	ms_buf scratch = MS_BUF_INIT;
	ms_lines it;
	const char *line;
	size_t llen;
	int rc = 0;

	memset(out, 0, sizeof *out);
	ms_error_clear(err);
	ms_lines_init(&it, buf, len);
	while (rc == 0 && ms_lines_next(&it, &line, &llen)) {
		const char *p = line;
		ms_skip_space(&p, line + llen);
		if (p < line + llen)
			rc = parse_row(out, line, llen, it.lineno, &scratch, err);
	}
	ms_buf_free(&scratch);
	if (rc != 0)
		ms_mountlist_free(out);
	return rc;
}

/* dir is a mount point of path: equal, or a prefix ending at a '/'. */
static bool holds(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strncmp(dir, path, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n > 0 && dir[n - 1] == '/');
}

const ms_mount *ms_mount_of_path(const ms_mountlist *l, const char *path)
{
	const ms_mount *best = NULL;
	size_t best_len = 0;

	if (!path || path[0] != '/')
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->items[i].dir);
		if (holds(l->items[i].dir, path) && (!best || n >= best_len)) {
			best = &l->items[i];
			best_len = n;
		}
	}
	return best;
}

bool ms_fstype_is_ram(const char *fstype)
{
	static const char *const ram[] = { "tmpfs", "ramfs", "devtmpfs", "shm" };

	for (size_t i = 0; i < MS_ARRAY_LEN(ram); i++)
		if (strcmp(fstype, ram[i]) == 0)
			return true;
	return false;
}
