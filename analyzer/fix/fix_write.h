/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a fixed file back, atomically and without ever losing data.
 *
 * The new text goes to a temporary file in the same directory (mkstemp),
 * which gets the original's mode and ownership (fchmod/fchown) and its
 * extended attributes (user.*, SELinux labels, ACLs), is fsynced,
 * and is renamed over the original; the directory is fsynced after. Refused,
 * with the original untouched:
 *  - the file changed since it was read: its device, inode, size or
 *    modification time differ from the snapshot taken before reading, or its
 *    bytes differ from the bytes that were analysed (checked right before the
 *    rename);
 *  - it is read-only (no write permission bit, or access(2) refuses writing);
 *    bpfcheck never changes permissions to get around that;
 *  - it is not a regular file, or it has more than one hard link (a rename
 *    would silently split the links);
 *  - its owner or group cannot be kept;
 *  - one of its extended attributes cannot be read or kept (a file system
 *    without extended attributes has none to lose).
 * A symbolic link is written through: the target is replaced (in the
 * target's directory) and the link stays a link pointing at it.
 */
#ifndef BC_FIX_WRITE_H
#define BC_FIX_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* What a file looked like when it was read. */
struct bc_file_snap {
	bool valid;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* stat(2)s PATH (following links). 0 or negative errno. */
int bc_file_snap_take(const char *path, struct bc_file_snap *s);

/*
 * Replaces PATH's content by DATA (SIZE bytes) if PATH still matches SNAP and
 * still holds ORIG (ORIG_SIZE bytes). 0, or a negative errno with *WHY set to
 * a heap string saying why (caller frees): -ESTALE changed since read,
 * -EACCES read-only, -EMLINK hard links, -EINVAL not a regular file, -EPERM
 * owner not kept, other errnos from the system calls.
 */
int bc_fix_write(const char *path, const struct bc_file_snap *snap, const void *orig,
		 size_t orig_size, const void *data, size_t size, char **why);

/* Outputs (reports, objects) are written with bc_write_atomic (base/file_write.h). */
#include "../base/file_write.h"

#endif
