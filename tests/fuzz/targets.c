/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of fuzz targets, by the name their executable and their
 * regressions/ folder carry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"

static const ms_fuzz_target targets[] = {
	{ "meminfo", ms_fuzz_meminfo },
	{ "vmstat", ms_fuzz_vmstat },
	{ "buddyinfo", ms_fuzz_buddyinfo },
	{ "pagetypeinfo", ms_fuzz_pagetypeinfo },
	{ "zoneinfo", ms_fuzz_zoneinfo },
	{ "slabinfo", ms_fuzz_slabinfo },
	{ "smaps", ms_fuzz_smaps },
	{ "maps", ms_fuzz_maps },
	{ "rollup", ms_fuzz_rollup },
	{ "pid", ms_fuzz_pid },
	{ "meta", ms_fuzz_meta },
	{ "tar", ms_fuzz_tar },
	{ "mounts", ms_fuzz_mounts },
	{ "sysvipc", ms_fuzz_sysvipc },
	{ "swaps", ms_fuzz_swaps },
	{ "zram", ms_fuzz_zram },
	{ "categories", ms_fuzz_categories },
	{ "cgroup", ms_fuzz_cgroup },
	{ "oom", ms_fuzz_oom },
	{ "iomem", ms_fuzz_iomem },
	{ "vmallocinfo", ms_fuzz_vmallocinfo },
	{ "devicetree", ms_fuzz_devicetree },
	{ "cma", ms_fuzz_cma },
	{ "dmabuf", ms_fuzz_dmabuf },
	{ "psi", ms_fuzz_psi },
	{ "memblock", ms_fuzz_memblock },
	{ "unread", ms_fuzz_unread },
	{ "kernlog", ms_fuzz_kernlog },
};

static const uint8_t *input;
static size_t input_size;

int ms_fuzz_run(const ms_fuzz_target *t, const uint8_t *data, size_t size)
{
	int rc;

	input = data;
	input_size = size;
	rc = t->fn(data, size);
	input = NULL;
	input_size = 0;
	return rc;
}

bool ms_fuzz_input_holds(const char *s)
{
	return input && memmem(input, input_size, s, strlen(s)) != NULL;
}

const ms_fuzz_target *ms_fuzz_find(const char *name)
{
	for (size_t i = 0; i < MS_ARRAY_LEN(targets); i++)
		if (strcmp(targets[i].name, name) == 0)
			return &targets[i];
	return NULL;
}

void ms_fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	abort();
}
