/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a mapping is, from its name: the classes of Android's dumpsys
 * meminfo (frameworks/base android_os_Debug.cpp load_maps, and
 * libmeminfo's copy of it), adapted to Linux.
 *
 * Android's rules, and what changes here:
 * - native heap: [heap], [anon:libc_malloc], [anon:scudo:*],
 *   [anon:GWP-ASan*] (and [anon:native_heap:*] of newer releases). glibc
 *   names nothing: its arenas and big blocks are unnamed anonymous
 *   mappings, so on most Linux systems this is [heap] alone.
 * - stack: "[stack" (which also takes [stack:TID], the per-thread stacks
 *   that 3.x kernels named) and [anon:stack_and_tls:*] (bionic).
 * - .so: the name ends in ".so"; Linux adds the versioned names
 *   (libc.so.6, libstdc++.so.6.0.30). An unnamed mapping that starts where
 *   a library's mapping ends is its bss (load_maps' "prev_end" rule), and
 *   so is bionic's [anon:.bss].
 * - .jar .apk .dex .odex .vdex .oat .art: the runtime's files, one class
 *   here (dumpsys splits them); [anon:dalvik-*] and the JIT's memfd and
 *   ashmem are ART's heaps and their side tables, one class.
 * - devices: /dev/kgsl-3d0 is "GL dev" on Android; Linux boards map
 *   Mali, DRM, Vivante, PowerVR or NVIDIA devices: one GPU class. Other
 *   /dev/ files and anon_inode: files are devices.
 * - /dev/ashmem*, /memfd:*, /dmabuf:* as on Android; Linux adds SysV
 *   (/SYSV%08x), POSIX (/dev/shm/...) and anonymous shared memory (the
 *   kernel names it /dev/zero (deleted), or [anon_shmem:NAME] since 6.x).
 * - [anon:NAME] otherwise: named anonymous memory (Android's "Other").
 * - other bracketed names: the kernel's own ([vdso], [vvar], [vsyscall],
 *   [sigpage], [vectors], [uprobes]).
 * " (deleted)" at the end of a path does not change its class.
 */
#include <ctype.h>
#include <string.h>

#include "memscope/model.h"

const ms_category_def ms_category_defs[MS_NCATEGORIES] = {
	[MS_CAT_NATIVE_HEAP] = { "native_heap", "Native heap", "Native Heap" },
	[MS_CAT_ART_HEAP] = { "art_heap", "ART heap", "Dalvik Heap" },
	[MS_CAT_STACK] = { "stack", "Stack", "Stack" },
	[MS_CAT_LIBRARY] = { "library", "Libraries (.so)", ".so mmap" },
	[MS_CAT_ART_FILE] = { "art_file", "Dex/oat/art/jar/apk", ".dex mmap" },
	[MS_CAT_OTHER_FILE] = { "other_file", "Other files", "Other mmap" },
	[MS_CAT_GPU] = { "gpu", "GPU device", "Gfx dev" },
	[MS_CAT_DEVICE] = { "device", "Other devices", "Other dev" },
	[MS_CAT_DMABUF] = { "dmabuf", "dma-buf", "" },
	[MS_CAT_MEMFD] = { "memfd", "memfd", "" },
	[MS_CAT_ASHMEM] = { "ashmem", "Ashmem", "Ashmem" },
	[MS_CAT_SYSV] = { "sysv_shm", "SysV shared memory", "" },
	[MS_CAT_POSIX_SHM] = { "posix_shm", "POSIX shared memory", "" },
	[MS_CAT_SHARED_ANON] = { "shared_anon", "Shared anonymous", "" },
	[MS_CAT_ANON_NAMED] = { "anon_named", "Named anonymous", "Other" },
	[MS_CAT_ANON] = { "anon", "Unnamed anonymous", "Unknown" },
	[MS_CAT_KERNEL] = { "kernel", "Kernel ([vdso] ...)", "" },
};

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The length of path without a " (deleted)" suffix. */
static size_t name_len(const char *path)
{
	static const char deleted[] = " (deleted)";
	size_t n = strlen(path), d = sizeof deleted - 1;

	return n > d && memcmp(path + n - d, deleted, d) == 0 ? n - d : n;
}

static bool ends(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* "libfoo.so" or "libfoo.so.6.0.30": ".so" then dot-separated numbers. */
static bool is_library(const char *path, size_t n)
{
	const char *so = NULL;

	for (const char *p = path; (p = memmem(p, (size_t)(path + n - p), ".so", 3)); p++)
		so = p;
	if (!so || (so > path && so[-1] == '/'))
		return false;
	for (const char *p = so + 3; p < path + n; p++)
		if (!isdigit((unsigned char)*p) && !(*p == '.' && p + 1 < path + n &&
						     isdigit((unsigned char)p[1])))
			return false;
	return true;
}

static bool is_art_file(const char *path, size_t n)
{
	static const char *const ext[] = { ".dex", ".odex", ".vdex", ".oat", ".art",
					   ".jar", ".apk" };

	for (size_t i = 0; i < MS_ARRAY_LEN(ext); i++)
		if (ends(path, n, ext[i]))
			return true;
	return false;
}

static ms_category anon_named(const char *path)
{
	static const char *const native[] = { "[anon:libc_malloc", "[anon:scudo:",
					      "[anon:GWP-ASan", "[anon:native_heap:" };

	for (size_t i = 0; i < MS_ARRAY_LEN(native); i++)
		if (starts(path, native[i]))
			return MS_CAT_NATIVE_HEAP;
	if (starts(path, "[anon:stack_and_tls:"))
		return MS_CAT_STACK;
	if (starts(path, "[anon:dalvik-"))
		return MS_CAT_ART_HEAP;
	if (starts(path, "[anon:.bss]"))
		return MS_CAT_LIBRARY;
	return MS_CAT_ANON_NAMED;
}

static ms_category bracketed(const char *path)
{
	if (starts(path, "[heap]"))
		return MS_CAT_NATIVE_HEAP;
	if (starts(path, "[stack"))
		return MS_CAT_STACK;
	if (starts(path, "[anon:"))
		return anon_named(path);
	if (starts(path, "[anon_shmem:"))
		return MS_CAT_SHARED_ANON;
	return MS_CAT_KERNEL;
}

static ms_category device(const ms_vma *v, const char *path)
{
	static const char *const gpu[] = { "/dev/kgsl", "/dev/mali", "/dev/dri/", "/dev/nvidia",
					   "/dev/pvr", "/dev/galcore", "/dev/vivante" };

	if (starts(path, "/dev/zero"))
		return v->perms[3] == 's' ? MS_CAT_SHARED_ANON : MS_CAT_ANON;
	if (starts(path, "/dev/shm/"))
		return MS_CAT_POSIX_SHM;
	if (starts(path, "/dev/ashmem"))
		return starts(path, "/dev/ashmem/dalvik-") || starts(path, "/dev/ashmem/jit-")
			       ? MS_CAT_ART_HEAP : MS_CAT_ASHMEM;
	for (size_t i = 0; i < MS_ARRAY_LEN(gpu); i++)
		if (starts(path, gpu[i]))
			return MS_CAT_GPU;
	return MS_CAT_DEVICE;
}

static bool is_sysv(const char *path)
{
	if (!starts(path, "/SYSV"))
		return false;
	for (int i = 5; i < 13; i++)
		if (!isxdigit((unsigned char)path[i]))
			return false;
	return path[13] == '\0' || path[13] == ' ';
}

static ms_category named(const ms_vma *v, const char *path)
{
	size_t n = name_len(path);

	if (path[0] == '[')
		return bracketed(path);
	if (is_sysv(path))
		return MS_CAT_SYSV;
	if (starts(path, "/memfd:"))
		return starts(path, "/memfd:jit-") ? MS_CAT_ART_HEAP : MS_CAT_MEMFD;
	if (starts(path, "/dmabuf") || starts(path, "anon_inode:dmabuf"))
		return MS_CAT_DMABUF;
	if (starts(path, "/dev/"))
		return device(v, path);
	if (starts(path, "anon_inode:"))
		return MS_CAT_DEVICE;
	if (is_library(path, n))
		return MS_CAT_LIBRARY;
	if (is_art_file(path, n))
		return MS_CAT_ART_FILE;
	return MS_CAT_OTHER_FILE;
}

ms_category ms_classify_vma(ms_classifier *c, const ms_vma *v, const char *path)
{
	ms_category cat;

	if (!path || !path[0])
		cat = c->prev_library && v->start == c->prev_end ? MS_CAT_LIBRARY : MS_CAT_ANON;
	else
		cat = named(v, path);
	/* Only a library's own file mapping starts a bss: not a bss. */
	c->prev_library = cat == MS_CAT_LIBRARY && path && path[0] && path[0] != '[';
	c->prev_end = v->end;
	return cat;
}

const char *ms_vma_group_name(const char *path)
{
	if (!path || !path[0])
		return "[anon]";
	if (starts(path, "[stack:"))
		return "[stack]";
	if (starts(path, "[anon:stack_and_tls:"))
		return "[anon:stack_and_tls]";
	return path;
}

int64_t ms_vma_vss_kb(const ms_vma *v)
{
	if (v->mem.size != MS_NA)
		return v->mem.size;
	return v->end >= v->start ? (int64_t)((v->end - v->start) / 1024) : MS_NA;
}

void ms_sum_kb(int64_t *sum, int64_t v, bool *saturated)
{
	if (v == MS_NA)
		return;
	if (*sum == MS_NA) {
		*sum = v;
		return;
	}
	if ((v > 0 && *sum > INT64_MAX - v) || (v < 0 && *sum < INT64_MIN + 1 - v)) {
		*saturated = true;
		*sum = v > 0 ? INT64_MAX : INT64_MIN + 1;
		return;
	}
	*sum += v;
}
