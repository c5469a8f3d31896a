// SPDX-License-Identifier: Apache-2.0
/*
 * Output events (bpftrace 0.17 createFormatStringCall, createPrintMapCall,
 * createPrintNonMapCall, clear/zero/time/exit): a struct on the stack,
 * filled and handed to bpf_perf_event_output (bpf_ringbuf_output from
 * 0.19: cg_output).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_impl.h"

#define ACTION_EXIT		30000
#define ACTION_PRINT		30001
#define ACTION_TIME		30004
#define ACTION_PRINT_NON_MAP	30007

/*
 * A failed bpf_ringbuf_output is counted in the loss block
 * (docs/bpftrace-codegen.md §1.7): 0.19-0.23 look up key 0 of the array
 * map event_loss_counter through an i32 `key` on the stack and add to the
 * element atomically (CreateAtomicIncCounter); 0.24 adds to this CPU's
 * slot of the global __bt__event_loss_counter (CreateIncEventLossCounter),
 * which takes no stack.
 */
static void count_loss(struct cg *c, const struct bc_span *sp)
{
	struct bc_irb *irb = c->irb;
	LLVMBasicBlockRef ok, fail, done;
	LLVMValueRef key, elem, cond, v;
	struct bc_prov p;
	int map;

	if (c->ver >= BC_BT(24)) {
		elem = bc_irb_event_loss_counter(irb);
		if (!elem)
			return;
		v = LLVMBuildLoad2(c->b, irb->i64, elem, "");
		v = LLVMBuildAdd(c->b, v, cg_i64(c, 1), "");
		LLVMBuildStore(c->b, v, elem);
		return;
	}
	p = cg_prov("event-loss-counter", "key", sp, false, NULL, 0);
	map = bc_irb_map_id(irb, "event_loss_counter");
	key = cg_alloca(c, irb->i32, "key", &p);
	if (map < 0 || !key)
		return;
	LLVMBuildStore(c->b, cg_i32(c, 0), key);
	elem = bc_irb_map_lookup(irb, map, key);
	if (!elem)
		return;
	ok = bc_irb_block(irb, "lookup_success");
	fail = bc_irb_block(irb, "lookup_failure");
	done = bc_irb_block(irb, "lookup_merge");
	cond = LLVMBuildICmp(c->b, LLVMIntNE, elem, LLVMConstNull(irb->ptr), "map_lookup_cond");
	LLVMBuildCondBr(c->b, cond, ok, fail);
	LLVMPositionBuilderAtEnd(c->b, ok);
	LLVMBuildAtomicRMW(c->b, LLVMAtomicRMWBinOpAdd, elem, cg_i64(c, 1),
			   LLVMAtomicOrderingSequentiallyConsistent, 0);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, fail);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	bc_irb_lifetime_end(irb, key);
}

/*
 * CreateOutput: bpftrace 0.19+ sends events with bpf_ringbuf_output when
 * the kernel has ring buffers (opts->ringbuf), and branches on its result
 * to count lost events; before 0.19, or without ring buffers, with
 * bpf_perf_event_output.
 */
int cg_output(struct cg *c, LLVMValueRef data, uint64_t size, const struct bc_span *sp)
{
	LLVMBasicBlockRef loss, merge;
	LLVMValueRef ret, cond;
	int map;

	if (!c->o->ringbuf || c->ver < BC_BT(19)) {
		map = bc_irb_map_id(c->irb, "perf_event");
		if (map < 0 || !bc_irb_perf_event_output(c->irb, map, data, size))
			return cg_irb_err(c);
		return 0;
	}
	map = bc_irb_map_id(c->irb, "ringbuf");
	ret = map < 0 ? NULL : bc_irb_ringbuf_output(c->irb, map, data, size);
	if (!ret)
		return cg_irb_err(c);
	loss = bc_irb_block(c->irb, "event_loss_counter");
	merge = bc_irb_block(c->irb, "counter_merge");
	cond = LLVMBuildICmp(c->b, LLVMIntSLT, ret, cg_i64(c, 0), "ringbuf_loss");
	LLVMBuildCondBr(c->b, cond, loss, merge);
	LLVMPositionBuilderAtEnd(c->b, loss);
	count_loss(c, sp);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);
	return cg_irb_err(c);
}

int cg_perf_output(struct cg *c, LLVMValueRef data, uint64_t size)
{
	return cg_output(c, data, size, NULL);
}

/* The type an argument takes in the format struct: small integers (and
 * anything else that is not an aggregate) widened to 8 bytes. */
static LLVMTypeRef fmt_arg_type(struct cg *c, const struct bc_expr *a)
{
	const struct bc_stype *t = cg_etype(c, a);

	if (!t)
		return NULL;
	if (!bc_stype_is_aggregate(t) && t->kind != BC_ST_TIMESTAMP)
		return c->irb->i64;
	return cg_type(c, t, &a->span);
}

int cg_fmt_call(struct cg *c, const struct bc_expr *call, const char *name, uint64_t id)
{
	const struct bc_expr_list *args = &call->u.call.args;
	size_t n = args->n ? args->n - 1 : 0;
	LLVMTypeRef *types, sty;
	uint32_t *from;
	size_t nfrom = 0;
	struct bc_prov p;
	LLVMValueRef buf;
	bool dep = false;
	int err = 0;

	if (n > 64)
		return cg_unsupported(c, &call->span, name, "more than 64 arguments");
	types = calloc(n + 1, sizeof(*types));
	from = calloc(n + 1, sizeof(*from));
	if (!types || !from) {
		free(types);
		free(from);
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < n && !err; i++) {
		types[i] = fmt_arg_type(c, args->v[i + 1]);
		if (!types[i])
			err = c->err;
		else
			dep |= args->v[i + 1]->type->script_dependent;
	}
	if (err)
		goto out;
	p = cg_prov(BC_PROV_PRINTF_ARGS, name, &call->span, dep, NULL, 0);
	if (c->scratch) {
		/* 0.22+: CreateGetFmtStringArgsAllocation */
		LLVMTypeRef elems[65];
		char sname[64];

		elems[0] = c->irb->i64;
		for (size_t i = 0; i < n; i++)
			elems[i + 1] = types[i];
		snprintf(sname, sizeof(sname), "%s_t", name);
		sty = bc_irb_new_struct_type(c->irb, sname, elems, (unsigned)n + 1, false);
		snprintf(sname, sizeof(sname), "%s_args", name);
		buf = sty ? cg_alloc(c, BC_SCRATCH_FMT_STR, sty, sname, &p) : NULL;
		if (buf) {
			bc_irb_memset_bpf(c->irb, buf, bc_irb_sizeof(c->irb, sty));
			LLVMBuildStore(c->b, cg_i64(c, id), cg_gep32(c, sty, buf, 0));
		}
	} else {
		buf = bc_irb_fmt_args(c->irb, name, id, types, (unsigned)n, &p, &sty);
	}
	if (!buf) {
		err = cg_irb_err(c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct bc_expr *a = args->v[i + 1];
		const struct bc_stype *t = a->type;
		struct cg_val v = { 0 };
		LLVMValueRef dst;

		err = cg_expr(c, a, &v);
		if (err)
			goto out;
		if (!v.v) {
			err = cg_unsupported(c, &a->span, name, "argument has no value");
			goto out;
		}
		dst = cg_gep32(c, sty, buf, (unsigned)i + 1);
		if (cg_need_memcpy(t)) {
			bc_irb_memcpy(c->irb, dst, v.v, t->size, 1);
			if (v.prov)
				from[nfrom++] = v.prov;
		} else if (cg_is_int(t) && t->size < 8) {
			LLVMBuildStore(c->b, cg_int64(c, v.v, t->is_signed), dst);
		} else {
			LLVMBuildStore(c->b, cg_int64(c, v.v, false), dst);
		}
		cg_end(c, &v);
	}
	if (nfrom) {
		struct bc_prov_rec *r = bc_prov_get_mut(c->irb->prov, cg_prov_id(c, buf));

		if (r) {
			r->from = from;
			r->nr_from = nfrom;
			from = NULL;
		}
	}
	err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
	if (!err)
		bc_irb_lifetime_end(c->irb, buf);
out:
	free(types);
	free(from);
	return err ? err : cg_irb_err(c);
}

/* print(@m[, top, div]): {u64 action, u32 map id, u32 top, u32 div}, packed. */
static int print_map(struct cg *c, const struct bc_expr *call, const struct bc_expr *m)
{
	LLVMTypeRef elems[4] = { c->irb->i64, c->irb->i32, c->irb->i32, c->irb->i32 }, sty;
	char name[256];
	struct bc_prov p;
	LLVMValueRef buf;
	size_t i;
	int id, err;

	if (m->u.map.keys.n)
		return cg_unsupported(c, &call->span, "print", "print() of a map element");
	id = cg_map_id(c, m->u.map.name);
	sty = bc_irb_struct_type(c->irb, "print_t", elems, 4, true);
	snprintf(name, sizeof(name), "print_@%s", m->u.map.name);
	p = cg_prov("print", name, &call->span, false, NULL, 0);
	buf = sty && id >= 0 ? cg_alloca(c, sty, name, &p) : NULL;
	if (!buf)
		return c->err ? c->err : cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, ACTION_PRINT), bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	LLVMBuildStore(c->b, cg_i32(c, (uint32_t)id), bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	for (i = 1; i < call->u.call.args.n && i < 3; i++) {
		struct cg_val v = { 0 };

		err = cg_expr(c, call->u.call.args.v[i], &v);
		if (err)
			return err;
		if (!v.v)
			return cg_unsupported(c, &call->span, "print", "argument has no value");
		LLVMBuildStore(c->b, cg_intcast(c, v.v, c->irb->i32, false, NULL),
			       bc_irb_struct_field_ptr(c->irb, sty, buf, (unsigned)i + 1));
		cg_end(c, &v);
	}
	for (; i < 3; i++)
		LLVMBuildStore(c->b, cg_i32(c, 0),
			       bc_irb_struct_field_ptr(c->irb, sty, buf, (unsigned)i + 1));
	err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
	if (!err)
		bc_irb_lifetime_end(c->irb, buf);
	return err;
}

/* bpftrace's Type names (operator<<(Type)) in print_<type>_<size>_t */
static const char *type_word(const struct bc_stype *t)
{
	switch (t->kind) {
	case BC_ST_INT: case BC_ST_BOOL: case BC_ST_ENUM: return "integer";
	case BC_ST_POINTER: return "pointer";
	case BC_ST_CSTRUCT: return "record";
	case BC_ST_STRING: return "string";
	case BC_ST_BUFFER: return "buffer";
	case BC_ST_INET: return "inet";
	case BC_ST_USYM: return "usym";
	case BC_ST_KSYM: return "ksym";
	case BC_ST_KSTACK: return "kstack";
	case BC_ST_USTACK: return "ustack";
	case BC_ST_TUPLE: return "tuple";
	case BC_ST_ARRAY: return "array";
	case BC_ST_TIMESTAMP: return "timestamp";
	case BC_ST_MACADDR: return "mac_address";
	case BC_ST_CGROUP_PATH: return "cgroup_path";
	case BC_ST_PROBE: return "probe";
	case BC_ST_USERNAME: return "username";
	case BC_ST_STRERROR: return "strerror";
	default: return bc_stype_kind_name(t->kind);
	}
}

/* print(expr): {u64 action, u64 id, [size x i8] content}, packed. */
static int print_value(struct cg *c, const struct bc_expr *call, const struct bc_expr *a)
{
	const struct bc_stype *t = cg_etype(c, a);
	struct cg_val v = { 0 };
	LLVMTypeRef elems[3], sty;
	char name[128];
	struct bc_prov p;
	LLVMValueRef buf, content;
	uint32_t from;
	int err;

	if (!t)
		return c->err;
	err = cg_expr(c, a, &v);
	if (err)
		return err;
	if (!v.v)
		return cg_unsupported(c, &a->span, "print", "argument has no value");
	elems[0] = c->irb->i64;
	elems[1] = c->irb->i64;
	elems[2] = LLVMArrayType2(c->irb->i8, t->size);
	snprintf(name, sizeof(name), "print_%s_%u_t", type_word(t), t->size);
	sty = bc_irb_struct_type(c->irb, name, elems, 3, true);
	from = v.prov;
	p = cg_prov("print", name, &call->span, t->script_dependent, &from, 1);
	buf = sty ? cg_alloc(c, BC_SCRATCH_FMT_STR, sty, name, &p) : NULL;
	if (!buf)
		return c->err ? c->err : cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, ACTION_PRINT_NON_MAP),
		       bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	LLVMBuildStore(c->b, cg_i64(c, (uint64_t)c->ids.non_map_print_id),
		       bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	content = cg_gep32(c, sty, buf, 2);
	bc_irb_memset(c->irb, content, 0, t->size, 1);
	if (cg_need_memcpy(t)) {
		if (cg_on_stack(c, a))
			bc_irb_memcpy(c->irb, content, v.v, t->size, 1);
		else
			bc_irb_probe_read(c->irb, content, cg_i32(c, t->size), v.v, t->as);
	} else {
		LLVMBuildStore(c->b, v.v, content);
	}
	c->ids.non_map_print_id++;
	err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
	if (!err)
		bc_irb_lifetime_end(c->irb, buf);
	cg_end(c, &v);
	return err;
}

int cg_print(struct cg *c, const struct bc_expr *call)
{
	const struct bc_expr *a = call->u.call.args.n ? call->u.call.args.v[0] : NULL;

	if (!a)
		return cg_fail(c, -EINVAL, &call->span, "print() without an argument");
	if (a->kind == BC_EXPR_MAP)
		return print_map(c, call, a);
	return print_value(c, call, a);
}

/* clear(@m) / zero(@m): {u64 action, u32 map id}, packed. */
int cg_map_event(struct cg *c, const struct bc_expr *call, const char *what, uint64_t action)
{
	const struct bc_expr *m = call->u.call.args.n ? call->u.call.args.v[0] : NULL;
	LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i32 }, sty;
	char name[256], tname[32];
	struct bc_prov p;
	LLVMValueRef buf;
	int id, err;

	if (!m || m->kind != BC_EXPR_MAP)
		return cg_fail(c, -EINVAL, &call->span, "%s() needs a map", what);
	id = cg_map_id(c, m->u.map.name);
	snprintf(tname, sizeof(tname), "%s_t", what);
	sty = bc_irb_struct_type(c->irb, tname, elems, 2, true);
	snprintf(name, sizeof(name), "%s_@%s", what, m->u.map.name);
	p = cg_prov(what, name, &call->span, false, NULL, 0);
	buf = sty && id >= 0 ? cg_alloca(c, sty, name, &p) : NULL;
	if (!buf)
		return c->err ? c->err : cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, action), bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	LLVMBuildStore(c->b, cg_i32(c, (uint32_t)id), bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
	if (!err)
		bc_irb_lifetime_end(c->irb, buf);
	return err;
}

/* time([fmt]): {u64 action, u32 time id}, packed. */
int cg_time(struct cg *c, const struct bc_expr *call)
{
	LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i32 }, sty;
	struct bc_prov p = cg_prov("time", "time_t", &call->span, false, NULL, 0);
	LLVMValueRef buf;
	int err;

	sty = bc_irb_struct_type(c->irb, "time_t", elems, 2, true);
	buf = sty ? cg_alloca(c, sty, "time_t", &p) : NULL;
	if (!buf)
		return c->err ? c->err : cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, ACTION_TIME), bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	LLVMBuildStore(c->b, cg_i32(c, (uint32_t)c->ids.time_id++),
		       bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
	if (!err)
		bc_irb_lifetime_end(c->irb, buf);
	return err;
}

/* exit(): the event, then return; what follows goes to a dead block. */
int cg_exit(struct cg *c, const struct bc_expr *call)
{
	struct bc_prov p = cg_prov(BC_PROV_PERFDATA, "perfdata", &call->span, false, NULL, 0);
	LLVMValueRef buf;
	int err;

	if (c->ver >= BC_BTV(0, 22, 0)) {
		/* {u64 action, u8 code}, packed */
		LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i8 };
		LLVMTypeRef sty = bc_irb_struct_type(c->irb, "exit_t", elems, 2, true);
		struct cg_val v = { 0 };
		LLVMValueRef code = cg_i8(c, 0);

		p.name = "exit";
		buf = sty ? cg_alloca(c, sty, "exit", &p) : NULL;
		if (!buf)
			return c->err ? c->err : cg_irb_err(c);
		LLVMBuildStore(c->b, cg_i64(c, ACTION_EXIT),
			       bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
		if (call->u.call.args.n == 1) {
			if ((err = cg_expr(c, call->u.call.args.v[0], &v)))
				return err;
			if (!v.v)
				return cg_unsupported(c, &call->span, "exit", "no exit code");
			code = cg_intcast(c, v.v, c->irb->i8, false, NULL);
		}
		LLVMBuildStore(c->b, code, bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
		cg_end(c, &v);
		err = cg_output(c, buf, bc_irb_sizeof(c->irb, sty), &call->span);
		if (err)
			return err;
		bc_irb_lifetime_end(c->irb, buf);
		/* up to 0.24 the probe returns here, and what follows goes to an
		 * unreachable block (createRet + "deadcode"); 0.25 no longer
		 * returns */
		if (c->ver < BC_BT(25)) {
			cg_ret(c);
			LLVMPositionBuilderAtEnd(c->b, cg_block(c, "deadcode"));
		}
		return 0;
	}
	buf = cg_alloca(c, c->irb->i64, "perfdata", &p);
	if (!buf)
		return c->err;
	LLVMBuildStore(c->b, cg_i64(c, ACTION_EXIT), buf);
	err = cg_output(c, buf, 8, &call->span);
	if (err)
		return err;
	bc_irb_lifetime_end(c->irb, buf);
	cg_ret(c);
	LLVMPositionBuilderAtEnd(c->b, cg_block(c, "deadcode"));
	return 0;
}
