// SPDX-License-Identifier: Apache-2.0
/* Records of the cache directory, written atomically (see cache_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file_write.h"
#include "../base/str.h"
#include "cache_file.h"

int bc_cache_write_json(const char *dir, const char *file, const json_t *root)
{
	char *text;
	int err;

	err = bc_make_dirs(dir);
	if (err)
		return err;
	text = json_dumps(root, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	err = bc_write_atomic(file, text, strlen(text), NULL);
	free(text);
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
