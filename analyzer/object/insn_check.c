// SPDX-License-Identifier: Apache-2.0
/*
 * The encoding of every instruction, checked as the kernel verifier's first
 * pass does before it simulates anything: known opcodes (class, operation,
 * size, mode), registers r0-r10 and no write to r10, reserved fields that
 * must be zero, ld_imm64 pairs, jumps that stay inside their function and
 * never land on the second half of an ld_imm64, and a last instruction that
 * is an exit or a jump. A program that fails any of these is refused by
 * the kernel whatever else it does: BC106 (docs/rules/BC106.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj_model.h"
#include "src_lines.h"
#include "../core/paths.h"
#include "../core/unit.h"

#ifndef BPF_ATOMIC
#define BPF_ATOMIC	0xc0
#endif
#ifndef BPF_FETCH
#define BPF_FETCH	0x01
#endif
#ifndef BPF_XCHG
#define BPF_XCHG	(0xe0 | BPF_FETCH)
#endif
#ifndef BPF_CMPXCHG
#define BPF_CMPXCHG	(0xf0 | BPF_FETCH)
#endif
#define BC_LOAD_ACQ	0x100	/* load-acquire, store-release (Linux 6.15) */
#define BC_STORE_REL	0x110
#define BC_PSEUDO_MAX	6	/* ld_imm64 src_reg: BPF_PSEUDO_MAP_FD .. MAP_IDX_VALUE */
#define BC_PSEUDO_KFUNC	2	/* call src_reg: BPF_PSEUDO_KFUNC_CALL */

/* Problems reported per function; the rest are counted. */
#define BC_INSN_PROBLEMS_SHOWN 1

typedef char problem_t[96];

static bool reserved(problem_t why, const char *cls)
{
	snprintf(why, sizeof(problem_t), "%s uses reserved fields", cls);
	return false;
}

static bool unknown(problem_t why, uint8_t code)
{
	snprintf(why, sizeof(problem_t), "unknown opcode 0x%02x", code);
	return false;
}

static bool check_alu(const struct bc_insn *in, problem_t why)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64, x = BPF_SRC(in->code) == BPF_X;
	unsigned op = BPF_OP(in->code);
	const char *cls = is64 ? "BPF_ALU64" : "BPF_ALU";

	if (op > BPF_END)
		return unknown(why, in->code);
	if (in->dst == BC_REG_FP) {
		snprintf(why, sizeof(problem_t), "writes r10, the read-only frame pointer");
		return false;
	}
	switch (op) {
	case BPF_END:
		if (is64 && x)
			return unknown(why, in->code);
		if (in->src || in->off || (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return reserved(why, cls);
		return true;
	case BPF_NEG:
		if (x || in->src || in->off || in->imm)
			return reserved(why, cls);
		return true;
	case BPF_MOV:
		if (!x)
			return in->src || in->off ? reserved(why, cls) : true;
		if (in->off == 0 || in->off == 8 || in->off == 16 || (is64 && in->off == 32))
			return in->imm ? reserved(why, cls) : true;	/* mov, movsx */
		if (is64 && in->off == 1)	/* addr_space_cast */
			return true;
		return reserved(why, cls);
	case BPF_DIV:
	case BPF_MOD:
		if (in->off != 0 && in->off != 1)	/* 1: signed (sdiv, smod) */
			return reserved(why, cls);
		if (!x && in->imm == 0) {
			snprintf(why, sizeof(problem_t), "division by zero");
			return false;
		}
		break;
	default:
		if (in->off)
			return reserved(why, cls);
	}
	if (x ? in->imm != 0 : in->src != 0)
		return reserved(why, cls);
	if (!x && (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (uint32_t)in->imm >= (is64 ? 64u : 32u)) {
		snprintf(why, sizeof(problem_t), "invalid shift %d", in->imm);
		return false;
	}
	return true;
}

static bool check_jmp(const struct bc_insn *in, problem_t why)
{
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32, x = BPF_SRC(in->code) == BPF_X;
	unsigned op = BPF_OP(in->code);
	const char *cls = is32 ? "BPF_JMP32" : "BPF_JMP";

	switch (op) {
	case 0xf0:
		return unknown(why, in->code);
	case BPF_JCOND:		/* may_goto */
		if (is32 || x)
			return unknown(why, in->code);
		return in->src || in->dst || in->imm ? reserved(why, cls) : true;
	case BPF_CALL:
		if (is32)
			return unknown(why, in->code);
		if (x || in->dst || in->src > BC_PSEUDO_KFUNC ||
		    (in->off && in->src != BC_PSEUDO_KFUNC))
			return reserved(why, "BPF_CALL");
		return true;
	case BPF_EXIT:
		if (is32)
			return unknown(why, in->code);
		return x || in->src || in->dst || in->off || in->imm ? reserved(why, "BPF_EXIT") : true;
	case BPF_JA:
		if (x || in->src || in->dst || (is32 ? in->off : in->imm))
			return reserved(why, "BPF_JA");
		return true;
	default:
		return (x ? in->imm != 0 : in->src != 0) ? reserved(why, cls) : true;
	}
}

static bool check_mem(const struct bc_insn *in, problem_t why)
{
	unsigned mode = BPF_MODE(in->code), size = BPF_SIZE(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
		if (mode == BPF_ABS || mode == BPF_IND) {	/* legacy packet loads */
			if (size == BPF_DW)
				return unknown(why, in->code);
			if (in->dst || in->off || (mode == BPF_ABS && in->src))
				return reserved(why, "BPF_LD_[ABS|IND]");
			return true;
		}
		return unknown(why, in->code);	/* ld_imm64 is checked as a pair */
	case BPF_LDX:
		if (mode != BPF_MEM && !(mode == BPF_MEMSX && size != BPF_DW))
			return unknown(why, in->code);
		if (in->imm)
			return reserved(why, "BPF_LDX");
		if (in->dst == BC_REG_FP) {
			snprintf(why, sizeof(problem_t), "writes r10, the read-only frame pointer");
			return false;
		}
		return true;
	case BPF_ST:
		if (mode != BPF_MEM)
			return unknown(why, in->code);
		return in->src ? reserved(why, "BPF_ST") : true;
	default:	/* BPF_STX */
		if (mode == BPF_MEM)
			return in->imm ? reserved(why, "BPF_STX") : true;
		if (mode != BPF_ATOMIC)
			return unknown(why, in->code);
		if (in->imm == BC_LOAD_ACQ || in->imm == BC_STORE_REL)
			return true;
		if (size != BPF_W && size != BPF_DW)
			return unknown(why, in->code);
		switch (in->imm) {
		case BPF_ADD: case BPF_ADD | BPF_FETCH:
		case BPF_OR: case BPF_OR | BPF_FETCH:
		case BPF_AND: case BPF_AND | BPF_FETCH:
		case BPF_XOR: case BPF_XOR | BPF_FETCH:
		case BPF_XCHG: case BPF_CMPXCHG:
			return true;
		default:
			snprintf(why, sizeof(problem_t), "invalid atomic operation 0x%x", in->imm);
			return false;
		}
	}
}

/* Is IN (not an ld_imm64) a valid instruction? WHY says why not. */
static bool insn_ok(const struct bc_insn *in, problem_t why)
{
	bool regs_used = true;

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		regs_used = BPF_SRC(in->code) == BPF_X;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		regs_used = BPF_SRC(in->code) == BPF_X && BPF_OP(in->code) != BPF_CALL;
		break;
	case BPF_LD:
	case BPF_ST:
		regs_used = false;
		break;
	}
	if (in->dst > BC_REG_FP || (regs_used && in->src > BC_REG_FP)) {
		snprintf(why, sizeof(problem_t), "invalid register r%u",
			 in->dst > BC_REG_FP ? in->dst : in->src);
		return false;
	}
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(in, why);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp(in, why);
	default:
		return check_mem(in, why);
	}
}

struct fn_check {
	const struct bc_obj *o;
	const struct bc_obj_func *f;
	bool *hi;		/* per instruction of f: second half of an ld_imm64 */
	uint32_t first_bad;	/* instruction (section-relative) of the first problem */
	problem_t first_why;
	size_t nr_bad;
};

static void bad(struct fn_check *c, uint32_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bad(struct fn_check *c, uint32_t i, const char *fmt, ...)
{
	va_list ap;

	if (!c->nr_bad++) {
		c->first_bad = i;
		va_start(ap, fmt);
		vsnprintf(c->first_why, sizeof(c->first_why), fmt, ap);
		va_end(ap);
	}
}

/* Pass 1: ld_imm64 pairs and every other instruction's encoding. */
static void check_encodings(struct fn_check *c)
{
	const struct bc_obj_func *f = c->f;
	struct bc_insn in, next;
	problem_t why;

	for (uint32_t i = f->start; i < f->end; i++) {
		bc_obj_insn(c->o, f->sec, i, &in);
		if (in.code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (i + 1 >= f->end) {
				bad(c, i, "ld_imm64 without its second half");
				continue;
			}
			bc_obj_insn(c->o, f->sec, i + 1, &next);
			c->hi[i + 1 - f->start] = true;
			if (in.dst > BC_REG_FP)
				bad(c, i, "invalid register r%u", in.dst);
			else if (in.dst == BC_REG_FP)
				bad(c, i, "writes r10, the read-only frame pointer");
			else if (in.off || in.src > BC_PSEUDO_MAX)
				bad(c, i, "BPF_LD_IMM64 uses reserved fields");
			else if (next.code || next.dst || next.src || next.off)
				bad(c, i, "invalid BPF_LD_IMM64: its second half is not zero "
				       "but for the immediate");
			i++;
			continue;
		}
		if (!insn_ok(&in, why))
			bad(c, i, "%s", why);
	}
}

/* Pass 2: jump targets and the last instruction. */
static void check_flow(struct fn_check *c)
{
	const struct bc_obj_func *f = c->f;
	struct bc_insn in;
	int64_t t;

	for (uint32_t i = f->start; i < f->end; i++) {
		if (c->hi[i - f->start])
			continue;
		bc_obj_insn(c->o, f->sec, i, &in);
		if (!bc_insn_is_jump(&in) || BPF_OP(in.code) == BPF_JCOND ||
		    BPF_OP(in.code) > BPF_JSLE)
			continue;
		t = bc_insn_jump_target(&in, i);
		if (t < f->start || t >= f->end)
			bad(c, i, "jump out of range, to instruction %lld (the function is "
			       "instructions %u-%u)", (long long)t, f->start, f->end - 1);
		else if (c->hi[t - f->start])
			bad(c, i, "jump into the middle of an ld_imm64 at instruction %lld",
			    (long long)t - 1);
	}
	if (f->end > f->start && !c->hi[f->end - 1 - f->start]) {
		bc_obj_insn(c->o, f->sec, f->end - 1, &in);
		if (!bc_insn_is_exit(&in) && !bc_insn_is_goto(&in))
			bad(c, f->end - 1, "the last instruction is not an exit or a jump");
	}
}

static int report(struct bc_unit *u, const struct fn_check *c, const struct bc_src_index *src)
{
	const struct bc_obj_func *f = c->f;
	const char *sec = c->o->img.secs[f->sec].name;
	const struct bc_src_fn *loc = f->sym ? bc_src_index_find(src, f->sym->name) : NULL;
	const char *name = f->sym && f->sym->name[0] ? f->sym->name : sec;
	struct bc_span sp = { 0 };
	char *path = NULL, more[64] = "";
	struct bc_diag *d;

	if (loc && loc->line) {
		path = bc_path_display(loc->file);
		if (!path)
			return -ENOMEM;
		sp.line = loc->line;
		sp.col = loc->col;
	}
	if (c->nr_bad > BC_INSN_PROBLEMS_SHOWN)
		snprintf(more, sizeof(more), " (and %zu more invalid instructions)",
			 c->nr_bad - BC_INSN_PROBLEMS_SHOWN);
	d = bc_diag_add(&u->diags, BC_RULE_MALFORMED_OBJECT, path, &sp,
			"'%s' in section '%s' has an invalid instruction the kernel refuses: "
			"instruction %u: %s%s", name, sec, c->first_bad - f->start, c->first_why,
			more);
	free(path);
	if (!d)
		return -ENOMEM;
	return bc_diag_note(d, NULL, NULL, "instruction %u of section '%s'", c->first_bad, sec);
}

int bc_obj_check_insns(const struct bc_obj *o, struct bc_unit *u, const struct bc_src_index *src)
{
	int err = 0;

	for (size_t fi = 0; fi < o->nr_funcs && !err; fi++) {
		struct fn_check c = { .o = o, .f = &o->funcs[fi] };

		if (c.f->end <= c.f->start)
			continue;
		c.hi = calloc(c.f->end - c.f->start, sizeof(*c.hi));
		if (!c.hi)
			return -ENOMEM;
		check_encodings(&c);
		check_flow(&c);
		if (c.nr_bad)
			err = report(u, &c, src);
		free(c.hi);
	}
	return err;
}
