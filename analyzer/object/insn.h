/* SPDX-License-Identifier: Apache-2.0 */
/* BPF instruction decoding (either byte order) and classification. */
#ifndef BC_OBJECT_INSN_H
#define BC_OBJECT_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bpf.h>

/* Newer than the installed uapi headers. */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80
#endif
#ifndef BPF_JCOND
#define BPF_JCOND	0xe0	/* may_goto */
#endif

#define BC_REG_FP	10	/* r10, the read-only frame pointer */
#define BC_NR_REGS	11

struct bc_insn {
	uint8_t code;
	uint8_t dst, src;
	int16_t off;
	int32_t imm;
};

/* Decodes the 8 bytes at P (a little- or big-endian object). */
void bc_insn_decode(const unsigned char *p, bool big_endian, struct bc_insn *out);

static inline bool bc_insn_is_ld_imm64(const struct bc_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline bool bc_insn_is_call(const struct bc_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

static inline bool bc_insn_is_exit(const struct bc_insn *in)
{
	return in->code == (BPF_JMP | BPF_EXIT);
}

/* A jump with a target (conditional or not; not call/exit). */
bool bc_insn_is_jump(const struct bc_insn *in);
/* An unconditional jump (ja / gotol). */
bool bc_insn_is_goto(const struct bc_insn *in);
/* The target of jump IN at index PC: pc + off + 1 (gotol: pc + imm + 1). */
int64_t bc_insn_jump_target(const struct bc_insn *in, int64_t pc);

#endif
