/* SPDX-License-Identifier: Apache-2.0 */
/*
 * USDT probes of a binary: its SystemTap SDT notes (`.note.stapsdt`, note
 * type 3, owner "stapsdt"), read with libelf as bpftrace 0.17-0.24 reads
 * them through bcc (bcc_usdt_new_frompath, bcc_usdt_get_argument):
 *
 *  - each note is one location of a probe: the probe's pc, the
 *    `.stapsdt.base` address the pc is relative to, the semaphore address
 *    (0: none), the provider, the name and the argument string;
 *  - the notes of one provider:name are the probe's locations, in the
 *    order the notes appear (bpftrace generates one program per location);
 *  - the argument string is space-separated GNU as operands, each prefixed
 *    with its size ("-4@%eax 8@16(%rbp) -8@$-1"): a negative size is a
 *    signed argument, the operand is a constant ($imm), a register (%reg),
 *    or memory at offset(%base[,%index[,scale]]), the offset possibly a
 *    symbol (sym(%rip)), which bpftrace refuses ("deref ident").
 *
 * Registers are x86-64's, named by the struct pt_regs word holding them
 * (the host architecture bpftrace reads them for).
 */
#ifndef BC_TYPES_USDT_NOTES_H
#define BC_TYPES_USDT_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bc_usdt_arg_kind {
	BC_USDT_ARG_CONST,	/* $imm */
	BC_USDT_ARG_REG,	/* %reg: the register's value */
	BC_USDT_ARG_MEM,	/* off(%base[,%index[,scale]]): the bytes there */
};

struct bc_usdt_arg {
	int size;			/* 1, 2, 4, 8; negative: signed */
	enum bc_usdt_arg_kind kind;
	int64_t constant;		/* CONST */
	int base;			/* REG, MEM: struct pt_regs word, -1 unknown name */
	int index;			/* MEM: index register word, -1 none */
	int64_t offset;			/* MEM */
	int scale;			/* MEM with index: 1 when not written */
	char reg_name[8];		/* the base register as written ("eax") */
	char ident[64];			/* MEM: a symbol offset ("sym" of sym(%rip)), "" none */
	bool bad;			/* an operand the parser does not read */
};

struct bc_usdt_loc {
	uint64_t pc, base, semaphore;
	char *args_text;		/* as written in the note */
	struct bc_usdt_arg *args;
	size_t nr_args;
};

struct bc_usdt_probe {
	char *provider, *name;
	uint64_t semaphore;		/* of the first location */
	struct bc_usdt_loc *locs;
	size_t nr_locs, cap_locs;
};

struct bc_usdt_notes {
	struct bc_usdt_probe *probes;
	size_t nr_probes, cap_probes;
};

/* Reads PATH's notes into N (zeroed first). 0; -ENOENT when the file does
 * not exist, -ENOEXEC when it is not an ELF file, -ENOMEM. A binary
 * without notes gives 0 probes. */
int bc_usdt_notes_read(const char *path, struct bc_usdt_notes *n);
void bc_usdt_notes_free(struct bc_usdt_notes *n);

/* The probe PROVIDER:NAME (PROVIDER NULL: the first probe called NAME). */
const struct bc_usdt_probe *bc_usdt_find(const struct bc_usdt_notes *n, const char *provider,
					 const char *name);

/* Parses one operand "SIZE@OP" into A. 0 or -EINVAL. */
int bc_usdt_arg_parse(const char *spec, size_t len, struct bc_usdt_arg *a);

/* The struct pt_regs word of an x86-64 register name without '%'
 * ("eax", "r8d", "rip"), or -1. */
int bc_usdt_x86_reg(const char *name);

#endif
