/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive explorer: the loop that draws, reads keys and asks the
 * loader (src/loader.c) for samples. The panes are the registry's
 * (src/views/registry.c): their number keys, tab line and hints come from
 * it.
 *
 * A source that refreshes is read again every -d seconds, only for what
 * the visible pane needs (the header's meminfo, plus the processes, the
 * slabs or the buddy files; the smaps of one process only while the VMA
 * pane is open), and the previous sample is kept for the slab growth. A
 * snapshot is read once, whole. Reading happens on the loader's thread, so
 * keys, resizing and q are answered while a slow source is read. No key
 * changes anything on the system.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/app.h"
#include "memscope/loader.h"
#include "memscope/model.h"
#include "memscope/term.h"
#include "memscope/views.h"

/* Number keys 1..9 reach the panes; more would need another scheme. */
#define MAX_PANES 9
/* Samples kept for sparklines and a baseline without a recording: a
 * minute at the two-second refresh, and little memory (a sample of a few
 * hundred processes is some 100 kB). */
#define HISTORY 32

typedef enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_PID } prompt_kind;

struct app {
	const ms_options *opts;
	char source_path[512];
	bool refreshes;   /* the source gives newer figures when read again */
	ms_loader *loader;
	ms_term *term;
	ms_screen screen;
	ms_pane panes[MAX_PANES];
	int npanes;
	int pane;

	/* Every sample is the ring's, oldest first: cur the newest, prev the
	 * one before (NULL until a second). */
	ms_sample *hist[HISTORY];
	size_t nhist;
	ms_sample *cur, *prev;
	/* The baseline (b, --baseline): in the ring, or ours alone once the
	 * ring let it go (base_owned). */
	ms_sample *base;
	bool base_owned;
	unsigned long generation;
	struct timespec next_refresh;
	double delay;
	bool paused;
	/* The message says the last refresh failed (a dropped link): the
	 * next sample that reads says the figures are fresh again. */
	bool refresh_failed;
	unsigned asked_parts; /* parts of the read under way or waiting; 0: none */
	size_t at, nsamples;  /* the sample shown, of how many (a recording) */
	/* A recording: its time bar, and the sample a step under way goes to
	 * (so that keys typed faster than samples load add up). */
	bool recording;
	size_t goal;          /* SIZE_MAX: no step under way */
	size_t base_at;       /* the baseline's sample; SIZE_MAX: not one of these */
	int64_t at_ns, first_ns;
	bool torn;
	size_t vmas_at;       /* the sample the mappings shown were read from */

	int vma_pid;
	char vma_name[64];
	ms_vmalist vmas;
	bool have_vmas;
	int vma_status;
	ms_error vma_err;
	ms_proc_ident vma_ident;

	/* librank, read while a pane that wants it is shown. */
	ms_librank libs;
	bool have_libs;
	bool libs_asked;  /* the last request made asked for it */
	int libs_status;
	ms_error libs_err;

	bool help;
	int help_scroll;
	prompt_kind prompt;
	char input[64];
	char filter[MAX_PANES][64];
	char message[300];
	bool quit;
	/* Opened from the fleet list (src/fleet_list.c): q goes back to it,
	 * Q and F10 leave memscope (quit_all). */
	bool listed, quit_all;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* ---- asking for samples ----------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const ms_pane *visible(const struct app *a)
{
	return &a->panes[a->pane];
}

static unsigned parts_wanted(const struct app *a)
{
	if (!a->refreshes)
		return MS_PART_ALL; /* a snapshot is read once, whole */
	return visible(a)->cls->parts | MS_PART_MEMINFO | MS_PART_ZRAM | MS_PART_PSI;
}

/* Every request goes through here: a request replaces one still
 * waiting, so whether librank is on its way is the last one's say. */
static void send_request(struct app *a, const ms_load_request *rq)
{
	a->libs_asked = rq->libs;
	ms_loader_request(a->loader, rq);
}

static void schedule_next(struct app *a)
{
	double next = now_seconds() + a->delay;
	a->next_refresh.tv_sec = (time_t)next;
	a->next_refresh.tv_nsec = (long)((next - (double)(time_t)next) * 1e9);
}

/* A new sample, and the chosen process's mappings with it when the
 * visible pane shows them. */
static void ask_sample(struct app *a)
{
	ms_load_request rq = { .parts = parts_wanted(a), .at = SIZE_MAX };

	if (visible(a)->cls->wants_vmas)
		rq.vma_pid = a->vma_pid;
	rq.libs = visible(a)->cls->wants_libs;
	schedule_next(a);
	a->asked_parts = rq.parts;
	send_request(a, &rq);
}

/* Reads sample `to` of a recording (every pane from it; the mappings too
 * when the VMA pane is open). The one shown before becomes prev. */
static void go_to_sample(struct app *a, size_t to)
{
	ms_load_request rq = { .parts = parts_wanted(a), .at = to };

	if (visible(a)->cls->wants_vmas)
		rq.vma_pid = a->vma_pid;
	rq.libs = visible(a)->cls->wants_libs;
	a->goal = to;
	a->asked_parts = rq.parts;
	send_request(a, &rq);
}

/* [ ] one sample, { } ten (or a tenth of a long recording), from the one
 * shown or the one a step under way goes to; it stops at either end. */
static void step_sample(struct app *a, long step)
{
	size_t from = a->goal != SIZE_MAX ? a->goal : a->at;

	if (a->nsamples < 2) {
		snprintf(a->message, sizeof a->message, "one sample only: nothing to step through");
		return;
	}
	if (step == 10 || step == -10) {
		long tenth = (long)(a->nsamples / 10);
		step = step > 0 ? (tenth > 10 ? tenth : 10) : (tenth > 10 ? -tenth : -10);
	}
	long to = (long)from + step;
	if (to < 0)
		to = 0;
	if ((size_t)to >= a->nsamples)
		to = (long)a->nsamples - 1;
	if ((size_t)to != from)
		go_to_sample(a, (size_t)to);
}

/* Home, End: the first sample, or the newest (a recording may have grown
 * since it was opened). */
static void first_or_newest(struct app *a, bool newest)
{
	if (a->nsamples < 2 && !newest) {
		snprintf(a->message, sizeof a->message, "one sample only: nothing to step through");
		return;
	}
	go_to_sample(a, newest ? MS_AT_NEWEST : 0);
}

static void ask_vmas(struct app *a)
{
	/* The sample asked for, if it still waits, is asked for again. */
	ms_load_request rq = { .parts = a->asked_parts, .vma_pid = a->vma_pid, .at = SIZE_MAX };

	if (a->vma_pid > 0)
		send_request(a, &rq);
}

/* librank for the pane just shown: with the sample still waiting, if any. */
static void ask_libs(struct app *a)
{
	ms_load_request rq = { .parts = a->asked_parts, .at = SIZE_MAX, .libs = true };

	send_request(a, &rq);
}

static bool refresh_due(const struct app *a)
{
	unsigned want = parts_wanted(a);

	if (a->asked_parts)
		return false; /* one read at a time */
	if (!a->cur)
		return true;
	if ((a->cur->parts & want) != want)
		return a->refreshes; /* the pane just shown needs a file not read yet */
	if (!a->refreshes || a->paused)
		return false;
	double due = (double)a->next_refresh.tv_sec + a->next_refresh.tv_nsec / 1e9;
	return now_seconds() >= due;
}

/* ms until the next refresh; -1 waits for a key or the loader only. */
static int wait_ms(const struct app *a)
{
	if (!a->refreshes || a->paused || a->asked_parts)
		return -1;
	double due = (double)a->next_refresh.tv_sec + a->next_refresh.tv_nsec / 1e9;
	double left = due - now_seconds();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* ---- taking what was read ----------------------------------------------------- */

static void sample_destroy(ms_sample *s)
{
	if (s) {
		ms_sample_free(s);
		free(s);
	}
}

/* On a recording the sample read before is not always older: [ steps
 * back. Growth is from the newest sample kept that was taken before s
 * (the one just before it after a step on), or from none. */
static ms_sample *earlier_sample(const struct app *a, const ms_sample *s)
{
	ms_sample *best = NULL;

	for (size_t i = 0; i < a->nhist; i++) {
		ms_sample *h = a->hist[i];
		if (h->captured_ns != MS_NA && s->captured_ns != MS_NA &&
		    h->captured_ns < s->captured_ns && (!best || h->captured_ns > best->captured_ns))
			best = h;
	}
	return best;
}

/* The ring takes s; its oldest sample goes when it is full, unless it is
 * the baseline, which is then kept apart. */
static void push_history(struct app *a, ms_sample *s)
{
	if (a->nhist == HISTORY) {
		if (a->hist[0] == a->base)
			a->base_owned = true;
		else
			sample_destroy(a->hist[0]);
		memmove(a->hist, a->hist + 1, (HISTORY - 1) * sizeof *a->hist);
		a->nhist--;
	}
	a->hist[a->nhist++] = s;
	a->cur = s;
	a->prev = a->recording ? earlier_sample(a, s) : a->nhist > 1 ? a->hist[a->nhist - 2] : NULL;
}

static void drop_baseline(struct app *a)
{
	if (a->base_owned)
		sample_destroy(a->base);
	a->base = NULL;
	a->base_owned = false;
}

/* b: the sample shown becomes the baseline of every pane's changes. */
static void set_baseline(struct app *a)
{
	drop_baseline(a);
	a->base = a->cur;
	a->base_at = a->recording ? a->at : SIZE_MAX;
	a->generation++;
	if (a->nsamples > 1)
		snprintf(a->message, sizeof a->message, "baseline: sample %zu/%zu %s (B: none)",
			 a->at + 1, a->nsamples, a->cur->info.captured_at);
	else
		snprintf(a->message, sizeof a->message, "baseline: now (B: none)");
}

static void clear_baseline(struct app *a)
{
	drop_baseline(a);
	a->base_at = SIZE_MAX;
	a->generation++;
	snprintf(a->message, sizeof a->message, "no baseline: changes since the previous sample");
}

/* The new sample becomes cur, the one before prev (for growth). A failed
 * read keeps what is on screen and says why. */
static void take_sample(struct app *a, ms_load_result *res)
{
	a->asked_parts = 0;
	a->goal = SIZE_MAX;
	if (res->status != 0) {
		snprintf(a->message, sizeof a->message, "%s failed: %s",
			 a->cur ? "refresh" : "reading", res->err.msg);
		a->refresh_failed = a->cur != NULL;
		return;
	}
	if (a->refresh_failed)
		snprintf(a->message, sizeof a->message, "refreshed again");
	a->refresh_failed = false;
	ms_sample *slot = malloc(sizeof *slot);
	if (!slot) {
		snprintf(a->message, sizeof a->message, "out of memory");
		return;
	}
	*slot = res->sample;
	res->has_sample = false; /* ours now */
	push_history(a, slot);
	a->at = res->index;
	a->nsamples = res->count;
	a->at_ns = res->at_ns;
	a->first_ns = res->first_ns;
	a->torn = res->torn_tail;
	a->generation++;
	/* A kernel log's report says which it is and what it lacks, once
	 * (the tab line keeps its short form). */
	if (slot->info.sample_label[0])
		snprintf(a->message, sizeof a->message, "%s%s%s", slot->info.sample_label,
			 slot->info.lacks[0] ? "; " : "", slot->info.lacks);
}

static void take_vmas(struct app *a, ms_load_result *res)
{
	if (res->vma_pid != a->vma_pid)
		return; /* another process was chosen meanwhile */
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	a->have_vmas = res->vma_status == 0;
	a->vma_status = res->vma_status;
	a->vma_err = res->vma_err;
	a->vma_ident = res->vma_ident;
	a->vmas_at = a->at;
	if (a->have_vmas) {
		a->vmas = res->vmas;
		res->vma_pid = 0; /* ours now */
	}
	if (!a->vma_name[0])
		snprintf(a->vma_name, sizeof a->vma_name, "%s", res->vma_name);
	a->generation++;
}

static void take_libs(struct app *a, ms_load_result *res)
{
	if (a->have_libs)
		ms_librank_free(&a->libs);
	a->libs_status = res->libs_status;
	a->libs_err = res->libs_err;
	a->have_libs = res->libs_status == 0;
	if (a->have_libs) {
		a->libs = res->libs;
		res->has_libs = false; /* ours now */
	}
	a->libs_asked = false;
	a->generation++;
}

static void take_results(struct app *a)
{
	ms_load_result res;

	if (!ms_loader_take(a->loader, &res))
		return;
	if (res.has_sample)
		take_sample(a, &res);
	if (res.vma_pid > 0)
		take_vmas(a, &res);
	if (res.has_libs)
		take_libs(a, &res);
	ms_load_result_free(&res);
}

/* ---- drawing ------------------------------------------------------------------- */

static ms_view_data view_data(const struct app *a)
{
	return (ms_view_data){
		.cur = a->cur,
		.prev = a->prev,
		.base = a->base,
		.history = (const ms_sample *const *)a->hist,
		.nhistory = a->nhist,
		.generation = a->generation,
		.vma_pid = a->vma_pid,
		.vma_name = a->vma_name[0] ? a->vma_name : NULL,
		.vmas = a->have_vmas ? &a->vmas : NULL,
		.vma_status = a->vma_status,
		.vma_err = &a->vma_err,
		.vma_kind = a->vma_ident.kind,
		.vma_ppid = a->vma_ident.ppid,
		.libs = a->have_libs ? &a->libs : NULL,
		.libs_status = a->libs_status,
		.libs_err = &a->libs_err,
		.libs_loading = a->libs_asked,
		.plain_kb = a->opts->batch.plain_kb,
		.live = a->refreshes,
		.paused = a->paused,
		.delay = a->delay,
	};
}

/* A recording's time bar (src/views/timebar.c): on its own line, so that
 * 80 columns hold the tab line and the time both. */
static void draw_time_bar(struct app *a, int row)
{
	ms_timebar t = { .index = a->at, .count = a->nsamples, .at_ns = a->at_ns,
			 .first_ns = a->first_ns, .base_index = a->base ? a->base_at : SIZE_MAX,
			 .torn = a->torn,
			 /* A kernel log's samples are its OOM reports. */
			 .noun = a->cur && a->cur->info.sample_label[0] ? "report" : NULL };
	ms_timebar_draw(&a->screen, row, &t);
}

static void draw_tabs(struct app *a, int row)
{
	int x = 0;
	for (int i = 0; i < a->npanes; i++) {
		ms_attr at = i == a->pane ? MS_ATTR_TAB_ON : MS_ATTR_TAB;
		x += ms_screen_printf(&a->screen, row, x, MS_TO_EDGE, at, " %d %s ", i + 1,
				      a->panes[i].cls->name);
		x += ms_screen_puts(&a->screen, row, x, MS_TO_EDGE, MS_ATTR_NORMAL, " ");
	}
	ms_view_data d = view_data(a);
	ms_header_trend_draw(&a->screen, row, x, &d);
}

static void draw_prompt(struct app *a, int row)
{
	ms_screen *s = &a->screen;
	int x = ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS,
			       a->prompt == PROMPT_PID ? "PID: " : "filter: ");
	x += ms_screen_put_untrusted(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS, a->input,
				     strlen(a->input));
	ms_screen_puts(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS,
		       "_   (Enter: apply, Ctrl-U: clear, Esc: cancel)");
}

static void draw_status(struct app *a, int row)
{
	ms_screen *s = &a->screen;
	ms_buf hint = MS_BUF_INIT;

	ms_screen_fill(s, row, 0, s->cols, ' ', MS_ATTR_STATUS);
	if (a->prompt != PROMPT_NONE) {
		draw_prompt(a, row);
	} else if (a->message[0]) {
		ms_screen_put_untrusted(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS, a->message,
					strlen(a->message));
	} else {
		ms_hint_line(visible(a), a->refreshes, a->nsamples, a->listed, &hint);
		int x = ms_screen_puts(s, row, 0, MS_TO_EDGE, MS_ATTR_STATUS,
				       hint.data ? hint.data : "");
		if ((a->asked_parts || a->libs_asked) && a->cur)
			ms_screen_puts(s, row, x, MS_TO_EDGE, MS_ATTR_STATUS, "  [reading]");
	}
	ms_buf_free(&hint);
}

/* Before the first sample: what is being read. */
static void draw_loading(struct app *a)
{
	ms_screen *s = &a->screen;
	ms_screen_puts(s, 0, 0, MS_TO_EDGE, MS_ATTR_TITLE, "memscope");
	int x = ms_screen_puts(s, 2, 0, MS_TO_EDGE, MS_ATTR_NORMAL, "reading ");
	ms_screen_put_untrusted(s, 2, x, MS_TO_EDGE, MS_ATTR_NORMAL, a->source_path,
				strlen(a->source_path));
	if (a->message[0])
		ms_screen_put_untrusted(s, 4, 0, MS_TO_EDGE, MS_ATTR_WARN, a->message,
					strlen(a->message));
	ms_screen_puts(s, s->rows - 1, 0, MS_TO_EDGE, MS_ATTR_STATUS, "q:quit");
}

static void draw(struct app *a)
{
	ms_screen *s = &a->screen;
	ms_screen_clear(s);
	if (s->rows < MS_HEADER_ROWS + 5 || s->cols < 30) {
		ms_screen_puts(s, 0, 0, MS_TO_EDGE, MS_ATTR_WARN, "terminal too small");
		return;
	}
	if (!a->cur) {
		draw_loading(a);
		return;
	}
	ms_view_data d = view_data(a);
	int y = ms_header_draw(s, &d);
	draw_tabs(a, y++);
	if (a->recording)
		draw_time_bar(a, y++);
	ms_rect body = { y, 0, s->rows - 1 - y, s->cols };
	ms_pane *p = &a->panes[a->pane];
	if (a->help)
		ms_help_draw(p, a->refreshes, a->nsamples, a->listed, s, body, &a->help_scroll);
	else
		p->cls->draw(p, s, body, &d);
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

/* ---- keys -------------------------------------------------------------------- */

static int vma_pane(const struct app *a)
{
	for (int i = 0; i < a->npanes; i++)
		if (a->panes[i].cls->wants_vmas)
			return i;
	return -1;
}

static void show_pane(struct app *a, int pane)
{
	a->pane = (pane + a->npanes) % a->npanes;
	a->help = false;
	/* The mappings shown must be of the sample shown: read again live,
	 * and after a step through a recording. */
	bool stale = a->refreshes || !a->have_vmas || a->vmas_at != a->at;
	if (visible(a)->cls->wants_vmas && a->vma_pid > 0 && stale)
		ask_vmas(a);
	if (visible(a)->cls->wants_libs && !a->libs_asked && (a->refreshes || !a->have_libs))
		ask_libs(a);
}

/* The name of a process for the VMA pane's title, from the sample when
 * it lists it (else the loader reads its comm). */
static void find_name(struct app *a, int pid)
{
	a->vma_name[0] = '\0';
	for (size_t i = 0; a->cur && i < a->cur->nprocs; i++) {
		if (a->cur->procs[i].pid == pid) {
			snprintf(a->vma_name, sizeof a->vma_name, "%s", a->cur->procs[i].name);
			return;
		}
	}
}

/* A pane's drill-down into another (memory's slab rows to slabs). */
static void open_named_pane(struct app *a, const char *name)
{
	for (int i = 0; name && i < a->npanes; i++)
		if (strcmp(a->panes[i].cls->name, name) == 0)
			show_pane(a, i);
}

static void open_vma(struct app *a, int pid)
{
	int pane = vma_pane(a);

	if (pane < 0)
		return;
	a->vma_pid = pid;
	find_name(a, pid);
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	a->have_vmas = false;
	a->vma_status = -ENODATA;
	a->vma_ident = (ms_proc_ident){ .kind = MS_PROC_UNKNOWN, .ppid = -1 };
	a->generation++;
	a->pane = pane;
	a->help = false;
	ask_vmas(a);
}

/* + and - step through the range -d takes (0.1 s to a day), from
 * wherever -d put the delay. */
static void change_delay(struct app *a, int step)
{
	static const double ladder[] = { 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300,
					 600, 1800, 3600, 7200, 21600, 43200, 86400 };
	int n = (int)MS_ARRAY_LEN(ladder), i;
	if (step > 0) {
		for (i = 0; i < n - 1 && ladder[i] <= a->delay; i++)
			;
	} else {
		for (i = n - 1; i > 0 && ladder[i] >= a->delay; i--)
			;
	}
	a->delay = ladder[i];
	schedule_next(a);
	snprintf(a->message, sizeof a->message, "refresh every %gs", a->delay);
}

/* A new filter starts empty (the one in force shows in the pane's own
 * status line); Ctrl-U clears what was typed. */
static void start_prompt(struct app *a, prompt_kind kind)
{
	if (kind == PROMPT_FILTER && !visible(a)->cls->filter) {
		snprintf(a->message, sizeof a->message, "this pane has no filter");
		return;
	}
	a->prompt = kind;
	a->input[0] = '\0';
}

static void apply_prompt(struct app *a)
{
	if (a->prompt == PROMPT_FILTER) {
		ms_pane *p = &a->panes[a->pane];
		snprintf(a->filter[a->pane], sizeof a->filter[a->pane], "%s", a->input);
		if (p->cls->filter(p, a->input) != 0)
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

#define KEY_CTRL_U 0x15

static void prompt_key(struct app *a, int key)
{
	size_t len = strlen(a->input);
	if (key == MS_KEY_ENTER) {
		apply_prompt(a);
		a->prompt = PROMPT_NONE;
	} else if (key == MS_KEY_ESC) {
		a->prompt = PROMPT_NONE;
	} else if (key == KEY_CTRL_U) {
		a->input[0] = '\0';
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
	if (!a->refreshes) {
		snprintf(a->message, sizeof a->message, "a snapshot does not refresh");
		return;
	}
	a->paused = !a->paused;
	snprintf(a->message, sizeof a->message, a->paused ? "paused" : "refreshing");
}

/* q, Q, F10: all three quit, but q only goes back to the fleet list
 * when the snapshot was opened from it. */
static void quit_key(struct app *a, int key)
{
	a->quit = true;
	a->quit_all = !a->listed || key != 'q';
}

static bool pane_number_key(struct app *a, int key)
{
	if (key < '1' || key >= '1' + a->npanes)
		return false;
	show_pane(a, key - '1');
	return true;
}

static bool app_key(struct app *a, int key)
{
	if (pane_number_key(a, key))
		return true;
	switch (key) {
	case 'q': case 'Q': case MS_KEY_F10: quit_key(a, key); return true;
	case '\t': show_pane(a, a->pane + 1); return true;
	case MS_KEY_BTAB: show_pane(a, a->pane - 1); return true;
	case '?': case 'h': case MS_KEY_F1: a->help = true; a->help_scroll = 0; return true;
	case ' ': toggle_pause(a); return true;
	case '+': case '=': change_delay(a, 1); return true;
	case '-': change_delay(a, -1); return true;
	case '/': start_prompt(a, PROMPT_FILTER); return true;
	case 'p': start_prompt(a, PROMPT_PID); return true;
	case '[': step_sample(a, -1); return true;
	case ']': step_sample(a, 1); return true;
	case '{': step_sample(a, -10); return true;
	case '}': step_sample(a, 10); return true;
	case MS_KEY_HOME: case MS_KEY_END:
		/* On a recording they pick the first and newest sample; a
		 * pane's own Home and End (top, bottom) are taken elsewhere. */
		if (!a->recording)
			return false;
		first_or_newest(a, key == MS_KEY_END);
		return true;
	case 'b': set_baseline(a); return true;
	case 'B': clear_baseline(a); return true;
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
	if (!a->cur) {
		if (key == 'q' || key == 'Q' || key == MS_KEY_F10)
			quit_key(a, key);
		return; /* nothing to act on yet */
	}
	if (app_key(a, key))
		return;
	ms_pane *p = &a->panes[a->pane];
	ms_pane_action act = p->cls->key ? p->cls->key(p, key) : MS_PANE_IGNORED;
	if (act == MS_PANE_OPEN_VMA)
		open_vma(a, p->open_pid);
	else if (act == MS_PANE_OPEN_PANE)
		open_named_pane(a, p->open_pane);
}

/* ---- set-up and the loop --------------------------------------------------- */

static int init_panes(struct app *a)
{
	for (a->npanes = 0; ms_panes[a->npanes] && a->npanes < MAX_PANES; a->npanes++)
		if (ms_pane_init(&a->panes[a->npanes], ms_panes[a->npanes]) != 0)
			return -ENOMEM;
	return 0;
}

static void cleanup(struct app *a)
{
	ms_term_close(a->term);
	a->term = NULL;
	ms_loader_stop(a->loader);
	for (int i = 0; i < a->npanes; i++)
		ms_pane_destroy(&a->panes[i]);
	if (a->have_vmas)
		ms_vmalist_free(&a->vmas);
	if (a->have_libs)
		ms_librank_free(&a->libs);
	drop_baseline(a);
	for (size_t i = 0; i < a->nhist; i++)
		sample_destroy(a->hist[i]);
	ms_screen_free(&a->screen);
}

static void wait_for_input(struct app *a)
{
	struct pollfd pfd[2] = {
		{ .fd = ms_term_fd(a->term), .events = POLLIN },
		{ .fd = ms_loader_fd(a->loader), .events = POLLIN },
	};
	/* EINTR (a resize or a stop signal) just brings us back to the loop. */
	if (poll(pfd, 2, wait_ms(a)) > 0 && (pfd[0].revents & (POLLHUP | POLLERR)))
		a->quit = true; /* the terminal went away (ssh dropped) */
}

/* One key per drawn frame: a key may replace what the next one acts on
 * (a new sample, another process's mappings), so each sees the screen it
 * was typed at. */
static int loop(struct app *a)
{
	while (!a->quit && !stop_signal) {
		take_results(a);
		if (refresh_due(a))
			ask_sample(a);
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

static int run(struct app *a, ms_error *err)
{
	struct sigaction old[3];
	int rc;

	if (!(a->term = ms_term_open(a->opts->no_color, err)))
		return -(err->code ? err->code : EIO);
	if (ms_screen_init(&a->screen, 0, 0) != 0)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	stop_signal = 0;
	catch_stop_signals(old);
	rc = loop(a);
	restore_signals(old);
	if (rc != 0)
		ms_error_set(err, -rc, 0, "out of memory");
	return rc;
}

static int app_run(ms_source *src, const ms_options *o, ms_sample *baseline, bool *listed,
		   ms_error *err)
{
	struct app *a = calloc(1, sizeof(*a));
	if (!a) {
		ms_source_close(src);
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	a->listed = listed != NULL;
	a->opts = o;
	a->base = baseline;
	a->base_owned = baseline != NULL;
	a->refreshes = ms_source_can(src, MS_CAP_REFRESH);
	a->recording = ms_source_can(src, MS_CAP_SAMPLES);
	a->goal = a->base_at = SIZE_MAX;
	a->at_ns = a->first_ns = MS_NA;
	snprintf(a->source_path, sizeof a->source_path, "%s", ms_source_get_info(src)->path);
	a->delay = o->delay > 0 ? o->delay : 2.0;
	int rc = init_panes(a);
	if (rc != 0)
		ms_error_set(err, ENOMEM, 0, "out of memory");
	if (rc == 0 && !(a->loader = ms_loader_start(src, err)))
		rc = -(err->code ? err->code : EIO);
	if (rc != 0 && !a->loader)
		ms_source_close(src);
	if (rc == 0)
		rc = run(a, err);
	if (listed)
		*listed = !a->quit_all && !stop_signal;
	cleanup(a);
	free(a);
	return rc;
}

int ms_app_run(ms_source *src, const ms_options *o, ms_sample *baseline, ms_error *err)
{
	return app_run(src, o, baseline, NULL, err);
}

int ms_app_run_listed(ms_source *src, const ms_options *o, bool *back, ms_error *err)
{
	return app_run(src, o, NULL, back, err);
}
