// SPDX-License-Identifier: Apache-2.0
/* BPF instruction decoding: struct bpf_insn's layout, in either byte order. */
#include "insn.h"

void bc_insn_decode(const unsigned char *p, bool big_endian, struct bc_insn *out)
{
	out->code = p[0];
	if (big_endian) {
		out->dst = p[1] >> 4;
		out->src = p[1] & 0xf;
		out->off = (int16_t)(uint16_t)((unsigned)p[2] << 8 | p[3]);
		out->imm = (int32_t)((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
				     (uint32_t)p[6] << 8 | p[7]);
	} else {
		out->dst = p[1] & 0xf;
		out->src = p[1] >> 4;
		out->off = (int16_t)(uint16_t)(p[2] | (unsigned)p[3] << 8);
		out->imm = (int32_t)(p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
				     (uint32_t)p[7] << 24);
	}
}

bool bc_insn_is_jump(const struct bc_insn *in)
{
	unsigned cls = BPF_CLASS(in->code), op = BPF_OP(in->code);

	if (cls != BPF_JMP && cls != BPF_JMP32)
		return false;
	return op != BPF_CALL && op != BPF_EXIT;
}

bool bc_insn_is_goto(const struct bc_insn *in)
{
	return in->code == (BPF_JMP | BPF_JA) || in->code == (BPF_JMP32 | BPF_JA);
}

int64_t bc_insn_jump_target(const struct bc_insn *in, int64_t pc)
{
	if (in->code == (BPF_JMP32 | BPF_JA))
		return pc + in->imm + 1;	/* gotol: 32-bit offset in imm */
	return pc + in->off + 1;
}
