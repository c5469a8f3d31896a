// SPDX-License-Identifier: Apache-2.0
/* Atomic writes into the cache directory (see cache_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_file.h"

int bc_cache_make_dir(const char *dir)
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

int bc_cache_write_json(const char *dir, const char *file, const char *tmp_prefix,
			const json_t *root)
{
	char *tmp = NULL;
	int fd = -1, err;
	FILE *f = NULL;

	err = bc_cache_make_dir(dir);
	if (!err && asprintf(&tmp, "%s/.%s-XXXXXX", dir, tmp_prefix) < 0) {
		tmp = NULL;
		err = -ENOMEM;
	}
	if (!err && (fd = mkstemp(tmp)) < 0)
		err = -errno;
	if (!err && !(f = fdopen(fd, "w")))
		err = -errno;
	if (!err) {
		fd = -1;	/* owned by F */
		if (json_dumpf(root, f, JSON_COMPACT) || fflush(f))
			err = -EIO;
		if (fclose(f) && !err)
			err = -errno;
		if (!err && rename(tmp, file))
			err = -errno;
		if (err)
			unlink(tmp);
	} else if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return err;
}

json_t *bc_cache_read_json(const char *file, size_t max_bytes)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	json_t *root = NULL;
	char *buf = NULL;
	size_t n = 0;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > max_bytes || !(buf = malloc(st.st_size + 1)))
		goto out;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	/* a file that shrank under us is read as what was there */
	root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
out:
	free(buf);
	close(fd);
	return root;
}
