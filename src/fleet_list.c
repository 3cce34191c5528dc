/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The explorer on a folder of snapshots: the fleet's rows (the columns of
 * `memscope fleet`, src/model/fleet.c) as a sortable list. Enter opens
 * the selected snapshot in the usual panes (src/app.c), whose q comes
 * back here; the terminal is given to the explorer in between, so each
 * side sets it up as it always does.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "memscope/app.h"
#include "memscope/fleet.h"
#include "memscope/term.h"
#include "memscope/widget.h"

struct list {
	const ms_fleet *fleet;
	const char *title;
	const ms_options *opts;
	ms_term *term;
	ms_screen screen;
	ms_tablew table;
	char message[300];
	bool quit;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* Ctrl-C, kill, hang-up: the terminal is restored before we go. The
 * explorer sets its own while it runs, and puts these back. */
static void catch_stop_signals(struct sigaction *old)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: poll must return */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction *old)
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
}

/* A snapshot that could not be read stands out; Enter says why. */
static ms_attr row_attr(const void *row, const void *ctx)
{
	(void)ctx;
	return ((const ms_fleet_row *)row)->error ? MS_ATTR_WARN : MS_ATTR_NORMAL;
}

static void draw_status(struct list *l, int row)
{
	ms_screen *s = &l->screen;
	const ms_fleet_row *sel = ms_tablew_selected(&l->table);

	ms_screen_fill(s, row, 0, s->cols, ' ', MS_ATTR_STATUS);
	if (l->message[0]) {
		ms_screen_put_untrusted(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS, l->message,
					strlen(l->message));
	} else if (sel && sel->error) {
		int x = ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS, "unreadable: ");
		ms_screen_put_untrusted(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS, sel->error,
					strlen(sel->error));
	} else {
		ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS,
			       "Enter:open  <>:sort r:rev  q:quit   (in a snapshot, q comes back)");
	}
}

static void draw(struct list *l)
{
	ms_screen *s = &l->screen;
	size_t failed = ms_fleet_failed(l->fleet);

	ms_screen_clear(s);
	if (s->rows < 5 || s->cols < 30) {
		ms_screen_puts(s, 0, 0, MS_TO_EDGE, MS_ATTR_WARN, "terminal too small");
		return;
	}
	int x = ms_screen_printf(s, 0, 0, MS_TO_EDGE, MS_ATTR_TITLE, "memscope: %zu snapshots in ",
				 l->fleet->n);
	x += ms_screen_put_untrusted(s, 0, x, MS_TO_EDGE, MS_ATTR_TITLE, l->title,
				     strlen(l->title));
	if (failed)
		ms_screen_printf(s, 0, x, MS_TO_EDGE, MS_ATTR_WARN, "  (%zu unreadable)", failed);
	ms_tablew_draw(&l->table, s, (ms_rect){ 1, 0, s->rows - 2, s->cols }, NULL);
	draw_status(l, s->rows - 1);
}

static int fit_screen(struct list *l)
{
	int rows, cols;

	ms_term_size(l->term, &rows, &cols);
	if (rows == l->screen.rows && cols == l->screen.cols)
		return 0;
	return ms_screen_resize(&l->screen, rows, cols);
}

/* The usual panes on the selected snapshot; the terminal is theirs until
 * they come back. */
static int open_selected(struct list *l, ms_error *err)
{
	const ms_fleet_row *sel = ms_tablew_selected(&l->table);
	ms_error why = { 0 };
	bool back = false;

	if (!sel)
		return 0;
	if (sel->error) {
		snprintf(l->message, sizeof l->message, "cannot open it: %s", sel->error);
		return 0;
	}
	ms_source *src = ms_source_open_snapshot(sel->source, &why);
	if (!src) {
		snprintf(l->message, sizeof l->message, "%s", why.msg);
		return 0;
	}
	ms_term_close(l->term);
	l->term = NULL;
	int rc = ms_app_run_listed(src, l->opts, &back, &why);
	if (rc)
		snprintf(l->message, sizeof l->message, "%s", why.msg);
	if (!back && !rc) {
		l->quit = true;
		return 0;
	}
	if (!(l->term = ms_term_open(l->opts->no_color, err)))
		return -(err->code ? err->code : EIO);
	return 0;
}

static int handle_key(struct list *l, int key, ms_error *err)
{
	if (key == MS_KEY_RESIZE)
		return 0;
	l->message[0] = '\0';
	if (key == 'q' || key == 'Q' || key == MS_KEY_F10)
		l->quit = true;
	else if (key == MS_KEY_ENTER)
		return open_selected(l, err);
	else
		ms_tablew_key(&l->table, key);
	return 0;
}

static int loop(struct list *l, ms_error *err)
{
	while (!l->quit && !stop_signal) {
		if (fit_screen(l) != 0)
			return ms_error_set(err, ENOMEM, 0, "out of memory");
		draw(l);
		ms_term_flush(l->term, &l->screen);
		int key = ms_term_read_key(l->term);
		if (key == MS_KEY_NONE) {
			struct pollfd pfd = { .fd = ms_term_fd(l->term), .events = POLLIN };
			if (poll(&pfd, 1, -1) > 0 && (pfd.revents & (POLLHUP | POLLERR)))
				break; /* the terminal went away */
			continue;
		}
		int rc = handle_key(l, key, err);
		if (rc)
			return rc;
	}
	return 0;
}

int ms_fleet_list_run(const ms_fleet *f, const char *title, const ms_options *o,
		      ms_error *err)
{
	struct list l = { .fleet = f, .title = title, .opts = o };
	char folder[4096];
	int rc;

	/* Names below the folder the title gives. */
	size_t n = strlen(title);
	snprintf(folder, sizeof folder, "%s%s", title, n && title[n - 1] == '/' ? "" : "/");

	ms_tablew_init(&l.table, &ms_fleet_table, "source", "host");
	l.table.row_attr = row_attr;
	if (ms_tablew_set_rows(&l.table, f->rows, f->n, sizeof *f->rows, folder) != 0 ||
	    ms_screen_init(&l.screen, 0, 0) != 0) {
		ms_tablew_free(&l.table);
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	struct sigaction old[3];
	stop_signal = 0;
	catch_stop_signals(old);
	if (!(l.term = ms_term_open(o->no_color, err)))
		rc = -(err->code ? err->code : EIO);
	else
		rc = loop(&l, err);
	restore_signals(old);
	ms_term_close(l.term);
	ms_screen_free(&l.screen);
	ms_tablew_free(&l.table);
	return rc;
}
