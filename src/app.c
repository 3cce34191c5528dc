/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive explorer: the loop that samples, draws and reads keys.
 *
 * Live, it reads only what the visible pane needs (the header's meminfo,
 * plus the processes, the slabs or the buddy files; the smaps of one
 * process only while the VMA pane is open), every -d seconds, and keeps
 * the previous sample for the slab growth. On a snapshot it reads
 * everything once. No key changes anything on the system.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/app.h"
#include "memscope/model.h"
#include "memscope/term.h"
#include "memscope/views.h"

enum { PANE_PROCRANK, PANE_SLABS, PANE_BUDDY, PANE_VMA, NPANES };

typedef enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_PID } prompt_kind;

struct app {
	ms_source *src;
	const ms_options *opts;
	bool live;
	ms_term *term;
	ms_screen screen;
	ms_pane panes[NPANES];
	int pane;

	ms_sample sample[2];
	ms_sample *cur, *prev; /* prev NULL until a second sample */
	unsigned long generation;
	struct timespec next_refresh;
	double delay;
	bool paused;

	int vma_pid;
	char vma_name[64];
	ms_vmalist vmas;
	bool have_vmas;
	int vma_status;
	ms_error vma_err;

	bool help;
	int help_scroll;
	prompt_kind prompt;
	char input[64];
	char filter[NPANES][64];
	char message[300];
	bool quit;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* ---- sampling ---------------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned parts_wanted(const struct app *a)
{
	if (!a->live)
		return MS_PART_ALL; /* a snapshot is read once, whole */
	return a->panes[a->pane].parts | MS_PART_MEMINFO;
}

static void load_vmas(struct app *a)
{
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	a->have_vmas = false;
	if (a->vma_pid <= 0)
		return;
	a->vma_status = ms_vmas_load(a->src, a->vma_pid, &a->vmas, &a->vma_err);
	a->have_vmas = a->vma_status == 0;
	a->generation++;
}

static void schedule_next(struct app *a)
{
	double next = now_seconds() + a->delay;
	a->next_refresh.tv_sec = (time_t)next;
	a->next_refresh.tv_nsec = (long)((next - (double)(time_t)next) * 1e9);
}

/* Takes a new sample; the one before becomes prev (for growth). A failed
 * refresh keeps the current sample and is tried again at the next tick. */
static int refresh(struct app *a, ms_error *err)
{
	ms_sample *slot = a->cur == &a->sample[0] ? &a->sample[1] : &a->sample[0];
	schedule_next(a);
	if (a->prev)
		ms_sample_free(a->prev);
	a->prev = NULL;
	int rc = ms_sample_load(slot, a->src, parts_wanted(a), err);
	if (rc != 0)
		return rc;
	a->prev = a->cur;
	a->cur = slot;
	a->generation++;
	if (a->panes[a->pane].wants_vmas)
		load_vmas(a);
	return 0;
}

static void refresh_or_say(struct app *a)
{
	ms_error err = { 0 };
	if (refresh(a, &err) != 0)
		snprintf(a->message, sizeof a->message, "refresh failed: %s", err.msg);
}

static bool refresh_due(const struct app *a)
{
	if (!a->live)
		return false;
	if ((a->cur->parts & parts_wanted(a)) != parts_wanted(a))
		return true; /* the pane just shown needs a file not read yet */
	if (a->paused)
		return false;
	double due = (double)a->next_refresh.tv_sec + a->next_refresh.tv_nsec / 1e9;
	return now_seconds() >= due;
}

/* ms until the next refresh; -1 waits for a key only. */
static int wait_ms(const struct app *a)
{
	if (!a->live || a->paused)
		return -1;
	double due = (double)a->next_refresh.tv_sec + a->next_refresh.tv_nsec / 1e9;
	double left = due - now_seconds();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* ---- drawing ----------------------------------------------------------- */

static ms_view_data view_data(const struct app *a)
{
	return (ms_view_data){
		.cur = a->cur,
		.prev = a->prev,
		.generation = a->generation,
		.vma_pid = a->vma_pid,
		.vma_name = a->vma_name[0] ? a->vma_name : NULL,
		.vmas = a->have_vmas ? &a->vmas : NULL,
		.vma_status = a->vma_status,
		.vma_err = &a->vma_err,
		.plain_kb = a->opts->batch.plain_kb,
		.live = a->live,
		.paused = a->paused,
		.delay = a->delay,
	};
}

static void draw_tabs(struct app *a, int row)
{
	int x = 0;
	for (int i = 0; i < NPANES; i++) {
		ms_attr at = i == a->pane ? MS_ATTR_TAB_ON : MS_ATTR_TAB;
		x += ms_screen_printf(&a->screen, row, x, MS_TO_EDGE, at, " %d %s ", i + 1,
				      a->panes[i].name);
		x += ms_screen_puts(&a->screen, row, x, MS_TO_EDGE, MS_ATTR_NORMAL, " ");
	}
}

static const char *const hints =
	"?:help 1-4:pane <>:sort r:rev /:find Enter:VMA p:pid Spc:pause +-:delay q:quit";

static void draw_status(struct app *a, int row)
{
	ms_screen *s = &a->screen;
	ms_screen_fill(s, row, 0, s->cols, ' ', MS_ATTR_STATUS);
	if (a->prompt != PROMPT_NONE) {
		int x = ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS,
				       a->prompt == PROMPT_PID ? "PID: " : "filter: ");
		x += ms_screen_put_untrusted(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS, a->input,
					     strlen(a->input));
		ms_screen_puts(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS,
			       "_   (Enter: apply, Esc: cancel)");
	} else if (a->message[0]) {
		ms_screen_put_untrusted(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS, a->message,
					strlen(a->message));
	} else {
		ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS, hints);
	}
}

static void draw(struct app *a)
{
	ms_screen *s = &a->screen;
	ms_screen_clear(s);
	if (s->rows < MS_HEADER_ROWS + 4 || s->cols < 30) {
		ms_screen_puts(s, 0, 0, MS_TO_EDGE, MS_ATTR_WARN, "terminal too small");
		return;
	}
	ms_view_data d = view_data(a);
	int y = ms_header_draw(s, &d);
	draw_tabs(a, y++);
	ms_rect body = { y, 0, s->rows - 1 - y, s->cols };
	if (a->help)
		ms_help_draw(&a->panes[a->pane], s, body, &a->help_scroll);
	else
		a->panes[a->pane].draw(&a->panes[a->pane], s, body, &d);
	draw_status(a, s->rows - 1);
}

static int fit_screen(struct app *a)
{
	int rows, cols;
	ms_term_size(a->term, &rows, &cols);
	if (rows == a->screen.rows && cols == a->screen.cols)
		return 0;
	return ms_screen_resize(&a->screen, rows, cols);
}

/* ---- keys -------------------------------------------------------------- */

static void show_pane(struct app *a, int pane)
{
	a->pane = (pane + NPANES) % NPANES;
	a->help = false;
	if (a->panes[a->pane].wants_vmas && a->vma_pid > 0 && (a->live || !a->have_vmas))
		load_vmas(a);
}

/* The name of a process for the VMA pane's title: from the sample when
 * it lists it, else from its comm file. */
static void find_name(struct app *a, int pid)
{
	a->vma_name[0] = '\0';
	for (size_t i = 0; i < a->cur->nprocs; i++) {
		if (a->cur->procs[i].pid == pid) {
			snprintf(a->vma_name, sizeof a->vma_name, "%s", a->cur->procs[i].name);
			return;
		}
	}
	char path[32];
	ms_buf comm = MS_BUF_INIT;
	snprintf(path, sizeof path, "%d/comm", pid);
	if (ms_source_read(a->src, path, &comm, NULL) == 0 && comm.data) {
		comm.data[strcspn(comm.data, "\n")] = '\0';
		snprintf(a->vma_name, sizeof a->vma_name, "%s", comm.data);
	}
	ms_buf_free(&comm);
}

static void open_vma(struct app *a, int pid)
{
	a->vma_pid = pid;
	find_name(a, pid);
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	a->have_vmas = false;
	show_pane(a, PANE_VMA);
	if (!a->have_vmas)
		load_vmas(a);
}

static void change_delay(struct app *a, int step)
{
	static const double ladder[] = { 0.5, 1, 2, 3, 5, 10, 15, 30, 60 };
	int n = (int)MS_ARRAY_LEN(ladder), i;
	if (step > 0) {
		for (i = 0; i < n - 1 && ladder[i] <= a->delay; i++)
			;
	} else {
		for (i = n - 1; i > 0 && ladder[i] >= a->delay; i--)
			;
	}
	a->delay = ladder[i];
	snprintf(a->message, sizeof a->message, "refresh every %.1fs", a->delay);
}

static void start_prompt(struct app *a, prompt_kind kind)
{
	if (kind == PROMPT_FILTER && !a->panes[a->pane].filter) {
		snprintf(a->message, sizeof a->message, "this pane has no filter");
		return;
	}
	a->prompt = kind;
	snprintf(a->input, sizeof a->input, "%s", kind == PROMPT_FILTER ? a->filter[a->pane] : "");
}

static void apply_prompt(struct app *a)
{
	if (a->prompt == PROMPT_FILTER) {
		ms_pane *p = &a->panes[a->pane];
		snprintf(a->filter[a->pane], sizeof a->filter[a->pane], "%s", a->input);
		if (p->filter(p, a->input) != 0)
			snprintf(a->message, sizeof a->message, "filter: out of memory");
	} else {
		char *end;
		long pid = strtol(a->input, &end, 10);
		if (end == a->input || *end || pid <= 0 || pid > 0x3fffffff)
			snprintf(a->message, sizeof a->message, "not a PID: %s", a->input);
		else
			open_vma(a, (int)pid);
	}
}

static void prompt_key(struct app *a, int key)
{
	size_t len = strlen(a->input);
	if (key == MS_KEY_ENTER) {
		apply_prompt(a);
		a->prompt = PROMPT_NONE;
	} else if (key == MS_KEY_ESC) {
		a->prompt = PROMPT_NONE;
	} else if (key == MS_KEY_BACKSPACE) {
		if (len > 0)
			a->input[len - 1] = '\0';
	} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof a->input) {
		a->input[len] = (char)key;
		a->input[len + 1] = '\0';
	}
}

static void help_key(struct app *a, int key)
{
	switch (key) {
	case MS_KEY_UP: a->help_scroll--; break;
	case MS_KEY_DOWN: a->help_scroll++; break;
	case MS_KEY_PGUP: a->help_scroll -= 10; break;
	case MS_KEY_PGDN: a->help_scroll += 10; break;
	default: a->help = false; break;
	}
}

static void toggle_pause(struct app *a)
{
	if (!a->live) {
		snprintf(a->message, sizeof a->message, "a snapshot does not refresh");
		return;
	}
	a->paused = !a->paused;
	snprintf(a->message, sizeof a->message, a->paused ? "paused" : "refreshing");
}

static bool app_key(struct app *a, int key)
{
	switch (key) {
	case 'q': case 'Q': case MS_KEY_F10: a->quit = true; return true;
	case '1': case '2': case '3': case '4': show_pane(a, key - '1'); return true;
	case '\t': show_pane(a, a->pane + 1); return true;
	case MS_KEY_BTAB: show_pane(a, a->pane - 1); return true;
	case '?': case 'h': case MS_KEY_F1: a->help = true; a->help_scroll = 0; return true;
	case ' ': toggle_pause(a); return true;
	case '+': case '=': change_delay(a, 1); return true;
	case '-': change_delay(a, -1); return true;
	case '/': start_prompt(a, PROMPT_FILTER); return true;
	case 'p': start_prompt(a, PROMPT_PID); return true;
	}
	return false;
}

static void handle_key(struct app *a, int key)
{
	if (key == MS_KEY_RESIZE)
		return; /* fit_screen() runs before every draw */
	a->message[0] = '\0';
	if (a->prompt != PROMPT_NONE) {
		prompt_key(a, key);
		return;
	}
	if (a->help) {
		help_key(a, key);
		return;
	}
	if (app_key(a, key))
		return;
	ms_pane *p = &a->panes[a->pane];
	if (p->key(p, key) == MS_PANE_OPEN_VMA)
		open_vma(a, p->open_pid);
}

/* ---- set-up and the loop ----------------------------------------------- */

static int init_panes(struct app *a)
{
	int (*const init[NPANES])(ms_pane *) = {
		[PANE_PROCRANK] = ms_pane_procrank_init,
		[PANE_SLABS] = ms_pane_slabs_init,
		[PANE_BUDDY] = ms_pane_buddy_init,
		[PANE_VMA] = ms_pane_vma_init,
	};
	for (int i = 0; i < NPANES; i++)
		if (init[i](&a->panes[i]) != 0)
			return -ENOMEM;
	return 0;
}

static void cleanup(struct app *a)
{
	ms_term_close(a->term);
	a->term = NULL;
	for (int i = 0; i < NPANES; i++)
		ms_pane_destroy(&a->panes[i]);
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	if (a->cur)
		ms_sample_free(a->cur);
	if (a->prev)
		ms_sample_free(a->prev);
	ms_screen_free(&a->screen);
}

static void wait_for_input(struct app *a)
{
	struct pollfd pfd = { .fd = ms_term_fd(a->term), .events = POLLIN };
	/* EINTR (a resize or a stop signal) just brings us back to the loop. */
	if (poll(&pfd, 1, wait_ms(a)) > 0 && (pfd.revents & (POLLHUP | POLLERR)))
		a->quit = true; /* the terminal went away (ssh dropped) */
}

/* One key per drawn frame: a key may replace what the next one acts on
 * (a new sample, another process's mappings), so each sees the screen it
 * was typed at. */
static int loop(struct app *a)
{
	while (!a->quit && !stop_signal) {
		if (refresh_due(a))
			refresh_or_say(a);
		if (fit_screen(a) != 0)
			return -ENOMEM;
		draw(a);
		ms_term_flush(a->term, &a->screen);
		int key = ms_term_read_key(a->term);
		if (key == MS_KEY_NONE) {
			wait_for_input(a);
			key = ms_term_read_key(a->term);
		}
		if (key != MS_KEY_NONE)
			handle_key(a, key);
	}
	return 0;
}

static void catch_stop_signals(struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: poll must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sigaction(SIGHUP, &sa, &old[2]);
}

static void restore_signals(const struct sigaction *old)
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
}

int ms_app_run(ms_source *src, const ms_options *o, ms_error *err)
{
	struct app *a = calloc(1, sizeof(*a));
	if (!a)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	a->src = src;
	a->opts = o;
	a->live = ms_source_can(src, MS_CAP_REFRESH);
	a->delay = o->delay > 0 ? o->delay : 2.0;
	int rc = init_panes(a);
	if (rc != 0)
		ms_error_set(err, ENOMEM, 0, "out of memory");
	else
		rc = refresh(a, err); /* before the terminal: errors go to stderr */
	if (rc == 0 && !(a->term = ms_term_open(o->no_color, err)))
		rc = -(err->code ? err->code : EIO);
	if (rc == 0 && ms_screen_init(&a->screen, 0, 0) != 0)
		rc = ms_error_set(err, ENOMEM, 0, "out of memory");
	if (rc == 0) {
		struct sigaction old[3];
		stop_signal = 0;
		catch_stop_signals(old);
		rc = loop(a);
		restore_signals(old);
		if (rc != 0)
			ms_error_set(err, -rc, 0, "out of memory");
	}
	cleanup(a);
	free(a);
	return rc;
}
