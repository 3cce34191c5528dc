/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: `memscope [-s PATH] [-d SECONDS]`, `memscope VIEW ...`,
 * `memscope capture ...` (DESIGN.md "Command line and output contract").
 * Every mistake becomes one ms_error ("<what>: <why>") and -EINVAL; main
 * prints it and exits 2. Nothing here prints except the usage text.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/options.h"

enum long_only_opt {
	OPT_SORT = 256,
	OPT_LIMIT,
	OPT_PROC_ROOT,
	OPT_FORCE,
	OPT_NO_CMDLINE,
	OPT_NO_SMAPS,
	OPT_NO_COLOR,
	OPT_VERSION,
};

/* Which modes an option belongs to (bits by ms_mode). */
enum opt_scope {
	IN_TUI = 1u << MS_MODE_TUI,
	IN_BATCH = 1u << MS_MODE_BATCH,
	IN_CAPTURE = 1u << MS_MODE_CAPTURE,
	IN_ANY = IN_TUI | IN_BATCH | IN_CAPTURE,
};

static const struct option long_opts[] = {
	{ "snapshot", required_argument, NULL, 's' },
	{ "delay", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "reverse", no_argument, NULL, 'r' },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "kb", no_argument, NULL, 'k' },
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "no-cmdline", no_argument, NULL, OPT_NO_CMDLINE },
	{ "no-smaps", no_argument, NULL, OPT_NO_SMAPS },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* "+" stops at the first non-option so that a PID like "-1" is never read
 * as an option; we restart getopt after the VIEW word ourselves. */
static const char short_opts[] = "+:s:d:f:rko:h";

static unsigned opt_scope_of(int opt)
{
	switch (opt) {
	case 'd': case OPT_NO_COLOR:
		return IN_TUI;
	case 'f': case OPT_SORT: case 'r': case OPT_LIMIT: case 'k':
		return IN_BATCH;
	case 'o': case OPT_FORCE: case OPT_NO_CMDLINE: case OPT_NO_SMAPS:
		return IN_CAPTURE;
	default:
		return IN_ANY;
	}
}

static const char *mode_name(const ms_options *o)
{
	if (o->mode == MS_MODE_CAPTURE)
		return "capture";
	if (o->mode == MS_MODE_BATCH)
		return o->batch.view->name;
	return "the interactive mode";
}

/* The option as the user typed it, for messages: "-x" or "--bogus".
 * longindex is getopt_long's, -1 when a short option matched. */
static void opt_spelling(char *dst, size_t cap, int opt, int longindex, char **argv)
{
	if (longindex >= 0)
		snprintf(dst, cap, "--%s", long_opts[longindex].name);
	else if (opt > 0 && opt < 256)
		snprintf(dst, cap, "-%c", opt);
	else if (optind > 0 && argv[optind - 1])
		snprintf(dst, cap, "%s", argv[optind - 1]);
	else
		snprintf(dst, cap, "option");
	/* "--sort=x" -> "--sort" */
	char *eq = strchr(dst, '=');
	if (eq)
		*eq = '\0';
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_format(const char *s, ms_format *out)
{
	static const char *const names[] = {
		[MS_FORMAT_TEXT] = "text", [MS_FORMAT_CSV] = "csv", [MS_FORMAT_JSON] = "json",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (ms_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_delay(const char *s, double *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	/* A day is plenty; below 0.1 s the refresh would only burn the CPU
	 * of the small boards this runs on. */
	if (errno || end == s || *end || !isfinite(v) || v < 0.1 || v > 86400)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Options without an argument. false when opt is not one of them. */
static bool apply_flag(ms_options *o, int opt)
{
	switch (opt) {
	case 'r': o->batch.reverse = true; return true;
	case 'k': o->batch.plain_kb = true; return true;
	case OPT_FORCE: o->capture.force = true; return true;
	case OPT_NO_CMDLINE: o->capture.no_cmdline = true; return true;
	case OPT_NO_SMAPS: o->capture.no_smaps = true; return true;
	case OPT_NO_COLOR: o->no_color = true; return true;
	case 'h': o->mode = MS_MODE_HELP; return true;
	case OPT_VERSION: o->mode = MS_MODE_VERSION; return true;
	default: return false;
	}
}

static int apply_opt(ms_options *o, int opt, const char *arg, ms_error *err)
{
	long n;

	if (apply_flag(o, opt))
		return 0;
	switch (opt) {
	case 's': o->snapshot = arg; return 0;
	case OPT_PROC_ROOT: o->proc_root = arg; return 0;
	case OPT_SORT: o->batch.sort = arg; return 0;
	case 'o': o->capture.out = arg; return 0;
	case 'd':
		if (parse_delay(arg, &o->delay))
			return ms_error_set(err, EINVAL, 0,
					    "-d %s: not a number of seconds (0.1 to 86400)", arg);
		return 0;
	case 'f':
		if (parse_format(arg, &o->batch.format))
			return ms_error_set(err, EINVAL, 0,
					    "--format %s: unknown format (text, csv, json)", arg);
		return 0;
	case OPT_LIMIT:
		if (parse_long(arg, 0, 1L << 30, &n))
			return ms_error_set(err, EINVAL, 0,
					    "--limit %s: not a row count (0 means all)", arg);
		o->batch.limit = n;
		return 0;
	}
	return ms_error_set(err, EINVAL, 0, "option %d: not handled", opt);
}

/* The first option seen of each mode's own options, as typed; checked
 * against the mode once the whole line is read; and the options a batch
 * view may or may not take (MS_VOPT_*), checked against the view. */
struct scoped_seen {
	char name[3][64]; /* by ms_mode: TUI, BATCH, CAPTURE */
	unsigned view_opts;
};

static unsigned view_opt_of(int opt, const char *arg)
{
	switch (opt) {
	case OPT_SORT: return MS_VOPT_SORT;
	case 'r': return MS_VOPT_REVERSE;
	case OPT_LIMIT: return MS_VOPT_LIMIT;
	case 'k': return MS_VOPT_KB;
	case 'f': return arg && strcmp(arg, "csv") == 0 ? MS_VOPT_CSV : 0;
	default: return 0;
	}
}

static void note_scope(struct scoped_seen *seen, int opt, int longindex, char **argv)
{
	unsigned scope = opt_scope_of(opt);

	if (scope == IN_ANY)
		return;
	for (int m = MS_MODE_TUI; m <= MS_MODE_CAPTURE; m++) {
		if ((scope & (1u << m)) && !seen->name[m][0])
			opt_spelling(seen->name[m], sizeof seen->name[m], opt, longindex, argv);
	}
}

/* Runs getopt from the current optind until a non-option word or the end. */
static int parse_opts(int argc, char **argv, ms_options *o, struct scoped_seen *seen,
		      ms_error *err)
{
	int opt, longindex = -1;

	while ((opt = getopt_long(argc, argv, short_opts, long_opts, &longindex)) != -1) {
		if (opt == '?' || opt == ':') {
			char name[64];

			/* A long option unknown or missing its argument is
			 * argv[optind - 1] itself; a short one is optopt. */
			const char *typed = optind > 0 ? argv[optind - 1] : NULL;
			bool was_long = typed && strncmp(typed, "--", 2) == 0;
			opt_spelling(name, sizeof name, was_long ? 0 : optopt, -1, argv);
			return ms_error_set(err, EINVAL, 0, "%s: %s", name,
					    opt == ':' ? "needs an argument" : "unknown option");
		}
		int rc = apply_opt(o, opt, optarg, err);
		if (rc)
			return rc;
		note_scope(seen, opt, longindex, argv);
		seen->view_opts |= view_opt_of(opt, optarg);
		longindex = -1;
	}
	return 0;
}

/* An option of another mode ("capture --sort") is a usage error rather
 * than something silently ignored. */
static int check_scopes(const ms_options *o, const struct scoped_seen *seen, ms_error *err)
{
	for (int m = MS_MODE_TUI; m <= MS_MODE_CAPTURE; m++) {
		if (m != (int)o->mode && seen->name[m][0])
			return ms_error_set(err, EINVAL, 0, "%s: not an option of %s",
					    seen->name[m], mode_name(o));
	}
	return 0;
}

/* The words that are not views. */
static const struct {
	const char *word;
	ms_mode mode;
} commands[] = {
	{ "capture", MS_MODE_CAPTURE },
};

/* "procrank | ... | report, capture": every word the command line takes. */
static void list_commands(ms_buf *out)
{
	ms_views_usage_list(out, ", ");
	for (size_t i = 0; i < MS_ARRAY_LEN(commands); i++)
		ms_buf_printf(out, ", %s", commands[i].word);
}

static int unknown_command(const char *word, ms_error *err)
{
	ms_buf all = MS_BUF_INIT;

	list_commands(&all);
	ms_error_set(err, EINVAL, 0, "%s: unknown view (%s)", word, all.data ? all.data : "");
	ms_buf_free(&all);
	return -EINVAL;
}

/* Picks the mode from the first word: a view, a command, or none (TUI). A
 * view takes its own words after it (vma's PID). */
static int parse_command(int argc, char **argv, ms_options *o, ms_error *err)
{
	const char *word = argv[optind];

	optind++;
	for (size_t i = 0; i < MS_ARRAY_LEN(commands); i++) {
		if (strcmp(word, commands[i].word) == 0) {
			o->mode = commands[i].mode;
			return 0;
		}
	}
	o->batch.view = ms_view_find(word);
	if (!o->batch.view)
		return unknown_command(word, err);
	o->mode = MS_MODE_BATCH;
	if (!o->batch.view->take_args)
		return 0;
	int used = o->batch.view->take_args(&o->batch, argc - optind, argv + optind, err);
	if (used < 0)
		return used;
	optind += used;
	return 0;
}

static void set_defaults(ms_options *o)
{
	memset(o, 0, sizeof *o);
	o->mode = MS_MODE_TUI;
	o->delay = 2.0;
	o->batch.format = MS_FORMAT_TEXT;
	const char *nc = getenv("NO_COLOR");
	/* no-color.org: any non-empty value. */
	o->no_color = nc && *nc;
}

int ms_options_parse(int argc, char **argv, ms_options *o, ms_error *err)
{
	struct scoped_seen seen = { 0 };
	int rc;

	set_defaults(o);
	ms_error_clear(err);
	opterr = 0;
	optind = 0; /* glibc: 0 also resets getopt's internal state */

	rc = parse_opts(argc, argv, o, &seen, err);
	if (!rc && optind < argc && o->mode == MS_MODE_TUI) {
		rc = parse_command(argc, argv, o, err);
		if (!rc) {
			/* Restart getopt on the words after the command, the
			 * last command word playing argv[0]: glibc would
			 * otherwise rewind optind to a "--" met before it. */
			int base = optind - 1;
			argc -= base;
			argv += base;
			optind = 0;
			rc = parse_opts(argc, argv, o, &seen, err);
		}
	}
	if (rc)
		return rc;
	if (o->mode == MS_MODE_HELP || o->mode == MS_MODE_VERSION)
		return 0;
	if (optind < argc)
		return ms_error_set(err, EINVAL, 0, "%s: unexpected argument", argv[optind]);
	rc = check_scopes(o, &seen, err);
	if (rc)
		return rc;
	if (o->snapshot && o->proc_root)
		return ms_error_set(err, EINVAL, 0, "--proc-root: not with -s (a snapshot)");
	return o->mode == MS_MODE_BATCH ? ms_batch_check_opts(&o->batch, seen.view_opts, err) : 0;
}

void ms_options_usage(FILE *to)
{
	ms_buf views = MS_BUF_INIT;

	ms_views_usage_list(&views, " | ");
	fputs("Usage:\n"
	      "  memscope [-s PATH] [-d SECONDS] [--no-color]\n"
	      "  memscope VIEW [-s PATH] [-f text|csv|json] [--sort KEY] [-r] [--limit N] [-k]\n"
	      "  memscope capture [-s PATH] [-o PATH] [--force] [--no-cmdline] [--no-smaps]\n"
	      "  memscope -h | --help | --version\n"
	      "\n", to);
	fprintf(to, "VIEW: %s\n\n", views.data ? views.data : "");
	for (size_t i = 0; ms_views[i]; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s%s%s", ms_views[i]->name,
			 ms_views[i]->args ? " " : "", ms_views[i]->args ? ms_views[i]->args : "");
		fprintf(to, "  %-20s  %s\n", name, ms_views[i]->summary);
	}
	ms_buf_free(&views);
	fputs("\n"
	      "  -s, --snapshot PATH   read a snapshot (directory or tar archive), not /proc\n"
	      "      --proc-root DIR   read live files from DIR instead of /proc\n"
	      "  -d, --delay SECONDS   refresh interval of the interactive mode (default 2)\n"
	      "      --no-color        monochrome (also when NO_COLOR is set)\n"
	      "  -f, --format FMT      text (default), csv or json (doc/json.md)\n"
	      "      --sort KEY        sort on a column key (e.g. pss_kb, size_kb, start)\n"
	      "  -r, --reverse         reverse the sort direction\n"
	      "      --limit N         show the first N rows (totals still cover all rows)\n"
	      "  -k, --kb              plain kB numbers in text instead of K/M/G units\n"
	      "  -o, --output PATH     capture into a directory, FILE.tar.gz, or - (stdout)\n"
	      "      --force           replace an existing capture output\n"
	      "      --no-cmdline      leave command lines out of the capture\n"
	      "      --no-smaps        leave per-mapping smaps out (rollups only)\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      to);
}
