// SPDX-License-Identifier: Apache-2.0
/*
 * Builtins and function calls (bpftrace 0.17 CodegenLLVM::visit(Builtin)
 * and visit(Call)): context reads, helpers, str()/buf()/path(), ntop(),
 * pton(), usym(), join(), strftime(), cgroup_path(), macaddr(), ...
 * Map functions go to codegen_map.c, output events to codegen_async.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/bpf.h>

#include "codegen_impl.h"
#include "../base/array.h"

/* x86-64 struct pt_regs word indexes (bpftrace arch/x86_64.cpp) */
#define REG_AX		10
#define REG_IP		16
#define REG_SP		19
static const int arg_regs[] = { 14, 13, 12, 11, 9, 8 };	/* di si dx cx r8 r9 */
/* stack arguments start one word above the stack pointer (return address) */
#define ARG_STACK_OFFSET 1

static LLVMValueRef helper0(struct cg *c, int id, LLVMTypeRef ret, const char *name)
{
	return bc_irb_helper(c->irb, id, ret, NULL, 0, name);
}

/* bpftrace's `probe` ids: the index of the full probe name in the list of
 * names in order of first use. -ENOMEM. */
static int probe_id(struct cg *c)
{
	const char *name = c->probe_full ? c->probe_full : "";
	size_t i;

	for (i = 0; i < c->nr_probe_names; i++)
		if (!strcmp(c->probe_names[i], name))
			return (int)i;
	if (BC_GROW(c->probe_names, c->cap_probe_names, i + 1))
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	c->probe_names[i] = strdup(name);
	if (!c->probe_names[i])
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	c->nr_probe_names++;
	return (int)i;
}

int cg_probe_id(struct cg *c)
{
	return probe_id(c);
}

/* One stack map per stack type (mode and limit), kernel and user alike. */
void cg_stack_map_name(const struct bc_stype *t, char *buf, size_t n)
{
	snprintf(buf, n, "stack_%d_%u", t ? (int)t->stack_mode : 0, t ? t->stack_limit : 0);
}

static int builtin_stack(struct cg *c, const struct bc_expr *e, bool ustack, struct cg_val *out)
{
	const struct bc_stype *t = e->type;
	char name[64];
	LLVMValueRef id;
	int map;

	if (c->ver >= BC_BTV(0, 21, 0))
		return cg_stack_get(c, e, ustack, out);
	cg_stack_map_name(t, name, sizeof(name));
	map = bc_irb_map_id(c->irb, name);
	if (map < 0)
		return cg_irb_err(c);
	id = bc_irb_get_stackid(c->irb, map, ustack);
	if (ustack) {
		/* user stacks differ per process: the pid goes in the high bits */
		LLVMValueRef pid = LLVMBuildShl(c->b, bc_irb_get_pid_tgid(c->irb), cg_i64(c, 32), "");

		id = LLVMBuildOr(c->b, id, pid, "");
	}
	out->v = id;
	return cg_irb_err(c);
}

/* argN, retval, func: a register of the context, or a kfunc argument. */
static int builtin_reg(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const char *n = e->u.name;
	const struct bc_stype *t = cg_etype(c, e);
	int word;

	if (!t)
		return c->err;
	if (c->pt == BC_PROBE_USDT && strncmp(n, "arg", 3) == 0)
		return cg_usdt_arg(c, e, out);
	if (c->pt == BC_PROBE_KFUNC || c->pt == BC_PROBE_KRETFUNC) {
		/* is_funcarg: the ctx is an array of u64 arguments; retval last */
		const struct bc_stype *a = c->sp ? c->sp->args : NULL;
		size_t idx;
		LLVMTypeRef ty = cg_type(c, t, &e->span);
		LLVMValueRef ix, p;

		if (!ty)
			return c->err;
		if (a && cg_is_ptr(a))
			a = a->elem;
		if (!strcmp(n, "retval")) {
			/* the return value follows the arguments ("$retval") */
			const struct bc_field *f = a ? bc_stype_field(a, "$retval") : NULL;

			idx = f ? (size_t)(f - a->layout->fields) :
				  (a && a->layout ? a->layout->nr_fields : 0);
		}
		else if (!strncmp(n, "arg", 3))
			idx = (size_t)atoi(n + 3);
		else
			return cg_unsupported(c, &e->span, n, "%s in a kfunc probe", n);
		if (!strcmp(n, "retval") && !(a && a->layout))
			return cg_unsupported(c, &e->span, "retval",
					      "the function's arguments are not known");
		ix = cg_i64(c, idx);
		p = LLVMBuildGEP2(c->b, c->irb->i64, bc_irb_ctx(c->irb), &ix, 1, "");
		out->v = LLVMBuildLoad2(c->b, ty, p, n);
		LLVMSetVolatile(out->v, 1);
		return 0;
	}
	if (!strcmp(n, "retval"))
		word = REG_AX;
	else if (!strcmp(n, "func"))
		word = REG_IP;
	else {
		int k = atoi(n + 3);

		if (k < 0 || k >= (int)(sizeof(arg_regs) / sizeof(arg_regs[0])))
			return cg_unsupported(c, &e->span, n, "%s is not in a register on x86-64", n);
		word = arg_regs[k];
	}
	out->v = bc_irb_register_read(c->irb, word, n);
	if (!out->v)
		return cg_irb_err(c);
	if (t->kind == BC_ST_USYM) {
		struct bc_prov p = cg_prov("usym", NULL, &e->span, false, NULL, 0);
		LLVMValueRef u = bc_irb_usym(c->irb, out->v, &p);

		if (!u)
			return cg_irb_err(c);
		out->v = u;
		out->del = u;
		out->prov = cg_prov_id(c, u);
	}
	return 0;
}

/* sargN: the Nth word above the stack pointer, read from the stack. */
static int builtin_sarg(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	int k = atoi(e->u.name + 4);
	struct bc_prov p;
	LLVMValueRef sp, dst, src;

	if (!t)
		return c->err;
	sp = bc_irb_register_read(c->irb, REG_SP, "reg_sp");
	p = cg_prov("sarg", e->u.name, &e->span, false, NULL, 0);
	dst = cg_alloca(c, c->irb->i64, e->u.name, &p);
	if (!sp || !dst)
		return cg_irb_err(c);
	src = LLVMBuildAdd(c->b, sp, cg_i64(c, (uint64_t)(k + ARG_STACK_OFFSET) * 8), "");
	bc_irb_probe_read(c->irb, dst, cg_i32(c, 8), src, t->as);
	out->v = LLVMBuildLoad2(c->b, c->irb->i64, dst, "");
	bc_irb_lifetime_end(c->irb, dst);
	return 0;
}

int cg_builtin(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const char *n = e->u.name;
	LLVMValueRef v;
	int err;

	/* a standard-library macro (ppid, pcomm, ...): its field reads */
	if (cg_macro_use(c, e, out, &err))
		return err;
	if (!strcmp(n, "nsecs")) {
		out->v = bc_irb_get_ns(c->irb, !c->o->no_ktime_get_boot_ns);
	} else if (!strcmp(n, "elapsed")) {
		struct bc_prov p = cg_prov("elapsed", "elapsed_key", &e->span, false, NULL, 0);
		LLVMValueRef key = cg_alloca(c, c->irb->i64, "elapsed_key", &p), start;
		int map = bc_irb_map_id(c->irb, "elapsed");

		if (!key || map < 0)
			return cg_irb_err(c);
		LLVMBuildStore(c->b, cg_i64(c, 0), key);
		p = cg_prov(BC_PROV_LOOKUP_VALUE, "elapsed", &e->span, false, NULL, 0);
		start = bc_irb_map_lookup_elem(c->irb, map, key, c->irb->i64, &p);
		if (!start)
			return cg_irb_err(c);
		v = bc_irb_get_ns(c->irb, !c->o->no_ktime_get_boot_ns);
		out->v = LLVMBuildSub(c->b, v, start, "");
		bc_irb_lifetime_end(c->irb, key);
	} else if (!strcmp(n, "kstack") || !strcmp(n, "ustack")) {
		return builtin_stack(c, e, n[0] == 'u', out);
	} else if (!strcmp(n, "pid")) {
		out->v = LLVMBuildLShr(c->b, bc_irb_get_pid_tgid(c->irb), cg_i64(c, 32), "");
	} else if (!strcmp(n, "tid")) {
		out->v = LLVMBuildAnd(c->b, bc_irb_get_pid_tgid(c->irb), cg_i64(c, 0xffffffffu), "");
	} else if (!strcmp(n, "cgroup")) {
		out->v = helper0(c, BPF_FUNC_get_current_cgroup_id, c->irb->i64, "get_cgroup_id");
	} else if (!strcmp(n, "uid") || !strcmp(n, "gid") || !strcmp(n, "username")) {
		v = helper0(c, BPF_FUNC_get_current_uid_gid, c->irb->i64, "get_uid_gid");
		out->v = n[0] == 'g' ? LLVMBuildLShr(c->b, v, cg_i64(c, 32), "") :
				       LLVMBuildAnd(c->b, v, cg_i64(c, 0xffffffffu), "");
	} else if (!strcmp(n, "numaid")) {
		out->v = helper0(c, BPF_FUNC_get_numa_node_id, c->irb->i64, "get_numa_id");
	} else if (!strcmp(n, "cpu")) {
		out->v = bc_irb_get_cpu_id(c->irb);
	} else if (!strcmp(n, "curtask")) {
		out->v = helper0(c, BPF_FUNC_get_current_task, c->irb->i64, "get_cur_task");
	} else if (!strcmp(n, "rand")) {
		v = helper0(c, BPF_FUNC_get_prandom_u32, c->irb->i32, "get_random");
		out->v = LLVMBuildZExt(c->b, v, c->irb->i64, "");
	} else if (!strcmp(n, "comm")) {
		const struct bc_stype *t = cg_etype(c, e);
		struct bc_prov p = cg_prov(BC_PROV_COMM, "comm", &e->span, false, NULL, 0);
		LLVMTypeRef ty = t ? cg_type(c, t, &e->span) : NULL;
		LLVMValueRef buf;

		if (!ty)
			return c->err;
		buf = cg_alloca(c, ty, "comm", &p);
		if (!buf)
			return c->err;
		/* zeroed for older kernels */
		bc_irb_memset(c->irb, buf, 0, t->size, 1);
		bc_irb_get_current_comm(c->irb, buf, t->size);
		out->v = buf;
		out->del = buf;
		out->prov = cg_prov_id(c, buf);
	} else if ((!strncmp(n, "arg", 3) && n[3] >= '0' && n[3] <= '9') ||
		   !strcmp(n, "retval") || !strcmp(n, "func")) {
		return builtin_reg(c, e, out);
	} else if (!strncmp(n, "sarg", 4) && n[4] >= '0' && n[4] <= '9') {
		return builtin_sarg(c, e, out);
	} else if (!strcmp(n, "probe") && e->type && e->type->kind == BC_ST_STRING &&
		   e->type->size) {
		const struct bc_stype *t = e->type;
		/*
		 * 0.23+: the probe's full name, a constant global of the module
		 * (visit(Builtin) "probe": getOrInsertGlobal(probefull_)), no stack
		 */
		const char *full = c->probe_full ? c->probe_full : "";
		LLVMTypeRef ty = LLVMArrayType2(c->irb->i8, t->size);
		char *pad = calloc(1, t->size);
		LLVMValueRef g;

		if (!pad)
			return cg_fail(c, -ENOMEM, NULL, "out of memory");
		memcpy(pad, full, strnlen(full, t->size - 1));
		g = LLVMAddGlobal(c->irb->mod, ty, "probe");
		LLVMSetInitializer(g, LLVMConstStringInContext2(c->irb->ctx, pad, t->size, 1));
		LLVMSetGlobalConstant(g, 1);
		LLVMSetLinkage(g, LLVMPrivateLinkage);
		free(pad);
		out->v = g;
	} else if (!strcmp(n, "probe")) {
		int id = probe_id(c);

		if (id < 0)
			return id;
		out->v = cg_i64(c, (uint64_t)id);
	} else if (!strcmp(n, "args") || !strcmp(n, "ctx")) {
		/* the context as an integer; loads cast it back */
		out->v = LLVMBuildPtrToInt(c->b, bc_irb_ctx(c->irb), c->irb->i64, "");
	} else if (!strcmp(n, "cpid")) {
		return cg_unsupported(c, &e->span, "cpid", "cpid is the pid of a child command");
	} else {
		return cg_unsupported(c, &e->span, n, "builtin %s is not modelled", n);
	}
	return cg_irb_err(c);
}

/* ---- calls ---- */

static const struct bc_expr *arg(const struct bc_expr *call, size_t i)
{
	return i < call->u.call.args.n ? call->u.call.args.v[i] : NULL;
}

static int need_args(struct cg *c, const struct bc_expr *call, size_t n)
{
	if (call->u.call.args.n < n)
		return cg_fail(c, -EINVAL, &call->span, "%s() needs %zu arguments",
			       call->u.call.name, n);
	return 0;
}

static int eval(struct cg *c, const struct bc_expr *e, struct cg_val *v)
{
	int err = cg_expr(c, e, v);

	if (!err && !v->v)
		err = cg_unsupported(c, &e->span, "argument", "the argument has no value");
	return err;
}

/*
 * The buffer of a str() or path() call. bpftrace 0.21 (#3228) gives each
 * call site its own element of the per-CPU array map str_buffer
 * (CreateGetStrScratchMap: only the i32 lookup key is on the stack), and
 * sizes nothing by the strings any more (no strlen slot); 0.22+ uses a
 * scratch global above on_stack_limit, older versions the stack.
 */
static LLVMValueRef str_buffer(struct cg *c, const char *name, uint32_t size,
				   const struct bc_prov *p)
{
	LLVMTypeRef ty = LLVMArrayType2(c->irb->i8, size);
	LLVMValueRef buf;

	if (c->ver < BC_BT(21) || c->ver >= BC_BT(22))
		return cg_alloc(c, BC_SCRATCH_GET_STR, ty, name, p);
	buf = bc_irb_scratch_map(c->irb, "str_buffer", c->str_id++, ty, "str", p);
	if (!buf)
		cg_irb_err(c);
	return buf;
}

/* str(p[, n]) */
static int call_str(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *a0 = arg(call, 0);
	struct cg_val v = { 0 }, nv = { 0 };
	LLVMValueRef len = NULL, size, buf;
	uint32_t pad = 0;
	struct bc_prov p;
	size_t flen;
	char *fold;
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	fold = bc_sema_str_fold(call, c->ver, &flen);
	if (fold) {
		/* 0.24+: str() of a literal is that string literal (fold_literals) */
		p = cg_prov("string-literal", NULL, &call->span, false, NULL, 0);
		buf = bc_irb_str_literal(c->irb, fold, flen + 1, &p);
		free(fold);
		if (!buf)
			return cg_irb_err(c);
		out->v = buf;
		out->del = buf;
		out->prov = cg_prov_id(c, buf);
		return 0;
	}
	/* 0.24-0.26 read one byte more than max_strlen below 1024 into a
	 * buffer one byte longer, poisoned first, to tell a truncated string
	 * (HEAD pads every string buffer: c->strlen) */
	if (c->ver >= BC_BT(24) && c->ver < BC_BT_HEAD && c->strlen < 1024)
		pad = 1;
	if (c->ver < BC_BTV(0, 21, 0)) {
		p = cg_prov(BC_PROV_STRLEN, "strlen", &call->span, false, NULL, 0);
		len = cg_alloca(c, c->irb->i64, "strlen", &p);
		if (!len)
			return c->err;
		bc_irb_memset(c->irb, len, 0, 8, 1);
	}
	size = cg_i64(c, c->strlen);
	if (arg(call, 1)) {
		LLVMValueRef x, cmp;

		if ((err = eval(c, arg(call, 1), &nv)))
			return err;
		x = nv.v;
		if (c->ver >= BC_BTV(0, 22, 0))
			x = cg_int64(c, x, true);
		/* one more byte for probe_read_str's NUL */
		x = LLVMBuildAdd(c->b, x, cg_i64(c, 1), "");
		cmp = LLVMBuildICmp(c->b, LLVMIntULE, x, size, "str.min.cmp");
		size = LLVMBuildSelect(c->b, cmp, x, size, "str.min.select");
		cg_end(c, &nv);
	}
	if (len)
		LLVMBuildStore(c->b, size, len);
	p = cg_prov(BC_PROV_STR, "str", &call->span, true, NULL, 0);
	buf = str_buffer(c, "str", c->strlen + pad, &p);
	if (!buf)
		return c->err;
	if (pad)
		size = LLVMBuildAdd(c->b, size, cg_i64(c, pad), "");
	if (c->scratch || c->ver >= BC_BT(21))
		bc_irb_memset_bpf(c->irb, buf, c->strlen + pad);
	else
		bc_irb_memset(c->irb, buf, 0, c->strlen, 1);
	if ((err = eval(c, a0, &v)))
		return err;
	bc_irb_probe_read_str(c->irb, buf, len ? LLVMBuildLoad2(c->b, c->irb->i64, len, "") : size,
			      v.v, a0->type ? a0->type->as : BC_AS_NONE);
	if (len)
		bc_irb_lifetime_end(c->irb, len);
	cg_end(c, &v);
	out->v = buf;
	out->del = LLVMIsAAllocaInst(buf) ? buf : NULL;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

/* buf(p[, n]): {u8 length, [N x i8] data} */
static int call_buf(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *a0 = arg(call, 0), *a1 = arg(call, 1);
	const struct bc_stype *t0;
	struct cg_val v = { 0 }, lv = { 0 };
	uint64_t fixed = c->strlen;
	LLVMValueRef length, buf, lenp, data;
	LLVMTypeRef elems[2], sty;
	struct bc_prov p;
	char name[64];
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	if (c->ver >= BC_BTV(0, 22, 0))
		return cg_buf_022(c, call, out);
	t0 = cg_etype(c, a0);
	if (!t0)
		return c->err;
	if (a1) {
		const struct bc_stype *t1 = cg_etype(c, a1);
		int64_t lit;
		LLVMValueRef cmp;

		if (!t1 || (err = eval(c, a1, &lv)))
			return c->err ? c->err : err;
		length = lv.v;
		if (t1->size != 8)
			length = LLVMBuildZExt(c->b, length, c->irb->i64, "");
		cmp = LLVMBuildICmp(c->b, LLVMIntULE, length, cg_i64(c, c->strlen), "length.cmp");
		length = LLVMBuildSelect(c->b, cmp, length, cg_i64(c, c->strlen), "length.select");
		if (cg_lit_int(c, a1, &lit) && a1->kind != BC_EXPR_PARAM)
			fixed = (uint64_t)lit;
		cg_end(c, &lv);
	} else {
		if (t0->kind != BC_ST_ARRAY || !t0->elem)
			return cg_unsupported(c, &call->span, "buf",
					      "buf() without a length of a non-array");
		fixed = (uint64_t)t0->nelems * t0->elem->size;
		length = cg_i8(c, (uint8_t)fixed);
	}
	elems[0] = c->irb->i8;
	elems[1] = LLVMArrayType2(c->irb->i8, fixed);
	snprintf(name, sizeof(name), "buffer_%llu_t", (unsigned long long)fixed);
	sty = bc_irb_struct_type(c->irb, name, elems, 2, false);
	p = cg_prov("buf", "buffer", &call->span, true, NULL, 0);
	buf = sty ? cg_alloca(c, sty, "buffer", &p) : NULL;
	if (!buf)
		return cg_irb_err(c);
	lenp = cg_gep32(c, sty, buf, 0);
	/* the length is the u8 of the header from here on */
	length = cg_intcast(c, length, c->irb->i8, false, NULL);
	LLVMBuildStore(c->b, length, lenp);
	data = cg_gep32(c, sty, buf, 1);
	bc_irb_memset(c->irb, data, 0, fixed, 1);
	if ((err = eval(c, a0, &v)))
		return err;
	if (cg_on_stack_already(t0)) {
		LLVMBuildMemCpy(c->b, data, 1, v.v, 1, length);
	} else {
		bc_irb_probe_read(c->irb, data, cg_intcast(c, length, c->irb->i32, false, NULL),
				  v.v, t0->as);
	}
	cg_end(c, &v);
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

static int call_path(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	struct cg_val v = { 0 };
	struct bc_prov p = cg_prov("path", "path", &call->span, true, NULL, 0);
	LLVMValueRef buf, args[3];
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	if (arg(call, 1))
		return cg_unsupported(c, &call->span, "path", "path() with a size");
	buf = str_buffer(c, "path", c->strlen, &p);
	if (!buf)
		return c->err;
	if (c->ver >= BC_BT(21))
		bc_irb_memset_bpf(c->irb, buf, c->strlen);
	else
		bc_irb_memset(c->irb, buf, 0, c->strlen, 1);
	/* the argument's allocation is never ended here (bpftrace) */
	if ((err = eval(c, arg(call, 0), &v)))
		return err;
	args[0] = LLVMGetTypeKind(LLVMTypeOf(v.v)) == LLVMPointerTypeKind ?
			  v.v : LLVMBuildIntToPtr(c->b, v.v, c->irb->ptr, "");
	args[1] = buf;
	args[2] = cg_i32(c, c->strlen);
	bc_irb_helper(c->irb, BPF_FUNC_d_path, c->irb->i64, args, 3, "d_path");
	out->v = buf;
	out->del = LLVMIsAAllocaInst(buf) ? buf : NULL;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

/* ntop([af,] addr): {i64 af, [16 x i8] addr} */
static int call_ntop(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *inet = arg(call, 0);
	const struct bc_stype *it;
	struct cg_val afv = { 0 }, v = { 0 };
	LLVMTypeRef elems[2] = { c->irb->i64, LLVMArrayType2(c->irb->i8, 16) }, sty;
	struct bc_prov p = cg_prov("ntop", "inet", &call->span, false, NULL, 0);
	LLVMValueRef buf, afp, addrp, af;
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	sty = bc_irb_struct_type(c->irb, "inet_t", elems, 2, false);
	buf = sty ? cg_alloca(c, sty, "inet", &p) : NULL;
	if (!buf)
		return cg_irb_err(c);
	afp = bc_irb_struct_field_ptr(c->irb, sty, buf, 0);
	if (call->u.call.args.n == 1) {
		it = cg_etype(c, inet);
		if (!it)
			return c->err;
		af = cg_i64(c, cg_is_int(it) || it->size == 4 ? AF_INET : AF_INET6);
	} else {
		inet = arg(call, 1);
		if ((err = eval(c, arg(call, 0), &afv)))
			return err;
		af = cg_int64(c, afv.v, true);
		cg_end(c, &afv);
	}
	it = cg_etype(c, inet);
	if (!it)
		return c->err;
	LLVMBuildStore(c->b, af, afp);
	addrp = cg_gep32(c, sty, buf, 1);
	bc_irb_memset(c->irb, addrp, 0, 16, 1);
	if ((err = eval(c, inet, &v)))
		return err;
	if (it->kind == BC_ST_ARRAY || it->kind == BC_ST_STRING)
		bc_irb_probe_read(c->irb, addrp, cg_i32(c, it->size), v.v, it->as);
	else
		LLVMBuildStore(c->b, cg_intcast(c, v.v, c->irb->i32, false, NULL), addrp);
	cg_end(c, &v);
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

static int call_pton(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const char *s;
	size_t len;
	unsigned char dst[16];
	int af = AF_INET, n = 4;
	LLVMTypeRef ty;
	LLVMValueRef buf;
	struct bc_prov p;

	if (!arg(call, 0) || !cg_lit_str(c, arg(call, 0), &s, &len))
		return cg_unsupported(c, &call->span, "pton", "pton() of a non-literal");
	if (strchr(s, ':')) {
		af = AF_INET6;
		n = 16;
	}
	if (inet_pton(af, s, dst) != 1)
		return cg_fail(c, -EINVAL, &call->span, "pton(): not an address");
	ty = LLVMArrayType2(c->irb->i8, (uint64_t)n);
	p = cg_prov("pton", n == 16 ? "addr6" : "addr4", &call->span, false, NULL, 0);
	buf = cg_alloca(c, ty, n == 16 ? "addr6" : "addr4", &p);
	if (!buf)
		return c->err;
	for (int i = 0; i < n; i++) {
		LLVMValueRef ix[2] = { cg_i64(c, 0), cg_i64(c, (uint64_t)i) };

		LLVMBuildStore(c->b, cg_i8(c, dst[i]), LLVMBuildGEP2(c->b, ty, buf, ix, 2, ""));
	}
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	return 0;
}

/* join(argv[, delim]): the strings go to the per-CPU `join` map and out. */
static int call_join(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	enum { ARGNUM = 16, ARGSIZE = 1024 };
	const struct bc_expr *a0 = arg(call, 0);
	struct cg_val v = { 0 };
	LLVMValueRef data, cond, arr, ix;
	LLVMBasicBlockRef zero, nz;
	enum bc_addrspace as;
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	if (c->ver >= BC_BTV(0, 21, 0))
		return cg_join_021(c, call, out);
	if ((err = eval(c, a0, &v)))
		return err;
	as = a0->type ? a0->type->as : BC_AS_NONE;
	/* CreateGetJoinMap: a key that is never ended */
	if ((err = cg_scratch_elem(c, "join", "key", &call->span, "join", false, &data)))
		return err;
	zero = cg_block(c, "joinzero");
	nz = cg_block(c, "joinnotzero");
	cond = LLVMBuildICmp(c->b, LLVMIntNE, data, LLVMConstNull(c->irb->ptr), "joinzerocond");
	LLVMBuildCondBr(c->b, cond, nz, zero);
	LLVMPositionBuilderAtEnd(c->b, nz);
	if ((err = cg_join_head(c, data, call, &arr)))
		return err;
	for (unsigned i = 0; i < ARGNUM; i++) {
		LLVMValueRef addr = v.v, dst;

		if (i)
			addr = v.v = LLVMBuildAdd(c->b, v.v, cg_i64(c, 8), "");
		LLVMValueRef src;

		bc_irb_probe_read(c->irb, arr, cg_i32(c, 8), addr, as);
		/* bpftrace's compiler evaluates the call's arguments right to
		 * left: the load, then the address */
		src = LLVMBuildLoad2(c->b, c->irb->i64, arr, "");
		ix = cg_i64(c, 16 + (uint64_t)i * ARGSIZE);
		dst = LLVMBuildGEP2(c->b, c->irb->i8, data, &ix, 1, "");
		bc_irb_probe_read_str(c->irb, dst, cg_i32(c, ARGSIZE), src, as);
	}
	cg_output(c, data, 16 + ARGNUM * ARGSIZE, &call->span);
	LLVMBuildBr(c->b, zero);
	LLVMPositionBuilderAtEnd(c->b, zero);
	cg_end(c, &v);
	out->v = NULL;
	return cg_irb_err(c);
}

/*
 * The async-id pair bpftrace builds for strftime() and cgroup_path(): a
 * packed {u64 id, u64 value} in an alloca whose lifetime is never ended.
 * VALUE_ARG is the argument stored after the id, NARGS how many there are.
 */
static int id_value_pair(struct cg *c, const struct bc_expr *call, struct cg_val *out,
			 const char *construct, const char *name, const char *type_name,
			 size_t nargs, size_t value_arg, int *id)
{
	LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i64 }, sty;
	struct bc_prov p = cg_prov(construct, name, &call->span, false, NULL, 0);
	struct cg_val v = { 0 };
	LLVMValueRef buf;
	int err;

	if ((err = need_args(c, call, nargs)))
		return err;
	sty = bc_irb_struct_type(c->irb, type_name, elems, 2, true);
	buf = sty ? cg_alloca(c, sty, name, &p) : NULL;
	if (!buf)
		return cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, (uint64_t)(*id)++),
		       bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	if ((err = eval(c, arg(call, value_arg), &v)))
		return err;
	LLVMBuildStore(c->b, v.v, bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	cg_end(c, &v);
	out->v = buf;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

/* strftime(fmt, nsecs): {u64 id, u64 nsecs} */
static int call_strftime(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	return id_value_pair(c, call, out, "strftime", "strftime_args", "strftime_t", 2, 1,
			     &c->ids.strftime_id);
}

/* cgroup_path(id): {u64 id, u64 cgroup id} */
static int call_cgroup_path(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	return id_value_pair(c, call, out, "cgroup_path", "cgroup_path_args", "cgroup_path_t", 1,
			     0, &c->ids.cgroup_path_id);
}

static int call_macaddr(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *a0 = arg(call, 0);
	const struct bc_stype *t = cg_etype(c, call), *at;
	struct bc_prov p = cg_prov("macaddr", "macaddr", &call->span, false, NULL, 0);
	struct cg_val v = { 0 };
	LLVMTypeRef ty;
	LLVMValueRef buf;
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	at = cg_etype(c, a0);
	ty = t && at ? cg_type(c, t, &call->span) : NULL;
	if (!ty)
		return c->err;
	buf = bc_irb_alloca_init(c->irb, ty, "macaddr", &p);
	if (!buf)
		return cg_irb_err(c);
	if ((err = eval(c, a0, &v)))
		return err;
	if (cg_on_stack(c, a0))
		bc_irb_memcpy(c->irb, buf, v.v, at->size, 1);
	else
		bc_irb_probe_read(c->irb, buf, cg_i32(c, at->size), v.v, at->as);
	cg_end(c, &v);
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

static int call_bswap(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, arg(call, 0));
	struct cg_val v = { 0 };
	int err;

	if (!t)
		return c->err;
	if ((err = eval(c, arg(call, 0), &v)))
		return err;
	out->v = v.v;
	if (t->size > 1) {
		LLVMTypeRef ty = LLVMTypeOf(v.v);
		unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
		LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->irb->mod, id, &ty, 1);

		out->v = LLVMBuildCall2(c->b, LLVMIntrinsicGetType(c->ctx, id, &ty, 1), fn, &v.v, 1,
					"");
	}
	cg_end(c, &v);
	return 0;
}

static int call_signal(struct cg *c, const struct bc_expr *call)
{
	static const struct { const char *name; int num; } sigs[] = {
		{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGILL", 4 },
		{ "SIGTRAP", 5 }, { "SIGABRT", 6 }, { "SIGBUS", 7 }, { "SIGFPE", 8 },
		{ "SIGKILL", 9 }, { "SIGUSR1", 10 }, { "SIGSEGV", 11 }, { "SIGUSR2", 12 },
		{ "SIGPIPE", 13 }, { "SIGALRM", 14 }, { "SIGTERM", 15 }, { "SIGCHLD", 17 },
		{ "SIGCONT", 18 }, { "SIGSTOP", 19 }, { "SIGTSTP", 20 },
	};
	const struct bc_expr *a0 = arg(call, 0);
	struct cg_val v = { 0 };
	LLVMValueRef sig;
	const char *s;
	size_t len;
	int err;

	if ((err = need_args(c, call, 1)))
		return err;
	if (a0->kind == BC_EXPR_STRING && cg_lit_str(c, a0, &s, &len)) {
		int num = -1;

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (!strcmp(s, sigs[i].name) || !strcmp(s, sigs[i].name + 3))
				num = sigs[i].num;
		if (num < 0)
			return cg_fail(c, -EINVAL, &a0->span, "unknown signal %s", s);
		sig = cg_i32(c, (uint32_t)num);
	} else {
		if ((err = eval(c, a0, &v)))
			return err;
		sig = cg_intcast(c, v.v, c->irb->i32, a0->type && a0->type->is_signed, NULL);
	}
	bc_irb_helper(c->irb, BPF_FUNC_send_signal, c->irb->i64, &sig, 1, "signal");
	cg_end(c, &v);
	return cg_irb_err(c);
}

static int call_override(struct cg *c, const struct bc_expr *call)
{
	struct cg_val v = { 0 };
	LLVMValueRef args[2];
	int err;

	if ((err = need_args(c, call, 1)) || (err = eval(c, arg(call, 0), &v)))
		return err;
	args[0] = bc_irb_ctx(c->irb);
	args[1] = cg_int64(c, v.v, arg(call, 0)->type && arg(call, 0)->type->is_signed);
	bc_irb_helper(c->irb, BPF_FUNC_override_return, c->irb->i64, args, 2, "override");
	cg_end(c, &v);
	return cg_irb_err(c);
}

/* Functions whose value is their argument's (ksym, strerror, kptr, uptr). */
static int pass_through(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	int err = need_args(c, call, 1);

	if (err)
		return err;
	err = eval(c, arg(call, 0), out);
	/* the scope ends with the call: an allocation is not kept */
	if (!err)
		cg_end(c, out);
	return err;
}

/* is_scalar(@m) (0.25+): a constant, whether @m has no keys */
static int call_is_scalar(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *m = arg(call, 0);
	const struct bc_sema_map *sm = m && m->kind == BC_EXPR_MAP && c->sema ?
					       bc_sema_map_find(c->sema, m->u.map.name) : NULL;

	if (!sm)
		return cg_unsupported(c, &call->span, "is_scalar", "the map is not known");
	out->v = LLVMConstInt(c->irb->i8, sm->nr_keys == 0, 0);
	return 0;
}

int cg_call(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const char *f = call->u.call.name;
	int err;

	if (!strcmp(f, "is_scalar"))
		return call_is_scalar(c, call, out);
	if ((!strcmp(f, "pid") || !strcmp(f, "tid")) && call->u.call.args.n <= 1) {
		/*
		 * pid(), tid(), pid(curr_ns|init) (0.24+): the ids the builtin
		 * variables read. bpftrace reads namespaced ids into a
		 * bpf_pidns_info only when it runs inside a PID namespace itself
		 * (CreateGetPid); the model, as for the variables, is the initial
		 * namespace, where curr_ns and init are the same.
		 */
		struct bc_expr tmp = *call;

		tmp.kind = BC_EXPR_BUILTIN;
		tmp.u.name = f;
		return cg_builtin(c, &tmp, out);
	}
	if (cg_macro_use(c, call, out, &err))
		return err;
	if (!strcmp(f, "str"))
		return call_str(c, call, out);
	if (!strcmp(f, "buf"))
		return call_buf(c, call, out);
	if (!strcmp(f, "path"))
		return call_path(c, call, out);
	if (!strcmp(f, "ntop"))
		return call_ntop(c, call, out);
	if (!strcmp(f, "pton"))
		return call_pton(c, call, out);
	if (!strcmp(f, "join"))
		return call_join(c, call, out);
	if (!strcmp(f, "strftime"))
		return call_strftime(c, call, out);
	if (!strcmp(f, "cgroup_path"))
		return call_cgroup_path(c, call, out);
	if (!strcmp(f, "macaddr"))
		return call_macaddr(c, call, out);
	if (!strcmp(f, "bswap"))
		return call_bswap(c, call, out);
	if (!strcmp(f, "ksym") || !strcmp(f, "strerror") || !strcmp(f, "kptr") ||
	    !strcmp(f, "uptr"))
		return pass_through(c, call, out);
	if (!strcmp(f, "usym")) {
		struct cg_val v = { 0 };
		struct bc_prov p = cg_prov("usym", "usym", &call->span, false, NULL, 0);

		if ((err = need_args(c, call, 1)) || (err = eval(c, arg(call, 0), &v)))
			return err;
		/* the usym() call path never ends its slot */
		out->v = bc_irb_usym(c->irb, v.v, &p);
		out->prov = cg_prov_id(c, out->v);
		cg_end(c, &v);
		return out->v ? 0 : cg_irb_err(c);
	}
	if (!strcmp(f, "kstack") || !strcmp(f, "ustack"))
		return builtin_stack(c, call, f[0] == 'u', out);
	if (!strcmp(f, "reg")) {
		static const char *const regs[] = { "r15", "r14", "r13", "r12", "bp", "bx", "r11",
						    "r10", "r9", "r8", "ax", "cx", "dx", "si",
						    "di", "orig_ax", "ip", "cs", "flags", "sp",
						    "ss" };
		const char *s;
		size_t len;
		char name[32];

		if (!arg(call, 0) || !cg_lit_str(c, arg(call, 0), &s, &len))
			return cg_fail(c, -EINVAL, &call->span, "reg() needs a register name");
		for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
			if (strcmp(s, regs[i]))
				continue;
			snprintf(name, sizeof(name), "reg_%s", s);
			out->v = bc_irb_register_read(c->irb, (int)i, name);
			return out->v ? 0 : cg_irb_err(c);
		}
		return cg_fail(c, -EINVAL, &call->span, "unknown register %s", s);
	}
	if (!strcmp(f, "printf")) {
		if (c->pt == BC_PROBE_ITER)
			return cg_unsupported(c, &call->span, "printf in iter",
					      "seq_printf in iterator probes is not modelled");
		err = cg_fmt_call(c, call, "printf", (uint64_t)c->ids.printf_id++);
		return err;
	}
	if (!strcmp(f, "system"))
		return cg_fmt_call(c, call, "system", 10000 + (uint64_t)c->ids.system_id++);
	if (!strcmp(f, "cat"))
		return cg_fmt_call(c, call, "cat", 20000 + (uint64_t)c->ids.cat_id++);
	if (!strcmp(f, "exit"))
		return cg_exit(c, call);
	if (!strcmp(f, "print"))
		return cg_print(c, call);
	if (!strcmp(f, "clear"))
		return cg_map_event(c, call, "clear", 30002);
	if (!strcmp(f, "zero"))
		return cg_map_event(c, call, "zero", 30003);
	if (!strcmp(f, "time"))
		return cg_time(c, call);
	if (!strcmp(f, "delete"))
		return cg_map_delete(c, call, out);
	if (!strcmp(f, "has_key"))
		return cg_map_has_key(c, call, out);
	if (!strcmp(f, "signal"))
		return call_signal(c, call);
	if (!strcmp(f, "override"))
		return call_override(c, call);
	if (!strcmp(f, "strncmp")) {
		int64_t n;

		if ((err = need_args(c, call, 3)))
			return err;
		if (!cg_lit_int(c, arg(call, 2), &n) || n < 0)
			return cg_fail(c, -EINVAL, &call->span, "strncmp() needs a literal size");
		return cg_strcmp(c, arg(call, 0), arg(call, 1), (uint64_t)n, false, false, out);
	}
	if (!strcmp(f, "strcontains")) {
		if ((err = need_args(c, call, 2)))
			return err;
		return cg_strcontains(c, arg(call, 0), arg(call, 1), out);
	}
	if (!strcmp(f, "sizeof")) {
		const struct bc_stype *t = arg(call, 0) ? arg(call, 0)->type : NULL;

		if (!t)
			return cg_unsupported(c, &call->span, "sizeof", "the size is not known");
		out->v = cg_i64(c, t->size);
		return 0;
	}
	if (!strcmp(f, "len"))
		return cg_map_len(c, call, out);
	if (!strcmp(f, "__builtin_uaddr"))
		f = "uaddr";	/* what 0.25's stdlib uaddr() calls */
	if (!strcmp(f, "getopt"))
		return cg_getopt(c, call, out);
	if (!strcmp(f, "unwatch"))
		return cg_unwatch(c, call);
	{
		bool handled;

		err = cg_name_call(c, call, out, &handled);
		if (handled)
			return err;
	}
	if ((!strcmp(f, "kaddr") || !strcmp(f, "uaddr") || !strcmp(f, "cgroupid")) &&
	    c->o->exact_load_values)
		return cg_unsupported(c, &call->span, f,
				      "%s() is resolved by bpftrace at load time", f);
	if (!strcmp(f, "kaddr") || !strcmp(f, "uaddr") || !strcmp(f, "cgroupid")) {
		/*
		 * bpftrace resolves these when it compiles the script and emits
		 * the result as an i64 constant (b_.getInt64(addr)); the value
		 * depends on the machine that loads it, the code around it does
		 * not. The model stands in a non-zero constant of the same kind:
		 * the start of x86-64 kernel text, a user text address, cgroup 1.
		 */
		uint64_t v = !strcmp(f, "kaddr") ? 0xffffffff81000000ull :
			     !strcmp(f, "uaddr") ? 0x400000ull : 1;

		out->v = cg_i64(c, v);
		return 0;
	}
	if (!strcmp(f, "count") || !strcmp(f, "sum") || !strcmp(f, "min") || !strcmp(f, "max") ||
	    !strcmp(f, "avg") || !strcmp(f, "stats") || !strcmp(f, "hist") || !strcmp(f, "lhist"))
		return cg_fail(c, -EINVAL, &call->span, "%s() outside a map assignment", f);
	return cg_unsupported(c, &call->span, f, "%s() is not modelled", f);
}
