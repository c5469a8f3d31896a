// SPDX-License-Identifier: Apache-2.0
/*
 * A function's stack depth as the verifier computes it: the deepest byte
 * below r10 that an instruction reaches, rounded up to 8 (grow_stack_state()).
 * Reached means a load, store or atomic op through r10 or through a register
 * holding an r10-derived address, or the derivation of such an address
 * (rX = r10; rX += -N): a pointer handed to a helper touches the frame from
 * -N up, and the verifier counts it.
 *
 * Registers are tracked by a forward data flow over the function's basic
 * blocks (constant | address of function f | r10 + c | widened). Where paths
 * join, a register that is r10 + c on any of them stays r10-derived with the
 * deepest c: the access it makes is real on that path, and the verifier,
 * which walks every path, counts it. A block whose entry state keeps changing
 * (a pointer stepped down in a loop) is widened: registers that still change
 * become unknown for good, so the walk ends; the work stays linear in the
 * instructions times the registers.
 *
 * The same pass finds asynchronous callbacks: a function address in a
 * register when bpf_timer_set_callback() (or an async-callback kfunc) is
 * called. Those run on their own stack, so they are roots of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "obj_model.h"

enum rs_kind {
	RS_UNKNOWN = 0,	/* a value not tracked */
	RS_FP,		/* r10 + v */
	RS_CONST,	/* v */
	RS_FUNC,	/* address of function v (index into bc_obj.funcs) */
	RS_WIDENED,	/* unknown for good (absorbs every join) */
};

struct rs {
	enum rs_kind kind;
	int64_t v;
};

struct regs {
	struct rs r[BC_NR_REGS];
};

/* Offsets beyond this are nonsense; tracking them could overflow. */
#define FP_TRACK_MAX ((int64_t)1 << 40)
/* Entry-state changes of one block before its changing registers widen. */
#define WIDEN_AFTER 16

struct walk {
	struct bc_obj *o;
	struct bc_obj_func *f;
	uint32_t n;		/* instructions in the function */
	int32_t *block_of;	/* leader instruction -> block index, else -1 */
	uint32_t *leaders;	/* block index -> first instruction */
	size_t nr_blocks;
	struct regs *in;	/* block entry states */
	bool *seen, *queued;
	uint16_t *changes;	/* per block: entry-state changes so far */
	size_t *work;
	size_t nr_work;
};

static const char *const async_kfunc_prefixes[] = {
	"bpf_wq_set_callback",
	"bpf_task_work_schedule_",
};

static void touch(struct walk *w, int64_t addr, uint32_t i)
{
	uint64_t d;
	uint32_t at = w->f->start + i;

	if (addr >= 0)
		return;
	d = ((uint64_t)-addr + 7) / 8 * 8;
	if (d > UINT32_MAX)
		d = UINT32_MAX & ~7u;
	if (d > w->f->depth || (d == w->f->depth && at < w->f->deepest_insn)) {
		w->f->depth = (uint32_t)d;
		w->f->deepest_insn = at;
	}
}

static struct rs fp(int64_t v)
{
	if (v > FP_TRACK_MAX || v < -FP_TRACK_MAX)
		return (struct rs){ RS_UNKNOWN, 0 };
	return (struct rs){ RS_FP, v };
}

static void clobber_args(struct regs *s)
{
	for (int r = 0; r <= 5; r++)
		s->r[r] = (struct rs){ RS_UNKNOWN, 0 };
}

static void mark_async(struct walk *w, const struct rs *r)
{
	if (r->kind == RS_FUNC && r->v >= 0 && (size_t)r->v < w->o->nr_funcs)
		w->o->funcs[r->v].is_async = true;
}

static bool async_kfunc(const struct walk *w, uint32_t at)
{
	const struct bc_elf_rel *rel = bc_elf_rel_at(&w->o->img, w->f->sec, at);
	const char *name;

	if (!rel)
		return false;
	name = w->o->img.syms[rel->sym].name;
	for (size_t i = 0; i < sizeof(async_kfunc_prefixes) / sizeof(async_kfunc_prefixes[0]); i++)
		if (!strncmp(name, async_kfunc_prefixes[i], strlen(async_kfunc_prefixes[i])))
			return true;
	return false;
}

static void call(struct walk *w, struct regs *s, const struct bc_insn *in, uint32_t at)
{
	if (in->src == 0 && in->imm == BPF_FUNC_timer_set_callback)
		mark_async(w, &s->r[2]);
	if (in->src == BPF_PSEUDO_KFUNC_CALL && async_kfunc(w, at))
		for (int r = 1; r <= 5; r++)
			mark_async(w, &s->r[r]);
	clobber_args(s);
}

static void alu64(struct walk *w, struct regs *s, const struct bc_insn *in, uint32_t i)
{
	struct rs *d = &s->r[in->dst], src;
	unsigned op = BPF_OP(in->code);

	if (BPF_SRC(in->code) == BPF_X)
		src = s->r[in->src];
	else
		src = (struct rs){ RS_CONST, in->imm };
	if (op == BPF_MOV) {
		/* movsx (off != 0) and addr_space_cast change the value */
		*d = in->off == 0 ? src : (struct rs){ RS_UNKNOWN, 0 };
		return;
	}
	if (op != BPF_ADD && op != BPF_SUB) {
		*d = (struct rs){ RS_UNKNOWN, 0 };
		return;
	}
	if (d->kind == RS_FP && src.kind == RS_CONST)
		*d = fp(op == BPF_ADD ? d->v + src.v : d->v - src.v);
	else if (d->kind == RS_CONST && src.kind == RS_FP && op == BPF_ADD)
		*d = fp(d->v + src.v);
	else if (d->kind == RS_CONST && src.kind == RS_CONST &&
		 src.v < FP_TRACK_MAX && src.v > -FP_TRACK_MAX &&
		 d->v < FP_TRACK_MAX && d->v > -FP_TRACK_MAX)
		*d = (struct rs){ RS_CONST, op == BPF_ADD ? d->v + src.v : d->v - src.v };
	else
		*d = (struct rs){ RS_UNKNOWN, 0 };
	if (d->kind == RS_FP)
		touch(w, d->v, i);	/* an r10-derived address */
}

static void ld_imm64(struct walk *w, struct regs *s, const struct bc_insn *in, uint32_t i)
{
	const struct bc_ref *ref = bc_obj_ref_at(w->o, w->f->sec, w->f->start + i);
	struct rs *d = &s->r[in->dst];

	*d = (struct rs){ RS_UNKNOWN, 0 };
	if (ref && ref->kind == BC_REF_FUNC) {
		ssize_t to = bc_obj_func_at(w->o, ref->tsec, ref->tinsn);

		if (to >= 0)
			*d = (struct rs){ RS_FUNC, to };
	}
}

/* Applies instruction I (function-relative) to S. */
static void transfer(struct walk *w, struct regs *s, const struct bc_insn *in, uint32_t i)
{
	unsigned cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);

	if (in->dst >= BC_NR_REGS || in->src >= BC_NR_REGS)
		return;		/* the verifier refuses it; nothing to learn */
	switch (cls) {
	case BPF_ALU64:
		alu64(w, s, in, i);
		break;
	case BPF_ALU:
		if (BPF_OP(in->code) == BPF_MOV && BPF_SRC(in->code) == BPF_K)
			s->r[in->dst] = (struct rs){ RS_CONST, (uint32_t)in->imm };
		else
			s->r[in->dst] = (struct rs){ RS_UNKNOWN, 0 };
		break;
	case BPF_LDX:
		if ((mode == BPF_MEM || mode == BPF_MEMSX) && s->r[in->src].kind == RS_FP)
			touch(w, s->r[in->src].v + in->off, i);
		s->r[in->dst] = (struct rs){ RS_UNKNOWN, 0 };
		break;
	case BPF_ST:
		if (mode == BPF_MEM && s->r[in->dst].kind == RS_FP)
			touch(w, s->r[in->dst].v + in->off, i);
		break;
	case BPF_STX:
		if ((mode == BPF_MEM || mode == BPF_ATOMIC) && s->r[in->dst].kind == RS_FP)
			touch(w, s->r[in->dst].v + in->off, i);
		if (mode == BPF_ATOMIC) {
			if (in->imm & BPF_FETCH)
				s->r[in->src] = (struct rs){ RS_UNKNOWN, 0 };
			if (in->imm == BPF_CMPXCHG)
				s->r[0] = (struct rs){ RS_UNKNOWN, 0 };
		}
		break;
	case BPF_LD:
		if (bc_insn_is_ld_imm64(in))
			ld_imm64(w, s, in, i);
		else
			clobber_args(s);	/* legacy packet loads: r0 and the scratch registers */
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (bc_insn_is_call(in))
			call(w, s, in, w->f->start + i);
		break;
	}
	s->r[BC_REG_FP] = (struct rs){ RS_FP, 0 };	/* r10 is read-only */
}

static bool is_insn(const struct walk *w, int64_t i)
{
	return i >= 0 && i < w->n &&
	       !(w->o->insn_flags[w->f->sec][w->f->start + i] & BC_INSN_IMM64_HI);
}

static void decode(const struct walk *w, uint32_t i, struct bc_insn *in)
{
	bc_obj_insn(w->o, w->f->sec, w->f->start + i, in);
}

static int find_blocks(struct walk *w)
{
	uint8_t *leader = calloc(w->n, 1);
	size_t nb = 0;

	if (!leader)
		return -ENOMEM;
	leader[0] = 1;
	for (uint32_t i = 0; i < w->n; i++) {
		struct bc_insn in;

		if (!is_insn(w, i))
			continue;
		decode(w, i, &in);
		if (bc_insn_is_jump(&in)) {
			int64_t t = bc_insn_jump_target(&in, i);

			if (is_insn(w, t))
				leader[t] = 1;
		}
		if ((bc_insn_is_jump(&in) || bc_insn_is_exit(&in)) && i + 1 < w->n)
			leader[i + 1] = 1;
	}
	for (uint32_t i = 0; i < w->n; i++)
		nb += leader[i] && is_insn(w, i);
	w->block_of = malloc(w->n * sizeof(*w->block_of));
	w->leaders = malloc(nb * sizeof(*w->leaders));
	w->in = malloc(nb * sizeof(*w->in));
	w->seen = calloc(nb, 1);
	w->queued = calloc(nb, 1);
	w->changes = calloc(nb, sizeof(*w->changes));
	w->work = malloc(nb * sizeof(*w->work));
	if (!w->block_of || !w->leaders || !w->in || !w->seen || !w->queued || !w->changes || !w->work) {
		free(leader);
		return -ENOMEM;
	}
	nb = 0;
	for (uint32_t i = 0; i < w->n; i++) {
		w->block_of[i] = -1;
		if (leader[i] && is_insn(w, i)) {
			w->block_of[i] = (int32_t)nb;
			w->leaders[nb++] = i;
		}
	}
	w->nr_blocks = nb;
	free(leader);
	return 0;
}

/* The join of entry value X with incoming Y: r10-derived wins, deepest first. */
static struct rs join(struct rs x, struct rs y, bool widen)
{
	if (x.kind == RS_WIDENED || y.kind == RS_WIDENED || widen)
		return (struct rs){ RS_WIDENED, 0 };
	if (x.kind == RS_FP && y.kind == RS_FP)
		return x.v <= y.v ? x : y;
	if (x.kind == RS_FP)
		return x;
	if (y.kind == RS_FP)
		return y;
	return (struct rs){ RS_UNKNOWN, 0 };
}

/* Merges state S into the entry of the block starting at I. */
static void flow(struct walk *w, int64_t i, const struct regs *s)
{
	size_t b;
	bool changed = false;

	if (!is_insn(w, i) || w->block_of[i] < 0)
		return;
	b = (size_t)w->block_of[i];
	if (!w->seen[b]) {
		w->in[b] = *s;
		w->seen[b] = true;
		changed = true;
	} else {
		for (int r = 0; r < BC_NR_REGS; r++) {
			struct rs *x = &w->in[b].r[r], v;

			if (x->kind == s->r[r].kind && x->v == s->r[r].v)
				continue;
			v = join(*x, s->r[r], w->changes[b] >= WIDEN_AFTER);
			if (v.kind != x->kind || v.v != x->v) {
				*x = v;
				changed = true;
			}
		}
		if (changed && w->changes[b] < UINT16_MAX)
			w->changes[b]++;
	}
	if (changed && !w->queued[b]) {
		w->queued[b] = true;
		w->work[w->nr_work++] = b;
	}
}

static void run_block(struct walk *w, size_t b)
{
	struct regs s = w->in[b];
	uint32_t i = w->leaders[b];

	for (;;) {
		struct bc_insn in;

		decode(w, i, &in);
		transfer(w, &s, &in, i);
		if (bc_insn_is_exit(&in))
			return;
		if (bc_insn_is_jump(&in)) {
			flow(w, bc_insn_jump_target(&in, i), &s);
			if (bc_insn_is_goto(&in))
				return;
		}
		i += bc_insn_is_ld_imm64(&in) ? 2 : 1;
		if (i >= w->n)
			return;		/* falls off the function: the verifier refuses it */
		if (w->block_of[i] >= 0) {
			flow(w, i, &s);
			return;
		}
	}
}

int bc_obj_frame_depth(struct bc_obj *o, size_t fi)
{
	struct walk w = { .o = o, .f = &o->funcs[fi] };
	struct regs entry;
	int err;

	w.f->depth = 0;
	w.f->deepest_insn = w.f->start;
	w.n = w.f->end - w.f->start;
	if (!w.n)
		return 0;
	err = find_blocks(&w);
	if (!err) {
		memset(&entry, 0, sizeof(entry));
		entry.r[BC_REG_FP] = (struct rs){ RS_FP, 0 };
		flow(&w, 0, &entry);
		while (w.nr_work) {
			size_t b = w.work[--w.nr_work];

			w.queued[b] = false;
			run_block(&w, b);
		}
	}
	free(w.block_of);
	free(w.leaders);
	free(w.in);
	free(w.seen);
	free(w.queued);
	free(w.changes);
	free(w.work);
	return err;
}
