/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test runner: Criterion's own main, plus what Criterion's closing line
 * leaves out. "Synthesis: Tested: N" counts only the tests that ran, so a
 * clone without ../shared/corpus, a run as a user or a machine without tmux
 * would pass with fewer tests and say nothing. Just before that line, the
 * tests skipped with cr_skip_test are counted by reason; and a run in which
 * every selected test was skipped exits 77, which meson reports as SKIP
 * (meson test --suite corpus without the corpus).
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>
#include <string.h>

#define SKIP_NOT_RUN 77 /* meson's and automake's "skipped" exit status */
#define REASONS 16

/* Skips are grouped by their message up to the first ": " ("corpus
 * absent: no zte-router-... in ..." counts as "corpus absent"). */
struct reason {
	const char *why;
	int len;
	size_t n;
	char suites[160];
};

static size_t ran, skipped;

/* Records suite in r->suites once, as far as it fits. */
static void add_suite(struct reason *r, const char *suite)
{
	size_t len = strlen(suite), have = strlen(r->suites);
	for (const char *p = r->suites; (p = strstr(p, suite)) != NULL; p += len)
		if ((p == r->suites || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
			return;
	if (have + len + 3 < sizeof r->suites)
		snprintf(r->suites + have, sizeof r->suites - have, "%s%s", have ? ", " : "", suite);
}

static void count(struct reason *reasons, size_t *nreasons, const struct criterion_test_stats *t)
{
	const char *why = t->message && *t->message ? t->message : "no reason given";
	const char *colon = strstr(why, ": ");
	int len = colon ? (int)(colon - why) : (int)strlen(why);
	size_t i = 0;

	while (i < *nreasons &&
	       (reasons[i].len != len || strncmp(reasons[i].why, why, (size_t)len) != 0))
		i++;
	if (i >= REASONS - 1) {
		/* Full: the last line, "other reasons", takes the rest. */
		i = REASONS - 1;
		reasons[i].why = "other reasons";
		reasons[i].len = (int)strlen(reasons[i].why);
		*nreasons = REASONS;
	} else if (i == *nreasons) {
		reasons[i].why = why;
		reasons[i].len = len;
		(*nreasons)++;
	}
	reasons[i].n++;
	add_suite(&reasons[i], t->test->category);
}

/* Runs in the runner process after the last test, before Criterion prints
 * its Synthesis line. A test left out by --filter is "disabled", not
 * skipped. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	struct reason reasons[REASONS] = { 0 };
	size_t nreasons = 0;

	for (struct criterion_suite_stats *s = stats->suites; s; s = s->next)
		for (struct criterion_test_stats *t = s->tests; t; t = t->next) {
			if (t->test->data->disabled)
				continue;
			if (t->test_status != CR_STATUS_SKIPPED) {
				ran++;
				continue;
			}
			skipped++;
			count(reasons, &nreasons, t);
		}
	for (size_t i = 0; i < nreasons; i++)
		fprintf(stderr, "[SKIP] %zu test%s: %.*s (%s)\n", reasons[i].n,
			reasons[i].n == 1 ? "" : "s", reasons[i].len, reasons[i].why, reasons[i].suites);
	if (skipped)
		fprintf(stderr, "[====] Skipped: %zu, not counted below as tested\n", skipped);
}

int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	int result = 0;

	if (criterion_handle_args(argc, argv, true)) {
		result = !criterion_run_all_tests(tests);
		if (result == 0 && ran == 0 && skipped > 0)
			result = SKIP_NOT_RUN;
	}
	criterion_finalize(tests);
	return result;
}
