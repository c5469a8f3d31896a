// SPDX-License-Identifier: Apache-2.0
/* Atomic write-back of a fixed file (temporary file, fsync, rename). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../base/file_write.h"
#include "../base/str.h"
#include "fix_write.h"

static int refuse(char **why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*why = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	return err;
}

int bc_file_snap_take(const char *path, struct bc_file_snap *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st))
		return -errno;
	s->valid = true;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
	return 0;
}

static bool snap_matches(const struct bc_file_snap *s, const struct stat *st)
{
	return s->valid && s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
	       s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Does the open file FD hold exactly ORIG? */
static int same_content(int fd, const unsigned char *orig, size_t orig_size)
{
	unsigned char buf[16384];
	size_t pos = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!r)
			break;
		if (pos + r > orig_size || memcmp(buf, orig + pos, r))
			return 0;
		pos += r;
	}
	return pos == orig_size;
}

/* Still the file that was read, with the bytes that were analysed? */
static int check_unchanged(const char *target, const struct bc_file_snap *snap,
			   const void *orig, size_t orig_size, char **why)
{
	struct stat st;
	int fd, same;

	fd = open(target, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(why, -ESTALE, "it changed since it was read (%s)", strerror(errno));
	if (fstat(fd, &st) || !snap_matches(snap, &st)) {
		close(fd);
		return refuse(why, -ESTALE, "it changed since it was read");
	}
	same = same_content(fd, orig, orig_size);
	close(fd);
	if (same < 0)
		return refuse(why, same, "cannot read it back: %s", strerror(-same));
	if (!same)
		return refuse(why, -ESTALE, "it changed since it was read");
	return 0;
}

static int check_target(const char *target, const struct stat *st, char **why)
{
	if (!S_ISREG(st->st_mode))
		return refuse(why, -EINVAL, "it is not a regular file");
	if (st->st_nlink > 1)
		return refuse(why, -EMLINK,
			      "it has %lu hard links and replacing it would split them",
			      (unsigned long)st->st_nlink);
	/* root passes access(2) on any file: look at the permission bits too */
	if (!(st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(target, W_OK))
		return refuse(why, -EACCES, "it is read-only");
	return 0;
}

struct expect {
	const struct bc_file_snap *snap;
	const void *orig;
	size_t orig_size;
};

/* The write's last look before the rename: nobody wrote the file meanwhile. */
static int still_unchanged(const char *target, void *arg, char **why)
{
	const struct expect *exp = arg;

	return check_unchanged(target, exp->snap, exp->orig, exp->orig_size, why);
}

int bc_fix_write(const char *path, const struct bc_file_snap *snap, const void *orig,
		 size_t orig_size, const void *data, size_t size, char **why)
{
	struct expect exp = { .snap = snap, .orig = orig, .orig_size = orig_size };
	struct bc_file_write f;
	char *target;
	struct stat st;
	int err;

	*why = NULL;
	/* a symbolic link is written through: check the file it points at */
	target = realpath(path, NULL);
	if (!target)
		return refuse(why, -errno, "cannot resolve it: %s", strerror(errno));
	if (stat(target, &st))
		err = refuse(why, -errno, "cannot stat it: %s", strerror(errno));
	else
		err = check_target(target, &st, why);
	if (!err)
		err = check_unchanged(target, snap, orig, orig_size, why);
	if (!err)
		err = bc_file_write_begin(&f, target, why);
	free(target);
	if (err)
		return err;
	if (!f.tmp) {		/* it gained a hard link or changed kind meanwhile */
		bc_file_write_abort(&f);
		return refuse(why, -ESTALE, "it changed since it was read");
	}
	err = bc_file_write_data(&f, data, size, why);
	if (err) {
		bc_file_write_abort(&f);
		return err;
	}
	return bc_file_write_commit(&f, still_unchanged, &exp, why);
}
