/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the commands share: printing an error, opening the source. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Sources name the path in their messages already: what is left out when
 * why begins with it. */
void ms_cmd_print_error(const char *what, const ms_error *err, int rc)
{
	const char *why = err->msg[0] ? err->msg : strerror(rc < 0 ? -rc : EIO);
	size_t n = what ? strlen(what) : 0;
	ms_buf text = MS_BUF_INIT, line = MS_BUF_INIT;

	/* A message names a long path with its middle left out: the start
	 * of the path is enough to know it is there already. */
	size_t same = n > 64 ? 64 : n;
	bool named = what && strncmp(why, what, same) == 0 && (n > 64 || why[n] == ':');
	if (what && !named) {
		ms_error shown;
		ms_error_set(&shown, 0, 0, "%s", what); /* its middle out when long */
		ms_buf_printf(&text, "%s: ", shown.msg);
	}
	ms_buf_puts(&text, why);
	if (!text.data || ms_escape_display(&line, text.data, text.len) != 0 || !line.data)
		fputs("memscope: out of memory\n", stderr);
	else
		fprintf(stderr, "memscope: %s\n", line.data);
	ms_buf_free(&text);
	ms_buf_free(&line);
}

ms_source *ms_cmd_open_source(const ms_options *o)
{
	ms_error err = { 0 };
	ms_source *src = o->snapshot ? ms_source_open_snapshot(o->snapshot, &err)
				     : ms_source_open_live(o->proc_root, &err);

	if (!src)
		ms_cmd_print_error(o->snapshot ? o->snapshot
					       : (o->proc_root ? o->proc_root : "/proc"),
				   &err, -(err.code ? err.code : EIO));
	return src;
}
