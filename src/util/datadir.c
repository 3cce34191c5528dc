/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where memscope's data files are (data/memscope-capture.sh): installed, in
 * the data directory meson was configured with; run uninstalled from its
 * build tree, in the source tree's data/, so that a change to the script is
 * used without installing it. meson.build compiles the three places in.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/util.h"

#ifndef MEMSCOPE_DATADIR
#error "meson.build defines MEMSCOPE_DATADIR, MEMSCOPE_BUILD_ROOT and MEMSCOPE_SOURCE_DATADIR"
#endif

/* True when the running program lies below the build tree it was built in.
 * Both paths are resolved, so a build tree reached through a symbolic link
 * still counts. */
static bool running_from_build_tree(void)
{
	char exe[PATH_MAX], root[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0 || !realpath(MEMSCOPE_BUILD_ROOT, root))
		return false;
	exe[n] = '\0';
	size_t len = strlen(root);
	return strncmp(exe, root, len) == 0 && exe[len] == '/';
}

const char *ms_data_path(const char *name, char *buf, size_t cap)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, "..")) {
		errno = EINVAL;
		return NULL;
	}
	const char *dir = running_from_build_tree() ? MEMSCOPE_SOURCE_DATADIR : MEMSCOPE_DATADIR;
	int n = snprintf(buf, cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (access(buf, R_OK) != 0)
		return NULL; /* errno from access(): ENOENT, EACCES */
	return buf;
}
