/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IR builder bpfcheck's script code generation stands on: LLVM IR in the
 * shape bpftrace generates (docs/bpftrace-codegen.md §1, §5), built with the
 * LLVM-C API, with the provenance of every allocation recorded (prov.h).
 *
 * One builder makes one module (one script). Its idioms follow bpftrace's
 * IRBuilderBPF (v0.17.0 src/ast/irbuilderbpf.cpp, and HEAD for scratch
 * buffers):
 *
 *  - probes: `define i64 @"<probe>"(ptr %0) section "s_<probe>_<n>"`, n
 *    counting from 1 per probe name, no function attributes, an "entry" block;
 *  - CreateAllocaBPF (bc_irb_alloca): the alloca goes to the FRONT of the
 *    entry block, so entry allocas read in reverse creation order, and
 *    `llvm.lifetime.start(i64 -1, ptr)` goes where the construct is;
 *  - CreateAllocaBPFInit (bc_irb_alloca_init): alloca, lifetime.start and a
 *    zeroing store/memset all at the entry front: live for the whole probe;
 *  - HEAD's createAllocation (bc_irb_alloc): objects larger than
 *    on_stack_limit become slots of per-CPU scratch globals `@__bt__<cat>`;
 *  - helper calls through `inttoptr (i64 ID to ptr)`, map references through
 *    `llvm.bpf.pseudo(i64 1, i64 <map id>)`, map lookups with bpftrace's
 *    lookup_success/lookup_failure/lookup_merge blocks.
 *
 * The IR is opaque-pointer IR (LLVM 19), so the bitcasts bpftrace's LLVM 14
 * printed around lifetime markers and memsets do not appear; the
 * instructions, names, types and their order are the same.
 *
 * Errors: pointer-returning calls return NULL with errno set; int-returning
 * ones 0 or a negative errno. The first error also sticks in irb->err, and
 * bc_irb_finish then refuses the module, so a code generator may check once.
 */
#ifndef BC_IR_IRBUILDER_H
#define BC_IR_IRBUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "../types/stype.h"
#include "../base/strindex.h"
#include "../stack/prov.h"

struct bc_ir_module;

/* What bpftrace 0.17 sets (codegen_llvm.h LLVMTargetTriple; the BPF target
 * machine's data layout). "bpf" is the host's byte order: bpfel here. */
#define BC_IRB_TRIPLE "bpf-pc-linux"
#define BC_IRB_DATALAYOUT "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"

/* The scratch-buffer categories of bpftrace 0.22+ (src/globalvars.h). */
enum bc_scratch_cat {
	BC_SCRATCH_FMT_STR = 0,	/* printf/system/cat args, print(expr): 1 slot */
	BC_SCRATCH_ANON_STRUCT,	/* tuple and record literals: 1 slot per site */
	BC_SCRATCH_CALL_STACK,	/* kstack/ustack: per site */
	BC_SCRATCH_GET_STR,	/* str(), buf(), path(), string ternaries: per site */
	BC_SCRATCH_READ_MAP_VAL,/* map reads: per site */
	BC_SCRATCH_WRITE_MAP_VAL,/* map writes: 1 slot */
	BC_SCRATCH_VAR,		/* variables: per variable */
	BC_SCRATCH_MAP_KEY,	/* map keys: per site */
	BC_SCRATCH_JOIN,	/* join(): 1 slot */
	BC_SCRATCH__COUNT
};

/* "__bt__get_str_buf", ...; NULL for an unknown category. */
const char *bc_scratch_global(enum bc_scratch_cat c);
/* ".data.get_str_buf", ... */
const char *bc_scratch_section(enum bc_scratch_cat c);
/* True for the categories bpftrace sizes with one slot in all. */
bool bc_scratch_single_slot(enum bc_scratch_cat c);

/* The read-only global holding the largest CPU id, 2^N - 1. */
#define BC_SCRATCH_MAX_CPU_ID "__bt__max_cpu_id"

struct bc_irb_opts {
	int bt_version;		/* BC_BTV(...); 0 = 0.17.0. Names tuple types. */
	const char *triple;	/* NULL = BC_IRB_TRIPLE */
	/* The kernel lacks bpf_probe_read_{kernel,user}[_str] (before 5.5):
	 * bpftrace then uses bpf_probe_read[_str] for every address space. */
	bool no_probe_read_kernel;
};

struct bc_irb_scratch_use;
struct bc_irb_map;
struct bc_irb_probe_index;
struct bc_irb_struct;

struct bc_irb {
	/* LLVM objects; b is the builder a code generator emits through */
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMTargetDataRef td;
	LLVMTypeRef i1, i8, i16, i32, i64, i128, ptr, void_ty;
	/* the probe being built */
	LLVMValueRef fn;
	LLVMBasicBlockRef entry;
	char *fn_name;
	/* the provenance of every allocation; handed out by bc_irb_finish */
	struct bc_prov_table *prov;
	int err;		/* first error (negative errno), 0 if none */
	char *error;		/* bc_irb_finish: the verifier's message */

	/* private */
	struct bc_ir_module *m;
	LLVMBuilderRef hb;	/* entry-front (hoisting) builder */
	LLVMBuilderRef cur;	/* b, or hb while hoisting */
	struct bc_irb_opts opts;
	LLVMValueRef pseudo_fn;
	struct bc_irb_map *maps;
	size_t nr_maps, cap_maps;
	struct bc_strindex map_index;	/* name -> index into maps */
	struct bc_irb_probe_index *probe_idx;
	size_t nr_probe_idx, cap_probe_idx;
	struct bc_irb_struct *structs;
	size_t nr_structs, cap_structs;
	struct bc_irb_scratch_use *scratch;
	size_t nr_scratch, cap_scratch;
	uint32_t scratch_slots[BC_SCRATCH__COUNT];
	uint64_t scratch_size[BC_SCRATCH__COUNT];
	LLVMValueRef scratch_pending[BC_SCRATCH__COUNT];
	LLVMValueRef max_cpu_id;
};

/* A builder with an empty module named "bpftrace" in a context of its own
 * (diagnostics captured). NULL + errno (ENOMEM). */
struct bc_irb *bc_irb_new(const struct bc_irb_opts *opts);
/* Frees the builder and, unless bc_irb_finish handed them out, the module
 * and the provenance table. */
void bc_irb_free(struct bc_irb *irb);

/*
 * Finishes the module: sizes the scratch globals (slots and element size
 * over every use, as bpftrace's ResourceAnalyser does) and runs the LLVM
 * verifier. On success hands out the module (free with bc_ir_module_free)
 * and, when PROV is not NULL, the provenance table (bc_prov_table_free);
 * the builder may then only be freed. -EINVAL when the module does not
 * verify (irb->error says why) or an earlier call failed (irb->err).
 */
int bc_irb_finish(struct bc_irb *irb, struct bc_ir_module **out, struct bc_prov_table **prov);

/* ---- probes ---- */

/*
 * Starts `define i64 @"NAME"(ptr %0) section "s_NAME_<n>"` and positions
 * irb->b at the end of its entry block. N counts from 1 per PROBE: the probe
 * as written, all its attach points ("tracepoint:a,tracepoint:b"), which
 * bpftrace expands into one function per attach point (s_..._1, s_..._2);
 * PROBE NULL = NAME.
 */
LLVMValueRef bc_irb_probe_begin(struct bc_irb *irb, const char *name, const char *probe);
/* `ret i64 RETVAL` (bpftrace: 1 for tracepoints, 0 otherwise). */
int bc_irb_ret(struct bc_irb *irb, int64_t retval);
/* The probe's context argument %0. */
LLVMValueRef bc_irb_ctx(struct bc_irb *irb);
/* Appends a block named NAME to the probe. */
LLVMBasicBlockRef bc_irb_block(struct bc_irb *irb, const char *name);

/* ---- allocations ---- */

/* CreateAllocaBPF: alloca of TY named NAME at the entry front, recorded
 * with PROV (required), lifetime.start at the insertion point. */
LLVMValueRef bc_irb_alloca(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
			   const struct bc_prov *prov);
/* CreateAllocaBPFInit: alloca, lifetime.start and zeroing (store 0 for an
 * integer type, else a memset of its alloc size, align 1) at the entry front. */
LLVMValueRef bc_irb_alloca_init(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
				const struct bc_prov *prov);
/* llvm.lifetime.start/end(i64 -1, PTR); end does nothing for a non-alloca
 * (a scratch slot), as bpftrace's CreateLifetimeEnd. */
int bc_irb_lifetime_start(struct bc_irb *irb, LLVMValueRef ptr);
int bc_irb_lifetime_end(struct bc_irb *irb, LLVMValueRef ptr);

/*
 * createScratchBuffer: the address of a slot of @__bt__<cat>, indexed by
 * `bpf_get_smp_processor_id() & load(@__bt__max_cpu_id)` ("cpu.id.bounded").
 * The slot is the next one of CAT (slot 0 for single-slot categories); TY
 * sizes it. Recorded with PROV, placement scratch.
 */
LLVMValueRef bc_irb_scratch(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			    const struct bc_prov *prov);
/* createAllocation: scratch when TY's alloc size > ON_STACK_LIMIT, else
 * bc_irb_alloca. */
LLVMValueRef bc_irb_alloc(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			  const char *name, const struct bc_prov *prov, uint64_t on_stack_limit);
/* CreateVariableAllocationInit (HEAD): bc_irb_alloc and the zeroing
 * (bc_irb_memset_bpf, or a store for integers), all at the entry front. */
LLVMValueRef bc_irb_alloc_init(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			       const char *name, const struct bc_prov *prov,
			       uint64_t on_stack_limit);

/* The record id of an allocation made by this builder (for bc_prov.from),
 * 0 when V is not one. */
uint32_t bc_irb_prov_id(const struct bc_irb *irb, LLVMValueRef v);
/* DataLayout alloc size of TY (LLVMABISizeOfType). */
uint64_t bc_irb_sizeof(const struct bc_irb *irb, LLVMTypeRef ty);

/* bpftrace 0.23+'s string literal: the global named by the string S (its
 * first SIZE - 1 bytes), holding it NUL-padded to SIZE bytes; one per
 * distinct string. */
LLVMValueRef bc_irb_str_global(struct bc_irb *irb, const char *s, uint64_t size);
/* A string literal (CodegenLLVM::visit(String)): `str` alloca of
 * [SIZE x i8] holding S, truncated to SIZE - 1 bytes and NUL-terminated
 * (SIZE is the literal's sized type, strlen + 1 unless truncated). */
LLVMValueRef bc_irb_str_literal(struct bc_irb *irb, const char *s, uint64_t size,
				const struct bc_prov *prov);

/* ---- memory intrinsics ---- */

LLVMValueRef bc_irb_memset(struct bc_irb *irb, LLVMValueRef ptr, uint8_t val, uint64_t size,
			   unsigned align);
LLVMValueRef bc_irb_memcpy(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef src,
			   uint64_t size, unsigned align);
/* HEAD's CreateMemsetBPF: zeroing above 512 bytes is a bpf_probe_read_kernel
 * from NULL (the kernel's memset); below, the intrinsic. */
LLVMValueRef bc_irb_memset_bpf(struct bc_irb *irb, LLVMValueRef ptr, uint64_t size);
/* CreateMemcpyBPF: a memcpy up to 512 bytes, bpf_probe_read_kernel above. */
LLVMValueRef bc_irb_memcpy_bpf(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef src,
			       uint64_t size);

/* ---- types ---- */

/* GetStructType: the named struct NAME, created once per module. */
LLVMTypeRef bc_irb_struct_type(struct bc_irb *irb, const char *name, LLVMTypeRef *elems,
			       unsigned n, bool packed);
/* StructType::create: a new named struct each call (LLVM uniques the name:
 * "printf_t", "printf_t.1", ...). */
LLVMTypeRef bc_irb_new_struct_type(struct bc_irb *irb, const char *name, LLVMTypeRef *elems,
				   unsigned n, bool packed);
/* GetType: the LLVM type bpftrace gives a value of type T. NULL + EINVAL
 * for a size GetType refuses. */
LLVMTypeRef bc_irb_type(struct bc_irb *irb, const struct bc_stype *t);
/* The struct a 0.21+ kstack/ustack value is (bc_irb_type of it). */
LLVMTypeRef bc_irb_stack_type(struct bc_irb *irb, const struct bc_stype *t);
/* `getelementptr STY, ptr BASE, i32 0, i32 IDX` (format-string args). */
LLVMValueRef bc_irb_field_ptr(struct bc_irb *irb, LLVMTypeRef sty, LLVMValueRef base,
			      unsigned idx);
/* `getelementptr STY, ptr BASE, i64 0, i32 IDX` (async events, usym, ...). */
LLVMValueRef bc_irb_struct_field_ptr(struct bc_irb *irb, LLVMTypeRef sty, LLVMValueRef base,
				     unsigned idx);

/* ---- BPF helpers and maps ---- */

/* Calls helper FUNC_ID (enum bpf_func_id) of type RET(ARGS...), named NAME. */
LLVMValueRef bc_irb_helper(struct bc_irb *irb, int func_id, LLVMTypeRef ret,
			   LLVMValueRef *args, unsigned n, const char *name);

/* bpftrace's map id for NAME: ids in first-use order from 0 (bpftrace
 * numbers the script's maps first, then its internal ones). */
int bc_irb_map_id(struct bc_irb *irb, const char *name);
/* `%pseudo = call i64 @llvm.bpf.pseudo(i64 1, i64 MAP_ID)`. */
LLVMValueRef bc_irb_map_fd(struct bc_irb *irb, int map_id);

/* bpf_map_lookup_elem: `%lookup_elem` (ptr), no null check. */
LLVMValueRef bc_irb_map_lookup(struct bc_irb *irb, int map_id, LLVMValueRef key);
/*
 * CreateMapLookupElem: the lookup, a `lookup_elem_val` alloca of VALUE_TY
 * (recorded with PROV), and lookup_success/lookup_failure/lookup_merge
 * blocks copying the value or zero into it. For an integer VALUE_TY returns
 * the loaded i64 (the alloca's lifetime ended); otherwise returns the alloca
 * (the caller ends it).
 */
LLVMValueRef bc_irb_map_lookup_elem(struct bc_irb *irb, int map_id, LLVMValueRef key,
				    LLVMTypeRef value_ty, const struct bc_prov *prov);
/* bpf_map_update_elem(map, key, val, 0): `%update_elem`. */
LLVMValueRef bc_irb_map_update(struct bc_irb *irb, int map_id, LLVMValueRef key,
			       LLVMValueRef val);
/* bpf_map_delete_elem(map, key): `%delete_elem`. */
LLVMValueRef bc_irb_map_delete(struct bc_irb *irb, int map_id, LLVMValueRef key);

/* The probe_read helper bpftrace picks for AS (selectProbeReadHelper). */
int bc_irb_probe_read_id(const struct bc_irb *irb, enum bc_addrspace as, bool str);
/* bpf_probe_read*(dst, (i32)SIZE, src), named after the helper. */
LLVMValueRef bc_irb_probe_read(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src, enum bc_addrspace as);
LLVMValueRef bc_irb_probe_read_str(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef size,
				   LLVMValueRef src, enum bc_addrspace as);
/* bpf_get_current_comm(buf, i64 SIZE): `%get_comm`. */
LLVMValueRef bc_irb_get_current_comm(struct bc_irb *irb, LLVMValueRef buf, uint64_t size);
/* bpf_ktime_get_ns / _boot_ns: `%get_ns`. */
LLVMValueRef bc_irb_get_ns(struct bc_irb *irb, bool boot);
LLVMValueRef bc_irb_get_pid_tgid(struct bc_irb *irb);
LLVMValueRef bc_irb_get_cpu_id(struct bc_irb *irb);
/* bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, data, i64 SIZE). */
LLVMValueRef bc_irb_perf_event_output(struct bc_irb *irb, int map_id, LLVMValueRef data,
				      uint64_t size);
/* bpf_get_stackid(ctx, map, ustack ? BPF_F_USER_STACK : 0). */
/* bpf_ringbuf_output(map, DATA, SIZE, 0), "ringbuf_output" (bpftrace 0.19+). */
LLVMValueRef bc_irb_ringbuf_output(struct bc_irb *irb, int map_id, LLVMValueRef data,
				    uint64_t size);
/* createGetScratchMap of bpftrace 0.21: element INDEX of the per-CPU
 * array map MAP (an i32 "lookup_WHAT_key" on the stack for the lookup
 * only; the probe returns 0 when the lookup fails), recorded with PROV as
 * a scratch placement of TY's size in MAP. */
LLVMValueRef bc_irb_scratch_map(struct bc_irb *irb, const char *map, uint32_t index,
			       LLVMTypeRef ty, const char *what, const struct bc_prov *prov);
/* This CPU's element of the global `[1 x [1 x i64]] @__bt__event_loss_counter`
 * (bpftrace 0.24+, section .data.event_loss_counter): no stack. */
LLVMValueRef bc_irb_event_loss_counter(struct bc_irb *irb);
LLVMValueRef bc_irb_get_stackid(struct bc_irb *irb, int map_id, bool ustack);
/* CreateRegisterRead: `%NAME = load volatile i64` of word WORD of ctx. */
LLVMValueRef bc_irb_register_read(struct bc_irb *irb, int word, const char *name);

/* CreateUSym: a `usym` alloca of %usym_t {i64 addr, i64 pid} holding VAL
 * and the current pid (bpf_get_current_pid_tgid() >> 32). */
LLVMValueRef bc_irb_usym(struct bc_irb *irb, LLVMValueRef val, const struct bc_prov *prov);

/*
 * createFormatStringCall's buffer: a new struct "<CALL>_t" {i64, ARGS...},
 * an alloca "<CALL>_args" recorded with PROV, zeroed by a memset of its
 * size, and ID stored in field 0. *STY receives the struct type.
 */
LLVMValueRef bc_irb_fmt_args(struct bc_irb *irb, const char *call, uint64_t id,
			     LLVMTypeRef *args, unsigned n, const struct bc_prov *prov,
			     LLVMTypeRef *sty);

#endif
