// SPDX-License-Identifier: Apache-2.0
/* Atomic file writes: temporary file, attributes kept, fsync, rename (file_write.h). */
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

#include "file_write.h"
#include "str.h"

static int say(char **why, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && !*why) {
		va_start(ap, fmt);
		*why = bc_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	return err;
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
		if (!w)
			return -EIO;
		p += w;
		n -= w;
	}
	return 0;
}

/* Reads the value of extended attribute NAME of PATH into a heap buffer. */
static int get_xattr(const char *path, const char *name, char **val, ssize_t *len)
{
	for (;;) {
		ssize_t n = getxattr(path, name, NULL, 0);

		if (n < 0)
			return -errno;
		*val = malloc(n ? n : 1);
		if (!*val)
			return -ENOMEM;
		*len = getxattr(path, name, *val, n);
		if (*len >= 0)
			return 0;
		free(*val);
		*val = NULL;
		if (errno != ERANGE)	/* ERANGE: it grew in between, ask again */
			return -errno;
	}
}

/*
 * Copies every extended attribute of PATH (user.*, security.* labels such
 * as SELinux's, system.posix_acl_* ACLs) to FD, after its mode is set: an
 * ACL's mask and the mode bits are the same thing, so the ACL comes last.
 * An attribute that cannot be copied refuses the write.
 */
static int copy_xattrs(int fd, const char *path, char **why)
{
	char *names = NULL, *val = NULL;
	ssize_t n, len = 0;
	int err = 0;

	for (;;) {
		n = listxattr(path, NULL, 0);
		if (n < 0) {
			if (errno == ENOTSUP)
				return 0;	/* the file system has none to keep */
			return say(why, -errno, "cannot list the extended attributes of '%s': %s",
				   path, strerror(errno));
		}
		if (!n)
			return 0;
		names = malloc(n);
		if (!names)
			return -ENOMEM;
		n = listxattr(path, names, n);
		if (n >= 0)
			break;
		free(names);
		if (errno != ERANGE)
			return say(why, -errno, "cannot list the extended attributes of '%s': %s",
				   path, strerror(errno));
	}
	for (char *name = names; !err && name < names + n; name += strlen(name) + 1) {
		err = get_xattr(path, name, &val, &len);
		if (err == -ENODATA) {	/* removed in between: nothing to keep */
			err = 0;
			continue;
		}
		if (err) {
			err = say(why, err, "cannot read the extended attribute '%s' of '%s': %s",
				  name, path, strerror(-err));
			break;
		}
		if (fsetxattr(fd, name, val, len, 0))
			err = say(why, -errno, "the extended attribute '%s' of '%s' cannot be kept: %s",
				  name, path, strerror(errno));
		free(val);
		val = NULL;
	}
	free(names);
	return err;
}

/* Gives FD the owner, group and mode of ST, then PATH's extended attributes. */
static int copy_attrs(int fd, const char *path, const struct stat *st, char **why)
{
	struct stat tst;

	if (fstat(fd, &tst))
		return say(why, -errno, "cannot stat the temporary file: %s", strerror(errno));
	/* ownership first: chown clears set-user-ID bits that fchmod then restores */
	if ((tst.st_uid != st->st_uid || tst.st_gid != st->st_gid) &&
	    fchown(fd, st->st_uid, st->st_gid))
		return say(why, -EPERM, "the owner and group of '%s' (%u:%u) cannot be kept: %s",
			   path, (unsigned)st->st_uid, (unsigned)st->st_gid, strerror(errno));
	if (fchmod(fd, st->st_mode & 07777))
		return say(why, -errno, "the mode of '%s' cannot be kept: %s", path,
			   strerror(errno));
	return copy_xattrs(fd, path, why);
}

/* PATH, or for a symbolic link the file it points at (heap string). */
static int resolve(const char *path, char **target, char **why)
{
	struct stat lst;

	*target = NULL;
	if (lstat(path, &lst)) {
		if (errno != ENOENT)
			return say(why, -errno, "cannot stat '%s': %s", path, strerror(errno));
	} else if (S_ISLNK(lst.st_mode)) {
		*target = realpath(path, NULL);	/* written through: the link stays */
		if (!*target)
			return say(why, -errno, "cannot resolve the symbolic link '%s': %s", path,
				   strerror(errno));
		return 0;
	}
	*target = strdup(path);
	return *target ? 0 : -ENOMEM;
}

static void release(struct bc_file_write *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->target);
	f->fd = -1;
	f->tmp = NULL;
	f->target = NULL;
}

int bc_file_write_begin(struct bc_file_write *f, const char *path, char **why)
{
	char *dcopy = NULL, *bcopy = NULL;
	mode_t mask;
	int err;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	err = resolve(path, &f->target, why);
	if (err)
		return err;
	if (stat(f->target, &f->st)) {
		if (errno != ENOENT) {
			err = say(why, -errno, "cannot stat '%s': %s", f->target, strerror(errno));
			goto fail;
		}
	} else {
		f->exists = true;
		if (!S_ISREG(f->st.st_mode) || f->st.st_nlink > 1) {
			/* a device, a FIFO, a terminal, or a file with several names */
			f->fd = open(f->target, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (f->fd < 0) {
				err = say(why, -errno, "cannot open '%s': %s", f->target,
					  strerror(errno));
				goto fail;
			}
			return 0;
		}
		if (access(f->target, W_OK)) {
			err = say(why, -errno, "cannot write '%s': %s", f->target, strerror(errno));
			goto fail;
		}
	}
	dcopy = strdup(f->target);
	bcopy = strdup(f->target);
	if (!dcopy || !bcopy) {
		err = -ENOMEM;
		goto fail;
	}
	f->tmp = bc_strdup_printf("%s/.%s.bpfcheck-XXXXXX", dirname(dcopy), basename(bcopy));
	if (!f->tmp) {
		err = -ENOMEM;
		goto fail;
	}
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0) {
		err = say(why, -errno, "cannot create a temporary file next to '%s': %s",
			  f->target, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		goto fail;
	}
	if (f->exists) {
		err = copy_attrs(f->fd, f->target, &f->st, why);
	} else {
		mask = umask(0);	/* mkstemp gives 0600 */
		umask(mask);
		if (fchmod(f->fd, 0666 & ~mask))
			err = say(why, -errno, "cannot set the mode of the temporary file: %s",
				  strerror(errno));
	}
	if (err)
		goto fail;
	free(dcopy);
	free(bcopy);
	return 0;
fail:
	free(dcopy);
	free(bcopy);
	release(f);
	return err;
}

int bc_file_write_data(struct bc_file_write *f, const void *data, size_t size, char **why)
{
	int err = write_all(f->fd, data, size);

	return err ? say(why, err, "cannot write '%s': %s", f->tmp ? f->tmp : f->target,
			 strerror(-err)) : 0;
}

static void sync_dir(const char *file)
{
	char *copy = strdup(file);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);	/* best effort: the rename itself already happened */
		close(fd);
	}
	free(copy);
}

int bc_file_write_commit(struct bc_file_write *f,
			 int (*last_check)(const char *target, void *arg, char **why), void *arg,
			 char **why)
{
	int err = 0;

	if (!f->tmp) {		/* written in place */
		if (close(f->fd))
			err = say(why, -errno, "cannot write '%s': %s", f->target, strerror(errno));
		f->fd = -1;
		release(f);
		return err;
	}
	if (fsync(f->fd))
		err = say(why, -errno, "cannot sync the temporary file: %s", strerror(errno));
	if (close(f->fd) && !err)
		err = say(why, -errno, "cannot close the temporary file: %s", strerror(errno));
	f->fd = -1;
	/* last look before the rename */
	if (!err && last_check)
		err = last_check(f->target, arg, why);
	if (!err && rename(f->tmp, f->target))
		err = say(why, -errno, "cannot rename the temporary file over '%s': %s",
			  f->target, strerror(errno));
	if (!err) {
		free(f->tmp);	/* it is the target now: nothing to unlink */
		f->tmp = NULL;
		sync_dir(f->target);
	}
	release(f);
	return err;
}

void bc_file_write_abort(struct bc_file_write *f)
{
	release(f);
}

int bc_write_atomic(const char *path, const void *data, size_t size, char **why)
{
	struct bc_file_write f;
	int err;

	if (why)
		*why = NULL;
	err = bc_file_write_begin(&f, path, why);
	if (err)
		return err;
	err = bc_file_write_data(&f, data, size, why);
	if (err) {
		bc_file_write_abort(&f);
		return err;
	}
	return bc_file_write_commit(&f, NULL, NULL, why);
}

int bc_make_dirs(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}
