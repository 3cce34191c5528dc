/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ssh://[user@]host[:port]: a board with nothing installed, read live
 * through the system's OpenSSH client, so that keys, agents, known_hosts
 * and passwords stay ssh's business and never memscope's.
 *
 * One connection serves the whole run: a control master (ssh -M -N) is
 * started at open, and each sample is one more session on it running
 * data/memscope-capture.sh from standard input (`sh -s -- -o - --no-smaps`,
 * POSIX sh, BusyBox ash is enough). Its tar.gz is read into memory as
 * the current sample; every read is served from there. Per-mapping smaps
 * are left out of the samples and fetched on demand (`cat
 * /proc/PID/smaps`) only for the process whose mappings are asked for
 * (the VMA pane, `vma PID`).
 *
 * A dropped connection fails the refresh with ssh's own reason; the
 * sample read before stays, and the next refresh starts a new master
 * (the retry). MEMSCOPE_SSH replaces "ssh" by other words ("ssh -F
 * FILE"), for a configuration of its own (the tests' throw-away keys).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "priv.h"

#define SSH_MAX_WORDS 32
/* Seconds the master has to connect and authenticate. */
#define SSH_CONNECT_SECONDS 30

struct ssh_priv {
	char target[256];      /* [user@]host */
	char port[8];          /* "" for ssh's default */
	char *words[SSH_MAX_WORDS]; /* the ssh command (MEMSCOPE_SSH), NULL-ended */
	char *words_buf;
	char dir[64];          /* private folder: control socket, stderr files */
	char sock[96];
	pid_t master;          /* 0 when none runs */
	int lifeline;          /* the master's stdin, ours to hold; -1 */
	ms_buf script;         /* data/memscope-capture.sh */
	ms_source *cur;        /* the last sample, or NULL */
};

/* ---- running ssh ---------------------------------------------------------------- */

/* argv of one ssh run: the command words, the control socket, the port,
 * BatchMode (never a password prompt on the terminal the explorer
 * draws), the extra words, the target, then the remote command. */
static void build_argv(struct ssh_priv *p, const char **argv, const char *const *extra,
		       const char *remote)
{
	size_t n = 0;

	for (size_t i = 0; p->words[i]; i++)
		argv[n++] = p->words[i];
	argv[n++] = "-S";
	argv[n++] = p->sock;
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	if (p->port[0]) {
		argv[n++] = "-p";
		argv[n++] = p->port;
	}
	for (size_t i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	argv[n++] = p->target;
	if (remote)
		argv[n++] = remote;
	argv[n] = NULL;
}

/* The stderr file of a run named what ("master", "run"). */
static void err_path(const struct ssh_priv *p, const char *what, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s.err", p->dir, what);
}

/* Starts argv with stdin from in_fd (or /dev/null), stdout to out_fd (or
 * /dev/null), stderr to the file of what. The child's pid, or -errno. */
static pid_t spawn(struct ssh_priv *p, const char *const *argv, int in_fd, int out_fd,
		   const char *what)
{
	char errf[128];

	err_path(p, what, errf, sizeof errf);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(in_fd >= 0 ? in_fd : null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(e >= 0 ? e : null, 2);
		/* Its own process group: Ctrl-C on the explorer's terminal
		 * is ours to handle, not a kill of the link. */
		setpgid(0, 0);
		/* exec keeps the signal mask and what is ignored: `metrics
		 * --listen` blocks SIGTERM for its sigwait, and an ssh that
		 * inherited that never stopped at our kill (stop_master
		 * waited on it for ever). */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		static const int reset[] = { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT };
		for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
			signal(reset[i], SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* The last non-blank line the run named what printed on stderr, into
 * text (of cap bytes); "" when it printed nothing. */
static const char *last_line(const struct ssh_priv *p, const char *what, char *text, size_t cap)
{
	char errf[128];
	size_t n = 0;

	err_path(p, what, errf, sizeof errf);
	int fd = open(errf, O_RDONLY);
	if (fd >= 0) {
		ssize_t r = read(fd, text, cap - 1);
		n = r > 0 ? (size_t)r : 0;
		close(fd);
	}
	text[n] = '\0';
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		text[--n] = '\0';
	const char *last = strrchr(text, '\n');
	return last ? last + 1 : text;
}

/* ssh's reason, from the last line it printed on stderr (else the
 * master's: a session cut with its link often says nothing itself),
 * less its "ssh: " (said once, the source's URL before it names the
 * board): "connect to host board port 22: Connection refused" still fits
 * the explorer's 80-column status line after "refresh failed: ". */
static int ssh_reason(const struct ssh_priv *p, const char *what, int code, ms_error *err,
		      const char *fallback)
{
	char text[4096];
	const char *last = last_line(p, what, text, sizeof text);

	if (!*last && strcmp(what, "master") != 0)
		last = last_line(p, "master", text, sizeof text);
	if (strncmp(last, "ssh: ", 5) == 0)
		last += 5;
	return ms_error_set(err, code, 0, "%s", *last ? last : fallback);
}

static void drop_lifeline(struct ssh_priv *p)
{
	if (p->lifeline >= 0)
		close(p->lifeline);
	p->lifeline = -1;
}

static bool master_alive(struct ssh_priv *p)
{
	if (p->master <= 0)
		return false;
	if (waitpid(p->master, NULL, WNOHANG) == 0)
		return true;
	p->master = 0;
	drop_lifeline(p);
	return false;
}

/* After a session failed without a word: whether its master is gone or
 * going within half a second (the session may end before its master
 * has seen the link close). */
static bool master_going(struct ssh_priv *p)
{
	char text[256];
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	if (*last_line(p, "run", text, sizeof text))
		return !master_alive(p);
	for (int i = 0; i < 25; i++) {
		if (!master_alive(p))
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/* SIGTERM, and SIGKILL when ssh has not gone after a second: closing
 * must never hang on a child. */
static void stop_master(struct ssh_priv *p)
{
	drop_lifeline(p);
	if (p->master > 0) {
		struct timespec tick = { 0, 20 * 1000 * 1000 };
		bool gone = false;
		kill(p->master, SIGTERM);
		for (int i = 0; i < 50 && !gone; i++) {
			gone = waitpid(p->master, NULL, WNOHANG) != 0;
			if (!gone)
				nanosleep(&tick, NULL);
		}
		if (!gone) {
			kill(p->master, SIGKILL);
			waitpid(p->master, NULL, 0);
		}
	}
	p->master = 0;
	unlink(p->sock);
}

/* Starts the control master and waits until its socket answers: the one
 * handshake of the run (and of each retry after a drop). The master's
 * own session reads its stdin, a pipe only we write to, on the board
 * (`cat`): however memscope ends, a SIGKILL included, the pipe closes,
 * that session ends, and the master with it, instead of holding the link
 * to the board after us. */
static int start_master(struct ssh_priv *p, ms_error *err)
{
	const char *argv[SSH_MAX_WORDS + 24];
	static const char *const extra[] = {
		"-M", "-o", "ControlPersist=no",
		/* a link that stops answering is found within ~15 s */
		"-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
		"-o", "ConnectTimeout=20", NULL,
	};
	int life[2];

	unlink(p->sock);
	drop_lifeline(p);
	if (pipe2(life, O_CLOEXEC) < 0)
		return ms_error_set(err, errno, 0, "ssh: %s", strerror(errno));
	build_argv(p, argv, extra, "cat >/dev/null");
	pid_t pid = spawn(p, argv, life[0], -1, "master");
	close(life[0]);
	if (pid < 0) {
		close(life[1]);
		return ms_error_set(err, -pid, 0, "ssh: %s", strerror(-pid));
	}
	p->lifeline = life[1];
	p->master = pid;
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	for (int i = 0; i < SSH_CONNECT_SECONDS * 20; i++) {
		struct stat st;
		if (stat(p->sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			p->master = 0;
			drop_lifeline(p);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
				return ms_error_set(err, ENOENT, 0, "%s: cannot run ssh (%s)",
						    p->target, p->words[0]);
			return ssh_reason(p, "master", ECONNREFUSED, err, "ssh could not connect");
		}
		nanosleep(&tick, NULL);
	}
	stop_master(p);
	return ms_error_set(err, ETIMEDOUT, 0, "%s: no connection after %d s", p->target,
			    SSH_CONNECT_SECONDS);
}

/* What takes the remote command's stdout: reads fd to its end. */
typedef int (*ssh_consume_fn)(void *ctx, int fd, ms_error *err);

static int read_to_buf(void *ctx, int fd, ms_error *err)
{
	ms_buf *out = ctx;
	char chunk[MS_CHUNK];
	ssize_t r;

	ms_buf_reset(out);
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ms_error_set(err, errno, 0, "%s", strerror(errno));
		if (out->len + (size_t)r > MS_FILE_CAP || ms_buf_append(out, chunk, (size_t)r))
			return ms_error_set(err, EFBIG, 0, "more than %zu bytes", MS_FILE_CAP);
	}
	return 0;
}

/* Runs remote on the master with input on its stdin, its stdout to
 * consume. 0, or -errno with ssh's (or the command's) reason in *err
 * (never NULL here: its callers read the reason back): when the run
 * failed, that reason rather than what the consumer made of a cut
 * stream. */
static int run_remote(struct ssh_priv *p, const char *remote, const ms_buf *input,
		      ssh_consume_fn consume, void *ctx, ms_error *err)
{
	const char *argv[SSH_MAX_WORDS + 24];
	int in[2] = { -1, -1 }, outp[2];

	if (!master_alive(p) && start_master(p, err) != 0)
		return -(err->code ? err->code : ECONNREFUSED);
	/* A socket for stdin: MSG_NOSIGNAL, so that a link that dropped
	 * mid-write is an error here, never a SIGPIPE of the explorer. */
	if ((input && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) ||
	    pipe2(outp, O_CLOEXEC) != 0) {
		int e = errno;
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		return ms_error_set(err, e, 0, "%s: %s", p->target, strerror(e));
	}
	build_argv(p, argv, NULL, remote);
	pid_t pid = spawn(p, argv, in[1], outp[1], "run");
	close(outp[1]);
	if (in[1] >= 0)
		close(in[1]);
	/* The script is far smaller than a socket's buffer: it is sent
	 * whole before its output is read. */
	for (size_t off = 0; pid > 0 && input && off < input->len;) {
		ssize_t w = send(in[0], input->data + off, input->len - off, MSG_NOSIGNAL);
		if (w < 0 && errno != EINTR)
			break; /* ssh's stderr says why */
		off += w > 0 ? (size_t)w : 0;
	}
	if (in[0] >= 0)
		close(in[0]);
	ms_error got = { 0 };
	int rc = pid < 0 ? ms_error_set(&got, -pid, 0, "%s", strerror(-pid))
			 : consume(ctx, outp[0], &got);
	close(outp[0]);
	int status = 0;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		/* 255 is ssh's own failure (the link), and so is any
		 * failure after which the master is gone (a session cut
		 * with its link may exit otherwise); else the remote's. */
		bool link = (WIFEXITED(status) && WEXITSTATUS(status) == 255) || master_going(p);
		return ssh_reason(p, "run", link ? ECONNRESET : EIO, err,
				  link ? "the connection was lost" : "the remote command failed");
	}
	if (rc) {
		*err = got;
		ms_error_prefix(err, p->target);
	}
	return rc;
}

/* ---- samples -------------------------------------------------------------------- */

struct tar_ctx {
	const char *name;
	ms_source *next;
};

static int open_tar(void *ctx, int fd, ms_error *err)
{
	struct tar_ctx *t = ctx;

	t->next = ms_tar_open_fd(fd, t->name, MS_CAP_REFRESH, err);
	return t->next ? 0 : -(err->code ? err->code : EIO);
}

static int take_sample(ms_source *src, ms_error *err)
{
	struct ssh_priv *p = ms_source_priv(src);
	struct tar_ctx t = { src->info.path, NULL };
	ms_error why = { 0 };
	int rc = run_remote(p, "sh -s -- -o - --no-smaps", &p->script, open_tar, &t, &why);

	if (rc) {
		if (t.next)
			ms_source_close(t.next);
		if (err)
			*err = why;
		return rc;
	}
	if (p->cur)
		ms_source_close(p->cur);
	p->cur = t.next;
	/* The board's facts (kernel, host name, page size, capture time),
	 * under our own name and capabilities. */
	ms_source_info *info = ms_source_info_of(src);
	const ms_source_info *got = ms_source_get_info(p->cur);
	unsigned caps = info->caps;
	char path[sizeof info->path];
	memcpy(path, info->path, sizeof path);
	*info = *got;
	info->caps = caps;
	memcpy(info->path, path, sizeof path);
	snprintf(info->container, sizeof info->container, "ssh");
	/* A new sample: its memscope-unread is read again. */
	src->unread.loaded = false;
	ms_unread_free(&src->unread.list);
	return 0;
}

static int ssh_refresh(ms_source *src, ms_error *err)
{
	return take_sample(src, err);
}

/* "123/smaps": asked only for the process whose mappings are shown. */
static bool on_demand(const char *relpath, int *pid)
{
	const char *slash = strchr(relpath, '/');

	return slash && strcmp(slash, "/smaps") == 0 &&
	       ms_pid_name(relpath, (size_t)(slash - relpath), pid);
}

/* err may be NULL, as for any source read (the process table sums a
 * process's smaps without asking why it failed): cat's reason is read
 * from a local error, which is copied out only when there is an err. */
static int fetch_smaps(struct ssh_priv *p, int pid, ms_buf *out, ms_error *err)
{
	char cmd[64];
	ms_error why = { 0 };

	/* cat's own message says "No such file" or "Permission denied". */
	snprintf(cmd, sizeof cmd, "cat /proc/%d/smaps", pid);
	int rc = run_remote(p, cmd, NULL, read_to_buf, out, &why);
	if (rc == -EIO && strstr(why.msg, "No such file"))
		return ms_error_set(err, ENOENT, 0, "%d/smaps: no such process", pid);
	if (rc == -EIO && strstr(why.msg, "ermission denied"))
		return ms_error_set(err, EACCES, 0, "%d/smaps: needs root", pid);
	if (rc && err)
		*err = why;
	return rc;
}

static int ssh_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err)
{
	struct ssh_priv *p = ms_source_priv(src);
	int pid;

	if (on_demand(relpath, &pid))
		return fetch_smaps(p, pid, out, err);
	return ms_source_read(p->cur, relpath, out, err);
}

static int ssh_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		      ms_error *err)
{
	struct ssh_priv *p = ms_source_priv(src);
	int pid;

	if (!on_demand(relpath, &pid))
		return ms_source_stream(p->cur, relpath, fn, ctx, err);
	ms_buf b = MS_BUF_INIT;
	int rc = fetch_smaps(p, pid, &b, err);
	if (!rc && b.len)
		rc = fn(ctx, b.data, b.len);
	ms_buf_free(&b);
	return rc;
}

static int ssh_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err)
{
	struct ssh_priv *p = ms_source_priv(src);
	return ms_source_list_pids(p->cur, pids, n, err);
}

static int ssh_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err)
{
	struct ssh_priv *p = ms_source_priv(src);
	return ms_source_list_dir(p->cur, reldir, out, err);
}

static void ssh_close(ms_source *src)
{
	struct ssh_priv *p = ms_source_priv(src);
	char f[128];

	if (!p)
		return;
	stop_master(p);
	if (p->cur)
		ms_source_close(p->cur);
	err_path(p, "master", f, sizeof f);
	unlink(f);
	err_path(p, "run", f, sizeof f);
	unlink(f);
	rmdir(p->dir);
	ms_buf_free(&p->script);
	free(p->words_buf);
	free(p);
}

static const ms_source_ops ssh_ops = {
	.read = ssh_read,
	.stream = ssh_stream,
	.list_pids = ssh_list_pids,
	.list_dir = ssh_list_dir,
	.refresh = ssh_refresh,
	.close = ssh_close,
};

/* ---- opening ------------------------------------------------------------------ */

/* ssh://[user@]host[:port][/]: the target and the port. A host that
 * begins with '-' would be an option of ssh: refused. */
static int parse_url(const char *url, struct ssh_priv *p, ms_error *err)
{
	const char *rest = url + strlen("ssh://");
	size_t n = strcspn(rest, "/");
	char hostport[256];

	if (n == 0 || n >= sizeof hostport || rest[n + (rest[n] == '/')] != '\0')
		return ms_error_set(err, EINVAL, 0, "%s: not ssh://[user@]host[:port]", url);
	memcpy(hostport, rest, n);
	hostport[n] = '\0';
	char *at = strrchr(hostport, '@');
	char *host = at ? at + 1 : hostport;
	char *colon = strrchr(host, ':');
	if (colon && host[0] != '[') {
		*colon = '\0';
		const char *port = colon + 1;
		if (!*port || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port))
			return ms_error_set(err, EINVAL, 0, "%s: port %s is not a number", url, port);
		snprintf(p->port, sizeof p->port, "%s", port);
	}
	if (!*host || *hostport == '-' || *host == '-')
		return ms_error_set(err, EINVAL, 0, "%s: no host", url);
	snprintf(p->target, sizeof p->target, "%s", hostport);
	return 0;
}

static int split_words(struct ssh_priv *p, ms_error *err)
{
	const char *env = getenv("MEMSCOPE_SSH");
	size_t n = 0;

	p->words_buf = strdup(env && *env ? env : "ssh");
	if (!p->words_buf)
		return ms_error_set(err, ENOMEM, 0, "out of memory");
	for (char *save = NULL, *w = strtok_r(p->words_buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n + 1 >= SSH_MAX_WORDS)
			return ms_error_set(err, EINVAL, 0, "MEMSCOPE_SSH: too many words");
		p->words[n++] = w;
	}
	if (!n)
		return ms_error_set(err, EINVAL, 0, "MEMSCOPE_SSH: empty");
	p->words[n] = NULL;
	return 0;
}

static int load_script(struct ssh_priv *p, ms_error *err)
{
	char path[PATH_MAX];

	if (!ms_data_path("memscope-capture.sh", path, sizeof path))
		return ms_error_set(err, ENOENT, 0, "memscope-capture.sh: not installed");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_error_set(err, errno, 0, "%s: %s", path, strerror(errno));
	int rc = ms_fd_read_all(fd, path, &p->script, err);
	close(fd);
	return rc;
}

bool ms_source_is_ssh(const char *path)
{
	return path && strncmp(path, "ssh://", 6) == 0;
}

ms_source *ms_source_open_ssh(const char *url, ms_error *err)
{
	struct ssh_priv *p = calloc(1, sizeof *p);

	if (!p) {
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	p->lifeline = -1;
	snprintf(p->dir, sizeof p->dir, "/tmp/memscope-ssh.XXXXXX");
	if (parse_url(url, p, err) || split_words(p, err) || load_script(p, err) ||
	    (!mkdtemp(p->dir) && ms_error_set(err, errno, 0, "%s: %s", p->dir, strerror(errno)))) {
		ms_buf_free(&p->script);
		free(p->words_buf);
		free(p);
		return NULL;
	}
	snprintf(p->sock, sizeof p->sock, "%s/control", p->dir);
	ms_source *src = ms_source_new(&ssh_ops, MS_CAP_REFRESH, url, p);
	if (!src) {
		rmdir(p->dir);
		ms_buf_free(&p->script);
		free(p->words_buf);
		free(p);
		ms_error_set(err, ENOMEM, 0, "out of memory");
		return NULL;
	}
	/* The first sample now: a batch view reads it without a refresh, and
	 * a board that cannot be reached is said at once. */
	if (take_sample(src, err) != 0) {
		ms_source_close(src);
		return NULL;
	}
	return src;
}
