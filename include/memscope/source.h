/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where bytes come from: the live /proc and /sys, a snapshot (a directory,
 * an archive, or an archive arriving on a pipe), or a table in memory.
 * Everything above this layer asks for a relative path ("meminfo",
 * "123/smaps_rollup", "sys/kernel/mm/cma") and gets the same bytes whatever
 * the kind, so a figure cannot differ by mode.
 *
 * A source says what it can do (ms_source_can), not what it is: the model,
 * capture and the explorer ask "may files vanish?", "can it be read
 * again?", never "is it live?". The kinds themselves are behind
 * memscope/source_kind.h.
 */
#ifndef MEMSCOPE_SOURCE_H
#define MEMSCOPE_SOURCE_H

#include <sys/types.h>

#include "memscope/util.h"

/* What a source can do. */
enum ms_source_cap {
	/* Files vanish while they are read: a process exits between its
	 * listing and its files, so a missing file means "gone". */
	MS_CAP_VOLATILE = 1u << 0,
	/* Reading again gives newer figures: the explorer refreshes. */
	MS_CAP_REFRESH = 1u << 1,
	/* User ids are named by this machine's password database; otherwise
	 * by the snapshot's own list (memscope-users), or not at all. */
	MS_CAP_LOCAL_USERS = 1u << 2,
	/* Page size, kernel, machine and host name are this machine's
	 * (sysconf, uname); otherwise they come from the data. */
	MS_CAP_HOST_FACTS = 1u << 3,
	/* Holds several samples, one after the other (a recording):
	 * ms_source_select picks one. */
	MS_CAP_SAMPLES = 1u << 4,
	/* Arrives once, on a pipe (-s -, ssh): read whole as it comes,
	 * never opened again. */
	MS_CAP_STREAM = 1u << 5,
	/* May be read from several threads at once. */
	MS_CAP_PARALLEL = 1u << 6,
};

/* Facts about the machine the data comes from (not the one we run on). */
typedef struct ms_source_info {
	unsigned caps;         /* MS_CAP_* */
	char path[512];        /* "/proc", the snapshot path given, "-" */
	char container[16];    /* "proc", "dir", "tar", "tar.gz", "tar.xz", "tar.zst", ... */
	char layout[16];       /* "memscope", "proc-tree", "smemcap" */
	char kernel[128];      /* release, "" when unknown */
	char machine[32];      /* uname -m, "" when unknown */
	char hostname[128];
	char captured_at[40];  /* UTC ISO 8601 from the data; "" when it does not say */
	long page_size;        /* bytes, always set */
	/* Where page_size came from: "sysconf", "metadata", "smaps
	 * KernelPageSize", "default" (4096, when nothing said). */
	const char *page_size_origin;
	/* Archive entries left out because their path was absolute or
	 * held "..": a sign of a hostile or mis-made archive. */
	unsigned skipped_entries;
	/* What the selected sample is, when a sample count and a time do not
	 * say it: "OOM report 2 of 3, [6.602113], victim 108 oom-victim"
	 * (a kernel log); "" otherwise. */
	char sample_label[160];
	/* What every sample of this source lacks, said where those figures
	 * are unknown: "PSS unknown: an OOM report lists RSS only"; "". */
	char lacks[96];
} ms_source_info;

typedef struct ms_source ms_source;

/* ---- opening ------------------------------------------------------------ */

/* Errors are returned in *err; nothing is printed. */

/* The running system: /proc and /sys. proc_root NULL means "/proc"; a
 * directory laid out like a snapshot (proc/ and sys/ side by side) or
 * like /proc itself is read instead, for tests. */
ms_source *ms_source_open_live(const char *proc_root, ms_error *err);
/* A snapshot: a directory (with or without a proc/ level, with sys/
 * beside it or not), an archive (.tar, .tar.gz, .tgz, .tar.xz, .tar.zst,
 * .tar.bz2, cpio, a BusyBox/smem smemcap tar), or "-" for an archive on
 * standard input. */
ms_source *ms_source_open_snapshot(const char *path, ms_error *err);
/* An archive arriving on fd (a pipe, a socket): read whole into memory as
 * it comes; fd stays the caller's. name is what messages call it. */
ms_source *ms_source_open_fd(int fd, const char *name, ms_error *err);

/* A board over ssh (src/source/ssh.c): url is ssh://[user@]host[:port].
 * Runs data/memscope-capture.sh there through the system's OpenSSH client
 * over one control connection (MEMSCOPE_SSH names another ssh command),
 * and takes the first sample before it returns; ms_source_refresh takes
 * the next. Errors carry ssh's own reason. */
ms_source *ms_source_open_ssh(const char *url, ms_error *err);
/* True for an ssh:// path. */
bool ms_source_is_ssh(const char *path);

/* A source made of files in memory (tests, fuzzers, and sources that
 * decode something else into a snapshot, such as a kernel log). Paths are
 * relative as above; data NULL with err set makes reading that file fail
 * with -err. The bytes are copied. */
typedef struct ms_memfile {
	const char *path;
	const char *data;
	size_t len;
	int err;
} ms_memfile;
ms_source *ms_source_open_files(const ms_memfile *files, size_t n, unsigned caps,
				const char *name, ms_error *err);

void ms_source_close(ms_source *src);

const ms_source_info *ms_source_get_info(const ms_source *src);
bool ms_source_can(const ms_source *src, unsigned cap);
/* "live" for a source that refreshes, else "snapshot": the JSON
 * source.kind of doc/json.md. */
const char *ms_source_kind_name(const ms_source_info *info);

/* ---- reading ------------------------------------------------------------- */

/*
 * Paths: "meminfo" and "123/smaps" are below the proc root; "sys/..." is
 * below the sys root (/sys live, the sys/ folder beside a snapshot's
 * proc/); "proc/..." names the proc root explicitly (for /proc/sys/...);
 * "memscope-snapshot" and the other memscope-* files are the snapshot's
 * own, at its top. No path may be absolute or hold "..".
 */

/* The whole file at relpath into out (replacing its contents). Returns 0,
 * or -ENOENT (not there: a missing file, a process that exited),
 * -EACCES/-EPERM (not readable; in a snapshot also a file the capture
 * could not read, with err saying so), -EFBIG (over the size cap), -EIO. */
int ms_source_read(ms_source *src, const char *relpath, ms_buf *out, ms_error *err);

/* Streams the file in chunks to fn, never holding all of it; fn returns 0
 * to go on, non-zero to stop (that value is returned). */
typedef int (*ms_chunk_fn)(void *ctx, const char *data, size_t len);
int ms_source_stream(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
		     ms_error *err);

/* ms_source_stream for one big file: a second thread reads the next chunks
 * while fn works on the ones read, so that the kernel's printing and our
 * parsing overlap (a process with 60,000 mappings). Sources held in memory
 * stream as usual. */
int ms_source_stream_ahead(ms_source *src, const char *relpath, ms_chunk_fn fn, void *ctx,
			   ms_error *err);

/* Numeric entries of the proc root (processes), ascending. *pids is
 * malloc'd; the caller frees it. */
int ms_source_list_pids(ms_source *src, int **pids, size_t *n, ms_error *err);

/* Has the running system's processes listed by reading the /proc
 * directory instead of through libproc2: the same thread group leaders,
 * without libproc2's per-listing tables and buffers and the libnuma it
 * loads, about 0.3 MB of resident memory. For `memscope record`, whose
 * peak on a board is held to 3 MB (doc/performance.md, "record");
 * every other command keeps libproc2. Other sources list their files. */
void ms_source_list_pids_by_readdir(ms_source *src);

/* The entries of a directory ("sys/kernel/mm/cma", "123/fdinfo"), sorted
 * by name, with whether each is a directory. -ENOENT when it is not
 * there. Symbolic links are followed only on the running system. */
typedef struct ms_dirent {
	char *name;
	bool is_dir;
} ms_dirent;
typedef struct ms_dirlist {
	size_t n, cap;
	ms_dirent *e;
} ms_dirlist;
int ms_source_list_dir(ms_source *src, const char *reldir, ms_dirlist *out, ms_error *err);
/* Where a link of the running system's /proc points ("123/fd/4" ->
 * "/dmabuf:vpu"), into out (NUL-terminated, cut at cap - 1 bytes): one
 * system call where reading a file costs three. -ENOSYS for a source that
 * keeps no links (snapshots, --proc-root trees); -ENOENT when it went. */
int ms_source_read_link(ms_source *src, const char *relpath, char *out, size_t cap,
			ms_error *err);
void ms_dirlist_free(ms_dirlist *l);

/* Where relpath is, for messages: "/proc/zoneinfo", "/sys/kernel/mm/cma",
 * "board/proc/zoneinfo" (a directory snapshot, its proc/ level included),
 * "board.tar.gz:board/proc/zoneinfo". Fills buf and returns it. */
const char *ms_source_where(const ms_source *src, const char *relpath, char *buf, size_t cap);

/* ---- time: refreshing and recordings ---------------------------------------- */

/* Before a new sample is read from a source that refreshes: a stream that
 * sends one sample after another (ssh) takes in the next one; the running
 * system has nothing to do. 0, or -errno with err set (the link dropped). */
int ms_source_refresh(ms_source *src, ms_error *err);

/* Samples held: 1, or more for a recording (MS_CAP_SAMPLES). A
 * recording that grows while it is read (a recorder still at work) is
 * looked at again on each call: the count only ever goes up. */
size_t ms_source_sample_count(const ms_source *src);
/* Reads from sample index from now on (0 the first); info follows it.
 * -ERANGE past the last complete sample; -EINVAL for a sample whose
 * archive is damaged (a power cut that left its bytes unwritten). */
int ms_source_select(ms_source *src, size_t index, ms_error *err);

/*
 * Recordings (doc/snapshot.md, "Recordings"): one file of samples, each
 * a snapshot archive behind a one-line header. ms_source_open_snapshot
 * opens them too (it knows them by their first bytes); the source then
 * has MS_CAP_SAMPLES, container "msrec", and holds the last complete
 * sample selected until ms_source_select says otherwise.
 *
 *	ms_source *rec = ms_source_open_recording("board.msrec", &err);
 *	size_t n = ms_source_sample_count(rec);
 *	for (size_t i = 0; i < n; i++) {
 *		ms_source_select(rec, i, &err);      // then read it as any source
 *		int64_t t = ms_source_sample_captured_ns(rec, i);
 *	}
 */
ms_source *ms_source_open_recording(const char *path, ms_error *err);
/*
 * A kernel log (dmesg, journalctl -k, syslog, pstore's console-ramoops):
 * each OOM-killer report in it is one sample (src/source/kernlog.c), the
 * first selected. ms_source_open_snapshot opens a regular file that is
 * text (not an archive, not a recording) this way. A log without a report
 * is an error (EINVAL, "no OOM-killer report in this log").
 */
ms_source *ms_source_open_kernlog(const char *path, ms_error *err);
/* Whether the file at path starts like text: no archive, no recording. */
bool ms_path_is_text_log(const char *path);
/* Whether the file at path starts like a recording. */
bool ms_path_is_recording(const char *path);
/* Where the complete samples of a recording open at fd end, for a
 * recorder that appends to it (src/capture/record.c): the reader's own
 * scan. 0 (an empty file holds no sample); -EINVAL when fd holds
 * something that is not a recording; another -errno when unreadable. */
typedef struct ms_recording_end {
	size_t samples;     /* complete ones */
	off_t end;          /* the byte after the last complete one */
	int64_t last_ns;    /* when the last was taken; MS_NA with none */
	bool torn;          /* bytes follow end that are no whole sample */
	char torn_why[200]; /* where, in words, when torn */
} ms_recording_end;
int ms_recording_check_fd(int fd, const char *name, ms_recording_end *out);
/* When sample index was taken, in ns since the epoch (UTC), from the
 * recording's own header; for a source of one sample, its captured_at.
 * MS_NA when it is not known or index is out of range. */
int64_t ms_source_sample_captured_ns(const ms_source *src, size_t index);
/* The sample selected (0 for a source of one sample). */
size_t ms_source_selected(const ms_source *src);
/* Whether the recording ends in a torn sample (a recorder killed or a
 * power cut mid-sample, or one still being written): the complete ones
 * read, that one is skipped. why (may be NULL) gets a sentence saying
 * where. false for every other source. */
bool ms_source_torn_tail(const ms_source *src, char *why, size_t cap);
/* The sample of a recording taken at or just before ns (the first one
 * when ns is earlier than all): what `--at TIME` selects. SIZE_MAX when
 * the source holds no sample. */
size_t ms_source_sample_at(const ms_source *src, int64_t ns);

/* Which sample of a recording to read, as a user names it: --at
 * N|TIME|last, or the FILE@... of diff and --baseline. */
typedef enum ms_pick_kind { MS_PICK_LAST, MS_PICK_INDEX, MS_PICK_TIME } ms_pick_kind;
typedef struct ms_sample_pick {
	ms_pick_kind kind;
	size_t index;      /* MS_PICK_INDEX: 0 the first */
	int64_t ns;        /* MS_PICK_TIME: the latest sample taken at or before */
	const char *text;  /* as typed, for messages; NULL: not given */
} ms_sample_pick;

/* "3", "last", "2026-12-04T03:00Z", "2026-12-04T03:00:00+01:00": 0, or
 * -EINVAL when text is none of them. */
int ms_sample_pick_parse(const char *text, ms_sample_pick *out);

/* ---- lines ---------------------------------------------------------------- */

/* Splits chunks into whole lines for a line callback; holds at most one
 * partial line. Lines longer than max_line are an error (-EFBIG). */
typedef int (*ms_line_fn)(void *ctx, const char *line, size_t len);
typedef struct ms_line_splitter {
	ms_buf partial;
	ms_line_fn fn;
	void *ctx;
	size_t max_line;
} ms_line_splitter;

void ms_line_splitter_init(ms_line_splitter *s, ms_line_fn fn, void *ctx, size_t max_line);
int ms_line_splitter_feed(void *splitter, const char *data, size_t len); /* an ms_chunk_fn */
int ms_line_splitter_finish(ms_line_splitter *s);
void ms_line_splitter_free(ms_line_splitter *s);

/* An errno of opening the path a user gave ("x.tgz: not readable
 * (permission denied)"). */
int ms_path_error(int e, const char *path, ms_error *err);

/* The file-system figures of the RAM-backed mounts (tmpfs, ramfs...) as
 * the text of a memscope-statvfs file (src/parse/statvfs.c): made by
 * statvfs(2) on the running system, read from a snapshot's own file
 * elsewhere (-ENOENT when it has none). src/source/fsusage.c. */
int ms_source_statvfs(ms_source *src, ms_buf *out, ms_error *err);

#endif
