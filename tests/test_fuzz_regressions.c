/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replays, through the fuzz targets of tests/fuzz, every input that once
 * made one of them fail (tests/fuzz/regressions/<target>/) and every
 * fixture of the formats they read: each must give a clean result or a
 * clean error, without a crash, a leak or a broken check (the targets
 * abort on a broken check, which Criterion reports as a crash).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/targets.h"
#include "testutil.h"

#define REGRESSIONS MS_SRCDIR "/tests/fuzz/regressions"

/* Feeds every regular file of dir whose name ends in suffix ("" for all)
 * to the target; returns how many. A missing dir counts none. */
static size_t replay_dir(const char *target, const char *dir, const char *suffix)
{
	const ms_fuzz_target *t = ms_fuzz_find(target);
	DIR *d = opendir(dir);
	struct dirent *e;
	ms_buf b = MS_BUF_INIT;
	char path[1024];
	size_t n = 0;

	cr_assert_not_null(t, "no fuzz target %s", target);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), slen = strlen(suffix);
		if (e->d_name[0] == '.' || len < slen || strcmp(e->d_name + len - slen, suffix))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!tu_read_file(path, &b))
			continue;
		cr_log_info("fuzz-%s < %s", target, path);
		cr_assert_eq(ms_fuzz_run(t, (const uint8_t *)b.data, b.len), 0, "%s", path);
		n++;
	}
	closedir(d);
	ms_buf_free(&b);
	return n;
}

static size_t replay_regressions(const char *target)
{
	char dir[512];

	snprintf(dir, sizeof dir, "%s/%s", REGRESSIONS, target);
	return replay_dir(target, dir, "");
}

/* A target's saved reproducers, then the fixtures of its format: at least
 * one input, so that a moved fixture folder cannot make the test empty. */
static void replay(const char *target, const char *fixture_dir, const char *suffix)
{
	size_t n = replay_regressions(target);

	n += replay_dir(target, tu_fixture(fixture_dir), suffix);
	cr_assert_gt(n, 0, "nothing replayed through fuzz-%s", target);
}

TestSuite(fuzz_regressions, .timeout = 120);

Test(fuzz_regressions, every_folder_names_a_target)
{
	DIR *d = opendir(REGRESSIONS);
	struct dirent *e;

	cr_assert_not_null(d, "%s missing", REGRESSIONS);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && e->d_type == DT_DIR)
			cr_expect_not_null(ms_fuzz_find(e->d_name),
					   "regressions/%s: no such fuzz target", e->d_name);
	closedir(d);
}

Test(fuzz_regressions, meminfo) { replay("meminfo", "meminfo", ""); }
Test(fuzz_regressions, vmstat) { replay("vmstat", "vmstat", ""); }
Test(fuzz_regressions, buddyinfo) { replay("buddyinfo", "buddyinfo", ""); }
Test(fuzz_regressions, pagetypeinfo) { replay("pagetypeinfo", "pagetypeinfo", ""); }
Test(fuzz_regressions, zoneinfo) { replay("zoneinfo", "zoneinfo", ""); }
Test(fuzz_regressions, slabinfo) { replay("slabinfo", "slabinfo", ""); }
Test(fuzz_regressions, smaps) { replay("smaps", "smaps", ".smaps"); }
Test(fuzz_regressions, maps) { replay("maps", "maps", ""); }
Test(fuzz_regressions, rollup) { replay("rollup", "smaps", ".smaps_rollup"); }

Test(fuzz_regressions, pid)
{
	replay("pid", "status", "");
	cr_assert_gt(replay_dir("pid", tu_fixture("stat"), ""), 0);
}

Test(fuzz_regressions, mounts) { replay("mounts", "mounts", ""); }
Test(fuzz_regressions, sysvipc) { replay("sysvipc", "sysvipc_shm", ""); }
Test(fuzz_regressions, swaps) { replay("swaps", "swaps", ""); }
Test(fuzz_regressions, zram) { replay("zram", "zram/linux-6.18-x86_64-lz4", ""); }
Test(fuzz_regressions, categories) { replay("categories", "smaps", ".smaps"); }
Test(fuzz_regressions, meta) { replay("meta", "snapshots/mem16k", "memscope-snapshot"); }
Test(fuzz_regressions, cgroup) { replay("cgroup", "cgroup/v1-x86_64-6.18-after-oom", ""); }
Test(fuzz_regressions, oom) { replay("oom", "oom", ""); }
Test(fuzz_regressions, kernlog) { replay("kernlog", "oom", ""); }

/* Issue 10's targets: reproducers, then the fixtures of each format. */
Test(fuzz_regressions, iomem) { replay("iomem", "iomem", ""); }
Test(fuzz_regressions, vmallocinfo) { replay("vmallocinfo", "vmallocinfo", ""); }
Test(fuzz_regressions, psi) { replay("psi", "pressure", ""); }
Test(fuzz_regressions, memblock) { replay("memblock", "memblock", ""); }
Test(fuzz_regressions, dmabuf)
{
	replay("dmabuf", "dmabuf", "");
	cr_assert_gt(replay_dir("dmabuf", tu_fixture("dmabuf/fdinfo"), ""), 0);
}
Test(fuzz_regressions, cma) { replay("cma", "cma/arm64-6.14/sys/kernel/debug/cma/reserved", ""); }

/* The device-tree target reads files packed as "path\n", a length byte
 * and the content: each fixture tree, packed here. */
static void pack_file(ms_buf *out, const char *root, const char *rel)
{
	char path[1024];
	ms_buf b = MS_BUF_INIT;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	cr_assert(tu_read_file(path, &b), "%s", path);
	unsigned char len = b.len > 255 ? 255 : (unsigned char)b.len;
	ms_buf_printf(out, "%s\n", rel);
	ms_buf_putc(out, (char)len);
	ms_buf_append(out, b.data, len);
	ms_buf_free(&b);
}

Test(fuzz_regressions, devicetree)
{
	static const char *const files[] = {
		"#address-cells", "#size-cells", "memory/reg", "memory/device_type",
		"reserved-memory/#address-cells", "reserved-memory/#size-cells",
		"reserved-memory/linux,cma/size", "reserved-memory/linux,cma/reusable",
		"reserved-memory/optee@8400000/reg", "reserved-memory/optee@8400000/no-map",
		"reserved-memory/drm-logo@0/status",
	};
	const ms_fuzz_target *t = ms_fuzz_find("devicetree");
	ms_buf packed = MS_BUF_INIT;

	cr_assert_not_null(t);
	replay_regressions("devicetree");
	for (size_t i = 0; i < MS_ARRAY_LEN(files); i++)
		pack_file(&packed, tu_fixture("devicetree/rk3566-4g"), files[i]);
	cr_assert_eq(ms_fuzz_run(t, (const uint8_t *)packed.data, packed.len), 0);
	ms_buf_free(&packed);
}

/* The snapshot target reads archives: besides its reproducers, a tar and
 * a tar.gz of each fixture snapshot, made here. */
Test(fuzz_regressions, tar)
{
	static const char *const snaps[] = { "snapshots/mem16k", "snapshots/kps64k",
					     "snapshots/smemcap" };
	const char *dir = tu_tmpdir();
	char cmd[2048];

	for (size_t i = 0; i < MS_ARRAY_LEN(snaps); i++) {
		snprintf(cmd, sizeof cmd, "tar -C '%s' -cf '%s/%zu.tar' . && gzip -k '%s/%zu.tar'",
			 tu_fixture(snaps[i]), dir, i, dir, i);
		cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	}
	replay_regressions("tar");
	cr_assert_eq(replay_dir("tar", dir, ""), 2 * MS_ARRAY_LEN(snaps));
	tu_rm_rf(dir);
}

/* memscope-unread: its reproducers and a file as capture writes it. */
Test(fuzz_regressions, unread)
{
	const char *dir = tu_tmpdir();
	char cmd[1024];

	snprintf(cmd, sizeof cmd,
		 "printf '*/smaps\\tneeds root\\t2\\t1 17\\nslabinfo\\tneeds root\\n' > '%s/u'",
		 dir);
	cr_assert_eq(tu_run(cmd, NULL), 0, "%s", cmd);
	replay_regressions("unread");
	cr_assert_eq(replay_dir("unread", dir, ""), 1);
	tu_rm_rf(dir);
}

/* The JSON oracle of the snapshot target must tell broken documents from
 * good ones, or the target would pass anything. */
Test(fuzz_regressions, json_oracle_rejects_what_rfc_8259_rejects)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "null", "\"caf\xc3\xa9\"", "{\"k\":{\"k\":[[],{}]}}",
		" {\"a\": [1, true, false, null, \"\\u00e9\"]} ",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "NaN", "-Infinity", "\"\x1b[31m\"",
		"\"\\x41\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "{} {}", "\"a", "[1 2]", "tru",
	};

	for (size_t i = 0; i < MS_ARRAY_LEN(good); i++)
		cr_expect(ms_fuzz_json_valid(good[i], strlen(good[i])), "%s", good[i]);
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++)
		cr_expect_not(ms_fuzz_json_valid(bad[i], strlen(bad[i])), "%s", bad[i]);
}
