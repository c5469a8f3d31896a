/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IR builder against bpftrace 0.17's own IR: the same small scripts are
 * built by hand with bc_irb_* the way bpftrace's CodegenLLVM drives its
 * IRBuilderBPF, and compared with what `bpftrace -dd` printed for them
 * (fixtures/ir/bt017_*.ll, the script beside each): instruction by
 * instruction (opcode, value name, callee, constant arguments; bitcasts,
 * which opaque pointers no longer need, skipped), and by the frame LLVM 19's
 * BPF backend lays out after the O3 pipeline bpftrace runs. Then the
 * provenance records: on the optimised module, by metadata, through SROA
 * (by name) and MemCpyOpt (the survivor keeps its own), and the scratch
 * buffers of the 0.22+ model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <llvm-c/Core.h>

#include "analyzer/llvm/backend.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/codegen/irbuilder.h"
#include "analyzer/stack/prov.h"
#include "analyzer/stack/prov_slots.h"
#include "analyzer/stack/scratch.h"
#include "analyzer/base/sbuf.h"
#include "analyzer/stack/liveness.h"
#include "analyzer/types/stype.h"

#define STRLEN 64	/* bpftrace 0.17's default BPFTRACE_STRLEN */

static char *read_file(const char *rel, size_t *size)
{
	const char *src = getenv("BC_SRCDIR");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*size = (size_t)n;
	return buf;
}

static struct bc_ir_module *load_fixture(const char *rel)
{
	struct bc_ir_module *m;
	size_t n;
	char *text = read_file(rel, &n);

	if (!text)
		return NULL;
	m = bc_ir_parse(text, n, NULL);
	free(text);
	return m;
}

/* ---- instruction signatures ---- */

static const char *intrinsic_base(const char *name)
{
	static const char *const known[] = {
		"llvm.lifetime.start", "llvm.lifetime.end", "llvm.memset", "llvm.memcpy",
		"llvm.bpf.pseudo",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strncmp(name, known[i], strlen(known[i])))
			return known[i];
	return name;
}

static void callee_sig(struct bc_sbuf *b, LLVMValueRef call)
{
	LLVMValueRef c = LLVMGetCalledValue(call);
	size_t len;

	if (LLVMIsAFunction(c)) {
		bc_sbuf_printf(b, " %s", intrinsic_base(LLVMGetValueName2(c, &len)));
	} else if (LLVMIsAConstantExpr(c) && LLVMGetConstOpcode(c) == LLVMIntToPtr) {
		bc_sbuf_printf(b, " helper#%llu", LLVMConstIntGetZExtValue(LLVMGetOperand(c, 0)));
	} else {
		bc_sbuf_printf(b, " ?");
	}
	for (unsigned i = 0; i + 1 < (unsigned)LLVMGetNumOperands(call); i++) {
		LLVMValueRef a = LLVMGetOperand(call, i);

		if (LLVMIsAConstantInt(a))
			bc_sbuf_printf(b, " %lld", LLVMConstIntGetSExtValue(a));
		else if (LLVMIsAConstantPointerNull(a))
			bc_sbuf_printf(b, " null");
		else
			bc_sbuf_printf(b, " v");
	}
}

/* A named bitcast's name, moved to the unnamed user that reads through it
 * (opaque pointers need no cast: bc_irb names the load itself). */
static const char *cast_name(LLVMValueRef i, LLVMValueRef cast)
{
	size_t len;

	if (!cast)
		return NULL;
	for (int k = 0; k < LLVMGetNumOperands(i); k++)
		if (LLVMGetOperand(i, k) == cast)
			return LLVMGetValueName2(cast, &len);
	return NULL;
}

/* One line per instruction of FN, block labels included, bitcasts skipped. */
static char *fn_sig(LLVMValueRef fn)
{
	struct bc_sbuf b = { 0 };
	LLVMValueRef cast = NULL;
	size_t len;

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		bc_sbuf_printf(&b, "%s:\n", LLVMGetBasicBlockName(bb));
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			LLVMOpcode op = LLVMGetInstructionOpcode(i);
			const char *name = LLVMGetValueName2(i, &len);

			if (op == LLVMBitCast) {
				if (len)
					cast = i;
				continue;
			}
			if (!len && cast_name(i, cast))
				name = cast_name(i, cast), len = 1;
			bc_sbuf_printf(&b, "  op%d %s", (int)op, len ? name : "-");
			if (op == LLVMAlloca)
				bc_sbuf_printf(&b, " %llu", LLVMABISizeOfType(
					LLVMGetModuleDataLayout(LLVMGetGlobalParent(fn)),
					LLVMGetAllocatedType(i)));
			if (op == LLVMCall)
				callee_sig(&b, i);
			if (op == LLVMLoad || op == LLVMStore)
				bc_sbuf_printf(&b, "%s", LLVMGetVolatile(i) ? " volatile" : "");
			bc_sbuf_printf(&b, "\n");
		}
	}
	return bc_sbuf_finish(&b);
}

static LLVMValueRef function(struct bc_ir_module *m, const char *name)
{
	return LLVMGetNamedFunction(m->mod, name);
}

static void assert_same_ir(struct bc_ir_module *ours, struct bc_ir_module *theirs,
			   const char *fn)
{
	char *a, *b;

	assert_non_null(function(ours, fn));
	assert_non_null(function(theirs, fn));
	a = fn_sig(function(ours, fn));
	b = fn_sig(function(theirs, fn));
	if (strcmp(a, b))
		print_error("ours:\n%s\nbpftrace 0.17:\n%s\n", a, b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* Entry-block alloca names in order, comma separated. */
static char *entry_allocas(LLVMValueRef fn)
{
	struct bc_sbuf b = { 0 };
	size_t len;

	for (LLVMValueRef i = LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(fn)); i;
	     i = LLVMGetNextInstruction(i))
		if (LLVMIsAAllocaInst(i))
			bc_sbuf_printf(&b, "%s%s", b.len ? "," : "", LLVMGetValueName2(i, &len));
	return bc_sbuf_finish(&b);
}

/* The frame after bpftrace's O3 pipeline and LLVM 19's BPF backend. */
static int64_t frame_of(struct bc_ir_module *m, const char *fn)
{
	struct bc_backend be;
	struct bc_backend_result r;
	int64_t bytes;

	assert_int_equal(bc_backend_init(&be, m, NULL), 0);
	assert_int_equal(bc_backend_optimize(&be, m, NULL), 0);
	assert_int_equal(bc_backend_emit(&be, m, &r), 0);
	assert_int_equal(r.nr_errors, 0);
	bytes = bc_backend_frame_bytes(&r, fn);
	bc_backend_result_free(&r);
	bc_backend_fini(&be);
	return bytes;
}

static struct bc_span span(uint32_t col, uint32_t end_col)
{
	struct bc_span s = { .start = col - 1, .end = end_col, .line = 1, .col = col,
			     .end_line = 1, .end_col = end_col };

	return s;
}

/* ---- kprobe:do_sys_openat2 { @[comm] = count(); } ---- */

#define COUNT_FN "kprobe:do_sys_openat2"

static struct bc_ir_module *build_count(struct bc_prov_table **prov)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p_comm = { .construct = BC_PROV_COMM, .span = span(26, 29) };
	struct bc_prov p_look = { .construct = BC_PROV_LOOKUP_VALUE, .name = "@",
				  .span = span(33, 39) };
	struct bc_prov p_val = { .construct = BC_PROV_MAP_VALUE, .name = "@",
				 .span = span(25, 41) };
	struct bc_ir_module *m = NULL;
	LLVMValueRef comm, old, nv;
	int map;

	assert_non_null(irb);
	assert_non_null(bc_irb_probe_begin(irb, COUNT_FN, NULL));
	map = bc_irb_map_id(irb, "@");
	assert_int_equal(map, 0);
	/* getMapKey: the comm buffer is the key itself (same size) */
	comm = bc_irb_alloca(irb, LLVMArrayType2(irb->i8, 16), "comm", &p_comm);
	bc_irb_memset(irb, comm, 0, 16, 1);
	bc_irb_get_current_comm(irb, comm, 16);
	/* count(): lookup, +1, update */
	old = bc_irb_map_lookup_elem(irb, map, comm, irb->i64, &p_look);
	nv = bc_irb_alloca(irb, irb->i64, "@_val", &p_val);
	LLVMBuildStore(irb->b, LLVMBuildAdd(irb->b, old, LLVMConstInt(irb->i64, 1, 0), ""), nv);
	bc_irb_map_update(irb, map, comm, nv);
	bc_irb_lifetime_end(irb, nv);
	bc_irb_lifetime_end(irb, comm);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, prov), 0);
	bc_irb_free(irb);
	return m;
}

static void test_count_matches_bpftrace(void **state)
{
	struct bc_ir_module *ours, *theirs;
	struct bc_prov_table *prov;
	char *order;

	(void)state;
	theirs = load_fixture("fixtures/ir/bt017_count.ll");
	if (!theirs)
		skip();
	ours = build_count(&prov);
	assert_non_null(ours);
	assert_string_equal(LLVMGetTarget(ours->mod), BC_IRB_TRIPLE);
	assert_string_equal(LLVMGetDataLayoutStr(ours->mod), LLVMGetDataLayoutStr(theirs->mod));
	assert_string_equal(LLVMGetSection(function(ours, COUNT_FN)), "s_kprobe:do_sys_openat2_1");
	order = entry_allocas(function(ours, COUNT_FN));
	assert_string_equal(order, "@_val,lookup_elem_val,comm");
	free(order);
	assert_same_ir(ours, theirs, COUNT_FN);
	assert_int_equal(bc_prov_count(prov), 3);

	assert_int_equal(frame_of(theirs, COUNT_FN), 24);
	assert_int_equal(frame_of(ours, COUNT_FN), 24);
	bc_prov_table_free(prov);
	bc_ir_module_free(ours);
	bc_ir_module_free(theirs);
}

/* ---- kprobe:f { $s = str(arg1); printf("%s\n", $s); } ---- */

#define STR_FN "kprobe:f"
#define X86_64_ARG1 13	/* pt_regs word of %rsi (bpftrace arch/x86_64.cpp) */

static struct bc_ir_module *build_str_printf(struct bc_prov_table **prov)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p_len = { .construct = BC_PROV_STRLEN, .span = span(17, 25) };
	struct bc_prov p_str = { .construct = BC_PROV_STR, .span = span(17, 25),
				 .script_dependent = true };
	struct bc_prov p_var = { .construct = BC_PROV_VARIABLE, .name = "$s",
				 .span = span(12, 13), .script_dependent = true };
	struct bc_prov p_fmt = { .construct = BC_PROV_PRINTF_ARGS, .name = "printf",
				 .span = span(28, 46), .script_dependent = true };
	struct bc_ir_module *m = NULL;
	LLVMTypeRef str_ty = LLVMArrayType2(irb->i8, STRLEN), sty;
	LLVMValueRef len, str, arg1, s, args;
	uint32_t from;
	int perf;

	assert_non_null(bc_irb_probe_begin(irb, STR_FN, NULL));
	perf = bc_irb_map_id(irb, "perf_event");
	/* str(arg1) */
	len = bc_irb_alloca(irb, irb->i64, "strlen", &p_len);
	bc_irb_memset(irb, len, 0, 8, 1);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, STRLEN, 0), len);
	str = bc_irb_alloca(irb, str_ty, "str", &p_str);
	bc_irb_memset(irb, str, 0, STRLEN, 1);
	arg1 = bc_irb_register_read(irb, X86_64_ARG1, "arg1");
	bc_irb_probe_read_str(irb, str, LLVMBuildLoad2(irb->b, irb->i64, len, ""), arg1,
			      BC_AS_KERNEL);
	bc_irb_lifetime_end(irb, len);
	/* $s = ...: a probe-long variable, the string copied in */
	from = bc_irb_prov_id(irb, str);
	p_var.from = &from;
	p_var.nr_from = 1;
	s = bc_irb_alloca_init(irb, str_ty, "$s", &p_var);
	bc_irb_memcpy(irb, s, str, STRLEN, 1);
	bc_irb_lifetime_end(irb, str);
	/* printf("%s\n", $s) */
	from = bc_irb_prov_id(irb, s);
	p_fmt.from = &from;
	p_fmt.nr_from = 1;
	args = bc_irb_fmt_args(irb, "printf", 0, &str_ty, 1, &p_fmt, &sty);
	assert_non_null(args);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 1), s, STRLEN, 1);
	bc_irb_perf_event_output(irb, perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, prov), 0);
	bc_irb_free(irb);
	return m;
}

static void test_str_printf_matches_bpftrace(void **state)
{
	struct bc_ir_module *ours, *theirs;
	struct bc_prov_table *prov;
	char *order;

	(void)state;
	theirs = load_fixture("fixtures/ir/bt017_str_printf.ll");
	if (!theirs)
		skip();
	ours = build_str_printf(&prov);
	assert_non_null(ours);
	order = entry_allocas(function(ours, STR_FN));
	assert_string_equal(order, "printf_args,$s,str,strlen");
	free(order);
	assert_same_ir(ours, theirs, STR_FN);
	assert_non_null(LLVMGetTypeByName2(ours->ctx, "printf_t"));

	assert_int_equal(frame_of(theirs, STR_FN), 136);
	assert_int_equal(frame_of(ours, STR_FN), 136);
	bc_prov_table_free(prov);
	bc_ir_module_free(ours);
	bc_ir_module_free(theirs);
}

/* ---- opensnoop.bt, all six probes ---- */

#define OS_ENTER "tracepoint:syscalls:sys_enter_open,tracepoint:syscalls:sys_enter_openat"
#define OS_EXIT "tracepoint:syscalls:sys_exit_open,tracepoint:syscalls:sys_exit_openat"

static const char *const os_functions[] = {
	"BEGIN",
	"tracepoint:syscalls:sys_enter_open",
	"tracepoint:syscalls:sys_enter_openat",
	"tracepoint:syscalls:sys_exit_open",
	"tracepoint:syscalls:sys_exit_openat",
	"END",
};

struct os_ctx {
	struct bc_irb *irb;
	int filename, perf;
};

static struct bc_prov prov_of(const char *construct, const char *name)
{
	struct bc_prov p = { .construct = construct, .name = name };

	return p;
}

/* args->FIELD of a tracepoint: a volatile load at ctx + OFFSET */
static LLVMValueRef tp_field(struct bc_irb *irb, uint64_t offset)
{
	LLVMValueRef p = LLVMBuildPtrToInt(irb->b, bc_irb_ctx(irb), irb->i64, "");
	LLVMValueRef v;

	p = LLVMBuildAdd(irb->b, p, LLVMConstInt(irb->i64, offset, 0), "");
	p = LLVMBuildIntToPtr(irb->b, p, irb->ptr, "");
	v = LLVMBuildLoad2(irb->b, irb->i64, p, "");
	LLVMSetVolatile(v, 1);
	return v;
}

static LLVMValueRef tid(struct bc_irb *irb)
{
	return LLVMBuildAnd(irb->b, bc_irb_get_pid_tgid(irb),
			    LLVMConstInt(irb->i64, 0xffffffffu, 0), "");
}

/* getMapKey for @filename[tid] */
static LLVMValueRef filename_key(struct os_ctx *c)
{
	struct bc_prov p = prov_of(BC_PROV_MAP_KEY, "@filename");
	LLVMValueRef t = tid(c->irb), key;

	key = bc_irb_alloca(c->irb, c->irb->i64, "@filename_key", &p);
	LLVMBuildStore(c->irb->b, t, key);
	return key;
}

/* @filename[tid] read: the i64 value */
static LLVMValueRef filename_read(struct os_ctx *c)
{
	struct bc_prov p = prov_of(BC_PROV_LOOKUP_VALUE, "@filename");
	LLVMValueRef key = filename_key(c), v;

	v = bc_irb_map_lookup_elem(c->irb, c->filename, key, c->irb->i64, &p);
	bc_irb_lifetime_end(c->irb, key);
	return v;
}

static void os_begin(struct os_ctx *c)
{
	static const char *const hdr[] = { "PID", "COMM", "FD", "ERR", "PATH" };
	struct bc_irb *irb = c->irb;
	struct bc_prov p_fmt = prov_of(BC_PROV_PRINTF_ARGS, "printf");
	struct bc_prov p_str = prov_of(BC_PROV_STR, NULL);
	LLVMTypeRef types[5], sty;
	LLVMValueRef args;

	bc_irb_probe_begin(irb, "BEGIN", NULL);
	args = bc_irb_fmt_args(irb, "printf", 0, NULL, 0, &p_fmt, &sty);
	bc_irb_perf_event_output(irb, c->perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	for (int i = 0; i < 5; i++)
		types[i] = LLVMArrayType2(irb->i8, strlen(hdr[i]) + 1);
	args = bc_irb_fmt_args(irb, "printf", 1, types, 5, &p_fmt, &sty);
	for (unsigned i = 0; i < 5; i++) {
		uint64_t n = strlen(hdr[i]) + 1;
		LLVMValueRef str = bc_irb_str_literal(irb, hdr[i], n, &p_str);

		bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, i + 1), str, n, 1);
		bc_irb_lifetime_end(irb, str);
	}
	bc_irb_perf_event_output(irb, c->perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	bc_irb_ret(irb, 0);
}

/* @filename[tid] = args->filename; */
static void os_enter(struct os_ctx *c, const char *fn)
{
	struct bc_irb *irb = c->irb;
	struct bc_prov p_ptr = prov_of(BC_PROV_MAP_VALUE, "@filename");
	LLVMValueRef v, key, val;

	bc_irb_probe_begin(irb, fn, OS_ENTER);
	v = tp_field(irb, 16);
	key = filename_key(c);
	val = bc_irb_alloca(irb, irb->i64, "@filename_ptr", &p_ptr);
	LLVMBuildStore(irb->b, v, val);
	bc_irb_map_update(irb, c->filename, key, val);
	bc_irb_lifetime_end(irb, val);
	bc_irb_lifetime_end(irb, key);
	bc_irb_ret(irb, 1);
}

/* c ? l : r over integers: the `result` and `buf` slots of visit(Ternary) */
static LLVMValueRef int_ternary(struct os_ctx *c, LLVMValueRef ret, bool errno_form)
{
	struct bc_irb *irb = c->irb;
	struct bc_prov p_t = prov_of(BC_PROV_TERNARY, NULL);
	LLVMBasicBlockRef left = bc_irb_block(irb, "left"), right = bc_irb_block(irb, "right"),
			  done = bc_irb_block(irb, "done");
	LLVMValueRef result = bc_irb_alloca(irb, irb->i64, "result", &p_t);
	LLVMValueRef cond, v;

	bc_irb_alloca(irb, irb->i64, "buf", &p_t);
	cond = LLVMBuildICmp(irb->b, LLVMIntSGE, LLVMBuildLoad2(irb->b, irb->i64, ret, ""),
			     LLVMConstInt(irb->i64, 0, 0), "");
	cond = LLVMBuildZExt(irb->b, cond, irb->i64, "");
	cond = LLVMBuildICmp(irb->b, LLVMIntNE, cond, LLVMConstInt(irb->i64, 0, 0), "true_cond");
	LLVMBuildCondBr(irb->b, cond, left, right);
	LLVMPositionBuilderAtEnd(irb->b, left);
	v = errno_form ? LLVMConstInt(irb->i64, 0, 0) : LLVMBuildLoad2(irb->b, irb->i64, ret, "");
	LLVMBuildStore(irb->b, v, result);
	LLVMBuildBr(irb->b, done);
	LLVMPositionBuilderAtEnd(irb->b, right);
	if (errno_form)
		v = LLVMBuildSub(irb->b, LLVMConstInt(irb->i64, 0, 0),
				 LLVMBuildLoad2(irb->b, irb->i64, ret, ""), "");
	else
		v = LLVMConstInt(irb->i64, (unsigned long long)-1, 1);
	LLVMBuildStore(irb->b, v, result);
	LLVMBuildBr(irb->b, done);
	LLVMPositionBuilderAtEnd(irb->b, done);
	return LLVMBuildLoad2(irb->b, irb->i64, result, "");
}

static LLVMValueRef int_var(struct bc_irb *irb, const char *name, LLVMValueRef v)
{
	struct bc_prov p = prov_of(BC_PROV_VARIABLE, name);
	LLVMValueRef var = bc_irb_alloca_init(irb, irb->i64, name, &p);

	LLVMBuildStore(irb->b, v, var);
	return var;
}

static void os_exit(struct os_ctx *c, const char *fn)
{
	struct bc_irb *irb = c->irb;
	struct bc_prov p_fmt = prov_of(BC_PROV_PRINTF_ARGS, "printf");
	struct bc_prov p_comm = prov_of(BC_PROV_COMM, NULL);
	struct bc_prov p_len = prov_of(BC_PROV_STRLEN, NULL);
	struct bc_prov p_str = prov_of(BC_PROV_STR, NULL);
	LLVMTypeRef s16 = LLVMArrayType2(irb->i8, 16), s64 = LLVMArrayType2(irb->i8, STRLEN);
	LLVMTypeRef types[5] = { irb->i64, s16, irb->i64, irb->i64, s64 }, sty;
	LLVMBasicBlockRef pf, pt;
	LLVMValueRef ret, fd, err, args, v, comm, len, str, key;

	bc_irb_probe_begin(irb, fn, OS_EXIT);
	/* /@filename[tid]/ */
	pf = bc_irb_block(irb, "pred_false");
	pt = bc_irb_block(irb, "pred_true");
	v = filename_read(c);
	v = LLVMBuildICmp(irb->b, LLVMIntEQ, v, LLVMConstInt(irb->i64, 0, 0), "predcond");
	LLVMBuildCondBr(irb->b, v, pf, pt);
	LLVMPositionBuilderAtEnd(irb->b, pf);
	bc_irb_ret(irb, 1);
	LLVMPositionBuilderAtEnd(irb->b, pt);
	/* $ret = args->ret; $fd = ...; $errno = ...; */
	ret = int_var(irb, "$ret", tp_field(irb, 16));
	fd = int_var(irb, "$fd", int_ternary(c, ret, false));
	err = int_var(irb, "$errno", int_ternary(c, ret, true));
	/* printf("%-6d %-16s %4d %3d %s\n", pid, comm, $fd, $errno, str(@filename[tid])) */
	args = bc_irb_fmt_args(irb, "printf", 2, types, 5, &p_fmt, &sty);
	v = LLVMBuildLShr(irb->b, bc_irb_get_pid_tgid(irb), LLVMConstInt(irb->i64, 32, 0), "");
	LLVMBuildStore(irb->b, v, bc_irb_field_ptr(irb, sty, args, 1));
	comm = bc_irb_alloca(irb, s16, "comm", &p_comm);
	bc_irb_memset(irb, comm, 0, 16, 1);
	bc_irb_get_current_comm(irb, comm, 16);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 2), comm, 16, 1);
	bc_irb_lifetime_end(irb, comm);
	v = LLVMBuildLoad2(irb->b, irb->i64, fd, "");
	LLVMBuildStore(irb->b, v, bc_irb_field_ptr(irb, sty, args, 3));
	v = LLVMBuildLoad2(irb->b, irb->i64, err, "");
	LLVMBuildStore(irb->b, v, bc_irb_field_ptr(irb, sty, args, 4));
	len = bc_irb_alloca(irb, irb->i64, "strlen", &p_len);
	bc_irb_memset(irb, len, 0, 8, 1);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, STRLEN, 0), len);
	str = bc_irb_alloca(irb, s64, "str", &p_str);
	bc_irb_memset(irb, str, 0, STRLEN, 1);
	v = filename_read(c);
	bc_irb_probe_read_str(irb, str, LLVMBuildLoad2(irb->b, irb->i64, len, ""), v, BC_AS_USER);
	bc_irb_lifetime_end(irb, len);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 5), str, STRLEN, 1);
	bc_irb_lifetime_end(irb, str);
	bc_irb_perf_event_output(irb, c->perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	/* delete(@filename[tid]) */
	key = filename_key(c);
	bc_irb_map_delete(irb, c->filename, key);
	bc_irb_lifetime_end(irb, key);
	bc_irb_ret(irb, 1);
}

/* clear(@filename): the async event {i64 action, i32 map id}, packed */
static void os_end(struct os_ctx *c)
{
	struct bc_irb *irb = c->irb;
	struct bc_prov p = prov_of("clear", "@filename");
	LLVMTypeRef elems[2] = { irb->i64, irb->i32 }, ty;
	LLVMValueRef ev;

	bc_irb_probe_begin(irb, "END", NULL);
	ty = bc_irb_struct_type(irb, "clear_t", elems, 2, true);
	ev = bc_irb_alloca(irb, ty, "clear_@filename", &p);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, 30002, 0),
		       bc_irb_struct_field_ptr(irb, ty, ev, 0));
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i32, (unsigned)c->filename, 0),
		       bc_irb_struct_field_ptr(irb, ty, ev, 1));
	bc_irb_perf_event_output(irb, c->perf, ev, bc_irb_sizeof(irb, ty));
	bc_irb_lifetime_end(irb, ev);
	bc_irb_ret(irb, 0);
}

static struct bc_ir_module *build_opensnoop(struct bc_prov_table **prov)
{
	struct os_ctx c = { .irb = bc_irb_new(NULL) };
	struct bc_ir_module *m = NULL;

	assert_non_null(c.irb);
	c.filename = bc_irb_map_id(c.irb, "@filename");
	c.perf = bc_irb_map_id(c.irb, "perf_event");
	os_begin(&c);
	os_enter(&c, os_functions[1]);
	os_enter(&c, os_functions[2]);
	os_exit(&c, os_functions[3]);
	os_exit(&c, os_functions[4]);
	os_end(&c);
	assert_int_equal(c.irb->err, 0);
	if (bc_irb_finish(c.irb, &m, prov))
		print_error("%s\n", c.irb->error ? c.irb->error : "");
	assert_non_null(m);
	bc_irb_free(c.irb);
	return m;
}

static void test_opensnoop_matches_bpftrace(void **state)
{
	static const int64_t frames[] = { 32, 16, 16, 184, 184, 16 };
	struct bc_ir_module *ours, *theirs;
	struct bc_prov_table *prov;
	struct bc_backend be;
	struct bc_backend_result r[2];
	struct bc_ir_module *mods[2];
	char *order;

	(void)state;
	theirs = load_fixture("fixtures/ir/bt017_opensnoop.ll");
	if (!theirs)
		skip();
	ours = build_opensnoop(&prov);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(LLVMGetSection(function(ours, os_functions[i])),
				    LLVMGetSection(function(theirs, os_functions[i])));
		assert_same_ir(ours, theirs, os_functions[i]);
	}
	order = entry_allocas(function(ours, os_functions[3]));
	assert_string_equal(order, "@filename_key20,lookup_elem_val15,@filename_key9,str,strlen,"
			    "comm,printf_args,$errno,buf5,result4,$fd,buf,result,$ret,"
			    "lookup_elem_val,@filename_key");
	free(order);

	/* frames, both modules through the same pipeline */
	mods[0] = ours;
	mods[1] = theirs;
	for (int k = 0; k < 2; k++) {
		assert_int_equal(bc_backend_init(&be, mods[k], NULL), 0);
		assert_int_equal(bc_backend_optimize(&be, mods[k], NULL), 0);
		assert_int_equal(bc_backend_emit(&be, mods[k], &r[k]), 0);
		bc_backend_fini(&be);
	}
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(bc_backend_frame_bytes(&r[0], os_functions[i]), frames[i]);
		assert_int_equal(bc_backend_frame_bytes(&r[1], os_functions[i]), frames[i]);
	}
	bc_backend_result_free(&r[0]);
	bc_backend_result_free(&r[1]);

	/* every alloca left after O3 is one of ours, found by its metadata */
	{
		struct bc_prov_slot *slots;
		size_t n;

		assert_int_equal(bc_prov_collect(prov, ours->mod, &slots, &n), 0);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			assert_non_null(slots[i].prov);
			assert_false(slots[i].by_name);
		}
		free(slots);
	}
	bc_prov_table_free(prov);
	bc_ir_module_free(ours);
	bc_ir_module_free(theirs);
}

/* After O3, each surviving alloca still names its record through metadata,
 * and the stack liveness slots join with it. */
static void test_prov_survives_o3(void **state)
{
	struct bc_prov_table *prov;
	struct bc_ir_module *m = build_str_printf(&prov);
	struct bc_prov_slot *slots;
	struct bc_liveness live;
	size_t n;
	char **origin;
	const struct bc_prov_rec *r;
	LLVMTargetDataRef td;

	(void)state;
	assert_int_equal(bc_prov_count(prov), 4);
	frame_of(m, STR_FN);	/* optimises M in place */

	assert_int_equal(bc_prov_collect(prov, m->mod, &slots, &n), 0);
	/* strlen became a constant: mem2reg removed it */
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(slots[i].prov);
		assert_false(slots[i].by_name);
	}
	assert_string_equal(slots[0].prov->construct, BC_PROV_PRINTF_ARGS);
	assert_string_equal(slots[0].prov->ir_name, "printf_args");
	assert_int_equal(slots[0].prov->bytes, 72);
	assert_string_equal(slots[1].prov->construct, BC_PROV_VARIABLE);
	assert_string_equal(slots[1].prov->name, "$s");
	assert_true(slots[1].prov->script_dependent);
	assert_string_equal(slots[2].prov->construct, BC_PROV_STR);
	assert_int_equal(slots[2].prov->placement, BC_PLACE_STACK);

	/* the chain of copies behind the printf buffer, source first */
	assert_int_equal(bc_prov_origin_strings(prov, slots[0].prov->id, &origin, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(origin[0], "str at 1:17");
	assert_string_equal(origin[1], "variable $s at 1:12");
	assert_string_equal(origin[2], "printf-args printf at 1:28");
	for (size_t i = 0; i < n; i++)
		free(origin[i]);
	free(origin);

	/* the join with stack liveness: every slot has a construct */
	td = LLVMGetModuleDataLayout(m->mod);
	assert_int_equal(bc_liveness_compute(function(m, STR_FN), td, &live), 0);
	assert_int_equal(live.nr_slots, 3);
	for (size_t i = 0; i < live.nr_slots; i++) {
		r = bc_prov_of_alloca(prov, live.slots[i].alloca);
		assert_non_null(r);
		assert_int_equal(r->bytes, live.slots[i].alloc_bytes);
	}
	/* ... and as the facts' slots */
	{
		struct bc_slot *fs;

		assert_int_equal(bc_prov_slots(prov, function(m, STR_FN), &live, &fs, &n), 0);
		assert_int_equal(n, 3);
		assert_string_equal(fs[0].construct, BC_PROV_PRINTF_ARGS);
		assert_int_equal(fs[0].bytes, 72);
		assert_int_equal(fs[0].nr_origin, 3);
		assert_string_equal(fs[0].origin[0], "str at 1:17");
		assert_string_equal(fs[1].name, "$s");
		assert_int_equal(fs[1].span.col, 12);
		assert_true(fs[1].script_dependent);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(fs[i].placement, BC_PLACE_STACK);
			bc_slot_free(&fs[i]);
		}
		free(fs);
	}
	bc_liveness_free(&live);
	free(slots);
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
}

/*
 * SROA splits a variable whose first byte is compared ($c == "" in
 * tcplife.bt): the remaining piece "$c.sroa.N" is a new alloca with no
 * metadata, found by its name.
 */
static void test_prov_sroa_piece(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p_comm = { .construct = BC_PROV_COMM };
	struct bc_prov p_var = { .construct = BC_PROV_VARIABLE, .name = "$c" };
	struct bc_prov p_fmt = { .construct = BC_PROV_PRINTF_ARGS, .name = "printf" };
	LLVMTypeRef c16 = LLVMArrayType2(irb->i8, 16), sty;
	LLVMBasicBlockRef yes, no;
	struct bc_prov_table *prov;
	struct bc_ir_module *m;
	struct bc_prov_slot *slots;
	LLVMValueRef comm, c, args, z;
	size_t n, pieces = 0;
	int perf;

	(void)state;
	assert_non_null(bc_irb_probe_begin(irb, STR_FN, NULL));
	perf = bc_irb_map_id(irb, "perf_event");
	comm = bc_irb_alloca(irb, c16, "comm", &p_comm);
	bc_irb_memset(irb, comm, 0, 16, 1);
	bc_irb_get_current_comm(irb, comm, 16);
	c = bc_irb_alloca_init(irb, c16, "$c", &p_var);
	bc_irb_memcpy(irb, c, comm, 16, 1);
	bc_irb_lifetime_end(irb, comm);
	yes = bc_irb_block(irb, "if_body");
	no = bc_irb_block(irb, "if_end");
	z = LLVMBuildICmp(irb->b, LLVMIntEQ, LLVMBuildLoad2(irb->b, irb->i8, c, ""),
			  LLVMConstInt(irb->i8, 0, 0), "");
	LLVMBuildCondBr(irb->b, z, yes, no);
	LLVMPositionBuilderAtEnd(irb->b, yes);
	args = bc_irb_fmt_args(irb, "printf", 0, &c16, 1, &p_fmt, &sty);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 1), c, 16, 1);
	bc_irb_perf_event_output(irb, perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	LLVMBuildBr(irb->b, no);
	LLVMPositionBuilderAtEnd(irb->b, no);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, &prov), 0);
	bc_irb_free(irb);

	frame_of(m, STR_FN);
	assert_int_equal(bc_prov_collect(prov, m->mod, &slots, &n), 0);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *name = LLVMGetValueName2(slots[i].alloca, &len);

		assert_non_null(slots[i].prov);
		if (!strncmp(name, "$c.sroa", 7)) {
			pieces++;
			assert_true(slots[i].by_name);
			assert_int_equal(bc_prov_md_id(slots[i].alloca), 0);
			assert_string_equal(slots[i].prov->name, "$c");
		} else {
			assert_false(slots[i].by_name);
		}
	}
	assert_int_equal(pieces, 1);
	free(slots);
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
}

/*
 * MemCpyOpt folds a full copy: the helper writes straight into the copy's
 * destination and the source alloca disappears. The survivor keeps its own
 * metadata; the source's bytes are now the survivor's, which names the
 * source in its origin chain.
 */
static void test_prov_memcpyopt_survivor(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p_str = { .construct = BC_PROV_STR, .script_dependent = true };
	struct bc_prov p_key = { .construct = BC_PROV_MAP_KEY, .name = "@m",
				 .script_dependent = true };
	LLVMTypeRef s64 = LLVMArrayType2(irb->i8, STRLEN);
	struct bc_prov_table *prov;
	struct bc_ir_module *m;
	struct bc_prov_slot *slots;
	LLVMValueRef str, key;
	uint32_t from;
	size_t n;
	int map;

	(void)state;
	assert_non_null(bc_irb_probe_begin(irb, STR_FN, NULL));
	map = bc_irb_map_id(irb, "@m");
	str = bc_irb_alloca(irb, s64, "str", &p_str);
	bc_irb_probe_read_str(irb, str, LLVMConstInt(irb->i32, STRLEN, 0),
			      bc_irb_register_read(irb, X86_64_ARG1, "arg1"), BC_AS_KERNEL);
	from = bc_irb_prov_id(irb, str);
	p_key.from = &from;
	p_key.nr_from = 1;
	key = bc_irb_alloca(irb, s64, "@m_key", &p_key);
	bc_irb_memcpy(irb, key, str, STRLEN, 1);
	bc_irb_lifetime_end(irb, str);
	bc_irb_map_delete(irb, map, key);
	bc_irb_lifetime_end(irb, key);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, &prov), 0);
	bc_irb_free(irb);

	assert_int_equal(frame_of(m, STR_FN), STRLEN);
	assert_int_equal(bc_prov_collect(prov, m->mod, &slots, &n), 0);
	assert_int_equal(n, 1);
	assert_false(slots[0].by_name);
	assert_string_equal(slots[0].prov->construct, BC_PROV_MAP_KEY);
	assert_int_equal(slots[0].prov->nr_from, 1);
	assert_string_equal(bc_prov_get(prov, slots[0].prov->from[0])->construct, BC_PROV_STR);
	free(slots);
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
}

/* ---- the 0.22+ scratch model ---- */

static void test_scratch_buffers(void **state)
{
	struct bc_irb *irb = bc_irb_new(&(struct bc_irb_opts){ .bt_version = BC_BTV(0, 22, 0) });
	struct bc_prov p_str = { .construct = BC_PROV_STR, .script_dependent = true };
	struct bc_prov p_var = { .construct = BC_PROV_VARIABLE, .name = "$s" };
	struct bc_prov p_small = { .construct = BC_PROV_VARIABLE, .name = "$n" };
	struct bc_prov p_fmt = { .construct = BC_PROV_PRINTF_ARGS, .name = "printf" };
	LLVMTypeRef s65 = LLVMArrayType2(irb->i8, 65), s1024 = LLVMArrayType2(irb->i8, 1024), sty;
	struct bc_prov_table *prov;
	struct bc_ir_module *m;
	struct bc_scratch_use *uses;
	struct bc_liveness live;
	LLVMValueRef str1, str2, s, nvar, args, g;
	const struct bc_prov_rec *r;
	size_t nuses;
	int perf;

	(void)state;
	assert_non_null(bc_irb_probe_begin(irb, STR_FN, NULL));
	perf = bc_irb_map_id(irb, "perf_event");
	/* two str() sites of 65 and 1024 bytes: two slots of the larger size */
	str1 = bc_irb_alloc(irb, BC_SCRATCH_GET_STR, s65, "str", &p_str, 32);
	str2 = bc_irb_alloc(irb, BC_SCRATCH_GET_STR, s1024, "str", &p_str, 32);
	assert_non_null(str1);
	assert_non_null(str2);
	assert_false(LLVMIsAAllocaInst(str1));
	assert_int_equal(bc_irb_lifetime_end(irb, str1), 0);	/* no-op on scratch */
	bc_irb_probe_read_str(irb, str1, LLVMConstInt(irb->i32, 65, 0),
			      bc_irb_register_read(irb, X86_64_ARG1, "arg1"), BC_AS_KERNEL);
	bc_irb_probe_read_str(irb, str2, LLVMConstInt(irb->i32, 1024, 0),
			      bc_irb_register_read(irb, 14, "arg0"), BC_AS_USER);
	/* a big variable (scratch, zeroed by the probe_read trick) and a
	 * small one (stack): both hoisted to the entry */
	s = bc_irb_alloc_init(irb, BC_SCRATCH_VAR, s1024, "$s", &p_var, 32);
	nvar = bc_irb_alloc_init(irb, BC_SCRATCH_VAR, irb->i64, "$n", &p_small, 32);
	assert_non_null(s);
	assert_true(LLVMIsAAllocaInst(nvar) != NULL);
	bc_irb_memcpy(irb, s, str2, 1024, 1);
	args = bc_irb_fmt_args(irb, "printf", 0, &s1024, 1, &p_fmt, &sty);
	assert_true(LLVMIsAAllocaInst(args) != NULL);	/* bc_irb_fmt_args is the 0.17 idiom */
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 1), s, 1024, 1);
	bc_irb_perf_event_output(irb, perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, &prov), 0);
	bc_irb_free(irb);

	/* the globals as bpftrace sizes them */
	g = LLVMGetNamedGlobal(m->mod, "__bt__get_str_buf");
	assert_non_null(g);
	assert_string_equal(LLVMGetSection(g), ".data.get_str_buf");
	assert_int_equal(LLVMGetArrayLength2(LLVMGlobalGetValueType(g)), 1);
	assert_int_equal(LLVMGetArrayLength2(LLVMGetElementType(LLVMGlobalGetValueType(g))), 2);
	assert_int_equal(LLVMABISizeOfType(LLVMGetModuleDataLayout(m->mod),
					   LLVMGlobalGetValueType(g)), 2 * 1024);
	g = LLVMGetNamedGlobal(m->mod, BC_SCRATCH_MAX_CPU_ID);
	assert_non_null(g);
	assert_true(LLVMIsGlobalConstant(g));
	assert_string_equal(LLVMGetSection(g), ".rodata");
	assert_null(LLVMGetNamedGlobal(m->mod, "__bt__get_str_buf.pending"));
	assert_non_null(LLVMGetNamedGlobal(m->mod, "__bt__var_buf"));

	/* records: placement, slot, cost per CPU */
	r = bc_prov_get(prov, 1);
	assert_int_equal(r->placement, BC_PLACE_SCRATCH);
	assert_string_equal(r->global, "__bt__get_str_buf");
	assert_int_equal(r->slot, 0);
	assert_int_equal(r->bytes, 65);
	assert_int_equal(r->scratch_bytes, 1024);
	assert_int_equal(bc_prov_get(prov, 2)->slot, 1);
	assert_int_equal(bc_prov_md_id(r->value), 1);

	/* the ir helper's reader finds the same (global, slot) pairs */
	assert_int_equal(bc_ir_scratch_uses(function(m, STR_FN), LLVMGetModuleDataLayout(m->mod),
					    &uses, &nuses), 0);
	assert_int_equal(nuses, 3);
	free(uses);

	/* on the stack only the 1032-byte printf buffer ($n is optimised
	 * away); the backend adds 16 bytes of spills: the scratch pointers
	 * and the ctx stay live across the helper calls, and BPF has four
	 * callee-saved registers */
	assert_int_equal(frame_of(m, STR_FN), 1048);
	assert_int_equal(bc_liveness_compute(function(m, STR_FN), LLVMGetModuleDataLayout(m->mod),
					     &live), 0);
	assert_int_equal(live.nr_slots, 1);
	assert_int_equal(live.peak_bytes, 1032);
	assert_string_equal(bc_prov_of_alloca(prov, live.slots[0].alloca)->construct,
			    BC_PROV_PRINTF_ARGS);
	/* the facts' slots: the stack buffer, then the three scratch slots */
	{
		struct bc_slot *fs;
		size_t n;

		assert_int_equal(bc_prov_slots(prov, function(m, STR_FN), &live, &fs, &n), 0);
		assert_int_equal(n, 4);
		assert_int_equal(fs[0].placement, BC_PLACE_STACK);
		assert_int_equal(fs[0].bytes, 1032);
		for (size_t i = 1; i < 4; i++) {
			assert_int_equal(fs[i].placement, BC_PLACE_SCRATCH);
			assert_int_equal(fs[i].bytes, 0);
			assert_int_equal(fs[i].scratch_bytes, 1024);
		}
		assert_string_equal(fs[3].name, "$s");
		for (size_t i = 0; i < n; i++)
			bc_slot_free(&fs[i]);
		free(fs);
	}
	bc_liveness_free(&live);
	/* the scratch GEPs keep their metadata through O3 here, but are not
	 * relied upon: the records hold their global and slot */
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
}

/* The entry-front idiom: later allocas go before earlier ones, an Init
 * group stays together, lifetime.start stays where the construct is. */
static void test_hoisting_order(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p = { .construct = "test" };
	LLVMValueRef entry_first, a, b, v;
	struct bc_ir_module *m;
	char *order;

	(void)state;
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	a = bc_irb_alloca(irb, irb->i64, "a", &p);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, 1, 0), a);
	b = bc_irb_alloca(irb, irb->i32, "b", &p);
	v = bc_irb_alloca_init(irb, LLVMArrayType2(irb->i8, 6), "$v", &p);
	assert_non_null(b);
	assert_non_null(v);
	/* a second probe with the same name gets index 2 */
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	bc_irb_ret(irb, 0);
	/* the first probe has no terminator yet: the module must not verify */
	assert_int_equal(bc_irb_finish(irb, &m, NULL), -EINVAL);
	assert_non_null(irb->error);
	bc_irb_free(irb);

	irb = bc_irb_new(NULL);
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	a = bc_irb_alloca(irb, irb->i64, "a", &p);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, 1, 0), a);
	b = bc_irb_alloca(irb, irb->i32, "b", &p);
	v = bc_irb_alloca_init(irb, LLVMArrayType2(irb->i8, 6), "$v", &p);
	bc_irb_ret(irb, 0);
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	bc_irb_ret(irb, 1);
	assert_int_equal(bc_irb_finish(irb, &m, NULL), 0);
	bc_irb_free(irb);
	order = entry_allocas(LLVMGetNamedFunction(m->mod, "BEGIN"));
	assert_string_equal(order, "$v,b,a");
	free(order);
	/* $v's lifetime.start and memset follow it at the entry front */
	entry_first = LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(LLVMGetNamedFunction(m->mod, "BEGIN")));
	assert_true(LLVMIsAAllocaInst(entry_first) != NULL);
	assert_true(LLVMIsACallInst(LLVMGetNextInstruction(entry_first)) != NULL);
	assert_string_equal(LLVMGetSection(LLVMGetNamedFunction(m->mod, "BEGIN")), "s_BEGIN_1");
	assert_string_equal(LLVMGetSection(LLVMGetNamedFunction(m->mod, "BEGIN.1")), "s_BEGIN_2");
	bc_ir_module_free(m);
}

/* GetType over the sized-type model, tuples named as bpftrace names them. */
static void test_types(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_stype *elems[3] = { bc_stype_int(8, true), bc_stype_string(6),
				      bc_stype_string(64) };
	struct bc_stype *tup = bc_stype_tuple(elems, 3), *t;
	LLVMTypeRef ty;

	(void)state;
	ty = bc_irb_type(irb, tup);
	assert_non_null(ty);
	assert_string_equal(LLVMGetStructName(ty), "int64_string[6]_string[64]__tuple_t");
	assert_int_equal(bc_irb_sizeof(irb, ty), 80);
	assert_ptr_equal(bc_irb_type(irb, tup), ty);	/* created once */
	bc_stype_put(tup);
	t = bc_stype_pointer(bc_stype_int(4, false), BC_AS_KERNEL);
	assert_ptr_equal(bc_irb_type(irb, t), irb->i64);
	bc_stype_put(t);
	t = bc_stype_cstruct("struct task_struct", 9792, false, NULL);
	assert_int_equal(bc_irb_sizeof(irb, bc_irb_type(irb, t)), 9792);
	bc_stype_put(t);
	t = bc_stype_array(bc_stype_int(4, true), 5);
	assert_int_equal(bc_irb_sizeof(irb, bc_irb_type(irb, t)), 20);
	bc_stype_put(t);
	t = bc_stype_inet(24);
	ty = bc_irb_type(irb, t);
	assert_int_equal(LLVMGetTypeKind(ty), LLVMArrayTypeKind);
	assert_int_equal(bc_irb_sizeof(irb, ty), 24);
	bc_stype_put(t);
	bc_irb_free(irb);
}

/* usym: {addr, pid} built as CreateUSym does, one struct type per module. */
static void test_usym(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p = { .construct = "usym" };
	struct bc_ir_module *m;
	LLVMValueRef u1, u2, i;
	size_t len;

	(void)state;
	assert_non_null(bc_irb_probe_begin(irb, "uprobe:/bin/sh:main", NULL));
	u1 = bc_irb_usym(irb, bc_irb_register_read(irb, 16, "func"), &p);
	u2 = bc_irb_usym(irb, LLVMConstInt(irb->i64, 0x1234, 0), &p);
	assert_non_null(u1);
	assert_ptr_equal(LLVMGetAllocatedType(u1), LLVMGetAllocatedType(u2));
	assert_string_equal(LLVMGetStructName(LLVMGetAllocatedType(u1)), "usym_t");
	assert_int_equal(bc_irb_sizeof(irb, LLVMGetAllocatedType(u1)), 16);
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, NULL), 0);
	bc_irb_free(irb);
	/* after the lifetime.start of the first: the pid, both fields, stores */
	i = LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(LLVMGetNamedFunction(
		m->mod, "uprobe:/bin/sh:main")));
	while (i && !(LLVMIsACallInst(i) && LLVMGetNumOperands(i) == 3 &&
		      LLVMGetOperand(i, 1) == u1))
		i = LLVMGetNextInstruction(i);
	assert_non_null(i);
	i = LLVMGetNextInstruction(i);
	assert_string_equal(LLVMGetValueName2(i, &len), "get_pid_tgid");
	{
		static const LLVMOpcode want[] = { LLVMLShr, LLVMGetElementPtr, LLVMGetElementPtr,
						   LLVMStore, LLVMStore };

		for (size_t k = 0; k < 5; k++) {
			i = LLVMGetNextInstruction(i);
			assert_int_equal(LLVMGetInstructionOpcode(i), want[k]);
		}
	}
	bc_ir_module_free(m);
}

/* Helper ids follow bpftrace's choice per address space. */
static void test_probe_read_choice(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_irb *old = bc_irb_new(&(struct bc_irb_opts){ .no_probe_read_kernel = true });

	(void)state;
	assert_int_equal(bc_irb_probe_read_id(irb, BC_AS_KERNEL, true), 115);
	assert_int_equal(bc_irb_probe_read_id(irb, BC_AS_USER, true), 114);
	assert_int_equal(bc_irb_probe_read_id(irb, BC_AS_KERNEL, false), 113);
	assert_int_equal(bc_irb_probe_read_id(irb, BC_AS_USER, false), 112);
	assert_int_equal(bc_irb_probe_read_id(irb, BC_AS_NONE, false), 4);
	assert_int_equal(bc_irb_probe_read_id(old, BC_AS_KERNEL, true), 45);
	assert_int_equal(bc_irb_probe_read_id(old, BC_AS_USER, false), 4);
	bc_irb_free(irb);
	bc_irb_free(old);
}

/* A call without provenance fails, and the failure sticks until finish. */
static void test_errors_stick(void **state)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_ir_module *m;

	(void)state;
	assert_null(bc_irb_alloca(irb, irb->i64, "x", NULL));	/* no probe */
	assert_int_equal(irb->err, -EINVAL);
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, NULL), -EINVAL);
	assert_null(m);
	bc_irb_free(irb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_matches_bpftrace),
		cmocka_unit_test(test_str_printf_matches_bpftrace),
		cmocka_unit_test(test_opensnoop_matches_bpftrace),
		cmocka_unit_test(test_prov_survives_o3),
		cmocka_unit_test(test_prov_sroa_piece),
		cmocka_unit_test(test_prov_memcpyopt_survivor),
		cmocka_unit_test(test_scratch_buffers),
		cmocka_unit_test(test_hoisting_order),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_usym),
		cmocka_unit_test(test_probe_read_choice),
		cmocka_unit_test(test_errors_stick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
