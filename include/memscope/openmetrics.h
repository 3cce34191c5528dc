/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Samples as the OpenMetrics text exposition (the format Prometheus
 * scrapes): meminfo under node_exporter's own names, so that existing
 * dashboards keep working, and memscope_* names for the rest (doc/remote.md
 * lists every family, its labels and its cardinality).
 *
 * A document holds every family once, whatever the number of samples: one
 * sample (a scrape) or many (a recording, for promtool's backfilling),
 * each family's series grouped and in time order as the format requires.
 */
#ifndef MEMSCOPE_OPENMETRICS_H
#define MEMSCOPE_OPENMETRICS_H

#include "memscope/model.h"

/* The parts a sample needs for the exposition. */
#define MS_OM_PARTS                                                                     \
	(MS_PART_MEMINFO | MS_PART_BUDDY | MS_PART_PAGETYPE | MS_PART_ZONEINFO |        \
	 MS_PART_SLABINFO | MS_PART_PROCS)

/* The processes and slab caches shown one by one, by size; the rest are
 * summed into one series labelled "other". */
#define MS_OM_DEFAULT_TOP 20

typedef struct ms_om_opts {
	long top;         /* processes and caches shown; <= 0: the default */
	bool timestamps;  /* each sample's capture time on its lines, when known */
	bool host_label;  /* a host="..." label on every series */
} ms_om_opts;

typedef struct ms_om_doc ms_om_doc;

ms_om_doc *ms_om_new(const ms_om_opts *o);
void ms_om_free(ms_om_doc *d);
/* Adds one sample's series. src is read for what the sample does not hold
 * (memory pressure). A sample without a capture time gets no timestamp
 * (the caller says so). 0 or -ENOMEM. */
int ms_om_add(ms_om_doc *d, const ms_sample *s, ms_source *src, ms_error *err);
/* The document, families in the order they first appeared, "# EOF" last. */
int ms_om_write(ms_om_doc *d, ms_buf *out);

/* OpenMetrics content type, for an HTTP answer. */
#define MS_OM_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif
