/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/iomem: this machine's file read as root and as nobody (fixtures),
 * hand-written cases, every iomem in ../shared/corpus against an
 * independent reading (tests/independent_kernelmem.py), hostile trees and
 * the truncation sweep.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "memscope/parse.h"
#include "testutil.h"

static ms_buf buf = MS_BUF_INIT;
static ms_iomem io;
static ms_error err;

static void setup(void)
{
	memset(&io, 0, sizeof io);
	ms_error_clear(&err);
}

static void teardown(void)
{
	ms_iomem_free(&io);
	ms_buf_free(&buf);
}

TestSuite(parse_iomem, .init = setup, .fini = teardown);

static int parse_str(const char *s)
{
	ms_iomem_free(&io);
	return ms_parse_iomem(s, strlen(s), &io, &err);
}

static void parse_path(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "cannot read %s", path);
	cr_assert_eq(ms_parse_iomem(buf.data, buf.len, &io, &err), 0, "%s: line %u: %s", path,
		     err.line, err.msg);
}

static int32_t find_name(const char *name)
{
	for (size_t i = 0; i < io.n; i++)
		if (strcmp(ms_iomem_name(&io, i), name) == 0)
			return (int32_t)i;
	cr_assert_fail("no resource %s", name);
	return -1;
}

/* ---- this machine (Linux 6.18 x86_64, 24 GB) ------------------------------ */

Test(parse_iomem, x86_64_as_root)
{
	parse_path(tu_fixture("iomem/linux-6.18-x86_64"));
	cr_assert_eq(io.n, 27);
	cr_assert_not(io.hidden);
	cr_assert_str_eq(ms_iomem_name(&io, 0), "Reserved");
	cr_assert_eq(io.res[0].kind, MS_IOMEM_RESERVED);
	/* Three System RAM banks, the last above 4 GB. */
	cr_assert_eq(ms_iomem_system_ram_bytes(&io), 0x9ec00 + 0xbff00000 + 0x540000000);
	int32_t high = find_name("System RAM");
	high = ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, (size_t)high + 1);
	high = ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, (size_t)high + 1);
	cr_assert_eq(io.res[high].start, 0x100000000);
	cr_assert_eq(io.res[high].end, 0x63fffffff);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)high), 0x540000000);
	/* The kernel image, x86 style: code, rodata, data, bss. */
	ms_iomem_kernel k;
	ms_iomem_kernel_image(&io, &k);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)k.code), 0x2259aff - 0x1000000 + 1);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)k.rodata), 0x2dfdfff - 0x2400000 + 1);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)k.data), 0x307a57f - 0x2e00000 + 1);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)k.bss), 0x3a59fff - 0x3928000 + 1);
	cr_assert_eq(io.res[k.code].parent, 5);
	cr_assert_str_eq(ms_iomem_name(&io, 5), "System RAM");
	/* Three levels: Reserved > PCI ECAM > PCI Bus. */
	int32_t ecam = find_name("PCI ECAM 0000 [bus 00-00]");
	cr_assert_eq(io.res[ecam].depth, 1);
	cr_assert_eq(ms_iomem_first_child(&io, (size_t)ecam), ecam + 1);
	cr_assert_eq(io.res[ecam + 1].depth, 2);
	cr_assert_str_eq(ms_iomem_name(&io, (size_t)ecam + 1), "PCI Bus 0000:00");
}

/* The same file read by nobody: every address printed as 0. The tree and
 * the names are there; the map is not, and is not made up. */
Test(parse_iomem, x86_64_unprivileged_is_hidden)
{
	ms_iomem root = { 0 };
	parse_path(tu_fixture("iomem/linux-6.18-x86_64"));
	root = io;
	memset(&io, 0, sizeof io);
	parse_path(tu_fixture("iomem/linux-6.18-x86_64-unprivileged"));
	cr_assert(io.hidden);
	cr_assert_eq(io.n, root.n);
	for (size_t i = 0; i < io.n; i++) {
		cr_assert_str_eq(ms_iomem_name(&io, i), ms_iomem_name(&root, i));
		cr_assert_eq(io.res[i].parent, root.res[i].parent);
		cr_assert_eq(io.res[i].kind, root.res[i].kind);
		cr_assert_eq(ms_iomem_bytes(&io, i), MS_NA);
	}
	cr_assert_eq(ms_iomem_system_ram_bytes(&io), MS_NA);
	cr_assert_eq(ms_iomem_children_bytes(&io, 5, MS_IOMEM_KERNEL_CODE), MS_NA);
	ms_iomem_free(&root);
}

/* ---- every iomem of the corpus, against an independent reading ----------- */

static const char *const corpus_iomem[] = {
	"r36s-clone-rk3326-arkos-5.10.160/proc/iomem",
	"xiaomi-sweet-sm7150-arm64/proc/iomem",
	"sep4020-arm720t-2.6.16/proc/iomem",
	"zte-router-armv7-4.1.25/proc/iomem",
	"jiofi-jmr540-mdm9607-armv7/proc/iomem",
	"xilinx-zynq-armv7-4.4/proc/iomem",
	"qemu-arm-6.1/arm64-6.1-cma64-psi/proc/iomem",
	"qemu-arm-6.1/armv7lpae-6.1-256m-nocma-globaloom/proc/iomem",
};

/* What tests/independent_kernelmem.py makes of the file. */
static void independent(const char *kind, const char *path, char *out, size_t cap)
{
	char cmd[2048];
	ms_buf o = MS_BUF_INIT;

	snprintf(cmd, sizeof cmd, "python3 '%s/tests/independent_kernelmem.py' %s '%s'",
		 MS_SRCDIR, kind, path);
	cr_assert_eq(tu_run(cmd, &o), 0, "%s", cmd);
	ms_copy_field(out, cap, o.data, strcspn(o.data, "\n"));
	ms_buf_free(&o);
}

static void assert_agrees(const char *path)
{
	char want[64], got[64];

	ms_iomem_free(&io);
	parse_path(path);
	independent("iomem", path, want, sizeof want);
	int64_t bytes = ms_iomem_system_ram_bytes(&io);
	if (bytes == MS_NA)
		snprintf(got, sizeof got, "hidden");
	else
		snprintf(got, sizeof got, "%lld", (long long)(bytes / 1024));
	cr_assert_str_eq(got, want, "%s", path);
}

Test(parse_iomem, every_corpus_file_agrees_with_an_independent_reading)
{
	if (!tu_corpus(""))
		cr_skip_test("corpus absent");
	for (size_t i = 0; i < MS_ARRAY_LEN(corpus_iomem); i++)
		assert_agrees(tu_corpus(corpus_iomem[i]));
	assert_agrees(tu_fixture("iomem/linux-6.18-x86_64"));
	assert_agrees(tu_fixture("iomem/linux-6.18-x86_64-unprivileged"));
	assert_agrees(tu_fixture("iomem/arm64-crashkernel-4g"));
}

/* A file this suite has not seen: the running kernel's, when readable. */
Test(parse_iomem, this_machine_now_agrees_with_an_independent_reading)
{
	const char *dir = tu_tmpdir();
	char path[512], cmd[1024];

	snprintf(path, sizeof path, "%s/iomem", dir);
	snprintf(cmd, sizeof cmd, "cat /proc/iomem > '%s'", path);
	if (tu_run(cmd, NULL) != 0) {
		tu_rm_rf(dir);
		cr_skip_test("/proc/iomem unreadable");
	}
	assert_agrees(path);
	tu_rm_rf(dir);
}

/* Trees no one wrote by hand: random but well formed (siblings in order,
 * children inside their parent, System RAM anywhere, also inside System
 * RAM), 64-bit addresses, names with spaces and colons. */
static uint64_t rng_state;

static uint64_t rnd(uint64_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (rng_state >> 17) % n : 0;
}

static void random_children(ms_buf *out, uint64_t start, uint64_t end, int depth)
{
	static const char *const names[] = { "System RAM", "reserved", "Kernel code", "Reserved",
					     "PCI Bus 0000:00", "ff040000.gpio0 gpio0@ff040000",
					     "Crash kernel", "ramoops:dmesg" };
	uint64_t at = start;
	int n = depth >= 4 ? 0 : (int)rnd(4);

	for (int i = 0; i < n && at < end; i++) {
		uint64_t s = at + rnd((end - at) / 4 + 1);
		uint64_t e = s + rnd((end - s) / 2 + 1);
		ms_buf_printf(out, "%*s%08llx-%08llx : %s\n", depth * 2, "", (unsigned long long)s,
			      (unsigned long long)e, names[rnd(MS_ARRAY_LEN(names))]);
		random_children(out, s, e, depth + 1);
		if (e == end)
			break;
		at = e + 1;
	}
}

Test(parse_iomem, random_trees_agree_with_an_independent_reading)
{
	const char *dir = tu_tmpdir();
	char path[512];
	ms_buf text = MS_BUF_INIT;

	rng_state = 10;
	for (int t = 0; t < 40; t++) {
		ms_buf_reset(&text);
		uint64_t top = t % 2 ? 0xffffffffULL : 0xfffffffffULL;
		while (text.len == 0)
			random_children(&text, 0, top, 0);
		snprintf(path, sizeof path, "%s/iomem-%d", dir, t);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fwrite(text.data, 1, text.len, f);
		fclose(f);
		assert_agrees(path);
	}
	ms_buf_free(&text);
	tu_rm_rf(dir);
}

Test(parse_iomem, rockchip_bsp_names_and_two_banks)
{
	const char *path = tu_corpus(corpus_iomem[0]);
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	cr_assert_str_eq(ms_iomem_name(&io, 0), "ramoops:dmesg");
	int32_t gpio = find_name("ff040000.gpio0 gpio0@ff040000");
	cr_assert_eq(io.res[gpio].start, 0xff040000);
	cr_assert_eq(io.res[gpio].end, 0xff0400ff);
	cr_assert_eq(io.res[gpio].kind, MS_IOMEM_OTHER);
	int32_t bank1 = ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, 0);
	int32_t bank2 = ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, (size_t)bank1 + 1);
	cr_assert_eq(io.res[bank2].start, 0x08c00000);
	cr_assert_eq(ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, (size_t)bank2 + 1), -1);
	/* Bank 1 holds the kernel and two reservations, bank 2 ten. */
	cr_assert_eq(ms_iomem_children_bytes(&io, (size_t)bank1, MS_IOMEM_RESERVED),
		     0x740000 + 0x1c000);
	cr_assert_eq(ms_iomem_children_bytes(&io, (size_t)bank2, MS_IOMEM_RESERVED),
		     0xc96000 + 0x8000000 + 0x2f0000 + 0x8c0000 + 0x1000 + 0x78000 + 0x1000 +
			     0x2000 + 0x11000 + 0x16a000);
	cr_assert_eq(ms_iomem_children_bytes(&io, (size_t)bank1, MS_IOMEM_KERNEL_CODE), 0x1350000);
	ms_iomem_kernel k;
	ms_iomem_kernel_image(&io, &k);
	cr_assert_eq(k.rodata, -1);
	cr_assert_eq(k.bss, -1);
	cr_assert_eq(io.res[k.data].start, 0x01e90000);
}

Test(parse_iomem, ram_above_4g_on_an_android_phone)
{
	const char *path = tu_corpus(corpus_iomem[1]);
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	int32_t i = find_name("System RAM");
	int banks = 0;
	for (; i >= 0; i = ms_iomem_find(&io, MS_IOMEM_SYSTEM_RAM, (size_t)i + 1), banks++)
		cr_assert_eq(io.res[i].depth, 0);
	cr_assert_eq(banks, 4);
	int32_t last = (int32_t)io.n - 1;
	cr_assert_str_eq(ms_iomem_name(&io, (size_t)last), "System RAM");
	cr_assert_eq(io.res[last].start, 0xb0000000);
	cr_assert_eq(io.res[last].end, 0x27bafffff);
}

Test(parse_iomem, kernel_text_of_linux_2_6_16)
{
	const char *path = tu_corpus(corpus_iomem[2]);
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	ms_iomem_kernel k;
	ms_iomem_kernel_image(&io, &k);
	cr_assert_str_eq(ms_iomem_name(&io, (size_t)k.code), "Kernel text");
	cr_assert_eq(io.res[k.code].start, 0x30022000);
	cr_assert_eq(io.res[k.data].end, 0x3031b8a3);
	/* "2c000000-2d000000": an odd-sized but valid resource. */
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)find_name("s1r72v17")), 0x1000001);
}

Test(parse_iomem, three_levels_of_pci_on_a_router)
{
	const char *path = tu_corpus(corpus_iomem[3]);
	if (!path)
		cr_skip_test("corpus absent");
	parse_path(path);
	int32_t pcie = find_name("pcie0 mem space");
	int32_t dev = ms_iomem_first_child(&io, (size_t)pcie);
	cr_assert_eq(io.res[dev].depth, 1);
	int32_t bar = ms_iomem_first_child(&io, (size_t)dev);
	cr_assert_eq(io.res[bar].depth, 2);
	cr_assert_eq(io.res[bar].parent, dev);
	cr_assert_str_eq(ms_iomem_name(&io, (size_t)bar), "0000:00:00.0");
	cr_assert_eq(io.res[bar].next, -1);
}

/* ---- hand-written ---------------------------------------------------------- */

/* arm64 with a crash kernel reservation and RAM above 4 GB. */
Test(parse_iomem, crash_kernel_and_nested_system_ram)
{
	parse_path(tu_fixture("iomem/arm64-crashkernel-4g"));
	int32_t crash = ms_iomem_find(&io, MS_IOMEM_CRASH_KERNEL, 0);
	cr_assert_geq(crash, 0);
	cr_assert_eq(ms_iomem_bytes(&io, (size_t)crash), 0x10000000);
	cr_assert_eq(io.res[io.res[crash].parent].kind, MS_IOMEM_SYSTEM_RAM);
	/* A System RAM inside a System RAM is counted once; one inside a
	 * virtio-mem device range is counted. */
	cr_assert_eq(ms_iomem_system_ram_bytes(&io), 0x80000000 + 0x100000000 + 0x80000000);
}

Test(parse_iomem, names_as_printed)
{
	cr_assert_eq(parse_str("00000000-00000fff : \n"
			       "00001000-00001fff :\n"
			       "00002000-00002fff : <BAD>\n"
			       "00003000-00003fff : a : b  \n"
			       "00004000-00004fff : tab\there\r\n"),
		     0, "%s", err.msg);
	cr_assert_eq(io.n, 5);
	cr_assert_str_eq(ms_iomem_name(&io, 0), "");
	cr_assert_str_eq(ms_iomem_name(&io, 1), "");
	cr_assert_str_eq(ms_iomem_name(&io, 2), "<BAD>");
	cr_assert_str_eq(ms_iomem_name(&io, 3), "a : b  ");
	cr_assert_str_eq(ms_iomem_name(&io, 4), "tab\there");
}

/* The kernel prints nothing deeper than depth 5: a depth-6 resource comes
 * out beside its depth-5 parent, inside its range. */
Test(parse_iomem, flattened_below_the_fifth_level)
{
	cr_assert_eq(parse_str("00000000-ffffffff : a\n"
			       "  00000000-0fffffff : b\n"
			       "    00000000-00ffffff : c\n"
			       "      00000000-000fffff : d\n"
			       "        00000000-0000ffff : e\n"
			       "          00000000-00000fff : f\n"
			       "          00000000-000000ff : g (inside f)\n"
			       "          00001000-00001fff : h\n"),
		     0, "line %u: %s", err.line, err.msg);
	cr_assert_eq(io.res[6].depth, 5);
	cr_assert_eq(io.res[6].parent, 4);
}

Test(parse_iomem, hostile_trees_are_errors_naming_the_line)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "00000000-00000fff : a\n00001000-00000fff : inverted\n", 2 },
		{ "00000000-00000fff : a\n00000800-00001fff : overlaps a\n", 2 },
		{ "00000000-00000fff : a\n  00000000-00001fff : wider than a\n", 2 },
		{ "00001000-00001fff : a\n  00000000-00000fff : before a\n", 2 },
		{ "00000000-00000fff : a\n    00000000-000000ff : skips a level\n", 2 },
		{ "   00000000-00000fff : odd indent\n", 1 },
		{ "00000000-0000zfff : bad hex\n", 1 },
		{ "00000000 - 00000fff : spaces\n", 1 },
		{ "00000000-00000fff: no blank\n", 1 },
		{ "00000000-00000fff   name\n", 1 },
		{ "0x00000000-0x00000fff : prefixed\n", 1 },
		{ "00000000-00000fff : a\n\tx\n", 2 },
		{ "00000000-10000000000000000 : 65 bits\n", 1 },
		{ "MemTotal: 1 kB\n", 1 },
	};
	for (size_t i = 0; i < MS_ARRAY_LEN(bad); i++) {
		cr_assert_eq(parse_str(bad[i].text), -EINVAL, "accepted %s", bad[i].text);
		cr_assert_eq(err.line, bad[i].line, "%s: line %u, %s", bad[i].text, err.line,
			     err.msg);
		cr_assert_eq(io.n, 0);
		cr_assert_null(io.res);
	}
	cr_assert_eq(parse_str(""), -EINVAL);
	cr_assert_eq(parse_str("\n  \n"), -EINVAL);
}

/* Zeros overlap everywhere; that is what a hidden file looks like. */
Test(parse_iomem, hidden_zeros_are_not_overlaps)
{
	cr_assert_eq(parse_str("00000000-00000000 : System RAM\n"
			       "  00000000-00000000 : Kernel code\n"
			       "00000000-00000000 : System RAM\n"),
		     0, "%s", err.msg);
	cr_assert(io.hidden);
	cr_assert_eq(ms_iomem_system_ram_bytes(&io), MS_NA);
}

Test(parse_iomem, nul_bytes_in_a_name_are_kept_raw)
{
	static const char in[] = "00000000-00000fff : a\0b\n";
	cr_assert_eq(ms_parse_iomem(in, sizeof in - 1, &io, &err), 0, "%s", err.msg);
	cr_assert_eq(io.res[0].name_len, 3);
}

/* Any cut of a real file parses, or fails with EINVAL and leaves nothing. */
static void sweep(const char *path)
{
	cr_assert(tu_read_file(path, &buf), "%s", path);
	for (size_t n = 0; n <= buf.len; n++) {
		ms_iomem t = { 0 };
		int rc = ms_parse_iomem(buf.data, n, &t, &err);
		cr_assert(rc == 0 || (rc == -EINVAL && t.n == 0 && !t.res), "%s cut at %zu: %d",
			  path, n, rc);
		ms_iomem_free(&t);
	}
}

Test(parse_iomem, every_truncation_of_real_files)
{
	sweep(tu_fixture("iomem/linux-6.18-x86_64"));
	sweep(tu_fixture("iomem/linux-6.18-x86_64-unprivileged"));
	if (tu_corpus(""))
		sweep(tu_corpus(corpus_iomem[0]));
}
