/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one way bpfcheck writes a file: fixed scripts (analyzer/fix), reports
 * and baselines (cli/, reporters/), emitted objects and manifests
 * (analyzer/emit), target files (analyzer/target) and cache records
 * (analyzer/core/cache_file.h) all go through it.
 *
 * A regular file, existing or new, is replaced through a temporary file in
 * its directory (mkstemp) that gets the old file's owner, group, mode and
 * extended attributes (user.*, SELinux labels, POSIX ACLs; a new file gets
 * the mode open(2) would give it under the umask), is fsynced and renamed
 * over it; the directory is fsynced after. A reader, in this process or
 * another, sees the old file or the new one, never half of one, and a
 * failed write leaves the old file as it was. A symbolic link is written
 * through: the file it points at is replaced and the link stays a link.
 * A device, FIFO or terminal, or a file with several hard links (a rename
 * would replace the node or split the links), is written in place.
 *
 * Every function returns 0 or a negative errno; on failure *WHY, when WHY
 * is not NULL, is set to a heap string saying why (the caller frees it).
 */
#ifndef BC_BASE_FILE_WRITE_H
#define BC_BASE_FILE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct bc_file_write {
	char *target;	/* the file replaced (a link resolved) */
	char *tmp;	/* the temporary file; NULL when written in place */
	int fd;		/* where the bytes go */
	bool exists;	/* TARGET existed when the write began */
	struct stat st;	/* and was this */
};

/* Starts writing PATH: F->fd is the descriptor to write to. */
int bc_file_write_begin(struct bc_file_write *f, const char *path, char **why);
/* Writes SIZE bytes of DATA to F->fd, whole. */
int bc_file_write_data(struct bc_file_write *f, const void *data, size_t size, char **why);
/*
 * Syncs and closes the temporary file, calls LAST_CHECK(target, ARG, why)
 * when not NULL (a non-zero return keeps the old file), renames it over the
 * target and syncs the directory. F is released either way.
 */
int bc_file_write_commit(struct bc_file_write *f,
			 int (*last_check)(const char *target, void *arg, char **why), void *arg,
			 char **why);
/* Gives up: removes the temporary file and releases F. */
void bc_file_write_abort(struct bc_file_write *f);

/* begin + data + commit: PATH holds DATA (SIZE bytes) or is unchanged. */
int bc_write_atomic(const char *path, const void *data, size_t size, char **why);

/* mkdir -p DIR, each new folder private to the user (0700). */
int bc_make_dirs(const char *dir);

#endif
