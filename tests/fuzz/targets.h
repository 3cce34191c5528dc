/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzz targets, one per input format memscope reads. Each fuzz-<name>
 * executable runs one of them under libFuzzer; the Criterion suite
 * "fuzz_regressions" replays the saved reproducers through the same
 * functions, so a fixed crash stays fixed in the ordinary test run.
 *
 * A target returns 0. It aborts (through FUZZ_CHECK) when a result breaks
 * the contract of parse.h/source.h, e.g. an error code without a message:
 * that makes such a result a finding, like a crash.
 */
#ifndef MEMSCOPE_FUZZ_TARGETS_H
#define MEMSCOPE_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "memscope/util.h"

typedef int (*ms_fuzz_fn)(const uint8_t *data, size_t size);

typedef struct ms_fuzz_target {
	const char *name; /* "meminfo" for fuzz-meminfo */
	ms_fuzz_fn fn;
} ms_fuzz_target;

/* NULL when no target has that name. */
const ms_fuzz_target *ms_fuzz_find(const char *name);
/* Runs t on one input; the checks may ask about the input meanwhile. */
int ms_fuzz_run(const ms_fuzz_target *t, const uint8_t *data, size_t size);
/* True when the input being run holds s (an error message may then quote
 * it without that being a finding). */
bool ms_fuzz_input_holds(const char *s);

/* Prints what broke, where, and aborts (libFuzzer then saves the input). */
void ms_fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

#define FUZZ_CHECK(cond)                                                 \
	do {                                                             \
		if (!(cond))                                             \
			ms_fuzz_fail(__FILE__, __LINE__, #cond);         \
	} while (0)

/* A parser's return and its error record agree: 0, or -code with a
 * message (the line may be 0 when no line applies). */
void ms_fuzz_check_result(int rc, const ms_error *err);

/* True when s[0..len) is one well-formed JSON value (RFC 8259). */
bool ms_fuzz_json_valid(const char *s, size_t len);

/* Targets, defined in targets_parse.c and targets_snapshot.c. */
int ms_fuzz_meminfo(const uint8_t *data, size_t size);
int ms_fuzz_vmstat(const uint8_t *data, size_t size);
int ms_fuzz_buddyinfo(const uint8_t *data, size_t size);
int ms_fuzz_pagetypeinfo(const uint8_t *data, size_t size);
int ms_fuzz_zoneinfo(const uint8_t *data, size_t size);
int ms_fuzz_slabinfo(const uint8_t *data, size_t size);
int ms_fuzz_smaps(const uint8_t *data, size_t size);
int ms_fuzz_maps(const uint8_t *data, size_t size);
int ms_fuzz_rollup(const uint8_t *data, size_t size);
int ms_fuzz_pid(const uint8_t *data, size_t size);
int ms_fuzz_meta(const uint8_t *data, size_t size);
int ms_fuzz_unread(const uint8_t *data, size_t size);
int ms_fuzz_tar(const uint8_t *data, size_t size);
int ms_fuzz_kernlog(const uint8_t *data, size_t size);
/* Issue 13, in targets_user.c. */
int ms_fuzz_mounts(const uint8_t *data, size_t size);
int ms_fuzz_sysvipc(const uint8_t *data, size_t size);
int ms_fuzz_swaps(const uint8_t *data, size_t size);
int ms_fuzz_zram(const uint8_t *data, size_t size);
int ms_fuzz_categories(const uint8_t *data, size_t size);
/* Issue 12: memory cgroups and OOM reports (targets_parse.c). */
int ms_fuzz_cgroup(const uint8_t *data, size_t size);
int ms_fuzz_oom(const uint8_t *data, size_t size);
/* Issue 10, in targets_ram.c. */
int ms_fuzz_iomem(const uint8_t *data, size_t size);
int ms_fuzz_vmallocinfo(const uint8_t *data, size_t size);
int ms_fuzz_devicetree(const uint8_t *data, size_t size);
int ms_fuzz_cma(const uint8_t *data, size_t size);
int ms_fuzz_dmabuf(const uint8_t *data, size_t size);
int ms_fuzz_psi(const uint8_t *data, size_t size);
int ms_fuzz_memblock(const uint8_t *data, size_t size);

#endif
