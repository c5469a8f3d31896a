/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container of a target file (docs/target-file.md): an ELF file, written
 * and read with libelf, holding named parts, one section each, compressed
 * with elf_compress (zlib). One section, ".bpfcheck.target", is the
 * metadata: a JSON object (jansson) with the format name, the format
 * version, the facts of the captured system and the table of the other
 * parts (name, size, stored size and CRC-32 of the stored bytes).
 *
 * Opening a file checks everything that is cheap to check: that it is ELF,
 * that it has the metadata, its format name and version, and that every part
 * the table lists is there, inside the file, with the recorded CRC of its
 * stored bytes, so that a truncated, corrupt or foreign file is refused
 * before any of it is used. A part is decompressed when first asked for
 * (a run that answers from the kernel type cache never inflates the BTF);
 * that is safe from several threads.
 *
 * What the parts mean (".BTF", ".tracepoints.<category>", ...) is not this
 * file's business: see source_file.c and capture.c.
 */
#ifndef BC_TARGET_TARGET_FILE_H
#define BC_TARGET_TARGET_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define BC_TFILE_FORMAT		"bpfcheck-target"
#define BC_TFILE_VERSION	1
#define BC_TFILE_META		".bpfcheck.target"
/* No part may be larger than this once decompressed (the kernel's BTF is
 * about 6 MB). */
#define BC_TFILE_MAX_PART	(256u << 20)
#define BC_TFILE_MAX_PARTS	60000	/* sections below SHN_LORESERVE */

struct bc_tfile;

/*
 * Opens the target file PATH. 0; -ENOENT/-EACCES/... when it cannot be
 * read; -EINVAL when it is not a target file or is damaged (truncated, a
 * CRC mismatch, bad metadata); -EPROTONOSUPPORT when its format version is
 * not one this bpfcheck reads. ERR (ERRLEN bytes; may be NULL) says why.
 */
int bc_tfile_open(const char *path, struct bc_tfile **out, char *err, size_t errlen);
/* The same for SIZE bytes at DATA (copied); NAME is used in messages. */
int bc_tfile_open_mem(const void *data, size_t size, const char *name, struct bc_tfile **out,
		      char *err, size_t errlen);
void bc_tfile_close(struct bc_tfile *f);

/* The metadata object (borrowed; valid until close). */
const json_t *bc_tfile_meta(const struct bc_tfile *f);
/* The file's name as given, and what identifies its content: the path,
 * device, inode, size and times of the file, and the CRC of its parts. */
const char *bc_tfile_name(const struct bc_tfile *f);
const char *bc_tfile_identity(const struct bc_tfile *f);
/* The size of the file. */
size_t bc_tfile_size(const struct bc_tfile *f);

/* Parts, in file order: name and decompressed size. */
size_t bc_tfile_nr_parts(const struct bc_tfile *f);
const char *bc_tfile_part_name(const struct bc_tfile *f, size_t i);
size_t bc_tfile_part_size(const struct bc_tfile *f, size_t i);
/* Index of part NAME, or -1. */
long bc_tfile_find(const struct bc_tfile *f, const char *name);
/*
 * The decompressed bytes of part NAME (owned by F, valid until close). 0,
 * -ENOENT when there is no such part, -EINVAL when it does not decompress
 * to its recorded size (ERR, when not NULL, says why), -ENOMEM.
 */
int bc_tfile_part(struct bc_tfile *f, const char *name, const void **data, size_t *size,
		  char *err, size_t errlen);

/* ---- writing ---- */

struct bc_tfile_writer;

struct bc_tfile_writer *bc_tfile_writer_new(void);
void bc_tfile_writer_free(struct bc_tfile_writer *w);
/* Adds part NAME (a section name, e.g. ".BTF") with SIZE bytes at DATA
 * (copied). -EEXIST, -EINVAL (a bad name, or too large), -ENOMEM. */
int bc_tfile_writer_add(struct bc_tfile_writer *w, const char *name, const void *data,
			size_t size);
/*
 * Writes the file to PATH, replacing it atomically (a temporary file in
 * the same directory, renamed over it):
 * the parts, compressed, and the metadata META (an object; "format",
 * "version" and "parts" are set here). 0 or a negative errno, ERR says why.
 */
int bc_tfile_writer_write(struct bc_tfile_writer *w, json_t *meta, const char *path, char *err,
			  size_t errlen);

#endif
