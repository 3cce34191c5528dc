/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The explorer's panes, in the order of their number keys. A new pane is
 * one file that defines its ms_pane_class and one line here
 * (doc/hacking.md, "Add a pane").
 */
#include <errno.h>
#include <string.h>

#include "memscope/views.h"

extern const ms_pane_class ms_pane_procrank, ms_pane_slabs, ms_pane_buddy, ms_pane_vma;
extern const ms_pane_class ms_pane_memory;
extern const ms_pane_class ms_pane_libs;
extern const ms_pane_class ms_pane_cgroups;

const ms_pane_class *const ms_panes[] = {
	&ms_pane_procrank,
	&ms_pane_slabs,
	&ms_pane_buddy,
	&ms_pane_vma,
	&ms_pane_memory,
	&ms_pane_libs,
	&ms_pane_cgroups,
	NULL,
};

size_t ms_pane_count(void)
{
	size_t n = 0;

	while (ms_panes[n])
		n++;
	return n;
}

const ms_pane_class *ms_pane_find(const char *name)
{
	for (size_t i = 0; ms_panes[i]; i++)
		if (strcmp(ms_panes[i]->name, name) == 0)
			return ms_panes[i];
	return NULL;
}

int ms_pane_init(ms_pane *p, const ms_pane_class *cls)
{
	*p = (ms_pane){ .cls = cls, .table = cls->table };
	return cls->create ? cls->create(p) : 0;
}

void ms_pane_destroy(ms_pane *p)
{
	if (p->cls && p->cls->destroy && p->state)
		p->cls->destroy(p);
	p->state = NULL;
}
