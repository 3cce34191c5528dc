/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process list: identity (status, else stat), command line and memory
 * figures (smaps_rollup, else the sum over smaps) of every process.
 *
 * This is the expensive read of procrank: almost all of its time is kernel
 * time spent in smaps_rollup. That work is CPU-bound in the reading thread,
 * so on a source that allows it several threads read disjoint processes;
 * each keeps one buffer for all its files, so a pid costs no allocation
 * beyond its own command line.
 */
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/model.h"

#define MAX_READERS 4
/* Below this many processes, starting threads costs more than it saves. */
#define MIN_PIDS_PER_EXTRA_READER 16
/* The readers' stacks hold little; the default 8 MB would only be address
 * space, but a small one keeps the batch run's footprint honest. */
#define READER_STACK (256 * 1024)
#define SMAPS_MAX_LINE 65536

enum proc_outcome {
	PROC_LISTED,
	PROC_KTHREAD,
	PROC_ZOMBIE,
	PROC_GONE,
	PROC_NOMEM,
};

/* What one reading thread owns; reused from one pid to the next. */
struct proc_reader {
	ms_source *src;
	bool volatile_files; /* a missing file means the process exited */
	bool detail;         /* MS_P_PROC_DETAIL asked for: cmdline, oom_score... */
	ms_buf file;       /* the bytes of the file being parsed */
	ms_buf text;       /* the joined command line */
	ms_vmalist vmas;   /* smaps fallback: at most the mapping being read */
	ms_pid_cgroup cgroup; /* the lines of the process's cgroup file */
};

static void reader_init(struct proc_reader *r, ms_source *src, bool detail)
{
	memset(r, 0, sizeof *r);
	r->src = src;
	r->detail = detail;
	r->volatile_files = ms_source_can(src, MS_CAP_VOLATILE);
}

static void reader_free(struct proc_reader *r)
{
	ms_buf_free(&r->file);
	ms_buf_free(&r->text);
	ms_vmalist_free(&r->vmas);
	ms_pid_cgroup_free(&r->cgroup);
}

static int read_pid_file(struct proc_reader *r, int pid, const char *name)
{
	char path[48];

	snprintf(path, sizeof path, "%d/%s", pid, name);
	int rc = ms_source_read(r->src, path, &r->file, NULL);
	return rc == -EPERM ? -EACCES : rc;
}

static const char *file_data(const struct proc_reader *r)
{
	return r->file.data ? r->file.data : "";
}

static void proc_init(ms_proc *p, int pid)
{
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->ppid = -1;
	p->uid = MS_NA;
	p->vss_kb = p->rss_kb = p->pss_kb = p->uss_kb = MS_NA;
	p->swap_kb = p->swap_pss_kb = MS_NA;
	p->pss_anon_kb = p->pss_file_kb = p->pss_shmem_kb = p->hugetlb_kb = MS_NA;
	p->origin = p->vss_origin = p->rss_origin = p->swap_origin = MS_ORIGIN_NONE;
	p->oom_score = p->oom_score_adj = MS_NA;
	p->dmabuf_kb = MS_NA;
}

const char *ms_origin_name(ms_mem_origin o)
{
	switch (o) {
	case MS_ORIGIN_ROLLUP: return "smaps_rollup";
	case MS_ORIGIN_SMAPS: return "smaps";
	case MS_ORIGIN_STATUS: return "status";
	case MS_ORIGIN_STAT: return "stat";
	default: return NULL;
	}
}

/* ---- identity ----------------------------------------------------------- */

/* Kernel threads: "Kthread: 1" (6.x), or PF_KTHREAD in stat. Older status
 * files say it only by omission: no VmSize (no mm) and, checked later, an
 * empty command line. */
struct identity {
	bool kthread;
	bool zombie;      /* exited: its memory is freed, its parent has not reaped it */
	bool exiting;     /* its memory gone, not yet a zombie */
	bool no_mm;       /* status printed no VmSize */
	int64_t stat_vss; /* kB from stat's vsize; MS_NA when not read */
	/* VmRSS and VmSwap: what status tells where smaps is not readable. */
	int64_t status_rss, status_swap;
};

static bool is_zombie_state(char state)
{
	return state == 'Z' || state == 'X' || state == 'x';
}

static bool identity_from_status(struct proc_reader *r, ms_proc *p, struct identity *id)
{
	ms_pid_status st;

	if (ms_parse_pid_status(file_data(r), r->file.len, &st, NULL) < 0)
		return false;
	/* Empty or cut before its first lines: it says nothing, and would
	 * pass for a kernel thread (no VmSize). */
	if (!st.name[0] && st.tgid == MS_NA && st.ppid == MS_NA)
		return false;
	ms_copy_field(p->name, sizeof p->name, st.name, strlen(st.name));
	p->ppid = st.ppid == MS_NA ? -1 : (int)st.ppid;
	p->uid = st.uid;
	p->vss_kb = st.vm_size;
	if (st.vm_size != MS_NA)
		p->vss_origin = MS_ORIGIN_STATUS;
	id->kthread = st.kthread == 1;
	id->zombie = is_zombie_state(st.state);
	id->no_mm = st.vm_size == MS_NA && st.kthread != 0 && !id->zombie;
	/* Not a kernel thread, not a zombie, and its memory already gone:
	 * exiting, between exit_mm and exit_notify. */
	id->exiting = st.vm_size == MS_NA && st.kthread == 0 && !id->zombie;
	id->status_rss = st.vm_rss;
	id->status_swap = st.vm_swap;
	return true;
}

static bool identity_from_stat(struct proc_reader *r, ms_proc *p, struct identity *id)
{
	ms_pid_stat st;

	if (ms_parse_pid_stat(file_data(r), r->file.len, &st, NULL) < 0)
		return false;
	ms_copy_field(p->name, sizeof p->name, st.comm, strlen(st.comm));
	p->ppid = st.ppid == MS_NA ? -1 : (int)st.ppid;
	id->kthread = (st.flags & MS_PF_KTHREAD) != 0;
	id->zombie = is_zombie_state(st.state);
	id->stat_vss = st.vsize == MS_NA ? MS_NA : st.vsize / 1024;
	return true;
}

/* PROC_GONE when nothing identifies the process any more. */
static enum proc_outcome read_identity(struct proc_reader *r, ms_proc *p, struct identity *id)
{
	int rc = read_pid_file(r, p->pid, "status");

	if (rc == 0 && identity_from_status(r, p, id))
		return PROC_LISTED;
	/* Where files vanish, a missing status means the process exited:
	 * drop it quietly. A snapshot may simply not have it (smemcap keeps
	 * stat). */
	if (rc == -ENOENT && r->volatile_files)
		return PROC_GONE;
	rc = read_pid_file(r, p->pid, "stat");
	if (rc == 0 && identity_from_stat(r, p, id))
		return PROC_LISTED;
	if (r->volatile_files)
		return PROC_GONE;
	/* Nothing exits in a snapshot: a process whose identity files are
	 * missing or cut short is listed, unnamed, with what figures it has. */
	p->ppid = -1;
	return PROC_LISTED;
}

/* Without MS_P_PROC_DETAIL the command line is left "" unread: the kernel
 * prints none for a process without memory, so "no mm" alone then says
 * kernel thread, as "no mm and no command line" does with it. */
static enum proc_outcome read_cmdline(struct proc_reader *r, ms_proc *p)
{
	ms_buf_reset(&r->text);
	if (!r->detail) {
		p->cmdline = strdup("");
		return p->cmdline ? PROC_LISTED : PROC_NOMEM;
	}
	int rc = read_pid_file(r, p->pid, "cmdline");

	if (rc == -ENOENT && r->volatile_files)
		return PROC_GONE;
	if (rc == 0 && ms_parse_cmdline(file_data(r), r->file.len, &r->text) < 0)
		return PROC_NOMEM;
	p->cmdline = strdup(r->text.data ? r->text.data : "");
	return p->cmdline ? PROC_LISTED : PROC_NOMEM;
}

/* ---- memory figures ----------------------------------------------------- */

static int64_t sum_known(int64_t a, int64_t b)
{
	if (a == MS_NA)
		return b;
	if (b == MS_NA)
		return a;
	return ms_add_na(a, b);
}

static void take_counters(ms_proc *p, const ms_memcounters *c)
{
	p->rss_kb = c->rss;
	p->pss_kb = c->pss;
	p->uss_kb = ms_memcounters_uss(c);
	p->swap_kb = c->swap;
	p->swap_pss_kb = c->swap_pss;
	p->pss_anon_kb = c->pss_anon;
	p->pss_file_kb = c->pss_file;
	p->pss_shmem_kb = c->pss_shmem;
	/* Hugetlb pages are not in Rss: kept apart, never added to it. */
	p->hugetlb_kb = sum_known(c->shared_hugetlb, c->private_hugetlb);
}

/* Summing smaps in fixed memory: the parser appends each mapping to the
 * list; every mapping before the last one is complete, so it is folded
 * into the total and dropped. A 60,000-mapping process then costs one
 * ms_vma, not 60,000. */
struct smaps_sum {
	ms_smaps_parser parser;
	ms_vmalist *vmas;
	ms_memcounters total;
};

static void fold_complete_vmas(struct smaps_sum *ss, size_t keep)
{
	ms_vmalist *l = ss->vmas;

	if (l->n <= keep)
		return;
	for (size_t i = 0; i + keep < l->n; i++)
		ms_memcounters_add(&ss->total, &l->v[i].mem);
	if (keep) {
		l->v[0] = l->v[l->n - 1];
		/* The path is not needed for a sum; its bytes can go. */
		l->v[0].path_off = 0;
		l->v[0].path_len = 0;
	}
	l->n = keep;
	ms_buf_reset(&l->strings);
}

static int smaps_sum_line(void *ctx, const char *line, size_t len)
{
	struct smaps_sum *ss = ctx;
	int rc = ms_smaps_parser_line(&ss->parser, line, len);

	fold_complete_vmas(ss, 1);
	return rc;
}

static int sum_smaps(struct proc_reader *r, int pid, ms_memcounters *total)
{
	char path[48];
	struct smaps_sum ss = { .vmas = &r->vmas };
	ms_line_splitter split;
	int rc;

	snprintf(path, sizeof path, "%d/smaps", pid);
	r->vmas.n = 0;
	ms_buf_reset(&r->vmas.strings);
	ms_memcounters_init(&ss.total);
	ms_smaps_parser_init(&ss.parser, &r->vmas, NULL);
	ms_line_splitter_init(&split, smaps_sum_line, &ss, SMAPS_MAX_LINE);
	rc = ms_source_stream(r->src, path, ms_line_splitter_feed, &split, NULL);
	if (rc == 0)
		rc = ms_line_splitter_finish(&split);
	if (rc == 0)
		rc = ms_smaps_parser_finish(&ss.parser);
	ms_line_splitter_free(&split);
	fold_complete_vmas(&ss, 0);
	*total = ss.total;
	return rc == -EPERM ? -EACCES : rc;
}

/* A file that parsed but printed no Rss: a process without memory (a
 * zombie: its smaps is empty). Unknown, not zero. */
static int check_counters(const ms_memcounters *c)
{
	return c->rss == MS_NA ? -ENODATA : 0;
}

/* Fills the figures, or leaves them MS_NA with p->status saying why. */
static void read_memory(struct proc_reader *r, ms_proc *p, const struct identity *id)
{
	ms_memcounters c;
	int rc = read_pid_file(r, p->pid, "smaps_rollup");

	if (rc == 0) {
		rc = ms_parse_smaps_rollup(file_data(r), r->file.len, &c, NULL);
		if (rc == 0)
			rc = check_counters(&c);
		if (rc == 0) {
			take_counters(p, &c);
			p->origin = MS_ORIGIN_ROLLUP;
		}
	} else if (rc == -ENOENT) {
		/* Kernels before 4.14 and smemcap captures have only smaps. */
		rc = sum_smaps(r, p->pid, &c);
		if (rc == 0)
			rc = check_counters(&c);
		if (rc == 0) {
			take_counters(p, &c);
			p->origin = MS_ORIGIN_SMAPS;
			if (p->vss_kb == MS_NA && c.size != MS_NA) {
				p->vss_kb = c.size;
				p->vss_origin = MS_ORIGIN_SMAPS;
			}
		}
	}
	if (p->rss_kb != MS_NA)
		p->rss_origin = p->origin;
	if (p->swap_kb != MS_NA)
		p->swap_origin = p->origin;
	/* smaps not readable (another user's process, PID 1 even to root):
	 * status still says RSS and swap, to everyone. */
	if (p->rss_kb == MS_NA && id->status_rss != MS_NA) {
		p->rss_kb = id->status_rss;
		p->rss_origin = MS_ORIGIN_STATUS;
	}
	if (p->swap_kb == MS_NA && id->status_swap != MS_NA) {
		p->swap_kb = id->status_swap;
		p->swap_origin = MS_ORIGIN_STATUS;
	}
	if (p->vss_kb == MS_NA && id->stat_vss != MS_NA) {
		p->vss_kb = id->stat_vss;
		p->vss_origin = MS_ORIGIN_STAT;
	}
	p->status = rc;
}

/* ---- the OOM killer's view and the memory cgroup -------------------------- */

static int64_t read_oom_file(struct proc_reader *r, int pid, const char *name)
{
	int64_t v = MS_NA;

	if (read_pid_file(r, pid, name) == 0)
		ms_parse_pid_oom(file_data(r), r->file.len, &v, NULL);
	return v;
}

/* The memory cgroup's path (the v1 memory line, else the unified one).
 * Left NULL when the file is missing or says nothing; -ENOMEM only fails. */
static int read_cgroup(struct proc_reader *r, ms_proc *p)
{
	int version;

	if (read_pid_file(r, p->pid, "cgroup") != 0 ||
	    ms_parse_pid_cgroup(file_data(r), r->file.len, &r->cgroup, NULL) != 0)
		return 0;
	int i = ms_pid_cgroup_memory(&r->cgroup, &version);
	if (i < 0)
		return 0;
	p->cgroup = strdup(ms_pid_cgroup_path(&r->cgroup, (size_t)i));
	if (!p->cgroup)
		return -ENOMEM;
	p->cgroup_version = version;
	return 0;
}

static int read_oom_and_cgroup(struct proc_reader *r, ms_proc *p)
{
	p->oom_score = read_oom_file(r, p->pid, "oom_score");
	p->oom_score_adj = read_oom_file(r, p->pid, "oom_score_adj");
	return read_cgroup(r, p);
}

/* ---- what one process is ---------------------------------------------- */

/* stat: the name where status gave none, the state, and PF_KTHREAD
 * (kernels before 6.x print no "Kthread:" in status). */
static bool ident_from_stat(ms_source *src, int pid, ms_buf *b, ms_proc_ident *out,
			    bool *kthread, char *state)
{
	char path[48];
	ms_pid_stat st;

	snprintf(path, sizeof path, "%d/stat", pid);
	if (ms_source_read(src, path, b, NULL) != 0 ||
	    ms_parse_pid_stat(b->data ? b->data : "", b->len, &st, NULL) != 0)
		return false;
	if (!out->name[0])
		ms_copy_field(out->name, sizeof out->name, st.comm, strlen(st.comm));
	if (out->ppid < 0 && st.ppid != MS_NA)
		out->ppid = (int)st.ppid;
	*kthread = (st.flags & MS_PF_KTHREAD) != 0;
	if (!*state)
		*state = st.state;
	return true;
}

void ms_proc_identify(ms_source *src, int pid, ms_proc_ident *out)
{
	char path[48];
	ms_buf b = MS_BUF_INIT;
	ms_pid_status st;
	bool have_status = false, have_stat = false, kthread = false;
	char state = 0;
	int rc;

	*out = (ms_proc_ident){ .kind = MS_PROC_UNKNOWN, .ppid = -1, .vm_size_kb = MS_NA };
	snprintf(path, sizeof path, "%d/status", pid);
	rc = ms_source_read(src, path, &b, NULL);
	if (rc == 0 && ms_parse_pid_status(b.data ? b.data : "", b.len, &st, NULL) == 0 &&
	    (st.name[0] || st.tgid != MS_NA)) {
		have_status = true;
		ms_copy_field(out->name, sizeof out->name, st.name, strlen(st.name));
		out->ppid = st.ppid == MS_NA ? -1 : (int)st.ppid;
		out->vm_size_kb = st.vm_size;
		state = st.state;
		kthread = st.kthread == 1;
	}
	if (!have_status || (st.kthread < 0 && st.vm_size == MS_NA))
		have_stat = ident_from_stat(src, pid, &b, out, &kthread, &state);
	ms_buf_free(&b);
	if (!have_status && !have_stat) {
		if (rc == -ENOENT || rc == -ESRCH)
			out->kind = MS_PROC_GONE;
		return;
	}
	if (state == 'Z' || state == 'X' || state == 'x')
		out->kind = MS_PROC_ZOMBIE;
	else if (kthread)
		out->kind = MS_PROC_KTHREAD;
	else if (!have_status || out->vm_size_kb != MS_NA)
		out->kind = MS_PROC_USER;
	else if (have_stat || st.kthread == 0)
		out->kind = MS_PROC_EXITING; /* not a kernel thread, and no mm */
	else
		out->kind = MS_PROC_KTHREAD; /* old status, no stat: no mm says it */
}

const char *ms_proc_kind_name(ms_proc_kind k)
{
	switch (k) {
	case MS_PROC_KTHREAD: return "kernel thread";
	case MS_PROC_ZOMBIE: return "zombie";
	case MS_PROC_EXITING: return "exiting";
	case MS_PROC_GONE: return "no such process";
	default: return NULL;
	}
}

bool ms_proc_exited(ms_source *src, int pid)
{
	ms_proc_ident id;

	if (!ms_source_can(src, MS_CAP_VOLATILE))
		return false;
	ms_proc_identify(src, pid, &id);
	return id.kind == MS_PROC_GONE || id.kind == MS_PROC_ZOMBIE || id.kind == MS_PROC_EXITING;
}

/* ---- one process -------------------------------------------------------- */

static enum proc_outcome read_proc(struct proc_reader *r, int pid, ms_proc *p)
{
	struct identity id = { .stat_vss = MS_NA, .status_rss = MS_NA, .status_swap = MS_NA };
	enum proc_outcome out;

	proc_init(p, pid);
	out = read_identity(r, p, &id);
	if (out != PROC_LISTED)
		return out;
	out = read_cmdline(r, p);
	if (out != PROC_LISTED)
		return out;
	p->kthread = id.kthread || (id.no_mm && !p->cmdline[0]);
	if (p->kthread)
		return PROC_KTHREAD;
	/* No memory left to show (its smaps is empty, its rollup fails):
	 * left out like a kernel thread, and counted. */
	if (id.zombie)
		return PROC_ZOMBIE;
	/* Exiting where files vanish: gone a moment later; dropped like a
	 * process that exited while it was read. */
	if (id.exiting && r->volatile_files)
		return PROC_GONE;
	read_memory(r, p, &id);
	if (p->status == -ENOMEM || (r->detail && read_oom_and_cgroup(r, p) < 0))
		return PROC_NOMEM;
	/* Memory files gone, and status with them: it exited after its
	 * identity was read. Dropped quietly, not listed as a row of unknowns
	 * (a kernel without smaps keeps the status of a live process). */
	if (r->volatile_files && p->status == -ENOENT && read_pid_file(r, p->pid, "status") == -ENOENT)
		return PROC_GONE;
	return PROC_LISTED;
}

/* ---- the pool ----------------------------------------------------------- */

struct proc_pool {
	ms_source *src;
	bool detail; /* each reader reads cmdline, the OOM files and cgroup too */
	const int *pids;
	size_t n;
	ms_proc *procs;
	unsigned char *outcome;
	atomic_size_t next; /* the next pid to take */
};

static void *pool_worker(void *arg)
{
	struct proc_pool *pool = arg;
	struct proc_reader r;
	size_t i;

	reader_init(&r, pool->src, pool->detail);
	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->n)
		pool->outcome[i] = (unsigned char)read_proc(&r, pool->pids[i], &pool->procs[i]);
	reader_free(&r);
	return NULL;
}

static size_t reader_count(ms_source *src, size_t npids)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus : 1;

	if (!ms_source_can(src, MS_CAP_PARALLEL))
		return 1;
	if (n > MAX_READERS)
		n = MAX_READERS;
	if (n > 1 + npids / MIN_PIDS_PER_EXTRA_READER)
		n = 1 + npids / MIN_PIDS_PER_EXTRA_READER;
	return n;
}

/* The calling thread reads too; a thread that cannot be started only
 * means less parallelism, never a failure. */
static void pool_run(struct proc_pool *pool, size_t nreaders)
{
	pthread_t tid[MAX_READERS];
	size_t started = 0;
	pthread_attr_t attr;
	bool attr_ok = pthread_attr_init(&attr) == 0;

	if (attr_ok)
		pthread_attr_setstacksize(&attr, READER_STACK);
	for (size_t i = 1; i < nreaders; i++) {
		if (pthread_create(&tid[started], attr_ok ? &attr : NULL, pool_worker, pool) != 0)
			break;
		started++;
	}
	if (attr_ok)
		pthread_attr_destroy(&attr);
	pool_worker(pool);
	for (size_t i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

/* ---- users ---------------------------------------------------------------- */

struct user_cache {
	size_t n;
	struct {
		int64_t uid;
		char name[32];
	} e[16];
};

static void uid_name(struct user_cache *cache, int64_t uid, char *dst, size_t cap)
{
	for (size_t i = 0; i < cache->n; i++) {
		if (cache->e[i].uid == uid) {
			snprintf(dst, cap, "%s", cache->e[i].name);
			return;
		}
	}
	struct passwd pw, *found = NULL;
	char buf[2048];

	if (uid >= 0 && uid <= UINT32_MAX &&
	    getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &found) == 0 && found)
		ms_copy_field(dst, cap, found->pw_name, strlen(found->pw_name));
	else
		snprintf(dst, cap, "%lld", (long long)uid);
	if (cache->n < MS_ARRAY_LEN(cache->e)) {
		cache->e[cache->n].uid = uid;
		snprintf(cache->e[cache->n].name, sizeof cache->e[0].name, "%s", dst);
		cache->n++;
	}
}

/* A snapshot names its users in "memscope-users" (written by capture, from
 * the machine it was taken on: our own passwd would give wrong names).
 * Without that file, or when it does not parse, the number is shown. */
static void snapshot_users(ms_source *src, ms_kvlist *users)
{
	ms_buf b = MS_BUF_INIT;
	ms_error err;

	if (ms_source_read(src, "memscope-users", &b, &err) == 0 &&
	    ms_parse_users(b.data, b.len, users, &err) != 0)
		ms_kvlist_free(users);
	ms_buf_free(&b);
}

static void snapshot_uid_name(const ms_kvlist *users, int64_t uid, char *dst, size_t cap)
{
	for (size_t i = 0; i < users->n; i++) {
		if (users->items[i].value == uid) {
			ms_copy_field(dst, cap, users->items[i].key, strlen(users->items[i].key));
			return;
		}
	}
	snprintf(dst, cap, "%lld", (long long)uid);
}

/* Done once, after the readers, so that NSS is only ever called from one
 * thread. */
static void fill_users(ms_source *src, ms_proc *procs, size_t n)
{
	struct user_cache cache = { 0 };
	ms_kvlist users = { 0 };
	bool local = ms_source_can(src, MS_CAP_LOCAL_USERS);

	if (!local)
		snapshot_users(src, &users);
	for (size_t i = 0; i < n; i++) {
		ms_proc *p = &procs[i];
		if (p->uid == MS_NA)
			p->user[0] = '\0';
		else if (local)
			uid_name(&cache, p->uid, p->user, sizeof p->user);
		else
			snapshot_uid_name(&users, p->uid, p->user, sizeof p->user);
	}
	ms_kvlist_free(&users);
}

/* ---- the list --------------------------------------------------------------- */

/* Keeps the listed processes, in pid order, and counts the others. */
static bool compact(ms_sample *s, ms_proc *procs, const unsigned char *outcome, size_t n)
{
	bool nomem = false;

	s->nprocs = 0;
	for (size_t i = 0; i < n; i++) {
		switch (outcome[i]) {
		case PROC_LISTED:
			if (procs[i].status != 0)
				s->nunknown++;
			procs[s->nprocs++] = procs[i];
			continue;
		case PROC_KTHREAD:
			s->nkthreads++;
			break;
		case PROC_ZOMBIE:
			s->nzombies++;
			break;
		case PROC_GONE:
			s->ngone++;
			break;
		default:
			nomem = true;
			break;
		}
		free(procs[i].cmdline);
		free(procs[i].cgroup);
	}
	return !nomem;
}

void ms_procs_free(ms_sample *s)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i].cmdline);
		free(s->procs[i].cgroup);
	}
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}

int ms_procs_load(ms_sample *s, ms_source *src, ms_error *err)
{
	int *pids = NULL;
	size_t npids = 0;
	int rc;

	rc = ms_source_list_pids(src, &pids, &npids, err);
	if (rc == 0 && npids == 0)
		rc = ms_error_set(err, ENOENT, 0, "%s", ms_source_can(src, MS_CAP_REFRESH) ?
				  "not available" : "not in snapshot");
	if (rc < 0) {
		free(pids);
		return rc;
	}

	struct proc_pool pool = {
		.src = src,
		.detail = (s->parts & MS_PART_PROC_DETAIL) != 0,
		.pids = pids,
		.n = npids,
		.procs = calloc(npids, sizeof(ms_proc)),
		.outcome = calloc(npids, 1),
	};
	atomic_init(&pool.next, 0);
	if (pool.procs && pool.outcome)
		pool_run(&pool, reader_count(src, npids));
	bool ok = pool.procs && pool.outcome && compact(s, pool.procs, pool.outcome, npids);
	free(pool.outcome);
	free(pids);
	s->procs = pool.procs;
	if (!ok) {
		ms_procs_free(s);
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	}
	fill_users(src, s->procs, s->nprocs);
	return 0;
}

int ms_proc_detail_load(ms_sample *s, ms_source *src, ms_error *err)
{
	(void)src;
	if (!(s->parts & MS_PART_PROCS))
		return ms_error_set(err, EINVAL, 0, "read with the processes only");
	if (!ms_sample_has(s, MS_P_PROCS))
		return ms_error_set(err, s->st[MS_P_PROCS].status < 0 ? -s->st[MS_P_PROCS].status
									: ENOENT,
				    0, "%s", ms_part_reason(&s->st[MS_P_PROCS]));
	return 0;
}
