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

#include "../core/diag.h"
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

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= w;
	}
	return 0;
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

/* Reads the value of extended attribute NAME of TARGET into a heap buffer. */
static int get_xattr(const char *target, const char *name, char **val, ssize_t *len)
{
	for (;;) {
		ssize_t n = getxattr(target, name, NULL, 0);

		if (n < 0)
			return -errno;
		*val = malloc(n ? n : 1);
		if (!*val)
			return -ENOMEM;
		*len = getxattr(target, name, *val, n);
		if (*len >= 0)
			return 0;
		free(*val);
		*val = NULL;
		if (errno != ERANGE)	/* ERANGE: it grew in between, ask again */
			return -errno;
	}
}

/*
 * Copies every extended attribute of TARGET (user.*, security.* labels such
 * as SELinux's, system.posix_acl_* ACLs) to the temporary file FD, after its
 * mode is set: an ACL's mask and the mode bits are the same thing, so the
 * ACL comes last. An attribute that cannot be copied refuses the write.
 */
static int copy_xattrs(int fd, const char *target, char **why)
{
	char *names = NULL, *val = NULL;
	ssize_t n, len = 0;
	int err = 0;

	for (;;) {
		n = listxattr(target, NULL, 0);
		if (n < 0) {
			if (errno == ENOTSUP)
				return 0;	/* the file system has none to keep */
			return refuse(why, -errno, "cannot list its extended attributes: %s",
				      strerror(errno));
		}
		if (!n)
			return 0;
		names = malloc(n);
		if (!names)
			return -ENOMEM;
		n = listxattr(target, names, n);
		if (n >= 0)
			break;
		free(names);
		if (errno != ERANGE)
			return refuse(why, -errno, "cannot list its extended attributes: %s",
				      strerror(errno));
	}
	for (char *name = names; !err && name < names + n; name += strlen(name) + 1) {
		err = get_xattr(target, name, &val, &len);
		if (err == -ENODATA) {	/* removed in between: nothing to keep */
			err = 0;
			continue;
		}
		if (err) {
			err = refuse(why, err, "cannot read its extended attribute '%s': %s", name,
				     strerror(-err));
			break;
		}
		if (fsetxattr(fd, name, val, len, 0))
			err = refuse(why, -errno, "its extended attribute '%s' cannot be kept: %s",
				     name, strerror(errno));
		free(val);
		val = NULL;
	}
	free(names);
	return err;
}

/* Gives the temporary file FD the original's owner, group and mode. */
static int copy_attrs(int fd, const struct stat *st, char **why)
{
	struct stat tst;

	if (fstat(fd, &tst))
		return refuse(why, -errno, "cannot stat the temporary file: %s", strerror(errno));
	/* ownership first: chown clears set-user-ID bits that fchmod then restores */
	if ((tst.st_uid != st->st_uid || tst.st_gid != st->st_gid) &&
	    fchown(fd, st->st_uid, st->st_gid))
		return refuse(why, -EPERM, "its owner and group (%u:%u) cannot be kept: %s",
			      (unsigned)st->st_uid, (unsigned)st->st_gid, strerror(errno));
	if (fchmod(fd, st->st_mode & 07777))
		return refuse(why, -errno, "its mode cannot be kept: %s", strerror(errno));
	return 0;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);	/* best effort: the rename itself already happened */
		close(fd);
	}
}

/* What must still be on disk right before the rename (NULL: nothing). */
struct expect {
	const struct bc_file_snap *snap;
	const void *orig;
	size_t orig_size;
};

/*
 * Replaces TARGET by DATA through a temporary file in its directory that
 * gets ST's owner, mode and extended attributes (ST NULL: a new file, with
 * the mode open(2) would give it under the umask), is fsynced, checked
 * against EXP and renamed over TARGET; the directory is fsynced after.
 */
static int replace_target(const char *target, const struct stat *st, const void *data,
			  size_t size, const struct expect *exp, char **why)
{
	char *dcopy = strdup(target), *bcopy = strdup(target), *tmp = NULL;
	const char *dir, *base;
	mode_t mask;
	int fd, err;

	if (!dcopy || !bcopy) {
		err = -ENOMEM;
		goto out;
	}
	dir = dirname(dcopy);
	base = basename(bcopy);
	if (asprintf(&tmp, "%s/.%s.bpfcheck-XXXXXX", dir, base) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = refuse(why, -errno, "cannot create a temporary file in '%s': %s", dir,
			     strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (st) {
		err = copy_attrs(fd, st, why);
		if (!err)
			err = copy_xattrs(fd, target, why);
	} else {
		mask = umask(0);	/* mkstemp gives 0600 */
		umask(mask);
		err = fchmod(fd, 0666 & ~mask) ?
			refuse(why, -errno, "cannot set the mode of the temporary file: %s",
			       strerror(errno)) : 0;
	}
	if (!err && (err = write_all(fd, data, size)))
		refuse(why, err, "cannot write the temporary file: %s", strerror(-err));
	if (!err && fsync(fd))
		err = refuse(why, -errno, "cannot sync the temporary file: %s", strerror(errno));
	if (close(fd) && !err)
		err = refuse(why, -errno, "cannot close the temporary file: %s", strerror(errno));
	/* last look before the rename: nobody wrote the file while we worked */
	if (!err && exp)
		err = check_unchanged(target, exp->snap, exp->orig, exp->orig_size, why);
	if (!err && rename(tmp, target))
		err = refuse(why, -errno, "cannot rename the temporary file over it: %s",
			     strerror(errno));
	if (err)
		unlink(tmp);
	else
		sync_dir(dir);
out:
	free(tmp);
	free(dcopy);
	free(bcopy);
	return err;
}

/* PATH, or for a symbolic link the file it points at (heap string). */
static int resolve(const char *path, bool must_exist, char **target, char **why)
{
	struct stat lst;

	*target = NULL;
	if (lstat(path, &lst)) {
		if (errno == ENOENT && !must_exist)
			goto plain;
		return refuse(why, -errno, "cannot stat it: %s", strerror(errno));
	}
	if (S_ISLNK(lst.st_mode)) {
		*target = realpath(path, NULL);	/* written through: the link stays */
		if (!*target)
			return refuse(why, -errno, "cannot resolve the symbolic link: %s",
				      strerror(errno));
		return 0;
	}
plain:
	*target = strdup(path);
	return *target ? 0 : -ENOMEM;
}

int bc_fix_write(const char *path, const struct bc_file_snap *snap, const void *orig,
		 size_t orig_size, const void *data, size_t size, char **why)
{
	struct expect exp = { .snap = snap, .orig = orig, .orig_size = orig_size };
	char *target = NULL;
	struct stat st;
	int err;

	*why = NULL;
	err = resolve(path, true, &target, why);
	if (err)
		return err;
	if (stat(target, &st)) {
		err = refuse(why, -errno, "cannot stat it: %s", strerror(errno));
		goto out;
	}
	err = check_target(target, &st, why);
	if (!err)
		err = check_unchanged(target, snap, orig, orig_size, why);
	if (!err)
		err = replace_target(target, &st, data, size, &exp, why);
out:
	free(target);
	return err;
}

int bc_write_atomic(const char *path, const void *data, size_t size, char **why)
{
	char *target = NULL;
	struct stat st;
	int fd, err;

	*why = NULL;
	err = resolve(path, false, &target, why);
	if (err)
		return err;
	if (stat(target, &st)) {
		if (errno == ENOENT)
			err = replace_target(target, NULL, data, size, NULL, why);
		else
			err = refuse(why, -errno, "cannot stat it: %s", strerror(errno));
	} else if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
		err = access(target, W_OK) ? refuse(why, -errno, "%s", strerror(errno)) :
			replace_target(target, &st, data, size, NULL, why);
	} else {
		/* a device, a FIFO, a terminal, or a file with several names:
		 * written in place (a rename would replace the device node or
		 * split the links) */
		fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			err = refuse(why, -errno, "%s", strerror(errno));
		else if ((err = write_all(fd, data, size)))
			refuse(why, err, "%s", strerror(-err));
		if (fd >= 0 && close(fd) && !err)
			err = refuse(why, -errno, "%s", strerror(errno));
	}
	free(target);
	return err;
}
