/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AOT type manifests (docs/manifest.md): the types a script's runtime needs,
 * as a graph. Roots are the values the runtime prints or decodes (map keys
 * and values, printf/system/cat argument tuples, print() values); types are
 * named definitions (structs, unions, tuples, records, enums) whose fields
 * hold type expressions: a primitive ("int64", "string[16]"), a reference to
 * a definition ("#/types/<name>"), an array of a type expression or a
 * pointer to one.
 *
 * The graph is closed when every reference reached from a root has a
 * definition; a definition no root reaches is unused. Both are computed by
 * one mark phase (bc_manifest_mark), iteratively, so cycles (a struct that
 * reaches itself through a pointer) and deep nesting cost nothing special.
 *
 * A manifest read from text keeps the byte span of every root, type, field
 * and type expression, so findings point into the file and the BC402 fix
 * removes a definition by its exact bytes (keeping the order of the others).
 */
#ifndef BC_MANIFEST_H
#define BC_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/diag.h"

#define BC_MANIFEST_SCHEMA "bpfcheck-manifest/1"
#define BC_MANIFEST_REF_PREFIX "#/types/"

enum bc_mkind {
	BC_MK_STRUCT = 0,
	BC_MK_UNION,
	BC_MK_TUPLE,
	BC_MK_RECORD,
	BC_MK_ENUM,
};

const char *bc_mkind_name(enum bc_mkind k);
/* 0 and *K set, or -EINVAL for an unknown kind name. */
int bc_mkind_parse(const char *s, enum bc_mkind *k);

enum bc_mtexpr_kind {
	BC_MTX_PRIM = 0,	/* name: "int64", "string[16]", an opaque C name behind a pointer */
	BC_MTX_REF,		/* name: the definition's name (without "#/types/") */
	BC_MTX_ARRAY,		/* elem[count] */
	BC_MTX_POINTER,		/* elem * */
};

struct bc_mtexpr {
	enum bc_mtexpr_kind kind;
	char *name;
	struct bc_mtexpr *elem;
	uint64_t count;
	struct bc_span span;	/* where it is written (text manifests) */
};

struct bc_mfield {
	char *name;
	uint64_t offset, size;	/* bytes */
	int32_t bits;		/* bitfield width, or -1 */
	struct bc_mtexpr *type;
	struct bc_span span;
};

struct bc_mtype {
	char *name;
	enum bc_mkind kind;
	uint64_t size, align;
	struct bc_mfield *fields;
	size_t nr_fields, cap_fields;
	/*
	 * AOT blobs: the archive holds the definition only through a weak_ptr
	 * (bpftrace 0.17's SizedType::inner_struct_), so nothing owns it once the
	 * runtime has loaded the blob. For closure it counts as missing.
	 */
	bool weak;
	struct bc_span span;	/* "name": { ... } */
	struct bc_span remove;	/* the bytes that removing it takes: the member and one comma */
};

struct bc_mroot {
	char *use;		/* "map-key", "map-value", "printf", "print", ... */
	char *name;		/* "@y", the format string, ... */
	struct bc_mtexpr *type;
	struct bc_span span;
};

struct bc_manifest {
	char *source;		/* the script it was made for (may be NULL) */
	char *bpftrace;		/* "0.17.0" (may be NULL) */
	struct bc_mroot *roots;
	size_t nr_roots, cap_roots;
	struct bc_mtype *types;
	size_t nr_types, cap_types;
	struct bc_span types_span;	/* the "types" object (text manifests) */
};

struct bc_manifest *bc_manifest_new(void);
void bc_manifest_free(struct bc_manifest *m);

/* Type expressions; NULL + ENOMEM. ELEM is consumed (also on failure). */
struct bc_mtexpr *bc_mtexpr_prim(const char *name);
/* bc_mtexpr_prim of the name FMT formats ("uint%u", "string[%u]"). */
struct bc_mtexpr *bc_mtexpr_primf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct bc_mtexpr *bc_mtexpr_ref(const char *name);
struct bc_mtexpr *bc_mtexpr_array(struct bc_mtexpr *elem, uint64_t count);
struct bc_mtexpr *bc_mtexpr_pointer(struct bc_mtexpr *elem);
void bc_mtexpr_free(struct bc_mtexpr *t);
/* The text of a type expression ("int64", "#/types/x", "int64[4]", "x *"); heap, NULL + ENOMEM. */
char *bc_mtexpr_str(const struct bc_mtexpr *t);

/* Adds a root (TYPE consumed, also on failure). 0 or -ENOMEM. */
int bc_manifest_add_root(struct bc_manifest *m, const char *use, const char *name,
			 struct bc_mtexpr *type);
/* Adds an empty definition; NULL + ENOMEM (or EEXIST when NAME is taken). */
struct bc_mtype *bc_manifest_add_type(struct bc_manifest *m, const char *name, enum bc_mkind kind,
				      uint64_t size, uint64_t align);
/* Adds a field (TYPE consumed, also on failure). 0 or -ENOMEM. */
int bc_mtype_add_field(struct bc_mtype *t, const char *name, uint64_t offset, uint64_t size,
		       int32_t bits, struct bc_mtexpr *type);
/* Index of the definition NAME, or -1. */
ssize_t bc_manifest_find(const struct bc_manifest *m, const char *name);

/* ---- the mark phase ---- */

/* A step of the path from a root to a type: the field taken ("[]" for an
 * array element, "*" through a pointer). */
struct bc_mpath {
	size_t root;		/* index in roots */
	char *text;		/* "@y -> (int64,string[4]) .1 -> ..." for messages */
};

/* A reference with no (owned) definition, reached from a root. */
struct bc_mmissing {
	char *name;		/* the referenced name */
	bool weak;		/* a weak definition exists (AOT blob) */
	const struct bc_mtexpr *ref;	/* the first reference found (its span) */
	struct bc_mpath *paths;	/* one per root that reaches it, in root order */
	size_t nr_paths, cap_paths;
};

struct bc_mmark {
	bool *reached;		/* per type: some root reaches it */
	struct bc_mmissing *missing;	/* in the order first found */
	size_t nr_missing, cap_missing;
};

/*
 * Marks every definition the roots reach (through fields, array elements
 * and pointers) and collects each reference without an owned definition
 * with the path from every root that reaches it (a shortest one per root).
 * 0 or -ENOMEM; free OUT with bc_mmark_free.
 */
int bc_manifest_mark(const struct bc_manifest *m, struct bc_mmark *out);
void bc_mmark_free(struct bc_mmark *mk);

/* ---- text ---- */

/* Why a manifest could not be read: a message and where. */
struct bc_manifest_error {
	char message[256];
	struct bc_span span;	/* start/end byte offsets; line/col when jansson knows them */
};

/*
 * Reads a manifest from TEXT (SIZE bytes) with jansson, keeping spans.
 * 0 and *OUT, or -EINVAL (not JSON, not a bpfcheck-manifest/1 document, a
 * malformed member; ERR says what and where) or -ENOMEM.
 */
int bc_manifest_read(const char *text, size_t size, struct bc_manifest **out,
		     struct bc_manifest_error *err);
/* M as JSON text (two-space indent, keys in the order of the schema,
 * definitions in M's order), ending with a newline. Heap, NULL + ENOMEM. */
char *bc_manifest_write(const struct bc_manifest *m);

#endif
