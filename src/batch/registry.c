/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The batch views, in the order usage, the man page and the help list
 * them. A new view is one file that defines its ms_view_class and one
 * line here (doc/hacking.md, "Add a batch view").
 */
#include "render.h"

extern const ms_view_class ms_view_procrank, ms_view_slabs, ms_view_buddy, ms_view_zones,
	ms_view_meminfo, ms_view_vma, ms_view_report;
extern const ms_view_class ms_view_libs, ms_view_categories,
	ms_view_swap, ms_view_shm, ms_view_memory;
/* issue 10: the kernel side (read when shown, src/batch/kmem.c) */
extern const ms_view_class ms_view_iomem, ms_view_vmalloc, ms_view_cma, ms_view_dmabuf;
/* issue 12: under pressure */
extern const ms_view_class ms_view_pressure, ms_view_cgroups;

const ms_view_class *const ms_views[] = {
	&ms_view_procrank,
	&ms_view_slabs,
	&ms_view_buddy,
	&ms_view_zones,
	&ms_view_meminfo,
	&ms_view_vma,
	&ms_view_libs,
	&ms_view_categories,
	&ms_view_swap,
	&ms_view_shm,
	&ms_view_memory,
	&ms_view_iomem,
	&ms_view_vmalloc,
	&ms_view_cma,
	&ms_view_dmabuf,
	&ms_view_pressure,
	&ms_view_cgroups,
	&ms_view_report,
	NULL,
};
