// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: LLVM IR and bitcode loading (LLVM's readers plus
 * bpfcheck's verification and error positions), then, on modules that
 * loaded (so passed LLVMVerifyModule), slot liveness, the optimisation
 * check, scratch-buffer uses and attribution of every alloca.
 *
 * The BPF backend is not run by default (it is slow). BC_FUZZ_BACKEND=1 in
 * the environment runs it too (optimise + emit) on verified modules. LLVM's
 * fatal errors there (report_fatal_error on IR the verifier accepts but BPF
 * cannot express) are caught and fail the module (llvm_guard.h), which is
 * then leaked on purpose; the guarded steps are not leak-checked in
 * sanitizer builds (analyzer/llvm/llvm_guard.c), the rest is.
 *
 * Bitcode inputs are skipped by default for the same kind of reason: LLVM's
 * bitcode reader sizes buffers from counts in the stream, and a 1.8 KB
 * mutant of the seed made it request 32 GiB (out-of-memory abort inside
 * LLVM). BC_FUZZ_BITCODE=1 feeds them too. Textual IR is always fuzzed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/stack/attribution.h"
#include "analyzer/llvm/backend.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/llvm/opt_state.h"
#include "analyzer/stack/scratch.h"
#include "analyzer/stack/liveness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void per_function(LLVMValueRef fn, LLVMTargetDataRef td)
{
	struct bc_scratch_use *uses;
	struct bc_liveness l;
	size_t nr;
	uint64_t sum = 0;

	if (bc_liveness_compute(fn, td, &l))
		abort();
	for (size_t i = 0; i < l.nr_slots; i++) {
		struct bc_ir_attr a;

		if (bc_ir_attribute(l.slots[i].name, l.slots[i].bytes, NULL, 0, &a))
			abort();
		if (!a.construct || !a.name)
			abort();
		bc_ir_attr_free(&a);
		if (l.slots[i].live_at_peak)
			sum += l.slots[i].bytes;
	}
	if (sum != l.peak_raw_bytes || l.peak_raw_bytes > l.total_bytes)
		abort();	/* the peak set must add up to the peak */
	bc_liveness_free(&l);
	if (bc_ir_scratch_uses(fn, td, &uses, &nr))
		abort();
	free(uses);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int backend = -1, bitcode = -1;
	struct bc_ir_error err;
	struct bc_ir_module *m;
	LLVMTargetDataRef td;

	if (backend < 0) {
		const char *env = getenv("BC_FUZZ_BACKEND");

		backend = env && !strcmp(env, "1");
		env = getenv("BC_FUZZ_BITCODE");
		bitcode = env && !strcmp(env, "1");
	}
	if (!bitcode && bc_ir_is_bitcode(data, size))
		return 0;
	m = bc_ir_parse(data, size, &err);
	if (!m) {
		if (!err.message || !*err.message)
			abort();	/* a failure must say why */
		bc_ir_error_free(&err);
		return 0;
	}
	td = LLVMGetModuleDataLayout(m->mod);
	(void)bc_ir_needs_optimization(m->mod);
	for (LLVMValueRef fn = LLVMGetFirstFunction(m->mod); fn; fn = LLVMGetNextFunction(fn))
		if (!LLVMIsDeclaration(fn))
			per_function(fn, td);
	if (backend) {
		struct bc_backend b;
		struct bc_backend_result r;

		if (!bc_backend_init(&b, m, NULL) && !bc_backend_optimize(&b, m, NULL) &&
		    !bc_backend_emit(&b, m, &r))
			bc_backend_result_free(&r);
		bc_backend_fini(&b);
	}
	bc_ir_module_free(m);
	return 0;
}
