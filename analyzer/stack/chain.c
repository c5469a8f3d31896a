// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's combined stack-depth model (check_max_stack_depth(),
 * docs/kernel-stack.md §3-§4) over the call graph in bc_facts.
 *
 * Roots are the programs and the asynchronous callbacks. From each root the
 * walk follows bpf-to-bpf calls and synchronous callbacks (bpf_loop, ...) the
 * way the verifier does: each frame adds its depth rounded for the target
 * (bc_target_round), at most BC_MAX_CALL_FRAMES frames, a subprogram with a
 * tail call must be reached with less than BC_TAIL_CALL_FRAME_LIMIT bytes of
 * caller frames, and on private-stack targets a frame of at least
 * BC_PRIV_STACK_MIN_SIZE bytes leaves the combined sum (but must itself be
 * within the limit). Private stacks are off for a program with any tail call
 * and for every function an asynchronous callback reaches.
 *
 * Unlike the verifier, which stops at the first violation, every violation is
 * recorded (once per chain, at most MAX_ISSUES per root). Walk states
 * (function, depth, frame) are visited once, so the work is bounded by
 * functions x depths x frames rather than by the number of paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "../base/array.h"
#include "../core/facts.h"
#include "../core/kernel_limits.h"
#include "../core/target.h"

#define MAX_ISSUES 64	/* per root: more chains than this say nothing new */
#define MAX_PATH (BC_MAX_CALL_FRAMES + 1)

struct state {
	size_t fn;
	uint32_t depth, frame;
	bool used;
};

struct walk {
	struct bc_facts *f;
	const struct bc_target *t;
	int limit;
	size_t root;
	bool *priv;		/* per function: on a private stack in this root's program */
	/* the functions the last root's plan marked (its program), so that
	 * the next plan clears those only: a program is a few functions, a
	 * script thousands, and clearing all per root was quadratic */
	size_t *planned;
	size_t nr_planned;
	bool *on_path;
	size_t path[MAX_PATH];
	/* deepest chain so far */
	uint32_t best_bytes;
	size_t best[MAX_PATH];
	size_t best_n;
	/* violations */
	struct bc_chain_issue *issues;
	size_t nr_issues, cap_issues;
	/* visited walk states (open addressing) */
	struct state *seen;
	size_t seen_cap, seen_n;
	int err;
};

static size_t hash_state(size_t fn, uint32_t depth, uint32_t frame)
{
	uint64_t h = (uint64_t)fn * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)depth << 8 | frame) * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h ^ (h >> 29));
}

/* True when the state was visited; otherwise records it. */
static bool visited(struct walk *w, size_t fn, uint32_t depth, uint32_t frame)
{
	size_t i;

	if (w->seen_n * 2 >= w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 256;
		struct state *v = calloc(cap, sizeof(*v));

		if (!v) {
			w->err = -ENOMEM;
			return true;
		}
		for (size_t k = 0; k < w->seen_cap; k++) {
			if (!w->seen[k].used)
				continue;
			i = hash_state(w->seen[k].fn, w->seen[k].depth, w->seen[k].frame) & (cap - 1);
			while (v[i].used)
				i = (i + 1) & (cap - 1);
			v[i] = w->seen[k];
		}
		free(w->seen);
		w->seen = v;
		w->seen_cap = cap;
	}
	i = hash_state(fn, depth, frame) & (w->seen_cap - 1);
	while (w->seen[i].used) {
		if (w->seen[i].fn == fn && w->seen[i].depth == depth && w->seen[i].frame == frame)
			return true;
		i = (i + 1) & (w->seen_cap - 1);
	}
	w->seen[i] = (struct state){ .fn = fn, .depth = depth, .frame = frame, .used = true };
	w->seen_n++;
	return false;
}

static void add_issue(struct walk *w, enum bc_chain_issue_kind kind, uint32_t bytes, size_t n)
{
	struct bc_chain_issue *is;

	for (size_t i = 0; i < w->nr_issues; i++) {
		is = &w->issues[i];
		if (is->kind == kind && is->nr_chain == n &&
		    !memcmp(is->chain, w->path, n * sizeof(*w->path)))
			return;
	}
	if (w->nr_issues >= MAX_ISSUES)
		return;
	if (BC_GROW(w->issues, w->cap_issues, w->nr_issues + 1)) {
		w->err = -ENOMEM;
		return;
	}
	is = &w->issues[w->nr_issues];
	is->chain = malloc(n * sizeof(*is->chain));
	if (!is->chain) {
		w->err = -ENOMEM;
		return;
	}
	memcpy(is->chain, w->path, n * sizeof(*is->chain));
	is->nr_chain = n;
	is->kind = kind;
	is->bytes = bytes;
	is->frames = (uint32_t)n;
	w->nr_issues++;
}

static void visit(struct walk *w, size_t fn, uint32_t depth, uint32_t frame)
{
	const struct bc_func *fu = &w->f->funcs[fn];
	size_t n = frame + 1;
	uint32_t d;

	if (w->err)
		return;
	w->path[frame] = fn;
	if (w->on_path[fn]) {
		add_issue(w, BC_CHAIN_RECURSION, depth, n);
		return;
	}
	if (frame >= BC_MAX_CALL_FRAMES) {
		add_issue(w, BC_CHAIN_TOO_DEEP, depth, n);
		return;
	}
	if (fn != w->root && fu->has_tail_call && depth >= BC_TAIL_CALL_FRAME_LIMIT) {
		add_issue(w, BC_CHAIN_TAIL_CALL_FRAME, depth, n);
		return;
	}
	d = (uint32_t)bc_target_round(w->t, fu->frame_bytes);
	if (w->priv[fn]) {
		if ((int64_t)d > w->limit) {
			add_issue(w, BC_CHAIN_PRIV_STACK_TOO_LARGE, d, n);
			return;
		}
	} else {
		depth += d;
	}
	/* the deepest chain; on a tie the longer one, so that a chain whose
	 * frames all run on private stacks still shows its calls */
	if (!w->best_n || depth > w->best_bytes || (depth == w->best_bytes && n > w->best_n)) {
		w->best_bytes = depth;
		memcpy(w->best, w->path, n * sizeof(*w->path));
		w->best_n = n;
	}
	if ((int64_t)depth > w->limit) {
		add_issue(w, BC_CHAIN_COMBINED_TOO_LARGE, depth, n);
		return;
	}
	if (visited(w, fn, depth, frame))
		return;
	w->on_path[fn] = true;
	for (size_t i = 0; i < fu->nr_callees; i++) {
		size_t c = fu->callees[i];

		/* async callbacks run on their own stack; they are roots */
		if (c < w->f->nr_funcs && !w->f->funcs[c].is_async_callback)
			visit(w, c, depth, frame + 1);
	}
	w->on_path[fn] = false;
}

/* Marks in MARK every function reachable from FROM (BFS through QUEUE,
 * which then lists, from 0, the functions this call marked; returns how
 * many); SKIP_ASYNC leaves asynchronous callbacks out. */
static size_t reach(const struct bc_facts *f, size_t from, bool *mark, size_t *queue,
		    bool skip_async)
{
	size_t head = 0, tail = 0;

	if (mark[from])
		return 0;
	mark[from] = true;
	queue[tail++] = from;
	while (head < tail) {
		const struct bc_func *fu = &f->funcs[queue[head++]];

		for (size_t i = 0; i < fu->nr_callees; i++) {
			size_t c = fu->callees[i];

			if (c >= f->nr_funcs || mark[c] || (skip_async && f->funcs[c].is_async_callback))
				continue;
			mark[c] = true;
			queue[tail++] = c;
		}
	}
	return tail;
}

/*
 * Private-stack decisions for the program rooted at ROOT: on when the target
 * supports it for the program type and no function of the program tail-calls;
 * then per function, unless an asynchronous callback reaches it. Touches
 * the functions of the program only (CLOSURE and NO_PRIV are all false
 * between calls).
 */
static void plan_priv(struct walk *w, bool *closure, bool *no_priv, size_t *queue)
{
	const struct bc_facts *f = w->f;
	const struct bc_func *root = &f->funcs[w->root];
	size_t *list = w->planned, n;

	for (size_t k = 0; k < w->nr_planned; k++) {
		w->priv[list[k]] = false;
		closure[list[k]] = false;
	}
	w->nr_planned = 0;
	if (!root->is_entry || !bc_target_priv_stack(w->t, root->prog_type, root->section))
		return;
	n = w->nr_planned = reach(f, w->root, closure, list, false);
	for (size_t k = 0; k < n; k++)
		if (f->funcs[list[k]].has_tail_call)
			return;
	/* what an asynchronous callback reaches is in the program too */
	for (size_t k = 0; k < n; k++)
		if (f->funcs[list[k]].is_async_callback)
			reach(f, list[k], no_priv, queue, true);
	for (size_t k = 0; k < n; k++) {
		size_t i = list[k];

		w->priv[i] = !no_priv[i] &&
			     bc_target_round(w->t, f->funcs[i].frame_bytes) >= BC_PRIV_STACK_MIN_SIZE;
	}
	for (size_t k = 0; k < n; k++)
		no_priv[list[k]] = false;
}

static int run_root(struct walk *w, size_t root)
{
	struct bc_func *fu = &w->f->funcs[root];

	w->root = root;
	w->best_n = 0;
	w->best_bytes = 0;
	w->issues = NULL;
	w->nr_issues = 0;
	w->cap_issues = 0;
	if (w->seen)
		memset(w->seen, 0, w->seen_cap * sizeof(*w->seen));
	w->seen_n = 0;
	visit(w, root, 0, 0);
	fu->issues = w->issues;
	fu->nr_issues = w->nr_issues;
	if (w->err)
		return w->err;
	fu->chain = malloc((w->best_n ? w->best_n : 1) * sizeof(*fu->chain));
	if (!fu->chain)
		return -ENOMEM;
	memcpy(fu->chain, w->best, w->best_n * sizeof(*fu->chain));
	fu->nr_chain = w->best_n;
	fu->chain_bytes = w->best_bytes;
	return 0;
}

static void reset(struct bc_facts *f)
{
	for (size_t i = 0; i < f->nr_funcs; i++) {
		struct bc_func *fu = &f->funcs[i];

		free(fu->chain);
		fu->chain = NULL;
		fu->nr_chain = 0;
		fu->chain_bytes = 0;
		for (size_t j = 0; j < fu->nr_issues; j++)
			free(fu->issues[j].chain);
		free(fu->issues);
		fu->issues = NULL;
		fu->nr_issues = 0;
	}
}

int bc_stack_chains(struct bc_facts *f, const struct bc_target *t)
{
	struct walk w = { .f = f, .t = t, .limit = t->stack_limit };
	size_t n = f->nr_funcs ? f->nr_funcs : 1, *queue;
	bool *closure, *no_priv;
	int err = 0;

	reset(f);
	w.priv = calloc(n, sizeof(*w.priv));
	w.on_path = calloc(n, sizeof(*w.on_path));
	closure = calloc(n, sizeof(*closure));
	no_priv = calloc(n, sizeof(*no_priv));
	queue = calloc(n, sizeof(*queue));
	w.planned = calloc(n, sizeof(*w.planned));
	if (!w.priv || !w.on_path || !closure || !no_priv || !queue || !w.planned)
		err = -ENOMEM;
	/* asynchronous callbacks: their own roots, always on the normal stack */
	for (size_t i = 0; i < f->nr_funcs && !err; i++)
		if (f->funcs[i].is_async_callback && !f->funcs[i].is_entry)
			err = run_root(&w, i);
	for (size_t i = 0; i < f->nr_funcs && !err; i++) {
		if (!f->funcs[i].is_entry)
			continue;
		w.root = i;
		plan_priv(&w, closure, no_priv, queue);
		err = run_root(&w, i);
	}
	free(w.priv);
	free(w.on_path);
	free(closure);
	free(no_priv);
	free(queue);
	free(w.planned);
	free(w.seen);
	return err;
}
