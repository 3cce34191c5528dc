/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: `memscope [-s PATH] [-d SECONDS]`, `memscope VIEW ...`,
 * `memscope COMMAND ...` (DESIGN.md "Command line and output contract").
 * Options are rows of one table, each naming the commands it belongs to;
 * commands and views come from their registries. Every mistake becomes one
 * ms_error ("<what>: <why>") and -EINVAL; main prints it and exits 2.
 * Nothing here prints except the usage text.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/command.h"
#include "memscope/options.h"

/* ---- what each option does ------------------------------------------------ */

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

static int set_snapshot(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->snapshot = arg;
	return 0;
}

static int set_proc_root(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->proc_root = arg;
	return 0;
}

static int set_delay(ms_options *o, const char *arg, ms_error *err)
{
	char *end;

	errno = 0;
	double v = strtod(arg, &end);
	/* A day is plenty; below 0.1 s the refresh would only burn the CPU
	 * of the small boards this runs on. */
	if (errno || end == arg || *end || !isfinite(v) || v < 0.1 || v > 86400)
		return ms_error_set(err, EINVAL, 0, "-d %s: not a number of seconds (0.1 to 86400)",
				    arg);
	o->delay = v;
	return 0;
}

static int set_no_color(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->no_color = true;
	return 0;
}

static int set_format(ms_options *o, const char *arg, ms_error *err)
{
	static const char *const names[] = {
		[MS_FORMAT_TEXT] = "text", [MS_FORMAT_CSV] = "csv", [MS_FORMAT_JSON] = "json",
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(names); i++) {
		if (strcmp(arg, names[i]) == 0) {
			o->batch.format = (ms_format)i;
			return 0;
		}
	}
	return ms_error_set(err, EINVAL, 0, "--format %s: unknown format (text, csv, json)", arg);
}

static int set_sort(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->batch.sort = arg;
	return 0;
}

static int set_reverse(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->batch.reverse = true;
	return 0;
}

static int set_limit(ms_options *o, const char *arg, ms_error *err)
{
	long n;

	if (parse_long(arg, 0, 1L << 30, &n))
		return ms_error_set(err, EINVAL, 0, "--limit %s: not a row count (0 means all)", arg);
	o->batch.limit = n;
	return 0;
}

static int set_plain_kb(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->batch.plain_kb = true;
	return 0;
}

static int set_path(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->batch.path = arg;
	return 0;
}

/* A path below a hierarchy's root, as /proc/PID/cgroup prints it. */
static int set_cgroup(ms_options *o, const char *arg, ms_error *err)
{
	if (arg[0] != '/')
		return ms_error_set(err, EINVAL, 0,
				    "--cgroup %s: a path below the hierarchy's root, as "
				    "/proc/PID/cgroup prints it (/system.slice)", arg);
	o->batch.cgroup = arg;
	return 0;
}

/* "r-x", "rw", "---s": a prefix of the four letters smaps prints. */
static int set_perms(ms_options *o, const char *arg, ms_error *err)
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };
	size_t n = strlen(arg);

	for (size_t i = 0; i < n && i < 4; i++)
		if (!memchr(allowed[i], arg[i], 2))
			n = 5;
	if (n == 0 || n > 4)
		return ms_error_set(err, EINVAL, 0,
				    "--perm %s: not permissions as smaps prints them (r-x, rw-p)",
				    arg);
	o->batch.perms = arg;
	return 0;
}

static int set_output(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->capture.out = arg;
	return 0;
}

static int set_force(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->capture.force = true;
	return 0;
}

static int set_no_cmdline(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->capture.no_cmdline = true;
	return 0;
}

static int set_no_smaps(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->capture.no_smaps = true;
	return 0;
}

static int set_dmesg(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->capture.dmesg = true;
	return 0;
}

static int set_interval(ms_options *o, const char *arg, ms_error *err)
{
	char *end;

	errno = 0;
	double v = strtod(arg, &end);
	/* Below 0.1 s a recorder would be a load of its own. */
	if (errno || end == arg || *end || !isfinite(v) || v < 0.1 || v > 86400)
		return ms_error_set(err, EINVAL, 0, "-i %s: not a number of seconds (0.1 to 86400)",
				    arg);
	o->record.interval = v;
	return 0;
}

static int set_count(ms_options *o, const char *arg, ms_error *err)
{
	long n;

	if (parse_long(arg, 1, 1L << 30, &n))
		return ms_error_set(err, EINVAL, 0, "--count %s: not a number of samples", arg);
	o->record.count = n;
	return 0;
}

/* "90", "90s", "15m", "24h", "1.5h": seconds. */
static int set_duration(ms_options *o, const char *arg, ms_error *err)
{
	char *end;

	errno = 0;
	double v = strtod(arg, &end);
	double unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;
	if (*end == 'h' || *end == 'm' || *end == 's')
		end++;
	if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v * unit > 366 * 86400.0)
		return ms_error_set(err, EINVAL, 0,
				    "--duration %s: not a duration (90, 90s, 15m, 24h; up to a year)",
				    arg);
	o->record.duration = v * unit;
	return 0;
}

static int set_follow_smaps(ms_options *o, const char *arg, ms_error *err)
{
	long pid;

	if (parse_long(arg, 1, 0x3fffffff, &pid))
		return ms_error_set(err, EINVAL, 0, "--smaps %s: not a PID", arg);
	if (o->record.n_smaps_pids == MS_RECORD_MAX_FOLLOW)
		return ms_error_set(err, EINVAL, 0, "--smaps %s: at most %d processes", arg,
				    MS_RECORD_MAX_FOLLOW);
	o->record.smaps_pids[o->record.n_smaps_pids++] = (int)pid;
	return 0;
}

static int set_baseline(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->baseline = arg;
	return 0;
}

static int set_at(ms_options *o, const char *arg, ms_error *err)
{
	if (ms_sample_pick_parse(arg, &o->at) != 0)
		return ms_error_set(err, EINVAL, 0,
				    "--at %s: not a sample (an index from 0, a time such as "
				    "2026-12-04T03:00Z, or last)", arg);
	return 0;
}

static int set_all(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->diff.all = true;
	return 0;
}

static int set_top(ms_options *o, const char *arg, ms_error *err)
{
	long n;

	if (parse_long(arg, 1, 100000, &n))
		return ms_error_set(err, EINVAL, 0, "--top %s: not a count (1 to 100000)", arg);
	o->top = n;
	return 0;
}

static int set_listen(ms_options *o, const char *arg, ms_error *err)
{
	(void)err;
	o->listen = arg;
	return 0;
}

static int set_help(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->help = true;
	return 0;
}

static int set_version(ms_options *o, const char *arg, ms_error *err)
{
	(void)arg;
	(void)err;
	o->version = true;
	return 0;
}

/* ---- the options ------------------------------------------------------------ */

/* Where an option belongs: command names separated by blanks ("VIEW" is
 * every batch view), or "*" for every command. */
struct opt_def {
	const char *name;  /* long name */
	int letter;        /* short letter, 0 for none */
	const char *arg;   /* its argument in usage ("PATH"), NULL for a flag */
	const char *scope;
	unsigned view_opt; /* MS_VOPT_* for the options a view may refuse */
	int (*apply)(ms_options *o, const char *arg, ms_error *err);
	const char *help;
};

static const struct opt_def opt_defs[] = {
	{ "snapshot", 's', "PATH", "*", 0, set_snapshot,
	  "read a snapshot (directory, archive, - for stdin)" },
	{ "proc-root", 0, "DIR", "*", 0, set_proc_root,
	  "read live files from DIR instead of /proc" },
	{ "delay", 'd', "SECONDS", "explorer", 0, set_delay,
	  "refresh interval of the interactive mode (default 2)" },
	{ "no-color", 0, NULL, "explorer", 0, set_no_color,
	  "monochrome (also when NO_COLOR is set)" },
	{ "format", 'f', "FMT", "VIEW diff trend oom fleet", 0, set_format,
	  "text (default), csv or json (doc/json.md)" },
	{ "sort", 0, "KEY", "VIEW diff fleet", MS_VOPT_SORT, set_sort,
	  "sort on a column key (e.g. pss_kb, size_kb, start)" },
	{ "reverse", 'r', NULL, "VIEW diff fleet", MS_VOPT_REVERSE, set_reverse,
	  "reverse the sort direction" },
	{ "limit", 0, "N", "VIEW diff trend fleet", MS_VOPT_LIMIT, set_limit,
	  "show the first N rows (totals still cover all rows)" },
	{ "kb", 'k', NULL, "VIEW diff fleet", MS_VOPT_KB, set_plain_kb,
	  "plain kB numbers in text instead of K/M/G units" },
	{ "path", 0, "PREFIX", "VIEW", MS_VOPT_PATH, set_path,
	  "libs: mapping names that start with PREFIX" },
	{ "perm", 0, "PERMS", "VIEW", MS_VOPT_PERM, set_perms,
	  "libs: mappings with these permissions (r-x)" },
	{ "cgroup", 0, "PATH", "VIEW", MS_VOPT_CGROUP, set_cgroup,
	  "procrank: processes in memory cgroup PATH or below it" },
	{ "output", 'o', "PATH", "capture record", 0, set_output,
	  "DIR, FILE.tar[.gz|.xz|.zst|.bz2], -; record: FILE.msrec" },
	{ "force", 0, NULL, "capture", 0, set_force, "replace an existing capture output" },
	{ "no-cmdline", 0, NULL, "capture record", 0, set_no_cmdline,
	  "leave command lines out of the capture" },
	{ "no-smaps", 0, NULL, "capture", 0, set_no_smaps,
	  "leave per-mapping smaps out (rollups only)" },
	{ "dmesg", 0, NULL, "capture", 0, set_dmesg,
	  "add the kernel log (its OOM reports: oom SNAPSHOT)" },
	{ "interval", 'i', "SECONDS", "record", 0, set_interval,
	  "record: a sample every SECONDS (default 10)" },
	{ "count", 0, "N", "record", 0, set_count, "record: stop after N samples" },
	{ "duration", 0, "D", "record", 0, set_duration,
	  "record: stop after D (90, 90s, 15m, 24h)" },
	{ "smaps", 0, "PID", "record", 0, set_follow_smaps,
	  "record: keep this process's mappings (repeatable)" },
	{ "all", 0, NULL, "diff", 0, set_all, "diff: rows that did not change too" },
	{ "baseline", 0, "A", "explorer", 0, set_baseline,
	  "changes since A (snapshot, live, FILE@N)" },
	{ "at", 0, "N|TIME|last", "VIEW explorer", 0, set_at,
	  "a recording's sample: index from 0, ISO time, last" },
	{ "top", 0, "N", "metrics", 0, set_top,
	  "top processes and caches shown (default 20), + other" },
	{ "listen", 0, "ADDR:PORT", "metrics", 0, set_listen,
	  "serve /metrics over HTTP (ADDR default 127.0.0.1)" },
	{ "help", 'h', NULL, "*", 0, set_help, "this text" },
	{ "version", 0, NULL, "*", 0, set_version, "the version" },
};

#define NOPTS MS_ARRAY_LEN(opt_defs)
/* getopt returns an option's index in opt_defs plus this. */
#define OPT_BASE 256

/* "+" stops at the first non-option so that a PID like "-1" is never read
 * as an option; we restart getopt after the command's words ourselves. */
static void build_getopt(struct option *longs, char *shorts)
{
	size_t n = 0;

	shorts[n++] = '+';
	shorts[n++] = ':';
	for (size_t i = 0; i < NOPTS; i++) {
		longs[i] = (struct option){ opt_defs[i].name,
					    opt_defs[i].arg ? required_argument : no_argument,
					    NULL, (int)(OPT_BASE + i) };
		if (opt_defs[i].letter) {
			shorts[n++] = (char)opt_defs[i].letter;
			if (opt_defs[i].arg)
				shorts[n++] = ':';
		}
	}
	longs[NOPTS] = (struct option){ NULL, 0, NULL, 0 };
	shorts[n] = '\0';
}

static const struct opt_def *def_of(int opt)
{
	if (opt >= OPT_BASE && (size_t)(opt - OPT_BASE) < NOPTS)
		return &opt_defs[opt - OPT_BASE];
	for (size_t i = 0; i < NOPTS; i++)
		if (opt_defs[i].letter == opt)
			return &opt_defs[i];
	return NULL;
}

/* ---- scopes ------------------------------------------------------------------ */

/* Is word one of the blank-separated names of scope? */
static bool in_scope(const char *scope, const char *word)
{
	size_t n = strlen(word);

	if (strcmp(scope, "*") == 0)
		return true;
	for (const char *p = scope; (p = strstr(p, word)) != NULL; p += n) {
		bool starts = p == scope || p[-1] == ' ';
		bool ends = p[n] == '\0' || p[n] == ' ';
		if (starts && ends)
			return true;
	}
	return false;
}

/* The options typed, as typed ("-x", "--bogus"), checked against the
 * command once the whole line is read; and the options a view may refuse
 * (MS_VOPT_*). */
struct seen {
	const struct opt_def *def[NOPTS];
	char spelling[NOPTS][64];
	unsigned view_opts;
};

static void note(struct seen *seen, const struct opt_def *d, int longindex, const char *arg)
{
	size_t i = (size_t)(d - opt_defs);

	if (!seen->def[i]) {
		seen->def[i] = d;
		if (longindex >= 0 || !d->letter)
			snprintf(seen->spelling[i], sizeof seen->spelling[i], "--%s", d->name);
		else
			snprintf(seen->spelling[i], sizeof seen->spelling[i], "-%c", d->letter);
	}
	seen->view_opts |= d->view_opt;
	if (d->apply == set_format && strcmp(arg, "csv") == 0)
		seen->view_opts |= MS_VOPT_CSV;
}

const char *ms_options_what(const ms_options *o)
{
	if (o->cmd == &ms_cmd_view)
		return o->batch.view->name;
	if (o->cmd == &ms_cmd_explorer)
		return "the interactive mode";
	return o->cmd->name;
}

/* An option of another command ("capture --sort") is a usage error
 * rather than something silently ignored. */
static int check_scopes(const ms_options *o, const struct seen *seen, ms_error *err)
{
	for (size_t i = 0; i < NOPTS; i++) {
		if (seen->def[i] && !in_scope(seen->def[i]->scope, o->cmd->name))
			return ms_error_set(err, EINVAL, 0, "%s: not an option of %s",
					    seen->spelling[i], ms_options_what(o));
	}
	return 0;
}

/* ---- parsing ---------------------------------------------------------------- */

static int bad_option(char **argv, int opt, ms_error *err)
{
	const char *typed = optind > 0 ? argv[optind - 1] : NULL;
	char name[64];

	/* A long option unknown or missing its argument is argv[optind - 1]
	 * itself; a short one is optopt. */
	if (typed && strncmp(typed, "--", 2) == 0)
		snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
	else
		snprintf(name, sizeof name, "-%c", optopt ? optopt : '?');
	return ms_error_set(err, EINVAL, 0, "%s: %s", name,
			    opt == ':' ? "needs an argument" : "unknown option");
}

/* Runs getopt from the current optind until a non-option word or the end. */
static int parse_opts(int argc, char **argv, ms_options *o, struct seen *seen, ms_error *err)
{
	struct option longs[NOPTS + 1];
	char shorts[2 * NOPTS + 3];
	int opt, longindex = -1;

	build_getopt(longs, shorts);
	while ((opt = getopt_long(argc, argv, shorts, longs, &longindex)) != -1) {
		const struct opt_def *d = opt == '?' || opt == ':' ? NULL : def_of(opt);
		if (!d)
			return bad_option(argv, opt, err);
		int rc = d->apply(o, optarg, err);
		if (rc)
			return rc;
		note(seen, d, longindex, optarg);
		longindex = -1;
	}
	return 0;
}

/* "procrank, slabs, ..., vma PID, report, capture": every word there is. */
static void list_words(ms_buf *out)
{
	ms_views_usage_list(out, ", ");
	for (size_t i = 0; ms_commands[i]; i++)
		if (ms_commands[i] != &ms_cmd_explorer && ms_commands[i] != &ms_cmd_view)
			ms_buf_printf(out, ", %s", ms_commands[i]->name);
}

static int unknown_word(const char *word, ms_error *err)
{
	ms_buf all = MS_BUF_INIT;

	list_words(&all);
	ms_error_set(err, EINVAL, 0, "%s: unknown view (%s)", word, all.data ? all.data : "");
	ms_buf_free(&all);
	return -EINVAL;
}

/* The command of the first word, and the words it takes after it. */
static int parse_command(int argc, char **argv, ms_options *o, ms_error *err)
{
	const char *word = argv[optind++];

	o->cmd = ms_command_find(word);
	if (!o->cmd)
		return unknown_word(word, err);
	if (o->cmd == &ms_cmd_view)
		o->batch.view = ms_view_find(word);
	if (!o->cmd->take_args)
		return 0;
	int used = o->cmd->take_args(o, argc - optind, argv + optind, err);
	if (used < 0)
		return used;
	optind += used;
	return 0;
}

static void set_defaults(ms_options *o)
{
	memset(o, 0, sizeof *o);
	o->cmd = &ms_cmd_explorer;
	o->delay = 2.0;
	o->record.interval = 10.0;
	o->batch.format = MS_FORMAT_TEXT;
	const char *nc = getenv("NO_COLOR");
	/* no-color.org: any non-empty value. */
	o->no_color = nc && *nc;
}

/* After the command: getopt again on the words that follow it, the last
 * command word playing argv[0] (glibc would otherwise rewind optind to a
 * "--" met before it). */
static int parse_rest(int argc, char **argv, ms_options *o, struct seen *seen, ms_error *err)
{
	int base = optind - 1;

	argc -= base;
	argv += base;
	optind = 0;
	int rc = parse_opts(argc, argv, o, seen, err);
	if (!rc && !o->help && !o->version && optind < argc)
		rc = ms_error_set(err, EINVAL, 0, "%s: unexpected argument", argv[optind]);
	return rc;
}

static int check(const ms_options *o, const struct seen *seen, ms_error *err)
{
	int rc = check_scopes(o, seen, err);

	if (!rc && o->snapshot && o->proc_root)
		rc = ms_error_set(err, EINVAL, 0, "--proc-root: not with -s (a snapshot)");
	if (!rc && o->cmd == &ms_cmd_view)
		rc = ms_batch_check_opts(&o->batch, seen->view_opts, err);
	if (!rc && o->cmd->check)
		rc = o->cmd->check(o, err);
	return rc;
}

int ms_options_parse(int argc, char **argv, ms_options *o, ms_error *err)
{
	struct seen seen;
	int rc;

	memset(&seen, 0, sizeof seen);
	set_defaults(o);
	ms_error_clear(err);
	opterr = 0;
	optind = 0; /* glibc: 0 also resets getopt's internal state */

	rc = parse_opts(argc, argv, o, &seen, err);
	if (!rc && !o->help && !o->version && optind < argc) {
		rc = parse_command(argc, argv, o, err);
		if (!rc)
			rc = parse_rest(argc, argv, o, &seen, err);
	}
	if (rc || o->help || o->version)
		return rc;
	return check(o, &seen, err);
}

/* ---- usage ---------------------------------------------------------------- */

static void usage_commands(FILE *to)
{
	for (size_t i = 0; ms_commands[i]; i++) {
		const ms_command *c = ms_commands[i];
		if (c == &ms_cmd_explorer)
			fprintf(to, "  memscope %s\n", c->synopsis);
		else
			fprintf(to, "  memscope %s %s\n", c->name, c->synopsis);
	}
	fputs("  memscope -h | --help | --version\n\n", to);
}

static void usage_views(FILE *to)
{
	ms_buf views = MS_BUF_INIT;

	/* "VIEW: a | b | ...", wrapped to 80 columns under its first word. */
	ms_views_usage_list(&views, "\n");
	size_t col = 0;
	fputs("VIEW:", to);
	for (char *w = views.data; w && *w;) {
		size_t len = strcspn(w, "\n");
		if (col && col + 3 + len > 80 - 6) {
			fputs(" |\n     ", to);
			col = 0;
		}
		fprintf(to, "%s%.*s", col ? " | " : " ", (int)len, w);
		col += (col ? 3 : 1) + len;
		w += len + (w[len] == '\n');
	}
	fputs("\n\n", to);
	ms_buf_free(&views);
	for (size_t i = 0; ms_views[i]; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s%s%s", ms_views[i]->name,
			 ms_views[i]->args ? " " : "", ms_views[i]->args ? ms_views[i]->args : "");
		fprintf(to, "  %-20s  %s\n", name, ms_views[i]->summary);
	}
	for (size_t i = 0; ms_commands[i]; i++) {
		const ms_command *c = ms_commands[i];
		if (c != &ms_cmd_explorer && c != &ms_cmd_view)
			fprintf(to, "  %-20s  %s\n", c->name, c->summary);
	}
	fputc('\n', to);
}

static void usage_options(FILE *to)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt_def *d = &opt_defs[i];
		char left[40];
		snprintf(left, sizeof left, "%c%c%c --%s%s%s", d->letter ? '-' : ' ',
			 d->letter ? d->letter : ' ', d->letter ? ',' : ' ', d->name,
			 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(to, "  %-22s %s\n", left, d->help);
	}
}

void ms_options_usage(FILE *to)
{
	fputs("Usage:\n", to);
	usage_commands(to);
	usage_views(to);
	usage_options(to);
	fputs("\nExit status: 0 success, 1 failure, 2 usage error.\n", to);
}
