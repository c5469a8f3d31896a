/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A BPF ELF object as libelf reads it: validated sections, the symbol table
 * and, for every executable section, its relocations indexed by instruction.
 * Internal to analyzer/object/.
 */
#ifndef BC_OBJECT_ELF_IMAGE_H
#define BC_OBJECT_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

struct bc_unit;

#define BC_INSN_SIZE 8	/* one BPF instruction; ld_imm64 takes two */

struct bc_elf_sym {
	const char *name;	/* never NULL ("" when unnamed) */
	uint64_t value, size;
	uint32_t shndx;		/* section index, or SHN_UNDEF/SHN_ABS/... */
	uint8_t type, bind;	/* STT_*, STB_* */
};

struct bc_elf_rel {
	uint32_t sym;		/* index into bc_elf_image.syms */
	uint32_t type;		/* R_BPF_* */
};

struct bc_elf_sec {
	const char *name;	/* never NULL */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	const unsigned char *data;	/* NULL for SHT_NOBITS or empty sections */
	size_t size;
	/* executable (SHF_EXECINSTR, PROGBITS, non-empty) sections only: */
	bool exec;
	uint32_t nr_insns;
	int32_t *rel_at;	/* per instruction: index into rels, or -1 */
	struct bc_elf_rel *rels;
	size_t nr_rels, cap_rels;
};

struct bc_elf_image {
	unsigned char *copy;	/* our copy of the bytes libelf reads */
	size_t size;
	Elf *elf;
	bool big_endian;	/* bpfeb object */
	struct bc_elf_sec *secs;
	size_t nr_secs;
	struct bc_elf_sym *syms;
	size_t nr_syms;
	size_t text_shndx;	/* ".text", or 0 when absent */
};

/*
 * Opens DATA/SIZE as a BPF ELF object. On malformed input returns a negative
 * errno after bc_unit_fail(U, ...) with a message naming what is wrong. The
 * image must be closed either way.
 */
int bc_elf_image_open(struct bc_elf_image *img, struct bc_unit *u, const void *data, size_t size);
void bc_elf_image_close(struct bc_elf_image *img);

/* The relocation applied to instruction INSN of executable section SEC, or NULL. */
const struct bc_elf_rel *bc_elf_rel_at(const struct bc_elf_image *img, size_t sec, uint32_t insn);

/* "x86-64", "AArch64", ... for messages; "machine N" for unknown ones (BUF). */
const char *bc_elf_machine_name(unsigned machine, char *buf, size_t len);

#endif
