/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The optimiser and the BPF backend, in process (LLVM-C): the pass pipeline
 * bpftrace runs (O3 without loop unrolling, interleaving or vectorisation,
 * as CodegenLLVM::optimize() sets up in bpftrace 0.17 and later), then code
 * generation into an ELF object in memory. Backend diagnostics (the BPF
 * stack-limit message, unsupported calls, ...) are captured, never fatal;
 * so are LLVM's fatal errors (llvm_guard.h): the optimiser or the backend
 * then fails with LLVM's message and M must only be freed.
 */
#ifndef BC_IR_BACKEND_H
#define BC_IR_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/TargetMachine.h>

struct bc_ir_module;

/* What bpftrace uses: -mcpu=generic (every version up to HEAD). */
#define BC_BACKEND_DEFAULT_CPU "generic"
/* Used when the module names no target triple. */
#define BC_BACKEND_DEFAULT_TRIPLE "bpfel"

struct bc_backend_opts {
	const char *cpu;		/* "generic", "v1".."v4"; NULL = BC_BACKEND_DEFAULT_CPU */
	const char *default_triple;	/* NULL = BC_BACKEND_DEFAULT_TRIPLE */
};

struct bc_backend {
	LLVMTargetMachineRef tm;	/* kept for the next module by bc_backend_fini */
	char *triple;
	char *cpu;
	char *error;		/* why bc_backend_init/optimize failed */
	bool poisoned;		/* LLVM failed fatally while using TM: never reused */
};

/* Frame size the backend laid out for one function (prologue/epilogue
 * insertion reports it): MachineFrameInfo's stack size, rounded to 8. */
struct bc_backend_frame {
	char *function;
	uint32_t stack_bytes;
};

struct bc_backend_result {
	void *obj;			/* the ELF object (malloc) */
	size_t obj_size;
	struct bc_backend_frame *frames;
	size_t nr_frames, cap_frames;
	char **errors;			/* backend errors; the object is still produced */
	size_t nr_errors, cap_errors;
	char **warnings;
	size_t nr_warnings, cap_warnings;
	uint64_t codegen_ns;		/* time spent in code generation */
};

/*
 * Prepares M for the BPF backend: checks that its triple is a BPF one (bpf,
 * bpfel, bpfeb; none = opts default), creates the target machine (O3 code
 * generation like bpftrace) and gives the module the target's data layout.
 * 0, -EINVAL when the module targets another architecture (b->error says
 * which), -ENOENT when LLVM has no BPF target, -ENOMEM.
 */
int bc_backend_init(struct bc_backend *b, struct bc_ir_module *m,
		    const struct bc_backend_opts *opts);
/* Runs "default<O3>" with bpftrace's tuning options. NS (optional) receives
 * the time taken. 0 or -EINVAL (b->error set). */
int bc_backend_optimize(struct bc_backend *b, struct bc_ir_module *m, uint64_t *ns);
/* Runs the BPF target's IR passes without the optimiser: default<O0>, the
 * pipeline of clang -O0 (backend.c says why). 0 or -EINVAL (b->error). */
int bc_backend_lower(struct bc_backend *b, struct bc_ir_module *m, uint64_t *ns);
/* Generates the object. Errors LLVM reports while doing so are returned in
 * R->errors with the object. 0; -EIO when LLVM produced no object (b->error
 * set); -ENOMEM. */
int bc_backend_emit(struct bc_backend *b, struct bc_ir_module *m, struct bc_backend_result *r);
/* The backend's frame size for FUNCTION, or -1 when not reported. */
int64_t bc_backend_frame_bytes(const struct bc_backend_result *r, const char *function);
void bc_backend_result_free(struct bc_backend_result *r);
void bc_backend_fini(struct bc_backend *b);

#endif
