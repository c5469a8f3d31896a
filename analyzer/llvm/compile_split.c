// SPDX-License-Identifier: Apache-2.0
/* A module's functions compiled on several threads (see compile_split.h). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>

#include "../stack/chain.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "compile_split.h"
#include "compile_steps.h"
#include "ir_load.h"
#include "../base/array.h"

#define THREAD_STACK	(8u << 20)	/* LLVM's code generation recurses deeply */
#define MIN_PART_WEIGHT	150		/* instructions; see bc_compile_split */

struct part {
	unsigned index;
	uint64_t weight;		/* instructions of its functions */
	struct bc_ir_module *own;	/* parts > 0: the module in its own context */
	struct bc_compile_out out;
	pthread_t thread;
	bool started;
};

struct fn_key {
	const char *name;
	size_t i;
	uint64_t weight;
};

struct split {
	size_t nr_fns;
	char **names;			/* defined functions, module order */
	uint64_t *weights;
	unsigned *owner;		/* part of each function */
	struct fn_key *by_name;		/* the functions sorted by name (fn_index) */
	struct part *parts;
	unsigned nr_parts;
	LLVMMemoryBufferRef bitcode;
	const struct bc_prov_table *prov;
	const struct bc_compile_opts *opts;
};

unsigned bc_compile_jobs(int jobs)
{
	cpu_set_t set;
	long n = jobs;

	if (n <= 0) {
		n = 0;
		if (!sched_getaffinity(0, sizeof(set), &set))
			n = CPU_COUNT(&set);
		if (n <= 0)
			n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n <= 0)
			n = 1;
	}
	return n > BC_COMPILE_MAX_JOBS ? BC_COMPILE_MAX_JOBS : (unsigned)n;
}

static uint64_t fn_weight(LLVMValueRef fn)
{
	uint64_t n = 0;

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
			n++;
	return n;
}

static void split_free(struct split *s)
{
	for (size_t i = 0; i < s->nr_fns; i++)
		free(s->names[i]);
	free(s->names);
	free(s->weights);
	free(s->owner);
	free(s->by_name);
	for (unsigned p = 0; s->parts && p < s->nr_parts; p++) {
		bc_compile_out_free(&s->parts[p].out);
		bc_ir_module_free(s->parts[p].own);
	}
	free(s->parts);
	if (s->bitcode)
		LLVMDisposeMemoryBuffer(s->bitcode);
}

/*
 * The defined functions of MOD with their weights. -EAGAIN when one is
 * referenced (a call, a callback, llvm.used): the module does not split.
 */
static int collect_functions(struct split *s, LLVMModuleRef mod)
{
	size_t cap_names = 0, cap_weights = 0;

	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *name;
		size_t len;

		if (LLVMIsDeclaration(fn))
			continue;
		if (LLVMGetFirstUse(fn))
			return -EAGAIN;
		if (BC_GROW(s->names, cap_names, s->nr_fns + 1) ||
		    BC_GROW(s->weights, cap_weights, s->nr_fns + 1))
			return -ENOMEM;
		name = LLVMGetValueName2(fn, &len);
		s->names[s->nr_fns] = strndup(name, len);
		if (!s->names[s->nr_fns])
			return -ENOMEM;
		s->weights[s->nr_fns++] = fn_weight(fn);
	}
	return 0;
}

/* Largest function first, each to the lightest part (ties: lowest index). */
static int cmp_heaviest(const void *a, const void *b)
{
	const struct fn_key *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

static int cmp_name(const void *a, const void *b)
{
	const struct fn_key *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int assign_parts(struct split *s)
{
	struct fn_key *order = malloc(s->nr_fns * sizeof(*order));

	s->owner = calloc(s->nr_fns, sizeof(*s->owner));
	s->parts = calloc(s->nr_parts, sizeof(*s->parts));
	s->by_name = malloc(s->nr_fns * sizeof(*s->by_name));
	if (!order || !s->owner || !s->parts || !s->by_name) {
		free(order);
		return -ENOMEM;
	}
	/* heaviest first, ties in module order; sorted rather than inserted
	 * one by one: a script of 10,000 probes has 10,000 functions */
	for (size_t i = 0; i < s->nr_fns; i++)
		order[i] = (struct fn_key){ s->names[i], i, s->weights[i] };
	memcpy(s->by_name, order, s->nr_fns * sizeof(*order));
	qsort(order, s->nr_fns, sizeof(*order), cmp_heaviest);
	qsort(s->by_name, s->nr_fns, sizeof(*s->by_name), cmp_name);
	for (unsigned p = 0; p < s->nr_parts; p++)
		s->parts[p].index = p;
	for (size_t k = 0; k < s->nr_fns; k++) {
		unsigned best = 0;

		for (unsigned p = 1; p < s->nr_parts; p++)
			if (s->parts[p].weight < s->parts[best].weight)
				best = p;
		s->owner[order[k].i] = best;
		s->parts[best].weight += s->weights[order[k].i] + 1;
	}
	free(order);
	return 0;
}

/* FN's index among the defined functions (names are unique in a module):
 * a binary search of by_name. */
static long fn_index(const struct split *s, LLVMValueRef fn)
{
	size_t len, lo = 0, hi = s->nr_fns;
	const char *name = LLVMGetValueName2(fn, &len);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = s->by_name[mid].name;
		int c = strncmp(m, name, len);

		if (!c)		/* NAME is LEN bytes; M may go on */
			c = m[len] != 0;
		if (!c)
			return (long)s->by_name[mid].i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Deletes from MOD the defined functions that belong to other parts. */
static void keep_part(const struct split *s, LLVMModuleRef mod, unsigned part)
{
	LLVMValueRef fn = LLVMGetFirstFunction(mod);

	while (fn) {
		LLVMValueRef next = LLVMGetNextFunction(fn);
		long i;

		if (!LLVMIsDeclaration(fn)) {
			i = fn_index(s, fn);
			if (i < 0 || s->owner[i] != part)
				LLVMDeleteFunction(fn);
		}
		fn = next;
	}
}

struct job {
	struct split *s;
	struct part *p;
};

/* A part other than the first: its own context, then the common compile. */
static void run_part(struct split *s, struct part *p)
{
	const char *bc = LLVMGetBufferStart(s->bitcode);

	p->own = bc_ir_parse(bc, LLVMGetBufferSize(s->bitcode), NULL);
	if (!p->own) {
		p->out.err = errno == ENOMEM ? -ENOMEM : -EINVAL;
		p->out.message = strdup(errno == ENOMEM ? "out of memory" :
					"the generated module does not read back from bitcode");
		return;
	}
	keep_part(s, p->own->mod, p->index);
	bc_compile_to_object(p->own, s->prov, s->opts, &p->out);
}

static void *part_thread(void *arg)
{
	struct job *j = arg;

	run_part(j->s, j->p);
	free(j);
	return NULL;
}

static void start_part(struct split *s, struct part *p)
{
	struct job *j = malloc(sizeof(*j));
	pthread_attr_t attr;

	if (!j)
		return;
	j->s = s;
	j->p = p;
	if (pthread_attr_init(&attr)) {
		free(j);
		return;
	}
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	p->started = !pthread_create(&p->thread, &attr, part_thread, j);
	pthread_attr_destroy(&attr);
	if (!p->started)
		free(j);	/* compiled on this thread instead */
}

/*
 * The object functions appended since BASE, put in the module's order (the
 * serial compile's), callees renumbered; the chains are then recomputed
 * over the new indexes.
 */
static int restore_order(struct bc_unit *u, const struct bc_target *t, const struct split *s,
			 size_t base)
{
	struct bc_facts *f = &u->facts;
	size_t n = f->nr_funcs - base, *rank, *order, *where;
	struct bc_func *sorted;
	int err = -ENOMEM;

	if (n < 2)
		return 0;
	rank = malloc(n * sizeof(*rank));
	order = malloc(n * sizeof(*order));
	where = malloc(n * sizeof(*where));
	sorted = malloc(n * sizeof(*sorted));
	if (!rank || !order || !where || !sorted)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		rank[i] = s->nr_fns + i;	/* not a module function: after them */
		for (size_t k = 0; k < s->nr_fns; k++)
			if (f->funcs[base + i].name && !strcmp(f->funcs[base + i].name, s->names[k])) {
				rank[i] = k;
				break;
			}
		while (j > 0 && rank[order[j - 1]] > rank[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (size_t k = 0; k < n; k++) {
		sorted[k] = f->funcs[base + order[k]];
		where[order[k]] = k;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t c = 0; c < sorted[k].nr_callees; c++)
			if (sorted[k].callees[c] >= base)
				sorted[k].callees[c] = base + where[sorted[k].callees[c] - base];
	memcpy(f->funcs + base, sorted, n * sizeof(*sorted));
	err = bc_stack_chains(f, t) ? -ENOMEM : 0;
out:
	if (err == -ENOMEM && !u->status)
		bc_unit_fail(u, err, NULL, "out of memory");
	free(rank);
	free(order);
	free(where);
	free(sorted);
	return err;
}

static void add_stats(struct bc_compile_stats *sum, const struct bc_compile_stats *st)
{
	sum->opt_ns += st->opt_ns;
	sum->analyze_ns += st->analyze_ns;
	sum->codegen_ns += st->codegen_ns;
	sum->object_ns += st->object_ns;
	sum->nr_functions += st->nr_functions;
	sum->nr_attached += st->nr_attached;
	sum->threads++;
}

/* The part whose earliest function comes first in the module, among those
 * LLVM reported errors for: the serial compile reports the first error of
 * the module, and emits functions in module order. */
static const struct part *first_with_errors(const struct split *s)
{
	for (size_t i = 0; i < s->nr_fns; i++)
		if (s->parts[s->owner[i]].out.res.nr_errors)
			return &s->parts[s->owner[i]];
	return NULL;
}

int bc_compile_split(struct bc_unit *u, const struct bc_target *t, struct bc_ir_module *m,
		     const struct bc_prov_table *prov, const struct bc_compile_opts *o,
		     struct bc_compile_stats *stats)
{
	struct split s = { .prov = prov, .opts = o };
	struct bc_compile_stats sum = { 0 };
	unsigned jobs = bc_compile_jobs(t->jobs);
	const struct part *bad;
	uint64_t total = 0;
	size_t base;
	int err;

	if (jobs < 2 || !LLVMIsMultithreaded())
		return -EAGAIN;
	err = collect_functions(&s, m->mod);
	if (!err && s.nr_fns < 2)
		err = -EAGAIN;
	if (err)
		goto out;
	for (size_t i = 0; i < s.nr_fns; i++)
		total += s.weights[i];
	/* a part must be worth its thread: its own context, target machine
	 * and pass pipelines cost about what MIN_PART_WEIGHT instructions do */
	s.nr_parts = jobs < s.nr_fns ? jobs : (unsigned)s.nr_fns;
	if (s.nr_parts > total / MIN_PART_WEIGHT)
		s.nr_parts = (unsigned)(total / MIN_PART_WEIGHT);
	if (s.nr_parts < 2) {
		err = -EAGAIN;
		goto out;
	}
	err = assign_parts(&s);
	if (!err && !(s.bitcode = LLVMWriteBitcodeToMemoryBuffer(m->mod)))
		err = -ENOMEM;
	if (err)
		goto out;
	/* from here on M holds only the first part */
	for (unsigned p = 1; p < s.nr_parts; p++)
		start_part(&s, &s.parts[p]);
	keep_part(&s, m->mod, 0);
	bc_compile_to_object(m, prov, o, &s.parts[0].out);
	for (unsigned p = 1; p < s.nr_parts; p++) {
		if (s.parts[p].started)
			pthread_join(s.parts[p].thread, NULL);
		else
			run_part(&s, &s.parts[p]);
	}
	for (unsigned p = 0; p < s.nr_parts && !err; p++) {
		const struct bc_compile_out *out = &s.parts[p].out;

		if (out->err)
			err = bc_unit_fail(u, out->err, NULL, "%s",
					   out->message ? out->message : "out of memory");
	}
	base = u->facts.nr_funcs;
	for (unsigned p = 0; p < s.nr_parts && !err; p++) {
		err = bc_compile_absorb(u, t, &s.parts[p].out);
		add_stats(&sum, &s.parts[p].out.st);
	}
	if (!err)
		err = restore_order(u, t, &s, base);
	bad = err ? NULL : first_with_errors(&s);
	if (bad)
		err = bc_compile_backend_error(u, &bad->out.res);
out:
	if (err == -ENOMEM && !u->status)
		bc_unit_fail(u, err, NULL, "out of memory");
	if (stats && err != -EAGAIN)
		*stats = sum;
	split_free(&s);
	return err;
}
