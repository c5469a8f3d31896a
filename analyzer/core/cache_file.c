// SPDX-License-Identifier: Apache-2.0
/* Records of the cache directory, written atomically (see cache_file.h). */
#include <errno.h>
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
