/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Code generation: a typed bpftrace AST (parser + semantic analysis) to the
 * LLVM IR the target bpftrace would generate for it, built with the IR
 * builder (irbuilder.h), with the provenance of every allocation (prov.h).
 *
 * The model is bpftrace 0.17's CodegenLLVM (src/ast/passes/codegen_llvm.cpp
 * @v0.17.0), construct by construct: the same allocas with the same names,
 * types and lifetime markers in the same places, the same helper calls, map
 * lookups and control flow, because spills and slot sharing in the BPF
 * backend decide the final frame and they follow from all of it
 * (docs/bpftrace-codegen.md §1.2, §5):
 *
 *  - one function per probe, or, when bpftrace expands the probe (tracepoint
 *    `args`, the `probe` builtin, USDT), one per attach point; a wildcard
 *    attach point stays one function named as written;
 *  - variables zero-initialised in the entry block, never ended; both
 *    ternary slots; printf argument structs with small integers widened;
 *    map key and value allocas per site; str() with its `strlen` slot; ...
 *
 * Targets 0.22 and later keep that model and move what bpftrace moved
 * (§1.3): temporaries larger than on_stack_limit become per-CPU scratch
 * slots (bc_irb_alloc), which cost no stack but memory (recorded in the
 * provenance), and str()/path() take the profile's max_strlen.
 *
 * A construct the model does not cover makes bc_codegen fail with
 * -EOPNOTSUPP and a description (construct and span) in opts->status, so a
 * caller reports "no stack figure for this probe" instead of a wrong number:
 * USDT probes and arguments (their locations are in the binary's notes),
 * kaddr()/uaddr()/cgroupid() and cpid (resolved by bpftrace at load time),
 * printf in iter probes (seq_printf), comparison of integer arrays,
 * ternaries of tuple/record type, `for` loops, imports, `&` of variables
 * and maps, `return expr` and user functions (0.21+), `a ?: b`, and, for
 * 0.21+, kstack/ustack (bpf_get_stack) and join(), for 0.22+ buf().
 *
 * What the model assumes: a header macro semantic analysis could only guess
 * (BC101) gets a small value of its own (see codegen_expr.c); a uprobe
 * library is named as written (bpftrace resolves it to a path); a wildcard
 * kprobe/uprobe that bpftrace expands (the `probe` builtin) is one function;
 * 0.22+ follows 0.17's shape except where bpftrace moved
 * things (§1.3: scratch buffers, count/sum/hist added in place, {value, count}
 * structs for min/max/avg/stats, phi ternaries, exit_t).
 */
#ifndef BC_IR_CODEGEN_H
#define BC_IR_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"
#include "../stack/prov.h"

struct bc_script;
struct bc_sema;
struct bc_ir_module;
struct bc_bt_profile;

/* Why code generation stopped (filled on failure when the caller gives it). */
struct bc_codegen_status {
	int err;			/* the negative errno bc_codegen returned */
	char construct[64];		/* "call kstack(perf)", "statement for", ... */
	char message[192];		/* full sentence, without position */
	struct bc_span span;		/* the construct in the script; line 0 = none */
	size_t item;			/* index in script->items of the probe */
};

/* bpftrace's map names by id ("@a", "perf_event", ...): what the
 * `llvm.bpf.pseudo(i64 1, i64 ID)` references of the module name. */
struct bc_codegen_maps {
	char **names;		/* names[id] */
	size_t nr;
};

void bc_codegen_maps_free(struct bc_codegen_maps *m);

struct bc_codegen_opts {
	/* Target bpftrace, BC_BTV(); 0 = the version semantic analysis used. */
	int bpftrace;
	/* Sizes and placement (max_strlen, on_stack_limit); NULL = the
	 * profile semantic analysis built (environment and config block). */
	const struct bc_bt_profile *profile;
	/* The kernel lacks bpf_probe_read_{kernel,user}[_str] (before 5.5). */
	bool no_probe_read_kernel;
	/* The kernel lacks bpf_ktime_get_boot_ns (before 5.8): nsecs then
	 * reads bpf_ktime_get_ns (bpftrace's feature probe decides). */
	bool no_ktime_get_boot_ns;
	/* The kernel has the bpf_map_sum_elem_count kfunc (len(), 0.22+). */
	bool has_map_sum_elem_count;
	/* The kernel has BPF ring buffers (5.8+): bpftrace 0.19+ then sends
	 * events with bpf_ringbuf_output and counts lost ones. Unset: perf
	 * event output (bpfcheck emit writes its objects with that). */
	bool ringbuf;
	/* Positional parameters as they would be passed ($1 = params[0]);
	 * a missing one is "" / 0, as bpftrace treats it. */
	const char *const *params;
	size_t nr_params;
	/* Where wildcard tracepoints are matched (analyzer/target/source.h;
	 * not owned); NULL: the running system's tracefs at TRACEFS (NULL:
	 * /sys/kernel/tracing, then /sys/kernel/debug/tracing). */
	struct bc_source *source;
	const char *tracefs;
	/* Only the probe at script->items[ITEM] (plus what it needs);
	 * ONLY_ITEM false: every probe. */
	bool only_item;
	size_t item;
	/* Output: why it failed (may be NULL). */
	struct bc_codegen_status *status;
	/* For emitting an object (analyzer/emit/): one function per attach
	 * point of every probe with several (a libbpf program has one
	 * section), as bpftrace does when it expands a probe; and AT_SPAN,
	 * called with each builder of function FN (the one at the insertion
	 * point, the one at the entry front) at the start of each probe,
	 * predicate and statement (line info). */
	bool expand_all;
	void (*at_span)(void *ctx, LLVMBuilderRef b, LLVMValueRef fn, const struct bc_span *span);
	void *at_span_ctx;
	/* Output (may be NULL): the module's maps on success. */
	struct bc_codegen_maps *maps;
	/* Values bpftrace resolves when it loads the script (kaddr(), uaddr(),
	 * cgroupid()) must be the real ones: refuse them (an emitted object)
	 * rather than stand in a constant of the same kind (the stack model). */
	bool exact_load_values;
};

/*
 * Generates the module for script S, typed by SEMA (bc_sema_run on S).
 * On success *OUT is a verified module named "bpftrace" (free with
 * bc_ir_module_free) and, when PROV is not NULL, *PROV the provenance of
 * every allocation in it (bc_prov_table_free). Returns 0; -EINVAL for bad
 * arguments or a script semantic analysis refused (errors, untyped
 * expressions); -EOPNOTSUPP for a construct the model does not cover
 * (o->status says which and where); -ENOMEM.
 */
int bc_codegen(const struct bc_script *s, const struct bc_sema *sema,
	       const struct bc_codegen_opts *o, struct bc_ir_module **out,
	       struct bc_prov_table **prov);

#endif
