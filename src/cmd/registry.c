/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands, in the order usage lists them. A new command is one file
 * that defines its ms_command and one line here (doc/hacking.md, "Add a
 * command").
 */
#include <string.h>

#include "cmd.h"

extern const ms_command ms_cmd_capture, ms_cmd_oom;
extern const ms_command ms_cmd_record;
extern const ms_command ms_cmd_diff;
extern const ms_command ms_cmd_trend;
extern const ms_command ms_cmd_metrics;
extern const ms_command ms_cmd_fleet;

const ms_command *const ms_commands[] = {
	&ms_cmd_explorer,
	&ms_cmd_view,
	&ms_cmd_capture,
	&ms_cmd_record,
	&ms_cmd_oom,
	&ms_cmd_diff,
	&ms_cmd_trend,
	&ms_cmd_metrics,
	&ms_cmd_fleet,
	NULL,
};

const ms_command *ms_command_find(const char *word)
{
	if (ms_view_find(word))
		return &ms_cmd_view;
	for (size_t i = 0; ms_commands[i]; i++)
		if (ms_commands[i] != &ms_cmd_explorer && ms_commands[i] != &ms_cmd_view &&
		    strcmp(ms_commands[i]->name, word) == 0)
			return ms_commands[i];
	return NULL;
}
