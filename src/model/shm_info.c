/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared memory and RAM-backed file systems, gathered for the shm view:
 * the tmpfs and ramfs mounts with how full they are, the SysV segments,
 * and every process's shared-memory mappings (memfd, /dev/shm, SysV,
 * shared anonymous, files on a tmpfs) with the processes that map them,
 * read one smaps at a time by librank with a grouping of its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"

static void read_mounts(ms_shm_info *in, ms_source *src)
{
	ms_buf b = MS_BUF_INIT;

	in->mounts_status = ms_source_read(src, "mounts", &b, &in->mounts_err);
	if (in->mounts_status == 0)
		in->mounts_status = ms_parse_mounts(b.data ? b.data : "", b.len, &in->mounts,
						    &in->mounts_err);
	in->usage_status = ms_source_statvfs(src, &b, &in->usage_err);
	if (in->usage_status == 0)
		in->usage_status = ms_parse_statvfs_list(b.data ? b.data : "", b.len, &in->usage,
							 &in->usage_err);
	in->sysv_status = ms_source_read(src, "sysvipc/shm", &b, &in->sysv_err);
	if (in->sysv_status == 0)
		in->sysv_status = ms_parse_sysvipc_shm(b.data ? b.data : "", b.len, &in->sysv,
						       &in->sysv_err);
	ms_buf_free(&b);
}

/* librank's grouping for shared memory: "KIND:PATH", a SysV segment by
 * its shmid (many segments share the key 0, IPC_PRIVATE, and so the
 * path), anything else left out. */
static const char *shm_group(void *ctx, const ms_vma *v, const char *path, char *buf,
			     size_t cap)
{
	const ms_shm_info *in = ctx;
	ms_shm_kind k = ms_shm_kind_of(v, path, in->mounts_status == 0 ? &in->mounts : NULL);
	int64_t key, shmid;

	if (k == MS_SHM_NONE)
		return NULL;
	if (k == MS_SHM_SYSV && ms_sysv_ids_of(v, path, &key, &shmid))
		snprintf(buf, cap, "sysv:%" PRId64 ":%s", shmid, path);
	else
		snprintf(buf, cap, "%s:%s", ms_shm_kind_name(k), path);
	return buf;
}

const char *ms_shm_group_split(const char *group, char kind[16], int64_t *shmid)
{
	size_t n = strcspn(group, ":");
	const char *rest = group[n] ? group + n + 1 : group + n;

	snprintf(kind, 16, "%.*s", (int)(n < 15 ? n : 15), group);
	*shmid = -1;
	if (strcmp(kind, "sysv") == 0) {
		char *end;
		long long id = strtoll(rest, &end, 10);
		if (*end == ':') {
			*shmid = id;
			rest = end + 1;
		}
	}
	return rest;
}

int ms_shm_info_load(ms_source *src, ms_shm_info *out, ms_error *err)
{
	memset(out, 0, sizeof *out);
	read_mounts(out, src);
	ms_librank_filter f = { .name_of = shm_group, .name_ctx = out };
	ms_librank_init(&out->maps, &f);
	out->maps_status = ms_librank_run(&out->maps, src, NULL, 0, &out->maps_err);
	if (out->maps_status == -ENOMEM || out->mounts_status == -ENOMEM ||
	    out->usage_status == -ENOMEM || out->sysv_status == -ENOMEM) {
		ms_shm_info_free(out);
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	return 0;
}

void ms_shm_info_free(ms_shm_info *in)
{
	ms_mountlist_free(&in->mounts);
	ms_fsusage_list_free(&in->usage);
	ms_shmlist_free(&in->sysv);
	ms_librank_free(&in->maps);
}
