/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libFuzzer entry point of fuzz-FUZZ_TARGET (a -D of meson.build). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ms_fuzz_target *target;

	if (!target) {
		target = ms_fuzz_find(FUZZ_TARGET);
		if (!target) {
			fprintf(stderr, "no fuzz target named %s\n", FUZZ_TARGET);
			abort();
		}
	}
	return ms_fuzz_run(target, data, size);
}
