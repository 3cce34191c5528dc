/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared memory as mappings show it. SysV segments, memfds and shared
 * anonymous mappings are files of the kernel's internal tmpfs (shm_mnt,
 * mm/shmem.c), whose device is 00:01 on most kernels but not all, so the
 * kind is read from the name the kernel gives them (ipc/shm.c names a
 * segment "SYSV%08x" with the shmid as its inode; memfd_create
 * "memfd:NAME"; shmem_zero_setup "dev/zero"), and only files of real
 * mounts are placed by their mount: a path under a tmpfs or ramfs mount,
 * on a device of major 0 (no block device behind it).
 */
#include <ctype.h>
#include <string.h>

#include "memscope/model.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool on_ram_mount(const ms_vma *v, const char *path, const ms_mountlist *mounts)
{
	const ms_mount *m = mounts ? ms_mount_of_path(mounts, path) : NULL;

	return m && v->dev_major == 0 && ms_fstype_is_ram(m->fstype);
}

ms_shm_kind ms_shm_kind_of(const ms_vma *v, const char *path, const ms_mountlist *mounts)
{
	ms_classifier c = { 0 };

	if (!path || !path[0])
		return MS_SHM_NONE;
	switch (ms_classify_vma(&c, v, path)) {
	case MS_CAT_SYSV:
		return MS_SHM_SYSV;
	case MS_CAT_MEMFD:
		return MS_SHM_MEMFD;
	case MS_CAT_POSIX_SHM:
		return MS_SHM_POSIX;
	case MS_CAT_SHARED_ANON:
		return MS_SHM_ANON;
	case MS_CAT_ASHMEM:
		return MS_SHM_ASHMEM;
	default:
		break;
	}
	if (starts(path, "/memfd:"))
		return MS_SHM_MEMFD; /* the JIT's, classed as ART heap */
	return path[0] == '/' && on_ram_mount(v, path, mounts) ? MS_SHM_TMPFS : MS_SHM_NONE;
}

const char *ms_shm_kind_name(ms_shm_kind k)
{
	static const char *const names[] = {
		[MS_SHM_NONE] = "", [MS_SHM_SYSV] = "sysv", [MS_SHM_MEMFD] = "memfd",
		[MS_SHM_POSIX] = "posix", [MS_SHM_ANON] = "shared_anon",
		[MS_SHM_ASHMEM] = "ashmem", [MS_SHM_TMPFS] = "tmpfs",
	};
	return (unsigned)k < MS_ARRAY_LEN(names) ? names[k] : "";
}

bool ms_sysv_ids_of(const ms_vma *v, const char *path, int64_t *key, int64_t *shmid)
{
	ms_classifier c = { 0 };
	uint64_t k = 0;

	if (!path || ms_classify_vma(&c, v, path) != MS_CAT_SYSV || v->inode > INT64_MAX)
		return false;
	for (int i = 5; i < 13; i++)
		k = k * 16 + (uint64_t)(isdigit((unsigned char)path[i])
						? path[i] - '0'
						: tolower((unsigned char)path[i]) - 'a' + 10);
	/* The kernel prints the key, an int, as %08x: back to its sign. */
	*key = (int64_t)(int32_t)(uint32_t)k;
	*shmid = (int64_t)v->inode;
	return true;
}

int64_t ms_shmem_unmapped_kb(int64_t shmem_kb, int64_t mapped_kb)
{
	if (shmem_kb == MS_NA || mapped_kb == MS_NA)
		return MS_NA;
	return shmem_kb > mapped_kb ? shmem_kb - mapped_kb : 0;
}

int64_t ms_procs_pss_shmem_kb(const ms_proc *p, size_t n, bool *complete)
{
	int64_t sum = MS_NA;
	bool sat = false;

	*complete = true;
	for (size_t i = 0; i < n; i++) {
		if (p[i].pss_shmem_kb == MS_NA)
			*complete = false;
		ms_sum_kb(&sum, p[i].pss_shmem_kb, &sat);
	}
	*complete = *complete && !sat;
	return sum;
}
