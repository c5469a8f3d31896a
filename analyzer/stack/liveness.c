// SPDX-License-Identifier: Apache-2.0
/* Peak of simultaneously live stack slots over a function's CFG. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "liveness.h"
#include "../base/array.h"

typedef uint64_t word_t;
#define WORD_BITS 64

struct ptr_index {
	const void *p;
	size_t i;
};

static int cmp_ptr(const void *a, const void *b)
{
	const struct ptr_index *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static long find_ptr(const struct ptr_index *v, size_t n, const void *p)
{
	struct ptr_index key = { .p = p };
	const struct ptr_index *hit = bsearch(&key, v, n, sizeof(*v), cmp_ptr);

	return hit ? (long)hit->i : -1;
}

/* The alloca under a lifetime marker's pointer: through casts and GEPs,
 * as code generation finds the frame object (getUnderlyingObjects). */
static LLVMValueRef underlying_alloca(LLVMValueRef v)
{
	for (int depth = 0; v && depth < 32; depth++) {
		if (LLVMIsAAllocaInst(v))
			return v;
		if (LLVMIsABitCastInst(v) || LLVMIsAAddrSpaceCastInst(v) ||
		    LLVMIsAGetElementPtrInst(v)) {
			v = LLVMGetOperand(v, 0);
			continue;
		}
		if (LLVMIsAConstantExpr(v)) {
			LLVMOpcode op = LLVMGetConstOpcode(v);

			if (op == LLVMBitCast || op == LLVMAddrSpaceCast || op == LLVMGetElementPtr) {
				v = LLVMGetOperand(v, 0);
				continue;
			}
		}
		return NULL;
	}
	return NULL;
}

struct ids {
	unsigned start, end;
};

/* +1 lifetime.start, -1 lifetime.end, 0 anything else; *slot set for markers. */
static int marker(LLVMValueRef inst, const struct ids *ids, const struct ptr_index *allocas,
		  size_t nr, long *slot)
{
	LLVMValueRef callee, a;
	unsigned id;

	if (!LLVMIsACallInst(inst))
		return 0;
	callee = LLVMGetCalledValue(inst);
	if (!callee || !LLVMIsAFunction(callee))
		return 0;
	id = LLVMGetIntrinsicID(callee);
	if (!id || (id != ids->start && id != ids->end))
		return 0;
	if (LLVMGetNumArgOperands(inst) < 2)
		return 0;
	a = underlying_alloca(LLVMGetOperand(inst, 1));
	*slot = a ? find_ptr(allocas, nr, a) : -1;
	if (*slot < 0)
		return 0;
	return id == ids->start ? 1 : -1;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static int collect_slots(LLVMValueRef fn, LLVMTargetDataRef td, struct bc_liveness *out)
{
	size_t cap = 0;

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			struct bc_live_slot *s;
			LLVMValueRef count;
			const char *name;
			size_t len;

			if (!LLVMIsAAllocaInst(in))
				continue;
			if (BC_GROW(out->slots, cap, out->nr_slots + 1))
				return -ENOMEM;
			s = &out->slots[out->nr_slots];
			memset(s, 0, sizeof(*s));
			name = LLVMGetValueName2(in, &len);
			s->name = strndup(name ? name : "", name ? len : 0);
			if (!s->name)
				return -ENOMEM;
			out->nr_slots++;
			s->alloca = in;
			s->alloc_bytes = LLVMABISizeOfType(td, LLVMGetAllocatedType(in));
			count = LLVMGetOperand(in, 0);
			if (count && LLVMIsAConstantInt(count)) {
				unsigned long long n = LLVMConstIntGetZExtValue(count);

				s->alloc_bytes = n && s->alloc_bytes > UINT64_MAX / n ?
						 UINT64_MAX : s->alloc_bytes * n;
			} else {
				s->dynamic = true;
			}
			s->align = LLVMGetAlignment(in);
			if (!s->align)
				s->align = LLVMABIAlignmentOfType(td, LLVMGetAllocatedType(in));
			s->bytes = (uint32_t)(round_up(s->alloc_bytes, s->align) > UINT32_MAX ?
					      UINT32_MAX : round_up(s->alloc_bytes, s->align));
			out->total_bytes += s->bytes;
		}
	}
	return 0;
}

struct graph {
	LLVMBasicBlockRef *blocks;
	size_t nr;
	struct ptr_index *index;
	size_t **succ;		/* successor indexes per block */
	size_t *nr_succ;
	bool *reachable;
};

static void graph_free(struct graph *g)
{
	if (g->succ)
		for (size_t i = 0; i < g->nr; i++)
			free(g->succ[i]);
	free(g->succ);
	free(g->nr_succ);
	free(g->blocks);
	free(g->index);
	free(g->reachable);
}

static int graph_build(LLVMValueRef fn, struct graph *g)
{
	size_t *stack, sp = 0;

	g->nr = LLVMCountBasicBlocks(fn);
	g->blocks = calloc(g->nr ? g->nr : 1, sizeof(*g->blocks));
	g->index = calloc(g->nr ? g->nr : 1, sizeof(*g->index));
	g->succ = calloc(g->nr ? g->nr : 1, sizeof(*g->succ));
	g->nr_succ = calloc(g->nr ? g->nr : 1, sizeof(*g->nr_succ));
	g->reachable = calloc(g->nr ? g->nr : 1, sizeof(*g->reachable));
	if (!g->blocks || !g->index || !g->succ || !g->nr_succ || !g->reachable)
		return -ENOMEM;
	LLVMGetBasicBlocks(fn, g->blocks);
	for (size_t i = 0; i < g->nr; i++)
		g->index[i] = (struct ptr_index){ g->blocks[i], i };
	qsort(g->index, g->nr, sizeof(*g->index), cmp_ptr);
	for (size_t i = 0; i < g->nr; i++) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(g->blocks[i]);
		unsigned n = term ? LLVMGetNumSuccessors(term) : 0;

		g->succ[i] = calloc(n ? n : 1, sizeof(**g->succ));
		if (!g->succ[i])
			return -ENOMEM;
		for (unsigned k = 0; k < n; k++) {
			long j = find_ptr(g->index, g->nr, LLVMGetSuccessor(term, k));

			if (j >= 0)
				g->succ[i][g->nr_succ[i]++] = (size_t)j;
		}
	}
	if (!g->nr)
		return 0;
	stack = malloc(g->nr * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	g->reachable[0] = true;	/* the entry block is the first */
	stack[sp++] = 0;
	while (sp) {
		size_t b = stack[--sp];

		for (size_t k = 0; k < g->nr_succ[b]; k++) {
			size_t s = g->succ[b][k];

			if (!g->reachable[s]) {
				g->reachable[s] = true;
				stack[sp++] = s;
			}
		}
	}
	free(stack);
	return 0;
}

static void set_bit(word_t *w, size_t i, bool v)
{
	if (v)
		w[i / WORD_BITS] |= (word_t)1 << (i % WORD_BITS);
	else
		w[i / WORD_BITS] &= ~((word_t)1 << (i % WORD_BITS));
}

static bool get_bit(const word_t *w, size_t i)
{
	return (w[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

/* The maximal live sets seen so far, as bitsets of NW words. */
struct set_acc {
	word_t *v;
	size_t n, cap, nw;
};

static bool subset(const word_t *a, const word_t *b, size_t nw)
{
	for (size_t k = 0; k < nw; k++)
		if (a[k] & ~b[k])
			return false;
	return true;
}

/* Adds S unless a recorded set contains it; drops the sets S contains. */
static int acc_add(struct set_acc *a, const word_t *s)
{
	size_t k = 0;
	bool empty = true;

	for (size_t w = 0; w < a->nw; w++)
		empty &= !s[w];
	if (empty)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (subset(s, a->v + i * a->nw, a->nw))
			return 0;
	for (size_t i = 0; i < a->n; i++) {
		if (subset(a->v + i * a->nw, s, a->nw))
			continue;
		if (k != i)
			memcpy(a->v + k * a->nw, a->v + i * a->nw, a->nw * sizeof(*a->v));
		k++;
	}
	a->n = k;
	/* an element is a set of NW words */
	if (BC_GROW_SIZED(a->v, a->cap, a->n + 1, a->nw * sizeof(*a->v)))
		return -ENOMEM;
	memcpy(a->v + a->n * a->nw, s, a->nw * sizeof(*s));
	a->n++;
	return 0;
}

static int acc_export(const struct set_acc *a, size_t nr_slots, struct bc_liveness *out)
{
	out->sets = calloc(a->n ? a->n : 1, sizeof(*out->sets));
	if (!out->sets)
		return -ENOMEM;
	for (size_t i = 0; i < a->n; i++) {
		const word_t *s = a->v + i * a->nw;
		struct bc_live_set *ls = &out->sets[out->nr_sets++];
		size_t n = 0;

		for (size_t k = 0; k < nr_slots; k++)
			n += get_bit(s, k);
		ls->slots = calloc(n ? n : 1, sizeof(*ls->slots));
		if (!ls->slots)
			return -ENOMEM;
		for (size_t k = 0; k < nr_slots; k++)
			if (get_bit(s, k))
				ls->slots[ls->nr++] = (uint32_t)k;
	}
	return 0;
}

/* Per-function scan context. */
struct scan {
	const struct ids *ids;
	const struct ptr_index *allocas;
	struct bc_liveness *out;
	size_t nw;
	const word_t *conservative;	/* slots live from their start marker */
	word_t *outside;		/* out: slots used outside start..end */
};

static bool is_lifetime(LLVMValueRef inst, const struct ids *ids)
{
	LLVMValueRef callee;
	unsigned id;

	if (!LLVMIsACallInst(inst))
		return false;
	callee = LLVMGetCalledValue(inst);
	if (!callee || !LLVMIsAFunction(callee))
		return false;
	id = LLVMGetIntrinsicID(callee);
	return id && (id == ids->start || id == ids->end);
}

/*
 * Applies instruction I to the state (S: started and not ended; L: live).
 * Markers open and close; any other instruction that takes a slot's
 * address (directly or through casts and GEPs, which fold into it) is a
 * use, and a use of a started slot makes it live. SUM (optional) follows
 * the live bytes. Returns true when a slot became live.
 */
static bool step(const struct scan *c, LLVMValueRef i, word_t *S, word_t *L, uint64_t *sum)
{
	const struct bc_live_slot *slots = c->out->slots;
	size_t nr = c->out->nr_slots;
	bool grew = false;
	long slot;
	int m = marker(i, c->ids, c->allocas, nr, &slot);

	if (m > 0) {
		set_bit(S, (size_t)slot, true);
		if (get_bit(c->conservative, (size_t)slot) && !get_bit(L, (size_t)slot)) {
			set_bit(L, (size_t)slot, true);
			if (sum)
				*sum += slots[slot].bytes;
			grew = true;
		}
		return grew;
	}
	if (m < 0) {
		if (sum && get_bit(L, (size_t)slot))
			*sum -= slots[slot].bytes;
		set_bit(S, (size_t)slot, false);
		set_bit(L, (size_t)slot, false);
		return false;
	}
	if (LLVMIsABitCastInst(i) || LLVMIsAAddrSpaceCastInst(i) || LLVMIsAGetElementPtrInst(i) ||
	    is_lifetime(i, c->ids))
		return false;
	for (int k = 0, n = LLVMGetNumOperands(i); k < n; k++) {
		LLVMValueRef a = underlying_alloca(LLVMGetOperand(i, (unsigned)k));

		if (!a || (slot = find_ptr(c->allocas, nr, a)) < 0)
			continue;
		if (!get_bit(S, (size_t)slot)) {
			if (c->outside)
				set_bit(c->outside, (size_t)slot, true);
			continue;
		}
		if (get_bit(L, (size_t)slot))
			continue;
		set_bit(L, (size_t)slot, true);
		if (sum)
			*sum += slots[slot].bytes;
		grew = true;
	}
	return grew;
}

/* Forward dataflow to a fixed point over (S, L) pairs of NW words each:
 * IN[entry] = INIT, IN[b] = union of the predecessors' OUT. */
static void dataflow(const struct scan *c, const struct graph *g, const word_t *init, word_t *in,
		     word_t *outs, word_t *cur, size_t *work, bool *queued)
{
	size_t nw2 = 2 * c->nw, wn = 0;

	memset(in, 0, g->nr * nw2 * sizeof(*in));
	memset(outs, 0, g->nr * nw2 * sizeof(*outs));
	if (!g->nr)
		return;
	memcpy(in, init, nw2 * sizeof(*in));
	for (size_t b = g->nr; b-- > 0;)
		if (g->reachable[b]) {
			work[wn++] = b;
			queued[b] = true;
		}
	while (wn) {
		size_t b = work[--wn];
		word_t *ob = outs + b * nw2;
		bool changed = false;

		queued[b] = false;
		memcpy(cur, in + b * nw2, nw2 * sizeof(*cur));
		for (LLVMValueRef i = LLVMGetFirstInstruction(g->blocks[b]); i;
		     i = LLVMGetNextInstruction(i))
			step(c, i, cur, cur + c->nw, NULL);
		for (size_t k = 0; k < nw2; k++)
			if (ob[k] != cur[k]) {
				ob[k] = cur[k];
				changed = true;
			}
		if (!changed)
			continue;
		for (size_t k = 0; k < g->nr_succ[b]; k++) {
			size_t s = g->succ[b][k];
			word_t *is = in + s * nw2;
			bool grew = false;

			for (size_t w = 0; w < nw2; w++) {
				word_t v = is[w] | ob[w];

				grew |= v != is[w];
				is[w] = v;
			}
			if (grew && !queued[s]) {
				queued[s] = true;
				work[wn++] = s;
			}
		}
	}
}

int bc_liveness_compute(LLVMValueRef fn, LLVMTargetDataRef td, struct bc_liveness *out)
{
	struct ids ids = {
		.start = LLVMLookupIntrinsicID("llvm.lifetime.start", strlen("llvm.lifetime.start")),
		.end = LLVMLookupIntrinsicID("llvm.lifetime.end", strlen("llvm.lifetime.end")),
	};
	struct ptr_index *allocas = NULL;
	struct graph g = { 0 };
	word_t *in = NULL, *outs = NULL, *init = NULL, *cur = NULL, *best = NULL;
	word_t *conservative = NULL, *outside = NULL;
	size_t *work = NULL, nw;
	bool *queued = NULL;
	struct set_acc acc = { 0 };
	struct scan c;
	uint64_t peak = 0, sum;
	int err = -ENOMEM;
	long slot;

	memset(out, 0, sizeof(*out));
	if (!fn || !LLVMIsAFunction(fn) || LLVMIsDeclaration(fn))
		return -EINVAL;
	err = collect_slots(fn, td, out);
	if (err)
		goto fail;
	err = -ENOMEM;
	allocas = calloc(out->nr_slots ? out->nr_slots : 1, sizeof(*allocas));
	if (!allocas)
		goto fail;
	for (size_t i = 0; i < out->nr_slots; i++)
		allocas[i] = (struct ptr_index){ out->slots[i].alloca, i };
	qsort(allocas, out->nr_slots, sizeof(*allocas), cmp_ptr);
	err = graph_build(fn, &g);
	if (err)
		goto fail;
	err = -ENOMEM;

	/* Which slots have markers (reachable code only). */
	for (size_t b = 0; b < g.nr; b++) {
		if (!g.reachable[b])
			continue;
		for (LLVMValueRef i = LLVMGetFirstInstruction(g.blocks[b]); i;
		     i = LLVMGetNextInstruction(i)) {
			int m = marker(i, &ids, allocas, out->nr_slots, &slot);

			if (m > 0)
				out->slots[slot].has_start = true;
			else if (m < 0)
				out->slots[slot].has_end = true;
		}
	}

	nw = (out->nr_slots + WORD_BITS - 1) / WORD_BITS;
	if (!nw)
		nw = 1;
	in = calloc(g.nr * 2 * nw + 1, sizeof(*in));
	outs = calloc(g.nr * 2 * nw + 1, sizeof(*outs));
	init = calloc(2 * nw, sizeof(*init));
	cur = calloc(2 * nw, sizeof(*cur));
	best = calloc(nw, sizeof(*best));
	conservative = calloc(nw, sizeof(*conservative));
	outside = calloc(nw, sizeof(*outside));
	work = malloc((g.nr + 1) * sizeof(*work));
	queued = calloc(g.nr + 1, sizeof(*queued));
	if (!in || !outs || !init || !cur || !best || !conservative || !outside || !work ||
	    !queued)
		goto fail;
	acc.nw = nw;
	/* Started and live on entry: every slot no lifetime.start opens. */
	for (size_t i = 0; i < out->nr_slots; i++)
		if (!out->slots[i].has_start) {
			set_bit(init, i, true);
			set_bit(init + nw, i, true);
		}

	/*
	 * Like LLVM's StackColoring (stackcoloring-lifetime-start-on-first-use,
	 * on by default), a slot becomes live at its first use after
	 * lifetime.start, not at the marker. A slot also used outside its
	 * start..end range is "conservative" there: live from the marker. Two
	 * rounds: find those slots, then settle with them.
	 */
	c = (struct scan){ &ids, allocas, out, nw, conservative, NULL };
	for (int round = 0; round < 2; round++) {
		bool more = false;

		dataflow(&c, &g, init, in, outs, cur, work, queued);
		if (round)
			break;
		memset(outside, 0, nw * sizeof(*outside));
		c.outside = outside;
		for (size_t b = 0; b < g.nr; b++) {
			if (!g.reachable[b])
				continue;
			memcpy(cur, in + b * 2 * nw, 2 * nw * sizeof(*cur));
			for (LLVMValueRef i = LLVMGetFirstInstruction(g.blocks[b]); i;
			     i = LLVMGetNextInstruction(i))
				step(&c, i, cur, cur + nw, NULL);
		}
		c.outside = NULL;
		for (size_t w = 0; w < nw; w++) {
			more |= (outside[w] & ~conservative[w]) != 0;
			conservative[w] |= outside[w];
		}
		if (!more)
			break;
	}

	/* The peak: the point (block entry or after an instruction) with the
	 * most live bytes; the first one in block order on ties. */
	for (size_t b = 0; b < g.nr; b++) {
		word_t *L = cur + nw;

		if (!g.reachable[b])
			continue;
		memcpy(cur, in + b * 2 * nw, 2 * nw * sizeof(*cur));
		sum = 0;
		for (size_t i = 0; i < out->nr_slots; i++)
			if (get_bit(L, i))
				sum += out->slots[i].bytes;
		if (acc_add(&acc, L))
			goto fail;
		if (sum > peak) {
			peak = sum;
			out->peak_block = g.blocks[b];
			out->peak_inst = NULL;
			memcpy(best, L, nw * sizeof(*best));
		}
		for (LLVMValueRef i = LLVMGetFirstInstruction(g.blocks[b]); i;
		     i = LLVMGetNextInstruction(i)) {
			if (!step(&c, i, cur, L, &sum))
				continue;
			if (acc_add(&acc, L))
				goto fail;
			if (sum > peak) {
				peak = sum;
				out->peak_block = g.blocks[b];
				out->peak_inst = i;
				memcpy(best, L, nw * sizeof(*best));
			}
		}
	}
	if (out->peak_block)
		for (size_t i = 0; i < out->nr_slots; i++)
			out->slots[i].live_at_peak = get_bit(best, i);
	out->peak_raw_bytes = peak;
	out->peak_bytes = round_up(peak, BC_STACK_FRAME_ALIGN);
	err = acc_export(&acc, out->nr_slots, out);
fail:
	free(acc.v);
	free(allocas);
	graph_free(&g);
	free(in);
	free(outs);
	free(init);
	free(cur);
	free(best);
	free(conservative);
	free(outside);
	free(work);
	free(queued);
	if (err)
		bc_liveness_free(out);
	return err;
}

void bc_liveness_free(struct bc_liveness *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nr_slots; i++)
		free(l->slots[i].name);
	free(l->slots);
	bc_live_sets_free(l->sets, l->nr_sets);
	memset(l, 0, sizeof(*l));
}
