/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/PID/maps, /proc/PID/smaps and /proc/PID/smaps_rollup.
 *
 * smaps is the biggest file memscope reads: a process with 60,000 mappings
 * prints ~40 MB of it, one "Key:   123 kB" line after another. The counter
 * lines are therefore parsed without sscanf or allocation: the key is found
 * by its first letter and a fixed-size compare, and the mappings grow in one
 * array whose paths live in one string buffer. tests/bench/bench_smaps.c
 * times it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/parse.h"

/* ---- counters ---------------------------------------------------------- */

/* ms_memcounters holds nothing but int64_t counters, so init and add can
 * walk it as an array; the count is the number of keys matched below. */
#define MS_NCOUNTERS 25
_Static_assert(sizeof(ms_memcounters) == MS_NCOUNTERS * sizeof(int64_t),
	       "ms_memcounters must hold only the int64_t smaps counters");

static int64_t *counter_at(ms_memcounters *c, size_t off)
{
	return (int64_t *)(void *)((char *)c + off);
}

void ms_memcounters_init(ms_memcounters *c)
{
	for (size_t i = 0; i < MS_NCOUNTERS; i++)
		*counter_at(c, i * sizeof(int64_t)) = MS_NA;
}

/* MS_NA is "not printed", not a number: it gives way to the other side.
 * A sum too big for int64 is unknown rather than wrapped. */
static int64_t add_present(int64_t a, int64_t b)
{
	int64_t sum;

	if (b == MS_NA)
		return a;
	if (a == MS_NA)
		return b;
	if (__builtin_add_overflow(a, b, &sum) || sum == MS_NA)
		return MS_NA;
	return sum;
}

void ms_memcounters_add(ms_memcounters *a, const ms_memcounters *b)
{
	for (size_t i = 0; i < MS_NCOUNTERS; i++) {
		size_t off = i * sizeof(int64_t);
		const int64_t *src = (const int64_t *)(const void *)((const char *)b + off);
		int64_t *dst = counter_at(a, off);
		*dst = add_present(*dst, *src);
	}
}

int64_t ms_memcounters_uss(const ms_memcounters *c)
{
	if (c->private_clean == MS_NA || c->private_dirty == MS_NA)
		return MS_NA;
	return ms_add_na(c->private_clean, c->private_dirty);
}

/* Compares the start of the line with "Key:", a literal of fixed size
 * that the compiler turns into one or two integer compares (this runs for
 * every counter line). The colon keeps "Pss:" from matching "Pss_Dirty:". */
#define MATCH(str, field)                                                 \
	if (len >= sizeof(str) && memcmp(line, str ":", sizeof(str)) == 0) { \
		*value = line + sizeof(str);                                 \
		return counter_at(c, offsetof(ms_memcounters, field));       \
	}

/* The field of the counter a line starts with, and where its figure
 * starts; NULL for a line that is no counter. Every "Key: N kB" line of
 * smaps and smaps_rollup is here (MS_NCOUNTERS of them), found by first
 * letter, then by a fixed-size compare. */
static int64_t *find_counter(ms_memcounters *c, const char *line, size_t len,
			     const char **value)
{
	switch (line[0]) {
	case 'A':
		MATCH("Anonymous", anonymous);
		MATCH("AnonHugePages", anon_huge);
		break;
	case 'F':
		MATCH("FilePmdMapped", file_pmd);
		break;
	case 'K':
		MATCH("KernelPageSize", kernel_page_size);
		MATCH("KSM", ksm);
		break;
	case 'L':
		MATCH("LazyFree", lazyfree);
		MATCH("Locked", locked);
		break;
	case 'M':
		MATCH("MMUPageSize", mmu_page_size);
		break;
	case 'P':
		MATCH("Pss", pss);
		MATCH("Pss_Dirty", pss_dirty);
		MATCH("Pss_Anon", pss_anon);
		MATCH("Pss_File", pss_file);
		MATCH("Pss_Shmem", pss_shmem);
		MATCH("Private_Clean", private_clean);
		MATCH("Private_Dirty", private_dirty);
		MATCH("Private_Hugetlb", private_hugetlb);
		break;
	case 'R':
		MATCH("Rss", rss);
		MATCH("Referenced", referenced);
		break;
	case 'S':
		MATCH("Size", size);
		MATCH("Shared_Clean", shared_clean);
		MATCH("Shared_Dirty", shared_dirty);
		MATCH("ShmemPmdMapped", shmem_pmd);
		MATCH("Shared_Hugetlb", shared_hugetlb);
		MATCH("Swap", swap);
		MATCH("SwapPss", swap_pss);
		break;
	}
	return NULL;
}

#undef MATCH

/* Keys are single printable words ("Pss_Anon", "THPeligible"). Only a
 * key that is not a counter needs this check: known ones are words. */
static bool is_key_word(const char *key, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (ch <= ' ' || ch >= 0x7f)
			return false;
	}
	return true;
}

/* Skips the kernel's column padding (~12 spaces per counter line, a
 * million lines in a big smaps), eight bytes at a time: the first byte
 * that is not a space is found from the XOR of a word with spaces. */
static const char *skip_padding(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const uint64_t spaces = UINT64_C(0x2020202020202020);
	uint64_t word;

	while (end - p >= 8) {
		memcpy(&word, p, 8);
		word ^= spaces;
		if (word != 0)
			return p + __builtin_ctzll(word) / 8;
		p += 8;
	}
#endif
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* The figure of a counter line. This is the innermost loop of the
 * parser, so the usual short figure is read here; one of 16 digits or
 * more goes to ms_parse_u64, which owns the overflow rules. */
static bool parse_counter_digits(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	const char *stop = end - s > 15 ? s + 15 : end;
	uint64_t v = 0;

	while (s < stop && (unsigned char)(*s - '0') < 10)
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s == stop && s < end && (unsigned char)(*s - '0') < 10)
		return ms_parse_u64(p, end, out);
	if (s == *p)
		return false;
	*out = v;
	*p = s;
	return true;
}

/* " 123 kB" up to the end of the line (trailing blanks allowed). The unit
 * is required: a counter without it is not the format we know. */
static bool parse_kb_value(const char *p, const char *end, int64_t *out)
{
	uint64_t v;

	p = skip_padding(p, end);
	if (!parse_counter_digits(&p, end, &v) || v > INT64_MAX)
		return false;
	p = skip_padding(p, end);
	if (end - p < 2 || p[0] != 'k' || p[1] != 'B')
		return false;
	p += 2;
	if (p != end)
		ms_skip_space(&p, end);
	if (p != end)
		return false;
	*out = (int64_t)v;
	return true;
}

int ms_memcounters_line(ms_memcounters *c, const char *line, size_t len)
{
	const char *value;
	int64_t *field = len ? find_counter(c, line, len, &value) : NULL;

	if (!field) {
		/* VmFlags, THPeligible, ProtectionKey, Name, newer keys */
		const char *colon = memchr(line, ':', len);
		return colon && is_key_word(line, (size_t)(colon - line)) ? 0 : -EINVAL;
	}
	/* A repeated key (some vendor kernels print KernelPageSize twice)
	 * simply overwrites: both lines carry the same figure. */
	if (!parse_kb_value(value, line + len, field))
		return -EINVAL;
	return 1;
}

/* ---- maps lines -------------------------------------------------------- */

static bool expect_char(const char **p, const char *end, char ch)
{
	if (*p >= end || **p != ch)
		return false;
	(*p)++;
	return true;
}

/* "rwxp": each position is its letter or '-', the last 's' or 'p'. */
static bool parse_perms(const char **p, const char *end, char perms[5])
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "sp" };

	if (end - *p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		char ch = (*p)[i];
		if (ch != allowed[i][0] && ch != allowed[i][1])
			return false;
		perms[i] = ch;
	}
	perms[4] = '\0';
	*p += 4;
	return true;
}

/* "fd:01", "103:02": major is 12 bits, minor 20 bits (MINORBITS). */
static bool parse_dev(const char **p, const char *end, unsigned *major, unsigned *minor)
{
	uint64_t maj, min;

	if (!ms_parse_hex_u64(p, end, &maj) || !expect_char(p, end, ':') ||
	    !ms_parse_hex_u64(p, end, &min))
		return false;
	if (maj > 0xfff || min > 0xfffff)
		return false;
	*major = (unsigned)maj;
	*minor = (unsigned)min;
	return true;
}

static void vma_init(ms_vma *vma)
{
	memset(vma, 0, sizeof(*vma));
	ms_memcounters_init(&vma->mem);
}

int ms_parse_maps_line(const char *line, size_t len, ms_vma *vma,
		       const char **path, size_t *pathlen)
{
	const char *p = line, *end = line + len;

	vma_init(vma);
	if (!ms_parse_hex_u64(&p, end, &vma->start) || !expect_char(&p, end, '-') ||
	    !ms_parse_hex_u64(&p, end, &vma->end) || !expect_char(&p, end, ' ') ||
	    !parse_perms(&p, end, vma->perms) || !expect_char(&p, end, ' ') ||
	    !ms_parse_hex_u64(&p, end, &vma->offset) || !expect_char(&p, end, ' ') ||
	    !parse_dev(&p, end, &vma->dev_major, &vma->dev_minor) ||
	    !expect_char(&p, end, ' ') || !ms_parse_u64(&p, end, &vma->inode))
		return -EINVAL;
	if (vma->end < vma->start)
		return -EINVAL;
	/* The kernel pads to a column before the path; an anonymous mapping
	 * ends at the inode or, on older kernels, after one space. */
	if (p < end && *p != ' ')
		return -EINVAL;
	ms_skip_space(&p, end);
	/* Paths are stored NUL-terminated: one with a NUL in it would come
	 * back cut short, so it is refused rather than shown wrong. */
	if (memchr(p, '\0', (size_t)(end - p)))
		return -EINVAL;
	*path = p;
	*pathlen = (size_t)(end - p);
	return 0;
}

/* ---- the list of mappings ---------------------------------------------- */

const char *ms_vma_path(const ms_vmalist *l, size_t i)
{
	if (i >= l->n || l->v[i].path_len == 0 || !l->strings.data)
		return "";
	return l->strings.data + l->v[i].path_off;
}

void ms_vmalist_free(ms_vmalist *l)
{
	free(l->v);
	ms_buf_free(&l->strings);
	l->v = NULL;
	l->n = l->cap = 0;
	l->from_smaps = false;
}

/* Empties l for a new parse, keeping its memory. */
static void vmalist_clear(ms_vmalist *l, bool from_smaps)
{
	l->n = 0;
	ms_buf_reset(&l->strings);
	l->from_smaps = from_smaps;
}

static ms_vma *vmalist_push(ms_vmalist *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		if (cap < l->cap || cap > SIZE_MAX / sizeof(ms_vma))
			return NULL;
		ms_vma *v = realloc(l->v, cap * sizeof(ms_vma));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	return &l->v[l->n++];
}

/* Stores the path of l->v[idx]. Consecutive mappings of one file share
 * their path, which keeps a 60,000-mapping list small. */
static int vmalist_set_path(ms_vmalist *l, size_t idx, const char *path, size_t len)
{
	ms_vma *v = &l->v[idx];

	v->path_off = 0;
	v->path_len = 0;
	if (len == 0)
		return 0;
	if (idx > 0) {
		const ms_vma *prev = &l->v[idx - 1];
		if (prev->path_len == len &&
		    memcmp(l->strings.data + prev->path_off, path, len) == 0) {
			v->path_off = prev->path_off;
			v->path_len = prev->path_len;
			return 0;
		}
	}
	if (len >= UINT32_MAX || l->strings.len > UINT32_MAX - len - 1)
		return -EFBIG;
	if (ms_buf_reserve(&l->strings, len + 1) != 0)
		return -ENOMEM;
	v->path_off = (uint32_t)l->strings.len;
	v->path_len = (uint32_t)len;
	ms_buf_append(&l->strings, path, len); /* cannot fail: reserved */
	ms_buf_append(&l->strings, "", 1);     /* the NUL separator */
	return 0;
}

/* Forgets the last mapping, and its path unless the one before shares it:
 * a list whose mappings are all used as they come stays this small. */
static void vmalist_drop_last(ms_vmalist *l)
{
	const ms_vma *last = &l->v[--l->n];
	const ms_vma *prev = l->n > 0 ? &l->v[l->n - 1] : NULL;
	bool shared = prev && prev->path_len && prev->path_off == last->path_off;

	if (last->path_len && !shared && last->path_off + last->path_len + 1 == l->strings.len) {
		l->strings.len = last->path_off;
		l->strings.data[l->strings.len] = '\0';
	}
}

static const char *path_error(int rc)
{
	return rc == -EFBIG ? "paths longer than 4 GiB in total" : "out of memory";
}

/* Appends the mapping of one header line. */
static int vmalist_add_line(ms_vmalist *l, const char *line, size_t len, unsigned lineno,
			    ms_error *err)
{
	ms_vma vma;
	const char *path;
	size_t pathlen;

	if (ms_parse_maps_line(line, len, &vma, &path, &pathlen) != 0)
		return ms_error_set(err, EINVAL, lineno,
				    "not a mapping line (start-end perms offset dev inode path)");
	ms_vma *slot = vmalist_push(l);
	if (!slot)
		return ms_error_set(err, ENOMEM, lineno, "out of memory");
	*slot = vma;
	int rc = vmalist_set_path(l, l->n - 1, path, pathlen);
	if (rc != 0) {
		l->n--;
		return ms_error_set(err, -rc, lineno, "%s", path_error(rc));
	}
	return 0;
}

int ms_parse_maps(const char *buf, size_t len, ms_vmalist *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;

	ms_error_clear(err);
	vmalist_clear(out, false);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		if (n == 0)
			continue;
		int rc = vmalist_add_line(out, line, n, it.lineno, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- smaps ------------------------------------------------------------- */

/* Headers start with the start address in lower-case hex; counter keys
 * start with a capital letter, even those whose letter is a hex digit
 * ("Anonymous", "FilePmdMapped"). */
static bool is_header(const char *line)
{
	return (line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f');
}

static bool has_prefix(const char *line, size_t len, const char *lit, size_t litlen)
{
	return len >= litlen && memcmp(line, lit, litlen) == 0;
}

#define HAS_PREFIX(line, len, lit) has_prefix(line, len, lit, sizeof(lit) - 1)

/* "VmFlags: rd wr mr mw me ac " -> "rd wr mr mw me ac". A list longer
 * than the field is cut at a flag boundary, never inside a flag. */
static void copy_vmflags(char dst[64], const char *p, const char *end)
{
	ms_skip_space(&p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t len = (size_t)(end - p);
	if (len >= 64) {
		len = 63;
		while (len > 0 && p[len] != ' ')
			len--;
	}
	ms_copy_field(dst, 64, p, len);
}

/* Android kernels print "Name: [anon:...]"; it names a mapping whose
 * header carries no path, and repeats the path otherwise. */
static int use_name_line(ms_smaps_parser *p, const char *line, size_t len)
{
	ms_vmalist *l = p->out;
	const char *s = line + 5, *end = line + len;

	if (l->v[l->n - 1].path_len != 0)
		return 0;
	ms_skip_space(&s, end);
	if (memchr(s, '\0', (size_t)(end - s)))
		return ms_error_set(p->err, EINVAL, p->lineno, "NUL byte in a Name: line");
	int rc = vmalist_set_path(l, l->n - 1, s, (size_t)(end - s));
	if (rc != 0)
		return ms_error_set(p->err, -rc, p->lineno, "%s", path_error(rc));
	return 0;
}

static int vma_body_line(ms_smaps_parser *p, const char *line, size_t len)
{
	ms_vma *vma = &p->out->v[p->out->n - 1];

	/* The first letter is tested before the prefix: these two lines are
	 * rare, and this runs for every line. */
	if (line[0] == 'V' && HAS_PREFIX(line, len, "VmFlags:")) {
		copy_vmflags(vma->vmflags, line + 8, line + len);
		return 0;
	}
	if (line[0] == 'N' && HAS_PREFIX(line, len, "Name:"))
		return use_name_line(p, line, len);
	if (ms_memcounters_line(&vma->mem, line, len) >= 0)
		return 0;
	return ms_error_set(p->err, EINVAL, p->lineno,
			    "neither a mapping header nor a \"Key: N kB\" line");
}

void ms_smaps_parser_init(ms_smaps_parser *p, ms_vmalist *out, ms_error *err)
{
	p->out = out;
	p->lineno = 0;
	p->in_vma = false;
	p->err = err;
	p->status = 0;
	p->on_vma = NULL;
	p->on_vma_ctx = NULL;
	ms_error_clear(err);
	vmalist_clear(out, true);
}

void ms_smaps_parser_on_vma(ms_smaps_parser *p, ms_vma_fn fn, void *ctx)
{
	p->on_vma = fn;
	p->on_vma_ctx = ctx;
}

/* The mapping being read is whole (the next header, or the end, came):
 * hands it to the caller, who may be done with it. */
static int vma_complete(ms_smaps_parser *p)
{
	if (!p->in_vma || !p->on_vma)
		return 0;
	int rc = p->on_vma(p->on_vma_ctx, p->out, p->out->n - 1);
	if (rc == MS_VMA_USED) {
		vmalist_drop_last(p->out);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

int ms_smaps_parser_line(ms_smaps_parser *p, const char *line, size_t len)
{
	int rc;

	if (p->status != 0)
		return p->status;
	p->lineno++;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len == 0)
		return 0;
	if (is_header(line)) {
		rc = vma_complete(p);
		if (rc == 0)
			rc = vmalist_add_line(p->out, line, len, p->lineno, p->err);
		p->in_vma = rc == 0;
	} else if (!p->in_vma) {
		rc = ms_error_set(p->err, EINVAL, p->lineno,
				  "a counter line before the first mapping header");
	} else {
		rc = vma_body_line(p, line, len);
		/* The mapping the bad line belongs to is dropped: the list
		 * keeps only mappings read whole. */
		if (rc != 0)
			p->out->n--;
	}
	if (rc != 0) {
		p->in_vma = false;
		p->status = rc;
	}
	return rc;
}

int ms_smaps_parser_finish(ms_smaps_parser *p)
{
	if (p->status == 0) {
		p->status = vma_complete(p);
		p->in_vma = false;
	}
	return p->status;
}

int ms_parse_smaps(const char *buf, size_t len, ms_vmalist *out, ms_error *err)
{
	ms_smaps_parser p;
	ms_lines it;
	const char *line;
	size_t n;

	ms_smaps_parser_init(&p, out, err);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n))
		if (ms_smaps_parser_line(&p, line, n) != 0)
			break;
	return ms_smaps_parser_finish(&p);
}

/* ---- smaps_rollup ------------------------------------------------------ */

static int rollup_line(ms_memcounters *out, const char *line, size_t len, unsigned lineno,
		       bool *seen_header, ms_error *err)
{
	ms_vma header;
	const char *path;
	size_t pathlen;

	if (is_header(line)) {
		if (*seen_header)
			return ms_error_set(err, EINVAL, lineno,
					    "a second mapping header in smaps_rollup");
		if (ms_parse_maps_line(line, len, &header, &path, &pathlen) != 0)
			return ms_error_set(err, EINVAL, lineno, "malformed smaps_rollup header");
		*seen_header = true;
		return 0;
	}
	if (!*seen_header)
		return ms_error_set(err, EINVAL, lineno, "smaps_rollup without its header line");
	if (ms_memcounters_line(out, line, len) < 0)
		return ms_error_set(err, EINVAL, lineno, "not a \"Key: N kB\" line");
	return 0;
}

/* An empty file (a kernel thread has no mm) leaves every counter MS_NA. */
int ms_parse_smaps_rollup(const char *buf, size_t len, ms_memcounters *out, ms_error *err)
{
	ms_lines it;
	const char *line;
	size_t n;
	bool seen_header = false;

	ms_error_clear(err);
	ms_memcounters_init(out);
	ms_lines_init(&it, buf, len);
	while (ms_lines_next(&it, &line, &n)) {
		if (n == 0)
			continue;
		int rc = rollup_line(out, line, n, it.lineno, &seen_header, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}
