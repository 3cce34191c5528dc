/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `memscope metrics`: the OpenMetrics exposition of this machine (or of
 * -s) on stdout; with -s, every sample of a recording or of a folder of
 * snapshots, timestamped and labelled with its host, for promtool's
 * backfilling; with --listen, an HTTP server whose /metrics reads a fresh
 * sample per scrape (libmicrohttpd: doc/remote.md).
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifdef MS_HAVE_MICROHTTPD
#include <dlfcn.h>
#include <microhttpd.h>
#endif

#include "memscope/openmetrics.h"
#include "cmd.h"

/* One sample of src into d; when timestamps are wanted and the data has
 * no capture time, says so (its lines then have none). */
static int add_sample(ms_om_doc *d, ms_source *src, bool timestamps, ms_error *err)
{
	ms_sample s;
	int rc = ms_sample_load(&s, src, MS_OM_PARTS, err);

	if (rc)
		return rc;
	if (timestamps && s.captured_ns == MS_NA) {
		ms_error note;
		ms_error_set(&note, 0, 0, "no capture time in it: its figures have no timestamp");
		ms_cmd_print_error(s.info.path, &note, 0);
	}
	rc = ms_om_add(d, &s, src, err);
	ms_sample_free(&s);
	return rc;
}

static int write_doc(ms_om_doc *d)
{
	ms_buf out = MS_BUF_INIT;
	ms_error err = { 0 };
	int rc = ms_om_write(d, &out);

	if (!rc && (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0))
		rc = -errno;
	ms_buf_free(&out);
	if (rc) {
		ms_error_set(&err, -rc, 0, "stdout: %s", strerror(-rc));
		ms_cmd_print_error(NULL, &err, rc);
	}
	return rc;
}

/* ---- every sample of -s ------------------------------------------------------ */

struct each {
	ms_om_doc *doc;
	int failed;
};

/* Each sample of a recording in time order; one for a snapshot. */
static int add_source(void *ctx, ms_source *src, const char *name)
{
	struct each *e = ctx;
	size_t n = ms_source_sample_count(src);

	for (size_t i = 0; i < n; i++) {
		ms_error err = { 0 };
		int rc = n > 1 ? ms_source_select(src, i, &err) : 0;
		if (!rc)
			rc = add_sample(e->doc, src, true, &err);
		if (rc == -ENOMEM) {
			ms_cmd_print_error(name, &err, rc);
			return 1;
		}
		if (rc) {
			ms_cmd_print_error(name, &err, rc);
			e->failed++;
		}
	}
	return 0;
}

static int run_samples(const ms_options *o)
{
	ms_om_opts oo = { .top = o->top, .timestamps = true, .host_label = true };
	struct each e = { ms_om_new(&oo), 0 };

	if (!e.doc)
		return MS_EXIT_FAILED;
	int rc = ms_cmd_each_snapshot(o->snapshot, add_source, NULL, &e);
	int status = rc != 0 || e.failed ? MS_EXIT_FAILED : MS_EXIT_OK;
	/* What could be read is still written: a folder with one broken
	 * capture keeps the others' figures, and the exit status says. */
	if (rc >= 0 && write_doc(e.doc) != 0)
		status = MS_EXIT_FAILED;
	ms_om_free(e.doc);
	return status;
}

/* One sample of a source that is read again for each scrape. */
static int render_once(ms_source *src, long top, ms_buf *out, ms_error *err)
{
	ms_om_opts oo = { .top = top };
	ms_om_doc *d = ms_om_new(&oo);
	int rc = d ? ms_source_refresh(src, err) : -ENOMEM;

	if (!rc)
		rc = add_sample(d, src, false, err);
	if (!rc)
		rc = ms_om_write(d, out);
	ms_om_free(d);
	return rc;
}

/* ---- --listen ----------------------------------------------------------------- */

#ifdef MS_HAVE_MICROHTTPD

struct server {
	ms_source *src;
	long top;
};

/* libmicrohttpd is opened when --listen asks for it, not linked: it
 * brings GnuTLS and seven more libraries, whose loading cost every other
 * run of memscope 2 MB of RSS (the vma view's target is 3 MB in all) and
 * its start-up time, on boards where no one serves metrics. */
static struct {
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_stop_daemon) stop_daemon;
} mhd;

/* One function of the library into *fn (a function pointer's storage:
 * POSIX lets dlsym's object pointer be copied into it). */
static bool bind_mhd(void *lib, const char *name, void *fn)
{
	void *sym = dlsym(lib, name);

	if (sym)
		memcpy(fn, &sym, sizeof sym);
	return sym != NULL;
}

static int open_mhd(ms_error *err)
{
	static const char *const sonames[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };
	void *lib = NULL;

	for (size_t i = 0; !lib && i < MS_ARRAY_LEN(sonames); i++)
		lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return ms_error_set(err, ENOTSUP, 0, "--listen needs libmicrohttpd: %s", dlerror());
	bool ok = bind_mhd(lib, "MHD_create_response_from_buffer",
			   &mhd.create_response_from_buffer) &&
		  bind_mhd(lib, "MHD_add_response_header", &mhd.add_response_header) &&
		  bind_mhd(lib, "MHD_queue_response", &mhd.queue_response) &&
		  bind_mhd(lib, "MHD_destroy_response", &mhd.destroy_response) &&
		  bind_mhd(lib, "MHD_start_daemon", &mhd.start_daemon) &&
		  bind_mhd(lib, "MHD_get_daemon_info", &mhd.get_daemon_info) &&
		  bind_mhd(lib, "MHD_stop_daemon", &mhd.stop_daemon);
	if (!ok)
		return ms_error_set(err, ENOTSUP, 0, "--listen: this libmicrohttpd lacks %s",
				    dlerror());
	return 0; /* the library stays open until exit */
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, const char *type,
			      ms_buf *body)
{
	/* MUST_FREE hands the buffer to the library. */
	struct MHD_Response *r = mhd.create_response_from_buffer(
		body->len, body->data ? body->data : strdup(""), MHD_RESPMEM_MUST_FREE);
	*body = (ms_buf)MS_BUF_INIT;
	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ok = mhd.queue_response(conn, code, r);
	mhd.destroy_response(r);
	return ok;
}

/* Runs on the library's one polling thread, so the source is read by one
 * scrape at a time. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *sv = cls;
	ms_buf body = MS_BUF_INIT;
	ms_error err = { 0 };

	(void)version;
	(void)upload_data;
	if (*upload_data_size)
		return MHD_NO; /* no request of ours has a body */
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		ms_buf_puts(&body, "only GET and HEAD\n");
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", &body);
	}
	if (strcmp(url, "/metrics") != 0) {
		ms_buf_puts(&body, "memscope serves /metrics\n");
		return answer(conn, MHD_HTTP_NOT_FOUND, "text/plain", &body);
	}
	int rc = render_once(sv->src, sv->top, &body, &err);
	if (rc) {
		ms_buf_reset(&body);
		const char *why = err.msg[0] ? err.msg : strerror(rc < 0 ? -rc : EIO);
		ms_escape_display(&body, why, strlen(why));
		ms_buf_putc(&body, '\n');
		return answer(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", &body);
	}
	return answer(conn, MHD_HTTP_OK, MS_OM_CONTENT_TYPE, &body);
}

/* [ADDR:]PORT, ADDR a name or a number, [v6]:PORT; 127.0.0.1 when left
 * out, so that nothing is exposed beyond this machine unless asked. */
static int resolve(const char *spec, struct addrinfo **ai, ms_error *err)
{
	char host[256] = "127.0.0.1";
	const char *port = spec;
	const char *colon = strrchr(spec, ':');

	if (colon) {
		const char *h = spec;
		size_t n = (size_t)(colon - spec);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
			h++;
			n -= 2;
		}
		if (n >= sizeof host)
			return ms_error_set(err, EINVAL, 0, "--listen %s: address too long", spec);
		if (n) {
			memcpy(host, h, n);
			host[n] = '\0';
		}
		port = colon + 1;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	int rc = getaddrinfo(host, port, &hints, ai);
	if (rc)
		return ms_error_set(err, EINVAL, 0, "--listen %s: %s", spec, gai_strerror(rc));
	return 0;
}

static int serve(const ms_options *o, ms_source *src)
{
	struct server sv = { src, o->top };
	struct addrinfo *ai;
	ms_error err = { 0 };
	sigset_t stop;

	if (resolve(o->listen, &ai, &err)) {
		ms_cmd_print_error(NULL, &err, -EINVAL);
		return MS_EXIT_USAGE;
	}
	if (open_mhd(&err)) {
		freeaddrinfo(ai);
		ms_cmd_print_error(NULL, &err, -ENOTSUP);
		return MS_EXIT_FAILED;
	}
	/* Blocked before the library's thread starts, so that only this
	 * thread takes them, in sigwait. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = mhd.start_daemon(
		flags, 0, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 64u,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!d) {
		int e = errno ? errno : EADDRINUSE;
		ms_error_set(&err, e, 0, "--listen %s: cannot listen there: %s", o->listen,
			     strerror(e));
		ms_cmd_print_error(NULL, &err, -e);
		return MS_EXIT_FAILED;
	}
	/* The port, for --listen ADDR:0 (tests) and for the log. */
	const union MHD_DaemonInfo *info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "memscope: serving /metrics on %s (port %u)\n", o->listen,
		info ? (unsigned)info->port : 0u);
	int sig;
	sigwait(&stop, &sig);
	mhd.stop_daemon(d);
	return MS_EXIT_OK;
}

#else

static int serve(const ms_options *o, ms_source *src)
{
	ms_error err = { 0 };

	(void)src;
	ms_error_set(&err, ENOTSUP, 0,
		     "--listen %s: this memscope was built without libmicrohttpd", o->listen);
	ms_cmd_print_error(NULL, &err, -ENOTSUP);
	return MS_EXIT_FAILED;
}

#endif

static int run(const ms_options *o)
{
	if (o->snapshot && !o->listen)
		return run_samples(o);
	ms_source *src = ms_cmd_open_source(o);
	if (!src)
		return MS_EXIT_FAILED;
	int status;
	if (o->listen) {
		status = serve(o, src);
	} else {
		ms_buf out = MS_BUF_INIT;
		ms_error err = { 0 };
		int rc = render_once(src, o->top, &out, &err);
		status = MS_EXIT_OK;
		if (rc) {
			ms_cmd_print_error("metrics", &err, rc);
			status = MS_EXIT_FAILED;
		} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
			ms_error_set(&err, errno, 0, "stdout: %s", strerror(errno));
			ms_cmd_print_error(NULL, &err, -errno);
			status = MS_EXIT_FAILED;
		}
		ms_buf_free(&out);
	}
	ms_source_close(src);
	return status;
}

const ms_command ms_cmd_metrics = {
	.name = "metrics",
	.synopsis = "[-s PATH] [--top N] [--listen ADDR:PORT]",
	.summary = "OpenMetrics for Prometheus (stdout, -s, or --listen)",
	.run = run,
};
