/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope oom LOG`: every OOM-killer report of a kernel log (dmesg,
 * journalctl -k, syslog, a serial console, pstore's console-ramoops), in
 * log order: what triggered it, whom it killed, the task table, the zones
 * and the free lists. The log is read in chunks through the incremental
 * reader of src/parse/oomlog.c and each report is written as soon as it
 * is complete, so a log of any size costs one report's memory.
 *
 * Figures are as the kernel printed them: the task table in pages (RSS
 * only: a report holds no PSS), zones and the kill line in kB.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/capture.h"
#include "memscope/source.h"

#include "memscope/parse.h"
#include "cmd.h"

#define OOM_SCHEMA "memscope/1"
#define READ_CHUNK 65536

struct oom_out {
	const ms_options *o;
	FILE *to;
	ms_buf out;     /* what is written once a report is whole */
	ms_buf cell;    /* an escaped cell */
	ms_json j;
	size_t nreports;
	int werr;       /* errno of a failed write, sticky */
};

static int flush_out(struct oom_out *w)
{
	if (w->out.len && fwrite(w->out.data, 1, w->out.len, w->to) != w->out.len && !w->werr)
		w->werr = errno ? errno : EIO;
	ms_buf_reset(&w->out);
	return w->werr ? -w->werr : 0;
}

/* Untrusted text from the log, made safe for a terminal or a CSV cell. */
static const char *safe(struct oom_out *w, const char *s, bool csv)
{
	ms_buf_reset(&w->cell);
	if (csv ? ms_escape_csv(&w->cell, s, strlen(s)) : ms_escape_display(&w->cell, s, strlen(s)))
		return "?";
	return ms_buf_putc(&w->cell, '\0') ? "?" : w->cell.data;
}

static void put_i64(ms_buf *b, int64_t v)
{
	if (v == MS_NA)
		ms_buf_puts(b, "-");
	else
		ms_buf_printf(b, "%" PRId64, v);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_kv_text(ms_json *j, const char *key, const char *s)
{
	ms_json_key(j, key);
	if (s[0])
		ms_json_str(j, s);
	else
		ms_json_null(j);
}

static void json_trigger(ms_json *j, const ms_oom_trigger *t)
{
	ms_json_key(j, "trigger");
	ms_json_obj_begin(j);
	json_kv_text(j, "comm", t->comm);
	ms_json_kv_i64(j, "pid", t->pid);
	ms_json_key(j, "gfp_mask");
	if (t->gfp_mask == MS_NA) {
		ms_json_null(j);
	} else {
		char hex[32];
		snprintf(hex, sizeof hex, "0x%" PRIx64, (uint64_t)t->gfp_mask);
		ms_json_str(j, hex);
	}
	json_kv_text(j, "gfp_flags", t->gfp_flags);
	ms_json_kv_i64(j, "order", t->order);
	ms_json_kv_i64(j, "oom_score_adj", t->oom_score_adj);
	json_kv_text(j, "constraint", t->constraint);
	json_kv_text(j, "memcg", t->memcg);
	json_kv_text(j, "task_memcg", t->task_memcg);
	json_kv_text(j, "nodemask", t->nodemask);
	json_kv_text(j, "kernel", t->kernel);
	json_kv_text(j, "hardware", t->hardware);
	ms_json_obj_end(j);
}

static void json_victim(ms_json *j, const ms_oom_report *r)
{
	const ms_oom_kill *k = ms_oom_report_victim(r);

	ms_json_key(j, "victim");
	if (!k) {
		ms_json_null(j);
		return;
	}
	ms_json_obj_begin(j);
	ms_json_kv_i64(j, "pid", k->pid);
	ms_json_kv_str(j, "name", k->name);
	ms_json_kv_i64(j, "total_vm_kb", k->total_vm_kb);
	ms_json_kv_i64(j, "anon_rss_kb", k->anon_rss_kb);
	ms_json_kv_i64(j, "file_rss_kb", k->file_rss_kb);
	ms_json_kv_i64(j, "shmem_rss_kb", k->shmem_rss_kb);
	ms_json_kv_i64(j, "pgtables_kb", k->pgtables_kb);
	ms_json_kv_i64(j, "uid", k->uid);
	ms_json_kv_i64(j, "oom_score_adj", k->oom_score_adj);
	ms_json_key(j, "memcg_kill");
	ms_json_bool(j, k->memcg);
	ms_json_obj_end(j);
}

/* JSON keys of the task table's columns, by enum ms_oom_col. */
static const char *const task_keys[MS_OOM_NCOLS] = {
	[MS_OOM_COL_UID] = "uid",
	[MS_OOM_COL_TGID] = "tgid",
	[MS_OOM_COL_TOTAL_VM] = "total_vm_pages",
	[MS_OOM_COL_RSS] = "rss_pages",
	[MS_OOM_COL_RSS_ANON] = "rss_anon_pages",
	[MS_OOM_COL_RSS_FILE] = "rss_file_pages",
	[MS_OOM_COL_RSS_SHMEM] = "rss_shmem_pages",
	[MS_OOM_COL_PGTABLES_BYTES] = "pgtables_bytes",
	[MS_OOM_COL_NR_PTES] = "nr_ptes",
	[MS_OOM_COL_NR_PMDS] = "nr_pmds",
	[MS_OOM_COL_SWAPENTS] = "swapents",
	[MS_OOM_COL_CPU] = "cpu",
	[MS_OOM_COL_OOM_ADJ] = "oom_adj",
	[MS_OOM_COL_OOM_SCORE_ADJ] = "oom_score_adj",
};

static void json_tasks(ms_json *j, const ms_oom_report *r)
{
	ms_json_key(j, "tasks");
	if (!r->tasks_printed) {
		ms_json_null(j);
		return;
	}
	ms_json_arr_begin(j);
	for (size_t i = 0; i < r->ntasks; i++) {
		const ms_oom_task *t = &r->tasks[i];
		ms_json_obj_begin(j);
		ms_json_kv_i64(j, "pid", t->pid);
		ms_json_kv_str(j, "name", t->name);
		for (int c = 0; c < MS_OOM_NCOLS; c++)
			if (r->task_cols & (1u << c))
				ms_json_kv_i64(j, task_keys[c], t->col[c]);
		ms_json_obj_end(j);
	}
	ms_json_arr_end(j);
}

static void json_zones(ms_json *j, const ms_oom_report *r)
{
	ms_json_key(j, "zones");
	ms_json_arr_begin(j);
	for (size_t i = 0; i < r->nzones; i++) {
		const ms_oom_zone *z = &r->zones[i];
		ms_json_obj_begin(j);
		ms_json_kv_i64(j, "node", z->node);
		ms_json_kv_str(j, "zone", z->zone);
		ms_json_kv_i64(j, "free_kb", z->free_kb);
		ms_json_kv_i64(j, "min_kb", z->min_kb);
		ms_json_kv_i64(j, "low_kb", z->low_kb);
		ms_json_kv_i64(j, "high_kb", z->high_kb);
		ms_json_kv_i64(j, "present_kb", z->present_kb);
		ms_json_kv_i64(j, "managed_kb", z->managed_kb);
		ms_json_key(j, "all_unreclaimable");
		if (z->all_unreclaimable < 0)
			ms_json_null(j);
		else
			ms_json_bool(j, z->all_unreclaimable == 1);
		ms_json_key(j, "lowmem_reserve_pages");
		ms_json_arr_begin(j);
		for (int k = 0; k < z->nreserve; k++)
			ms_json_i64(j, z->lowmem_reserve[k]);
		ms_json_arr_end(j);
		ms_json_obj_end(j);
	}
	ms_json_arr_end(j);
}

static void json_buddy(ms_json *j, const ms_oom_report *r)
{
	ms_json_key(j, "buddy");
	ms_json_arr_begin(j);
	for (size_t i = 0; i < r->nbuddy; i++) {
		const ms_oom_buddy *b = &r->buddy[i];
		ms_json_obj_begin(j);
		ms_json_kv_i64(j, "node", b->node);
		ms_json_kv_str(j, "zone", b->zone);
		ms_json_kv_i64(j, "page_kb", b->page_kb);
		ms_json_key(j, "free");
		ms_json_arr_begin(j);
		for (int k = 0; k < b->norders; k++)
			ms_json_i64(j, b->free[k]);
		ms_json_arr_end(j);
		ms_json_key(j, "types");
		ms_json_arr_begin(j);
		for (int k = 0; k < b->norders; k++)
			ms_json_str(j, b->types[k]);
		ms_json_arr_end(j);
		ms_json_kv_i64(j, "total_kb", b->total_kb);
		ms_json_obj_end(j);
	}
	ms_json_arr_end(j);
}

static void json_kvlist(ms_json *j, const char *key, const ms_kvlist *l, bool printed)
{
	ms_json_key(j, key);
	if (!printed) {
		ms_json_null(j);
		return;
	}
	ms_json_obj_begin(j);
	for (size_t i = 0; i < l->n; i++)
		ms_json_kv_i64(j, l->items[i].key, l->items[i].value);
	ms_json_obj_end(j);
}

static void json_slabs(ms_json *j, const ms_oom_report *r)
{
	ms_json_key(j, "unreclaimable_slab");
	ms_json_arr_begin(j);
	for (size_t i = 0; i < r->nslabs; i++) {
		ms_json_obj_begin(j);
		ms_json_kv_str(j, "name", r->slabs[i].name);
		ms_json_kv_i64(j, "used_kb", r->slabs[i].used_kb);
		ms_json_kv_i64(j, "total_kb", r->slabs[i].total_kb);
		ms_json_obj_end(j);
	}
	ms_json_arr_end(j);
}

static const char *end_name(enum ms_oom_end e)
{
	switch (e) {
	case MS_OOM_END_KILL: return "kill";
	case MS_OOM_END_NEXT: return "next_report";
	case MS_OOM_END_LOG: return "end_of_log";
	case MS_OOM_END_PANIC: return "panic";
	}
	return "?";
}

static void json_report(ms_json *j, const ms_oom_report *r)
{
	ms_json_obj_begin(j);
	ms_json_kv_i64(j, "first_line", r->first_line);
	ms_json_kv_i64(j, "last_line", r->last_line);
	ms_json_key(j, "time_s");
	if (r->time_us == MS_NA)
		ms_json_null(j);
	else
		ms_json_double(j, (double)r->time_us / 1e6, 6);
	json_kv_text(j, "wall_time", r->wall_time);
	ms_json_kv_str(j, "end", end_name(r->end));
	ms_json_key(j, "truncated");
	ms_json_bool(j, r->truncated);
	json_trigger(j, &r->trigger);
	json_victim(j, r);
	json_tasks(j, r);
	ms_json_kv_i64(j, "tasks_dropped", r->tasks_dropped);
	json_zones(j, r);
	json_buddy(j, r);
	json_kvlist(j, "meminfo", &r->meminfo, r->meminfo_printed);
	json_slabs(j, r);
	ms_json_kv_i64(j, "problems", r->problems);
	ms_json_key(j, "first_problem");
	if (r->problems)
		ms_json_str(j, r->problem.msg);
	else
		ms_json_null(j);
	ms_json_obj_end(j);
}

/* ---- text and CSV ---------------------------------------------------------- */

static void text_report(struct oom_out *w, const ms_oom_report *r)
{
	ms_buf *b = &w->out;
	const ms_oom_trigger *t = &r->trigger;
	const ms_oom_kill *k = ms_oom_report_victim(r);

	ms_buf_printf(b, "%sOOM report %zu (log lines %u-%u", w->nreports ? "\n" : "",
		      w->nreports + 1, r->first_line, r->last_line);
	if (r->time_us != MS_NA)
		ms_buf_printf(b, ", at %.6f s", (double)r->time_us / 1e6);
	ms_buf_printf(b, ")%s\n", r->truncated ? ": cut short, parts may be missing" : "");
	ms_buf_printf(b, "  trigger: %s", t->comm[0] ? safe(w, t->comm, false) : "?");
	if (t->gfp_mask != MS_NA)
		ms_buf_printf(b, " gfp_mask=0x%" PRIx64, (uint64_t)t->gfp_mask);
	ms_buf_puts(b, " order=");
	put_i64(b, t->order);
	ms_buf_puts(b, " oom_score_adj=");
	put_i64(b, t->oom_score_adj);
	if (t->constraint[0])
		ms_buf_printf(b, " %s", safe(w, t->constraint, false));
	if (t->memcg[0])
		ms_buf_printf(b, " memcg=%s", safe(w, t->memcg, false));
	ms_buf_putc(b, '\n');
	if (k) {
		ms_buf_printf(b, "  victim:  %" PRId64 " (%s) anon-rss ", k->pid, safe(w, k->name, false));
		put_i64(b, k->anon_rss_kb);
		ms_buf_puts(b, " kB, file-rss ");
		put_i64(b, k->file_rss_kb);
		ms_buf_puts(b, " kB, shmem-rss ");
		put_i64(b, k->shmem_rss_kb);
		ms_buf_puts(b, " kB\n");
	} else {
		ms_buf_puts(b, "  victim:  none printed\n");
	}
	ms_buf_printf(b, "  tasks:   %zu in the table%s\n", r->ntasks,
		      r->tasks_printed ? "" : " (no table printed)");
	for (size_t i = 0; i < r->nzones; i++) {
		const ms_oom_zone *z = &r->zones[i];
		ms_buf_printf(b, "  zone:    node %d %-8s free ", z->node, safe(w, z->zone, false));
		put_i64(b, z->free_kb);
		ms_buf_puts(b, " kB, min ");
		put_i64(b, z->min_kb);
		ms_buf_puts(b, " kB, low ");
		put_i64(b, z->low_kb);
		ms_buf_puts(b, " kB, high ");
		put_i64(b, z->high_kb);
		ms_buf_puts(b, " kB\n");
	}
	for (size_t i = 0; i < r->nbuddy; i++) {
		const ms_oom_buddy *d = &r->buddy[i];
		ms_buf_printf(b, "  free:    node %d %-8s", d->node, safe(w, d->zone, false));
		for (int o = 0; o < d->norders; o++) {
			ms_buf_putc(b, ' ');
			put_i64(b, d->free[o]);
		}
		ms_buf_puts(b, " (blocks per order)\n");
	}
	if (r->problems)
		ms_buf_printf(b, "  %u line(s) of the report did not parse; the first: %s\n",
			      r->problems, safe(w, r->problem.msg, false));
}

static void csv_report(struct oom_out *w, const ms_oom_report *r)
{
	ms_buf *b = &w->out;
	const ms_oom_trigger *t = &r->trigger;
	const ms_oom_kill *k = ms_oom_report_victim(r);

	if (w->nreports == 0)
		ms_buf_puts(b, "report,first_line,time_s,comm,gfp_mask,order,oom_score_adj,"
			       "constraint,memcg,victim_pid,victim_name,anon_rss_kb,file_rss_kb,"
			       "shmem_rss_kb,tasks,truncated\n");
	ms_buf_printf(b, "%zu,%u,", w->nreports + 1, r->first_line);
	if (r->time_us != MS_NA)
		ms_buf_printf(b, "%.6f", (double)r->time_us / 1e6);
	ms_buf_printf(b, ",%s,", safe(w, t->comm, true));
	if (t->gfp_mask != MS_NA)
		ms_buf_printf(b, "0x%" PRIx64, (uint64_t)t->gfp_mask);
	ms_buf_putc(b, ',');
	if (t->order != MS_NA)
		ms_buf_printf(b, "%" PRId64, t->order);
	ms_buf_putc(b, ',');
	if (t->oom_score_adj != MS_NA)
		ms_buf_printf(b, "%" PRId64, t->oom_score_adj);
	ms_buf_printf(b, ",%s", safe(w, t->constraint, true));
	ms_buf_printf(b, ",%s,", safe(w, t->memcg, true));
	if (k) {
		ms_buf_printf(b, "%" PRId64 ",%s", k->pid, safe(w, k->name, true));
		int64_t kb[3] = { k->anon_rss_kb, k->file_rss_kb, k->shmem_rss_kb };
		for (int i = 0; i < 3; i++) {
			ms_buf_putc(b, ',');
			if (kb[i] != MS_NA)
				ms_buf_printf(b, "%" PRId64, kb[i]);
		}
	} else {
		ms_buf_puts(b, ",,,,");
	}
	ms_buf_printf(b, ",%zu,%s\n", r->ntasks, r->truncated ? "yes" : "no");
}

/* ---- reading ---------------------------------------------------------------- */

static int on_report(void *ctx, const ms_oom_report *r)
{
	struct oom_out *w = ctx;

	switch (w->o->batch.format) {
	case MS_FORMAT_JSON:
		json_report(&w->j, r);
		break;
	case MS_FORMAT_CSV:
		csv_report(w, r);
		break;
	default:
		text_report(w, r);
		break;
	}
	w->nreports++;
	return flush_out(w);
}

static void json_begin(struct oom_out *w, const char *path)
{
	ms_json_init(&w->j, &w->out);
	ms_json_obj_begin(&w->j);
	ms_json_kv_str(&w->j, "schema", OOM_SCHEMA);
	ms_json_kv_str(&w->j, "view", "oom");
	ms_json_key(&w->j, "source");
	ms_json_obj_begin(&w->j);
	ms_json_kv_str(&w->j, "kind", "log");
	ms_json_kv_str(&w->j, "path", path);
	ms_json_obj_end(&w->j);
	ms_json_key(&w->j, "reports");
	ms_json_arr_begin(&w->j);
}

/* The log through the parser, a chunk at a time. */
static int read_log(int fd, ms_oom_parser *p, ms_error *err)
{
	static char chunk[READ_CHUNK];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ms_error_set(err, errno, 0, "%s", strerror(errno));
		if (n == 0)
			return ms_oom_parser_finish(p);
		int rc = ms_oom_parser_feed(p, chunk, (size_t)n);
		if (rc)
			return rc;
	}
}

static int open_log(const char *path, ms_error *err)
{
	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ms_path_error(errno, path, err);
	return fd;
}

static int feed_parser(void *ctx, const char *data, size_t len)
{
	return ms_oom_parser_feed(ctx, data, len);
}

/* A snapshot (a folder, an archive) read for the kernel log capture
 * --dmesg put in it. */
static bool is_snapshot(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
		return false;
	return S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && !ms_path_is_text_log(path));
}

static int read_snapshot_log(const char *path, ms_oom_parser *p, ms_error *err)
{
	ms_source *src = ms_source_open_snapshot(path, err);

	if (!src)
		return -(err->code ? err->code : EIO);
	int rc = ms_source_stream(src, MS_DMESG_FILE, feed_parser, p, err);
	if (rc == -ENOENT)
		rc = ms_error_set(err, ENOENT, 0, "no kernel log in this snapshot (capture "
						  "--dmesg adds it)");
	ms_source_close(src);
	return rc < 0 ? rc : ms_oom_parser_finish(p);
}

static int read_input(const char *path, ms_oom_parser *p, ms_error *err)
{
	if (is_snapshot(path))
		return read_snapshot_log(path, p, err);
	int fd = open_log(path, err);
	if (fd < 0)
		return -err->code;
	int rc = read_log(fd, p, err);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static int run(const ms_options *o)
{
	const char *path = o->oom_log;
	struct oom_out w = { .o = o, .to = stdout };
	ms_oom_parser p;
	ms_error err = { 0 };

	if (!is_snapshot(path)) {
		int fd = open_log(path, &err); /* a missing log fails before any output */
		if (fd < 0) {
			ms_cmd_print_error("oom", &err, -err.code);
			return MS_EXIT_FAILED;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (o->batch.format == MS_FORMAT_JSON)
		json_begin(&w, path);
	ms_oom_parser_init(&p, on_report, &w, &err);
	int rc = read_input(path, &p, &err);
	ms_oom_parser_free(&p);
	if (o->batch.format == MS_FORMAT_JSON && !rc) {
		ms_json_arr_end(&w.j);
		ms_json_kv_i64(&w.j, "count", (int64_t)w.nreports);
		ms_json_obj_end(&w.j);
		ms_buf_putc(&w.out, '\n');
	} else if (!rc && w.nreports == 0 && o->batch.format == MS_FORMAT_TEXT) {
		ms_buf_puts(&w.out, "no OOM-killer report in this log\n");
	}
	int wrc = flush_out(&w);
	if (!wrc && fflush(stdout) == EOF)
		wrc = -(errno ? errno : EIO);
	ms_buf_free(&w.out);
	ms_buf_free(&w.cell);
	if (rc) {
		ms_cmd_print_error(path, &err, rc);
		return MS_EXIT_FAILED;
	}
	if (wrc) {
		ms_error_set(&err, -wrc, 0, "stdout: %s", strerror(-wrc));
		ms_cmd_print_error(NULL, &err, wrc);
		return MS_EXIT_FAILED;
	}
	if (w.nreports == 0) {
		/* Exit 1: a script asking "did the OOM killer fire?" gets no. */
		if (o->batch.format != MS_FORMAT_TEXT)
			fprintf(stderr, "memscope: oom: no OOM-killer report in %s\n", path);
		return MS_EXIT_FAILED;
	}
	return MS_EXIT_OK;
}

static int take_args(ms_options *o, int argc, char *const *argv, ms_error *err)
{
	if (argc < 1 || argv[0][0] == '\0')
		return ms_error_set(err, EINVAL, 0, "oom: which log? (oom FILE, - for stdin)");
	if (argv[0][0] == '-' && argv[0][1] != '\0')
		return ms_error_set(err, EINVAL, 0,
				    "oom: the log comes right after the word (oom FILE -f json)");
	o->oom_log = argv[0];
	return 1;
}

/* -s and --proc-root are every command's; a log is not a snapshot. */
static int check(const ms_options *o, ms_error *err)
{
	if (o->snapshot || o->proc_root)
		return ms_error_set(err, EINVAL, 0,
				    "oom reads the log or snapshot named after it (oom FILE), not -s");
	return 0;
}

const ms_command ms_cmd_oom = {
	.name = "oom",
	.synopsis = "LOG|SNAPSHOT [-f text|csv|json]",
	.summary = "the OOM-killer reports of a kernel log",
	.take_args = take_args,
	.check = check,
	.run = run,
};
