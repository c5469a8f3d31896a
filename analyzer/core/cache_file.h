/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files of the cache directory (analyzer/core/target.h: cache_dir): the one
 * way the caches (types/btf_cache.h, driver/result_cache.h) write a record,
 * whole to a temporary file in the directory and renamed over the old
 * one, so that a reader, in this process or another, sees the old record or
 * the new one, never a torn one.
 */
#ifndef BC_CORE_CACHE_FILE_H
#define BC_CORE_CACHE_FILE_H

#include <jansson.h>

/* Writes ROOT (compact) to FILE, a path in DIR, atomically
 * (base/file_write.h), making DIR first (private to the user). 0 or
 * negative errno (FILE is then unchanged). */
int bc_cache_write_json(const char *dir, const char *file, const json_t *root);
/* The JSON document in FILE, a regular file of at most MAX_BYTES, read
 * whole with read(2) and parsed from memory (jansson's stream readers take
 * a byte at a time); NULL when it is missing, too large or not JSON. */
json_t *bc_cache_read_json(const char *file, size_t max_bytes);

#endif
