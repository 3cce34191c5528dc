/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The running system's kernel log, for capture --dmesg (dmesg.c). */
#ifndef MEMSCOPE_CAPTURE_DMESG_H
#define MEMSCOPE_CAPTURE_DMESG_H

#include "memscope/util.h"

/* The whole kernel ring into out, as `dmesg -r` prints it (or as
 * /dev/kmsg's records where the syslog call is refused). 0, or -errno
 * with err set: -EPERM/-EACCES when this user may not read it. */
int ms_capture_read_dmesg(ms_buf *out, ms_error *err);

#endif
