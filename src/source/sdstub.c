/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdstub.c - the libsystemd functions that libproc2.a refers to (meson
 * links libproc2 statically in every build where libproc2.a exists).
 *
 * libproc2 resolves its PIDS_SD_* items (systemd unit, slice, session, seat,
 * owner uid, machine name) through libsystemd's sd-login API, and Debian ships
 * no static libsystemd. memscope never asks for those items, so these are
 * never called on its paths; they exist only so that the link succeeds, and
 * answer as libsystemd does on a system without systemd: "no such data".
 * Boards running Buildroot or BusyBox have no systemd anyway.
 */
#include <errno.h>
#include <sys/types.h>

/* Declared here, not in a header: only the linker looks for them. */
int sd_pid_get_session(pid_t pid, char **session);
int sd_pid_get_owner_uid(pid_t pid, uid_t *uid);
int sd_pid_get_unit(pid_t pid, char **unit);
int sd_pid_get_user_unit(pid_t pid, char **unit);
int sd_pid_get_slice(pid_t pid, char **slice);
int sd_pid_get_machine_name(pid_t pid, char **machine);
int sd_session_get_seat(const char *session, char **seat);

int sd_pid_get_session(pid_t pid, char **session)
{
	(void)pid;
	(void)session;
	return -ENODATA;
}

int sd_pid_get_owner_uid(pid_t pid, uid_t *uid)
{
	(void)pid;
	(void)uid;
	return -ENODATA;
}

int sd_pid_get_unit(pid_t pid, char **unit)
{
	(void)pid;
	(void)unit;
	return -ENODATA;
}

int sd_pid_get_user_unit(pid_t pid, char **unit)
{
	(void)pid;
	(void)unit;
	return -ENODATA;
}

int sd_pid_get_slice(pid_t pid, char **slice)
{
	(void)pid;
	(void)slice;
	return -ENODATA;
}

int sd_pid_get_machine_name(pid_t pid, char **machine)
{
	(void)pid;
	(void)machine;
	return -ENODATA;
}

int sd_session_get_seat(const char *session, char **seat)
{
	(void)session;
	(void)seat;
	return -ENODATA;
}
