// SPDX-License-Identifier: Apache-2.0
/* Optimising and emitting a BPF object in process (LLVM-C). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "backend.h"
#include "../base/array.h"
#include "../base/str.h"
#include "ir_load.h"
#include "llvm_guard.h"
#include "llvm_init.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Target machines kept for the next module: creating one (the BPF
 * subtarget and its tables) is a fixed cost per module, about 1.5% of the
 * compile of a small script, paid again for every file of a run and every
 * part of a split compile. A machine holds nothing of the modules it
 * compiled (bpftrace, too, uses one for the optimiser and the backend), so
 * a kept one of the same triple and cpu compiles exactly as a new one.
 * One user at a time: bc_backend_init takes it out, bc_backend_fini puts it
 * back. At most POOL_MAX are kept (one per thread compiling at once).
 */
#define POOL_MAX 32

struct kept_tm {
	LLVMTargetMachineRef tm;
	char *triple, *cpu;
	struct kept_tm *next;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept_tm *pool;
static unsigned pool_size;

static LLVMTargetMachineRef pool_take(const char *triple, const char *cpu)
{
	LLVMTargetMachineRef tm = NULL;

	pthread_mutex_lock(&pool_lock);
	for (struct kept_tm **k = &pool; *k; k = &(*k)->next) {
		struct kept_tm *e = *k;

		if (!strcmp(e->triple, triple) && !strcmp(e->cpu, cpu)) {
			*k = e->next;
			pool_size--;
			tm = e->tm;
			free(e->triple);
			free(e->cpu);
			free(e);
			break;
		}
	}
	pthread_mutex_unlock(&pool_lock);
	return tm;
}

static void pool_put(LLVMTargetMachineRef tm, const char *triple, const char *cpu)
{
	struct kept_tm *e = calloc(1, sizeof(*e));

	if (e) {
		e->triple = strdup(triple);
		e->cpu = strdup(cpu);
	}
	pthread_mutex_lock(&pool_lock);
	if (e && e->triple && e->cpu && pool_size < POOL_MAX) {
		e->tm = tm;
		e->next = pool;
		pool = e;
		pool_size++;
		tm = NULL;
		e = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	if (e) {
		free(e->triple);
		free(e->cpu);
		free(e);
	}
	if (tm)
		LLVMDisposeTargetMachine(tm);
}

static int set_error(struct bc_backend *b, int err, const char *fmt, const char *arg)
{
	free(b->error);
	if (asprintf(&b->error, fmt, arg) < 0)
		b->error = NULL;
	return err;
}

/* The architecture part of a triple: "bpf-pc-linux" -> "bpf". */
static bool is_bpf_triple(const char *triple)
{
	size_t n = strcspn(triple, "-");

	return (n == 3 && !strncmp(triple, "bpf", 3)) ||
	       (n == 5 && (!strncmp(triple, "bpfel", 5) || !strncmp(triple, "bpfeb", 5)));
}

int bc_backend_init(struct bc_backend *b, struct bc_ir_module *m,
		    const struct bc_backend_opts *opts)
{
	const char *cpu = opts && opts->cpu ? opts->cpu : BC_BACKEND_DEFAULT_CPU;
	const char *triple = LLVMGetTarget(m->mod);
	LLVMTargetDataRef td;
	LLVMTargetRef target;
	char *msg = NULL, *want, *have;
	int err;

	memset(b, 0, sizeof(*b));
	err = bc_llvm_init();
	if (err)
		return set_error(b, err, "%s", "LLVM has no BPF target");
	if (!triple || !*triple)
		triple = opts && opts->default_triple ? opts->default_triple :
			 BC_BACKEND_DEFAULT_TRIPLE;
	if (!is_bpf_triple(triple))
		return set_error(b, -EINVAL, "the module targets '%s', not BPF", triple);
	b->triple = strdup(triple);
	b->cpu = strdup(cpu);
	if (!b->triple || !b->cpu)
		return -ENOMEM;
	b->tm = pool_take(b->triple, b->cpu);
	if (b->tm)
		goto have_tm;
	if (LLVMGetTargetFromTriple(b->triple, &target, &msg)) {
		err = set_error(b, -ENOENT, "no LLVM target for this triple: %s", msg);
		LLVMDisposeMessage(msg);
		return err;
	}
	/* bpftrace: createTargetMachine(triple, "generic", "", TargetOptions(),
	 * default relocation model) and setOptLevel(Aggressive). */
	b->tm = LLVMCreateTargetMachine(target, b->triple, cpu, "", LLVMCodeGenLevelAggressive,
					LLVMRelocDefault, LLVMCodeModelDefault);
	if (!b->tm)
		return set_error(b, -EINVAL, "LLVM cannot create a BPF target machine for cpu '%s'",
				 cpu);
have_tm:
	LLVMSetTarget(m->mod, b->triple);
	td = LLVMCreateTargetDataLayout(b->tm);
	want = LLVMCopyStringRepOfTargetData(td);
	have = (char *)LLVMGetDataLayoutStr(m->mod);
	if (want && (!have || strcmp(want, have)))
		LLVMSetModuleDataLayout(m->mod, td);
	LLVMDisposeMessage(want);
	LLVMDisposeTargetData(td);
	return 0;
}

struct run_passes {
	LLVMModuleRef mod;
	LLVMTargetMachineRef tm;
	const char *pipeline;
	char *error;		/* LLVM's message when the pipeline did not parse */
};

static int run_passes_fn(void *arg)
{
	struct run_passes *rp = arg;
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e;
	char *msg;

	if (!po)
		return -ENOMEM;
	/* bpftrace's PipelineTuningOptions */
	LLVMPassBuilderOptionsSetLoopUnrolling(po, 0);
	LLVMPassBuilderOptionsSetLoopInterleaving(po, 0);
	LLVMPassBuilderOptionsSetLoopVectorization(po, 0);
	LLVMPassBuilderOptionsSetSLPVectorization(po, 0);
	e = LLVMRunPasses(rp->mod, rp->pipeline, rp->tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (!e)
		return 0;
	msg = LLVMGetErrorMessage(e);
	rp->error = strdup(msg ? msg : "unknown error");
	LLVMDisposeErrorMessage(msg);
	return -EINVAL;
}

/* The module and the target machine after a fatal error (llvm_guard.h). */
static void poison(struct bc_backend *b, struct bc_ir_module *m)
{
	b->poisoned = true;
	bc_ir_module_poison(m);
}

static int run_passes(struct bc_backend *b, struct bc_ir_module *m, const char *pipeline,
		      const char *what, uint64_t *ns)
{
	struct run_passes rp = { .mod = m->mod, .tm = b->tm, .pipeline = pipeline };
	char fatal[512];
	uint64_t t0 = now_ns();
	int err;

	err = bc_llvm_guard(run_passes_fn, &rp, fatal, sizeof(fatal));
	if (err == -ECANCELED) {
		poison(b, m);
		err = set_error(b, -EINVAL, what, fatal);
	} else if (err == -EINVAL) {
		err = set_error(b, -EINVAL, what, rp.error ? rp.error : "unknown error");
	}
	free(rp.error);
	if (ns)
		*ns = now_ns() - t0;
	return err;
}

int bc_backend_optimize(struct bc_backend *b, struct bc_ir_module *m, uint64_t *ns)
{
	return run_passes(b, m, "default<O3>", "LLVM optimisation failed: %s", ns);
}

/*
 * The BPF target's IR passes that a module needs before code generation
 * (bc_ir_pipeline_only_intrinsic, opt_state.h) run from the pass builder
 * callbacks the target registers: at the start of every default<On>
 * pipeline, O0 included (preserve_static_offset, CO-RE relocations, BTF
 * type ids), and again late in the scalar optimiser. Without the
 * optimiser, clang -O0 is what lowers them: its pipeline, default<O0>,
 * with the same callbacks.
 */
int bc_backend_lower(struct bc_backend *b, struct bc_ir_module *m, uint64_t *ns)
{
	return run_passes(b, m, "default<O0>", "LLVM's BPF IR passes failed: %s", ns);
}

/* "[LOC: ]N stack bytes in function 'NAME'" (PrologEpilogInserter's
 * StackSize analysis remark, enabled by bc_llvm_init; LOC is "<unknown>:0:0"
 * without debug info). 1 when MSG is one. */
static int parse_frame_remark(const char *msg, struct bc_backend_frame *f)
{
	static const char mid[] = " stack bytes in function '";
	const char *hit = strstr(msg, mid), *p, *name, *end;
	unsigned long long v = 0;

	if (!hit)
		return 0;
	p = hit;
	while (p > msg && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == hit || hit - p > 10)
		return 0;
	for (; p < hit; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (v > UINT32_MAX)
		return 0;
	name = hit + sizeof(mid) - 1;
	end = strrchr(name, '\'');
	if (!end)
		return 0;
	f->function = strndup(name, (size_t)(end - name));
	if (!f->function)
		return -ENOMEM;
	f->stack_bytes = (uint32_t)v;
	return 1;
}

static int collect(struct bc_ir_module *m, struct bc_backend_result *r)
{
	struct bc_backend_frame f;
	int err;

	for (size_t i = 0; i < m->diags.n; i++) {
		const struct bc_llvm_diag *d = &m->diags.v[i];

		switch (d->severity) {
		case LLVMDSError:
			err = bc_strv_push(&r->errors, &r->nr_errors, &r->cap_errors, d->message);
			break;
		case LLVMDSWarning:
			err = bc_strv_push(&r->warnings, &r->nr_warnings, &r->cap_warnings,
					   d->message);
			break;
		case LLVMDSRemark:
			err = parse_frame_remark(d->message, &f);
			if (err == 1) {
				if (BC_GROW(r->frames, r->cap_frames, r->nr_frames + 1)) {
					free(f.function);
					return -ENOMEM;
				}
				r->frames[r->nr_frames++] = f;
				err = 0;
			}
			break;
		default:
			err = 0;
			break;
		}
		if (err)
			return err;
	}
	return m->diags.lost ? -ENOMEM : 0;
}

struct emit {
	LLVMTargetMachineRef tm;
	LLVMModuleRef mod;
	LLVMMemoryBufferRef buf;
	char *msg;
};

static int emit_fn(void *arg)
{
	struct emit *e = arg;

	return LLVMTargetMachineEmitToMemoryBuffer(e->tm, e->mod, LLVMObjectFile, &e->msg,
						  &e->buf) ? -EIO : 0;
}

int bc_backend_emit(struct bc_backend *b, struct bc_ir_module *m, struct bc_backend_result *r)
{
	struct emit e = { .tm = b->tm, .mod = m->mod };
	char fatal[512];
	uint64_t t0;
	int err;

	memset(r, 0, sizeof(*r));
	bc_llvm_diags_clear(&m->diags);
	t0 = now_ns();
	err = bc_llvm_guard(emit_fn, &e, fatal, sizeof(fatal));
	r->codegen_ns = now_ns() - t0;
	if (err == -ECANCELED) {
		/* what LLVM reported before it gave up is still worth keeping */
		poison(b, m);
		collect(m, r);
		return set_error(b, -EIO, "the BPF backend cannot compile this module: %s",
				 fatal);
	}
	if (err || !e.buf) {
		err = set_error(b, -EIO, "LLVM code generation failed: %s",
				e.msg ? e.msg : "no object produced");
		LLVMDisposeMessage(e.msg);
		if (e.buf)
			LLVMDisposeMemoryBuffer(e.buf);
		collect(m, r);
		return err;
	}
	LLVMDisposeMessage(e.msg);
	r->obj_size = LLVMGetBufferSize(e.buf);
	r->obj = malloc(r->obj_size ? r->obj_size : 1);
	if (!r->obj) {
		LLVMDisposeMemoryBuffer(e.buf);
		return -ENOMEM;
	}
	memcpy(r->obj, LLVMGetBufferStart(e.buf), r->obj_size);
	LLVMDisposeMemoryBuffer(e.buf);
	return collect(m, r);
}

int64_t bc_backend_frame_bytes(const struct bc_backend_result *r, const char *function)
{
	for (size_t i = 0; i < r->nr_frames; i++)
		if (!strcmp(r->frames[i].function, function))
			return r->frames[i].stack_bytes;
	return -1;
}

void bc_backend_result_free(struct bc_backend_result *r)
{
	if (!r)
		return;
	free(r->obj);
	for (size_t i = 0; i < r->nr_frames; i++)
		free(r->frames[i].function);
	free(r->frames);
	for (size_t i = 0; i < r->nr_errors; i++)
		free(r->errors[i]);
	free(r->errors);
	for (size_t i = 0; i < r->nr_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

void bc_backend_fini(struct bc_backend *b)
{
	if (!b)
		return;
	/* a poisoned machine is leaked: see llvm_guard.h */
	if (b->tm && !b->poisoned)
		pool_put(b->tm, b->triple, b->cpu);
	else if (b->tm)
		bc_llvm_leak(b->tm);
	free(b->triple);
	free(b->cpu);
	free(b->error);
	memset(b, 0, sizeof(*b));
}
