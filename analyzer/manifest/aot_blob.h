/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpftrace's AOT blobs (`bpftrace --aot FILE`), as bpftrace v0.17.0 and
 * v0.17.1 write them (src/aot/aot.cpp at those tags):
 *
 *   header (48 bytes, host endian: little endian here)
 *     u16 magic 0xA07, u16 unused (0), u32 header_len (48),
 *     u64 version: the RS hash of the version string ("v0.17.0"),
 *     u64 rr_off, rr_len: the RequiredResources archive,
 *     u64 bc_off, bc_len: the bytecode archive;
 *   RequiredResources: a cereal binary archive of the fields that
 *     src/required_resources.h serialises (format strings with their
 *     argument Fields, map key and value SizedTypes, probes, ...);
 *   bytecode: a cereal binary archive of
 *     std::unordered_map<std::string, std::vector<uint8_t>>, the sections
 *     of the BPF ELF object bpftrace compiled, by name.
 *
 * The archives are decoded field by field in the order of the serialize()
 * functions of that version (docs/manifest.md lists them). Every length,
 * count and pointer id is checked against the bytes that are left before
 * anything is allocated: a truncated or corrupted blob is refused with the
 * file offset where decoding stopped.
 *
 * Other versions serialise different fields (and bpftrace says its archive
 * is "not versioned and not forward/backwards compatible"), so a blob whose
 * version hash is not that of v0.17.0 or v0.17.1 is refused with the
 * version it was written by, when the hash is that of a v0.x.y release.
 */
#ifndef BC_AOT_BLOB_H
#define BC_AOT_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

#define BC_AOT_HEADER_LEN 48

struct bc_aot_section {
	char *name;
	const unsigned char *data;	/* into the blob */
	size_t size;
	uint64_t offset;		/* of the data in the blob */
};

struct bc_aot_blob {
	char version[16];		/* "v0.17.0" */
	uint64_t rr_off, rr_len, bc_off, bc_len;
	/* The RequiredResources as a manifest: roots for map keys and values,
	 * printf/system/cat/seq_printf arguments and print() values; tuples and
	 * records the archive holds only through a weak_ptr are weak types. */
	struct bc_manifest *manifest;
	struct bc_aot_section *sections;	/* in archive order */
	size_t nr_sections;
	size_t nr_probes;		/* probes + special probes */
};

struct bc_aot_error {
	char message[256];
	uint64_t offset;		/* in the blob, where decoding stopped */
};

/*
 * Decodes DATA (SIZE bytes; the sections point into it). 0, or
 * -EPROTONOSUPPORT (another bpftrace version), -EINVAL (not a blob,
 * truncated, corrupted: ERR says what and at which offset), -ENOMEM.
 */
int bc_aot_read(const unsigned char *data, size_t size, struct bc_aot_blob *out,
		struct bc_aot_error *err);
void bc_aot_free(struct bc_aot_blob *b);

/* The RS hash bpftrace keeps of its version string (src/aot/aot.cpp rs_hash). */
uint32_t bc_aot_version_hash(const char *version);

#endif
