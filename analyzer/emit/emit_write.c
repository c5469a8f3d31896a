// SPDX-License-Identifier: Apache-2.0
/* Writing an emitted file atomically: temporary file, fsync, rename. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"

static int why_errno(char **why, const char *what, const char *path, int err)
{
	*why = bc_strdup_printf("%s %s: %s", what, path, strerror(err));
	return -err;
}

int bc_emit_write(const char *path, const void *data, size_t size, char **why)
{
	char *dup = strdup(path), *tmp = NULL;
	const unsigned char *p = data;
	size_t done = 0;
	mode_t mask;
	int fd = -1, err = 0;

	*why = NULL;
	if (!dup)
		return -ENOMEM;
	tmp = bc_strdup_printf("%s/.%s.XXXXXX", dirname(dup), strrchr(path, '/') ?
			       strrchr(path, '/') + 1 : path);
	free(dup);
	if (!tmp)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = why_errno(why, "cannot create a temporary file for", path, errno);
		free(tmp);
		return err;
	}
	/* the mode a new file would get (mkstemp gives 0600) */
	mask = umask(0);
	umask(mask);
	while (!err && done < size) {
		ssize_t w = write(fd, p + done, size - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			err = why_errno(why, "cannot write", tmp, w < 0 ? errno : EIO);
		else
			done += (size_t)w;
	}
	if (!err && fchmod(fd, 0644 & ~mask))
		err = why_errno(why, "cannot set the mode of", tmp, errno);
	if (!err && fsync(fd))
		err = why_errno(why, "cannot sync", tmp, errno);
	if (close(fd) && !err)
		err = why_errno(why, "cannot close", tmp, errno);
	if (!err && rename(tmp, path))
		err = why_errno(why, "cannot rename the temporary file to", path, errno);
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
