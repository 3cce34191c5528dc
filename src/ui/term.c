/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal layer: the one file that includes curses (a CI grep checks
 * it), so that the panes stay testable and the rest of the program does
 * not depend on how a terminal is driven.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "memscope/term.h"

struct ms_term {
	SCREEN *scr;
	FILE *in;     /* the keyboard: stdin, or /dev/tty when stdin is data */
	bool own_in;
	bool color;
	bool utf8;
	bool open;
	chtype attr[MS_ATTR_COUNT];
};

/* How each kind of cell looks. Monochrome uses only what vt100 has
 * (reverse, bold, underline); the bars then read by their letters. */
struct look {
	chtype mono;
	short fg, bg; /* -1: the terminal's default */
	chtype color_extra;
};

static const struct look looks[MS_ATTR_COUNT] = {
	[MS_ATTR_NORMAL] = { A_NORMAL, -1, -1, A_NORMAL },
	[MS_ATTR_TITLE] = { A_BOLD, COLOR_CYAN, -1, A_BOLD },
	[MS_ATTR_COLHEAD] = { A_REVERSE, COLOR_BLACK, COLOR_GREEN, A_NORMAL },
	[MS_ATTR_SORTED] = { A_REVERSE | A_BOLD | A_UNDERLINE, COLOR_BLACK, COLOR_CYAN, A_BOLD },
	[MS_ATTR_SELECTED] = { A_REVERSE | A_BOLD, COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[MS_ATTR_TAB] = { A_NORMAL, -1, -1, A_NORMAL },
	[MS_ATTR_TAB_ON] = { A_REVERSE | A_BOLD, COLOR_BLACK, COLOR_GREEN, A_BOLD },
	[MS_ATTR_DIM] = { A_NORMAL, COLOR_BLUE, -1, A_BOLD },
	[MS_ATTR_TOTAL] = { A_BOLD, -1, -1, A_BOLD },
	[MS_ATTR_WARN] = { A_BOLD, COLOR_RED, -1, A_BOLD },
	[MS_ATTR_GROW] = { A_BOLD, COLOR_YELLOW, -1, A_BOLD },
	[MS_ATTR_STATUS] = { A_REVERSE, COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[MS_ATTR_BAR_ANON] = { A_NORMAL, COLOR_GREEN, -1, A_REVERSE },
	[MS_ATTR_BAR_CACHE] = { A_NORMAL, COLOR_YELLOW, -1, A_REVERSE },
	[MS_ATTR_BAR_SLAB_R] = { A_NORMAL, COLOR_BLUE, -1, A_REVERSE },
	[MS_ATTR_BAR_SLAB_U] = { A_NORMAL, COLOR_MAGENTA, -1, A_REVERSE },
	[MS_ATTR_BAR_KSTACK] = { A_NORMAL, COLOR_CYAN, -1, A_REVERSE },
	[MS_ATTR_BAR_PTABLES] = { A_NORMAL, COLOR_RED, -1, A_REVERSE },
	[MS_ATTR_BAR_CMA] = { A_NORMAL, COLOR_WHITE, -1, A_REVERSE },
	[MS_ATTR_BAR_OTHER] = { A_NORMAL, COLOR_MAGENTA, -1, A_BOLD },
	[MS_ATTR_BAR_FREE] = { A_NORMAL, COLOR_GREEN, -1, A_BOLD },
};

static void set_looks(ms_term *t)
{
	/* Without default colours (vt220-like entries) -1 is not allowed:
	 * fall back to white on black. */
	bool defaults = use_default_colors() == OK;
	for (int a = 0; a < MS_ATTR_COUNT; a++) {
		const struct look *l = &looks[a];
		if (!t->color) {
			t->attr[a] = l->mono;
			continue;
		}
		short fg = l->fg, bg = l->bg;
		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(a + 1), fg, bg);
		t->attr[a] = COLOR_PAIR(a + 1) | l->color_extra;
	}
}

static bool want_color(bool no_color)
{
	const char *env = getenv("NO_COLOR");
	return !no_color && !(env && env[0]) && has_colors() && start_color() == OK &&
	       COLOR_PAIRS > MS_ATTR_COUNT;
}

/* Keys come from stdin, or from the controlling terminal when stdin
 * carries a snapshot (ssh board ... | memscope -s -). */
static FILE *open_keyboard(bool *own, ms_error *err)
{
	*own = false;
	if (isatty(STDIN_FILENO))
		return stdin;
	FILE *tty = fopen("/dev/tty", "r");
	if (!tty) {
		ms_error_set(err, ENOTTY, 0, "the explorer needs a terminal (for scripts: "
			     "memscope VIEW --format json)");
		return NULL;
	}
	*own = true;
	return tty;
}

/* A terminal that cannot place the cursor (TERM=dumb, an emacs shell)
 * would show a blank screen: say so instead. */
static int check_addressable(ms_error *err)
{
	const char *cup = tigetstr("cup");

	if (cup && cup != (char *)-1)
		return 0;
	const char *term = getenv("TERM");
	return ms_error_set(err, EINVAL, 0,
			    "terminal type '%s' cannot place the cursor: set TERM (e.g. "
			    "TERM=vt100) or use a batch view (memscope procrank)",
			    term ? term : "");
}

/* vt100's terminfo (a board's serial console, TERM=vt100 over ssh) has
 * no page or home keys, but the terminal in front of it sends the VT220
 * and xterm sequences all the same: known here, they scroll instead of
 * arriving as Esc and three stray characters. */
static void define_vt220_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} keys[] = {
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033[1~", KEY_HOME },  { "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END },   { "\033[F", KEY_END },  { "\033OF", KEY_END },
		{ "\033[Z", KEY_BTAB },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (key_defined(keys[i].seq) <= 0)
			define_key(keys[i].seq, keys[i].key);
}

static void set_modes(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_vt220_keys();
	nodelay(stdscr, TRUE);
	set_escdelay(25); /* Esc alone, not the start of an arrow key */
	curs_set(0);      /* fails harmlessly where the cursor cannot hide */
}

static void term_free(ms_term *t)
{
	if (t->own_in)
		fclose(t->in);
	free(t);
}

ms_term *ms_term_open(bool no_color, ms_error *err)
{
	if (!isatty(STDOUT_FILENO)) {
		ms_error_set(err, ENOTTY, 0, "the explorer needs a terminal (for scripts: "
			     "memscope VIEW --format json)");
		return NULL;
	}
	ms_term *t = calloc(1, sizeof(*t));
	if (!t) {
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	t->in = open_keyboard(&t->own_in, err);
	if (!t->in) {
		free(t);
		return NULL;
	}
	setlocale(LC_CTYPE, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->scr = newterm(NULL, stdout, t->in);
	if (!t->scr) {
		const char *term = getenv("TERM");
		ms_error_set(err, EINVAL, 0, "cannot use terminal type '%s'", term ? term : "");
		term_free(t);
		return NULL;
	}
	if (check_addressable(err) < 0) {
		endwin();
		delscreen(t->scr);
		term_free(t);
		return NULL;
	}
	t->open = true;
	set_modes();
	t->color = want_color(no_color);
	set_looks(t);
	return t;
}

void ms_term_close(ms_term *t)
{
	if (!t || !t->open)
		return;
	t->open = false;
	curs_set(1);
	endwin();
	delscreen(t->scr);
	term_free(t);
}

void ms_term_size(const ms_term *t, int *rows, int *cols)
{
	(void)t;
	getmaxyx(stdscr, *rows, *cols);
}

bool ms_term_has_color(const ms_term *t)
{
	return t->color;
}

int ms_term_fd(const ms_term *t)
{
	return fileno(t->in);
}

static int map_curses_key(int ch)
{
	switch (ch) {
	case KEY_UP: return MS_KEY_UP;
	case KEY_DOWN: return MS_KEY_DOWN;
	case KEY_LEFT: return MS_KEY_LEFT;
	case KEY_RIGHT: return MS_KEY_RIGHT;
	case KEY_PPAGE: return MS_KEY_PGUP;
	case KEY_NPAGE: return MS_KEY_PGDN;
	case KEY_HOME: case KEY_FIND: case KEY_A1: return MS_KEY_HOME;
	case KEY_END: case KEY_SELECT: case KEY_C1: return MS_KEY_END;
	case KEY_BTAB: return MS_KEY_BTAB;
	case KEY_ENTER: case '\r': case '\n': return MS_KEY_ENTER;
	case KEY_BACKSPACE: case 127: case 8: return MS_KEY_BACKSPACE;
	case KEY_RESIZE: return MS_KEY_RESIZE;
	}
	if (ch == KEY_F(1))
		return MS_KEY_F1;
	if (ch == KEY_F(6))
		return MS_KEY_F6;
	if (ch == KEY_F(10))
		return MS_KEY_F10;
	if (ch >= KEY_MIN)
		return MS_KEY_NONE; /* a key we have no use for */
	return ch;
}

int ms_term_read_key(ms_term *t)
{
	(void)t;
	int ch = getch();
	return ch == ERR ? MS_KEY_NONE : map_curses_key(ch);
}

/* One cell; without a UTF-8 locale, non-ASCII text becomes '?' (one per
 * column it takes) rather than bytes the terminal would misread. */
static void put_cell(const ms_term *t, const ms_screen *s, int row, int col)
{
	const ms_cell *c = ms_screen_cell_const(s, row, col);
	if (c->ch[0] == '\0')
		return; /* the right half of a wide character */
	attrset(t->attr[c->attr < MS_ATTR_COUNT ? c->attr : MS_ATTR_NORMAL]);
	if (t->utf8 || (unsigned char)c->ch[0] < 0x80) {
		mvaddstr(row, col, c->ch);
		return;
	}
	const ms_cell *next = ms_screen_cell_const(s, row, col + 1);
	mvaddstr(row, col, next && next->ch[0] == '\0' ? "??" : "?");
}

void ms_term_flush(ms_term *t, const ms_screen *s)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	for (int r = 0; r < s->rows && r < rows; r++)
		for (int c = 0; c < s->cols && c < cols; c++)
			put_cell(t, s, r, c);
	attrset(A_NORMAL);
	refresh();
}
