/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The result cache: a unit's findings and facts kept across runs, so that a
 * file checked again unchanged (a pre-commit hook, an editor) is answered
 * without parsing more than its text or compiling anything.
 *
 * An entry is one file "result-<hash>.json" in the cache directory
 * (analyzer/core/target.h: cache_dir; none with --no-cache). Its key is a
 * text that holds everything a result depends on: the entry format, the
 * bpfcheck version and the identity of the running executable (so a rebuilt
 * bpfcheck never reads its predecessor's entries), the target's identity
 * (bc_target_identity: kernel, bpftrace version, BTF file, ...), the rule
 * selection and severities, whether stack facts are computed, the BPFTRACE_*
 * environment variables, the file's path and kind, and its size and two
 * independent 64-bit hashes of its bytes. The entry stores the key whole and
 * is used only when it is equal; the file name is a hash of the key.
 *
 * Entries are written whole to a temporary file and renamed
 * (core/cache_file.h). An entry that cannot be read or parsed, has another
 * key, or whose content has the wrong shape (a field missing or mistyped, an
 * index out of range) is ignored and the unit is analysed; the analysis then
 * replaces it. Not cached: units that failed (exit 2), results that depend
 * on other files than the target's (a --tracefs directory, a uprobe
 * binary's debug info, a USDT binary's notes), and analyses that keep more
 * than the report needs (bpfcheck emit does not ask for the cache).
 */
#ifndef BC_DRIVER_RESULT_CACHE_H
#define BC_DRIVER_RESULT_CACHE_H

#include <stdbool.h>

struct bc_unit;
struct bc_analysis;

/* Entries larger than this are not read. */
#define BC_RESULT_CACHE_MAX_BYTES (256 << 20)

struct bc_result_key {
	char *text;		/* NULL: the unit is not cached */
	char *dir;		/* borrowed from the analysis */
	char *file;
};

/*
 * The key of U analysed as A asks, when A asks for the cache and U can be
 * cached; K->text stays NULL otherwise (also on ENOMEM: the cache is an
 * optimisation).
 */
void bc_result_key_init(struct bc_result_key *k, const struct bc_unit *u,
			const struct bc_analysis *a);
/*
 * Restores U's diagnostics and facts from the entry for K (a script is
 * parsed again, for reporters that quote its items). true on a hit; false
 * leaves U as it was.
 */
bool bc_result_cache_get(const struct bc_result_key *k, struct bc_unit *u,
			 const struct bc_analysis *a);
/* Records U's results under K (when U may be cached). 0 or negative errno. */
int bc_result_cache_put(const struct bc_result_key *k, const struct bc_unit *u);
void bc_result_key_free(struct bc_result_key *k);

#endif
