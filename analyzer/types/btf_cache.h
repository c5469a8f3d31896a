/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A persistent cache of answers about one BTF file, kept across runs.
 *
 * Reading the kernel's BTF costs more than everything else a script needs
 * put together: libbpf copies and indexes 5 MB and 127,000 types (10 to
 * 20 ms here) before the first struct can be laid out, although a script
 * asks a few dozen questions of it ("struct sock", "vfs_read's arguments",
 * "is AF_INET an enum constant"). btf_types.c answers them from the BTF
 * once and records each answer here as JSON (the converted type, or "no
 * such name"); later runs against the same BTF answer from the record and
 * never read the BTF unless asked something new.
 *
 * The record is valid for one BTF file only. Its identity is the path, the
 * device, inode, size and modification and change times, the bpfcheck
 * version and, for the running kernel's /sys/kernel/btf/vmlinux, the
 * kernel's release and build strings (for BTF read from a target file: the
 * target file's identity); a record whose identity differs is
 * ignored and replaced. Records are files "btf-<hash>.json" in the cache
 * directory (BPFCHECK_CACHE_DIR, else $XDG_CACHE_HOME/bpfcheck, else
 * ~/.cache/bpfcheck; see analyzer/core/target.h), written whole to a temporary
 * file and renamed over the old one, so a reader sees an old record or a
 * new one, never a torn one. A record that cannot be read or parsed, is
 * too large or has the wrong shape is ignored: the cache is an
 * optimisation, and every failure of it falls back to reading the BTF.
 */
#ifndef BC_TYPES_BTF_CACHE_H
#define BC_TYPES_BTF_CACHE_H

#include <stdbool.h>

#include <jansson.h>

/* At most this many answers are recorded per BTF file. */
#define BC_BTF_CACHE_MAX_ENTRIES 8192
/* Records larger than this are not read. */
#define BC_BTF_CACHE_MAX_BYTES (32 << 20)

struct bc_btf_cache;

/*
 * The record of BTF_PATH in DIR, read on the first get or put when it
 * exists and matches (a run that asks nothing reads nothing). NULL when
 * DIR is NULL or empty, or BTF_PATH cannot be stat'ed (errno says why):
 * the caller then simply works without a cache.
 */
struct bc_btf_cache *bc_btf_cache_open(const char *dir, const char *btf_path);
/*
 * The record for BTF that is not a file of its own (a target file's, read
 * from memory): IDENTITY is what identifies it (the target file's identity,
 * analyzer/target/target_file.h), so that a different target never reuses
 * another's answers. NULL when DIR is NULL or empty, or ENOMEM.
 */
struct bc_btf_cache *bc_btf_cache_open_identity(const char *dir, const char *identity);
/* The answer recorded under KEY (borrowed), or NULL. */
json_t *bc_btf_cache_get(struct bc_btf_cache *c, const char *key);
/* Records VALUE under KEY (the reference is taken, also on failure). */
void bc_btf_cache_put(struct bc_btf_cache *c, const char *key, json_t *value);
/* Whether a record was read from disk (a warm cache); reads it if not yet. */
bool bc_btf_cache_warm(struct bc_btf_cache *c);
/* Writes the record when answers were added, then frees C. 0, or the
 * negative errno of a failed write (the old record stays). */
int bc_btf_cache_close(struct bc_btf_cache *c);

#endif
