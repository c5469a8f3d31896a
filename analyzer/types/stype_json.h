/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sized types (stype.h) and function prototypes (btf_types.h) as JSON
 * (jansson), for the on-disk cache of kernel type lookups.
 *
 * Every field of a type is kept: kind, size, align, sign, script dependence,
 * address space, name, element/pointee, element count, stack limit and mode,
 * and the layout (size, align, union, padding, and per field its name, type,
 * offset, bitfield position and width, __data_loc and common_* flags).
 * Members equal to their default (0, false, NULL, align 1, address space
 * none, stack mode bpftrace) are left out:
 *
 *	{"kind":"pointer","size":8,"align":8,"as":"kernel",
 *	 "elem":{"kind":"cstruct","name":"struct task_struct"}}
 *
 * Kinds, address spaces and stack modes are written as words of this file's
 * own table (not bc_stype_kind_name, which gives records and C structs the
 * same word), so reordering the enums does not invalidate a cache.
 *
 * Reading is strict, since a cache file may be corrupt or hostile: unknown
 * members, wrong JSON types, numbers out of the field's range, unknown words,
 * names holding a NUL, nesting deeper than BC_STYPE_JSON_MAX_DEPTH, more than
 * BC_STYPE_JSON_MAX_FIELDS fields or parameters, and types that lack what
 * every type of their kind has (a pointee, an array element, a tuple/record
 * layout, record field names, a C struct name) are all rejected with EINVAL.
 * The writer refuses the same shapes, so whatever it writes reads back, and
 * reading then writing gives the same JSON.
 *
 * Types shared by reference are written once per use; a read type is a tree
 * whose every node is a new reference (refs 1), freed by bc_stype_put.
 */
#ifndef BC_TYPES_STYPE_JSON_H
#define BC_TYPES_STYPE_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "btf_types.h"
#include "stype.h"

/* Types nest at most this many levels below the root (element, pointee, field). */
#define BC_STYPE_JSON_MAX_DEPTH		64
/* At most this many fields in a layout, parameters in a prototype. */
#define BC_STYPE_JSON_MAX_FIELDS	65536

/* The word the JSON form uses for kind K; NULL when K is not a kind. */
const char *bc_stype_json_kind_name(enum bc_stype_kind k);

/*
 * T as a JSON object (new reference). NULL + errno: ENOMEM; EINVAL when T is
 * NULL or malformed (unknown kind, address space or stack mode, align 0, a
 * missing pointee/element/layout/name, a NULL field type, too many fields);
 * ELOOP when T nests deeper than BC_STYPE_JSON_MAX_DEPTH; EILSEQ when a name
 * is not UTF-8 (JSON cannot hold it).
 */
json_t *bc_stype_to_json(const struct bc_stype *t);

/* The type J describes (new reference). NULL + EINVAL (malformed) or ENOMEM. */
struct bc_stype *bc_stype_from_json(const json_t *j);

/*
 * Function NAME with N parameters PARAMS and return type RET, as in struct
 * bc_btf_func: {"name":"vfs_read","params":[{"name":"file","type":{...}},...],
 * "ret":{...}}. Parameter types and RET are each written as a root type.
 * NULL + errno as bc_stype_to_json (EINVAL also for a NULL NAME or RET, or
 * PARAMS NULL with N > 0).
 */
json_t *bc_stype_func_to_json(const char *name, const struct bc_btf_param *params, size_t n,
			      const struct bc_stype *ret);

/*
 * Reads a prototype written by bc_stype_func_to_json into OUT (free it with
 * bc_btf_func_free). 0, -EINVAL (malformed, as bc_stype_from_json) or
 * -ENOMEM; on failure OUT is left zeroed.
 */
int bc_stype_func_from_json(const json_t *j, struct bc_btf_func *out);

#endif
