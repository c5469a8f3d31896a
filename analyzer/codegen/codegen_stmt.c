// SPDX-License-Identifier: Apache-2.0
/*
 * Probes and statements: bpftrace 0.17's CodegenLLVM::visit(Probe) and
 * generateProbe (one function per probe, or per attach point when the probe
 * is expanded), predicates, variables (AssignVarStatement), if/else, unroll,
 * while and jumps.
 */

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "codegen_impl.h"
#include "../base/array.h"
#include "../base/sbuf.h"
#include "../target/source.h"

/* ---- probe names ---- */

static enum bc_probe_type ap_type(const struct cg *c, const struct bc_attach_point *ap)
{
	return bc_probe_type_parse(ap->provider_text, c->ver);
}

/* AttachPoint::name(): the canonical provider, then the parts as written
 * (a function offset as "+N"). */
static void ap_name(const struct cg *c, const struct bc_attach_point *ap, struct bc_sbuf *b)
{
	enum bc_probe_type pt = ap_type(c, ap);

	bc_sbuf_puts(b, pt != BC_PROBE_INVALID ? bc_probe_type_name(pt, c->ver) : ap->provider_text);
	for (size_t i = 0; i < ap->nr_parts; i++) {
		bc_sbuf_putc(b, ':');
		bc_sbuf_puts(b, ap->parts[i]);
	}
	if (ap->has_offset && ap->offset)
		bc_sbuf_printf(b, "+%llu", (unsigned long long)ap->offset);
}

/* Probe::name(): the attach points joined by ','. */
static char *probe_name(const struct cg *c, const struct bc_probe *p)
{
	struct bc_sbuf b = { 0 };

	for (size_t i = 0; i < p->nr_aps; i++) {
		if (i)
			bc_sbuf_putc(&b, ',');
		ap_name(c, p->aps[i], &b);
	}
	return bc_sbuf_finish(&b);
}

/* ---- expansion ---- */

/*
 * Whether bpftrace builds one program per attach point (need_expansion):
 * USDT probes, probes using the `probe` builtin, and tracepoint probes
 * using `args` (0.17 semantic analyser).
 */
static bool need_expansion(const struct cg *c, const struct bc_probe *p)
{
	bool tp = false;

	if (c->o->expand_all && p->nr_aps > 1)
		return true;
	for (size_t i = 0; i < p->nr_aps; i++) {
		enum bc_probe_type pt = ap_type(c, p->aps[i]);

		if (pt == BC_PROBE_USDT)
			return true;
		tp |= pt == BC_PROBE_TRACEPOINT;
	}
	if (cg_probe_uses_sema(p, c->sema, "probe", false))
		return true;
	return tp && cg_probe_uses_sema(p, c->sema, "args", false);
}

/* ---- variables ---- */

struct cg_var *cg_var_find(struct cg *c, const struct bc_expr *var)
{
	const struct bc_sema_var *sv = bc_sema_expr_var(var);

	for (size_t i = 0; i < c->nr_vars; i++) {
		if (sv && c->vars[i].sv == sv)
			return &c->vars[i];
		if (!sv && !c->vars[i].sv && !strcmp(c->vars[i].name, var->u.name))
			return &c->vars[i];
	}
	return NULL;
}

static struct cg_var *var_add(struct cg *c, const struct bc_expr *var)
{
	struct cg_var *v;

	if (BC_GROW(c->vars, c->cap_vars, c->nr_vars + 1)) {
		cg_fail(c, -ENOMEM, NULL, "out of memory");
		return NULL;
	}
	v = &c->vars[c->nr_vars++];
	memset(v, 0, sizeof(*v));
	v->sv = bc_sema_expr_var(var);
	v->name = var->u.name;
	return v;
}

/* The variable's type: what semantic analysis settled on for it. */
static const struct bc_stype *var_type(struct cg *c, const struct bc_expr *var)
{
	const struct bc_sema_var *sv = bc_sema_expr_var(var);

	if (sv && sv->type && !cg_is_none(sv->type))
		return sv->type;
	return cg_etype(c, var);
}

/* AssignVarStatement. */
/*
 * maybeAllocVariable: the variable's slot, zero-initialised, on its first
 * assignment or declaration (arrays and structs are kept by address).
 * FROM is the provenance of the first value (0: none). NULL on failure.
 */
static struct cg_var *var_alloc(struct cg *c, const struct bc_expr *var,
				const struct bc_stype *vt, uint32_t from)
{
	const struct bc_stype *at = vt;
	struct bc_stype *ptr = NULL;
	struct cg_var *cv;
	LLVMTypeRef ty;
	struct bc_prov p;
	char name[256];

	if (vt->kind == BC_ST_ARRAY || vt->kind == BC_ST_CSTRUCT) {
		ptr = bc_stype_pointer(bc_stype_int(8, false), vt->as);
		if (!ptr) {
			cg_fail(c, -ENOMEM, NULL, "out of memory");
			return NULL;
		}
		at = ptr;
	}
	ty = cg_type(c, at, &var->span);
	bc_stype_put(ptr);
	if (!ty)
		return NULL;
	cv = var_add(c, var);
	if (!cv)
		return NULL;
	snprintf(name, sizeof(name), "$%s", var->u.name);
	p = cg_prov(BC_PROV_VARIABLE, name, &var->span, vt->script_dependent, &from, from ? 1 : 0);
	if (c->scratch)
		cv->slot = bc_irb_alloc_init(c->irb, BC_SCRATCH_VAR, ty, name, &p, c->on_stack_limit);
	else
		cv->slot = bc_irb_alloca_init(c->irb, ty, name, &p);
	if (!cv->slot) {
		cg_irb_err(c);
		return NULL;
	}
	cv->ty = ty;
	cv->prov = cg_prov_id(c, cv->slot);
	return cv;
}

/* `let $x;` (visit(VarDeclStatement)): the slot, when the variable has a type. */
static int declare_var(struct cg *c, const struct bc_expr *var)
{
	const struct bc_stype *vt = var->type;

	if (!vt || vt->kind == BC_ST_NONE || cg_var_find(c, var))
		return 0;	/* unused and untyped: nothing allocated */
	return var_alloc(c, var, vt, 0) ? 0 : c->err;
}

static int assign_var(struct cg *c, const struct bc_expr *var, const struct bc_expr *value,
		      const struct bc_span *stmt_span)
{
	const struct bc_stype *vt, *et;
	struct cg_val v = { 0 };
	struct cg_var *cv;
	int err;

	err = cg_expr(c, value, &v);
	if (err)
		return err;
	vt = var_type(c, var);
	et = cg_etype(c, value);
	if (!vt || !et)
		return c->err;
	if (!v.v)
		return cg_unsupported(c, &value->span, "assignment",
				      "the assigned expression has no value");
	cv = cg_var_find(c, var);
	if (!cv) {
		cv = var_alloc(c, var, vt, v.prov);
		if (!cv)
			return c->err;
	}
	(void)stmt_span;
	cv->internal = cg_is_internal(c, value);
	if (vt->kind == BC_ST_ARRAY || vt->kind == BC_ST_CSTRUCT) {
		/* only the address is stored; the value lives on (disarmed) */
		LLVMBuildStore(c->b, cg_int64(c, v.v, false), cv->slot);
		cg_disarm(&v);
		cv->origin = v.prov;
		return 0;
	}
	if (cg_need_memcpy(vt)) {
		bc_irb_memcpy(c->irb, cv->slot, v.v, cg_size(et), 1);
		cv->origin = v.prov;
	} else {
		LLVMBuildStore(c->b, cg_intcast(c, v.v, cv->ty, et->is_signed, NULL), cv->slot);
	}
	cg_end(c, &v);
	return cg_irb_err(c);
}

/* $x op= e: bpftrace's parser makes it $x = $x op e. */
static int assign_var_compound(struct cg *c, const struct bc_stmt *st)
{
	struct bc_expr bin = {
		.kind = BC_EXPR_BINOP,
		.span = st->span,
		.type = st->u.assign.target->type,
	};

	bin.u.binop.op = st->u.assign.op;
	bin.u.binop.left = st->u.assign.target;
	bin.u.binop.right = st->u.assign.value;
	bin.u.binop.op_span = st->u.assign.op_span;
	return assign_var(c, st->u.assign.target, &bin, &st->span);
}

/* ---- statements ---- */

static int stmt_expr(struct cg *c, const struct bc_expr *e)
{
	struct cg_val v = { 0 };
	int err = cg_expr(c, e, &v);

	if (!err)
		cg_end(c, &v);
	return err;
}

static int stmt_if(struct cg *c, const struct bc_stmt *st)
{
	LLVMBasicBlockRef yes, end, no = NULL;
	bool has_else = st->u.if_.else_if || st->u.if_.els;
	struct cg_val cond = { 0 };
	LLVMValueRef t;
	int err, ct = bc_sema_comptime_branch(st->u.if_.cond);

	if (ct >= 0) {
		/* `if comptime`: only the branch semantic analysis took exists */
		if (ct)
			return cg_stmts(c, st->u.if_.then);
		if (st->u.if_.else_if)
			return cg_stmt(c, st->u.if_.else_if);
		return st->u.if_.els ? cg_stmts(c, st->u.if_.els) : 0;
	}
	yes = cg_block(c, "if_body");
	end = cg_block(c, "if_end");
	err = cg_expr(c, st->u.if_.cond, &cond);
	if (err)
		return err;
	if (!cond.v)
		return cg_unsupported(c, &st->u.if_.cond->span, "if", "the condition has no value");
	t = LLVMBuildICmp(c->b, LLVMIntNE, cond.v, LLVMConstNull(LLVMTypeOf(cond.v)), "true_cond");
	if (has_else) {
		no = cg_block(c, "else_body");
		LLVMBuildCondBr(c->b, t, yes, no);
	} else {
		LLVMBuildCondBr(c->b, t, yes, end);
	}
	LLVMPositionBuilderAtEnd(c->b, yes);
	err = cg_stmts(c, st->u.if_.then);
	if (err)
		return err;
	LLVMBuildBr(c->b, end);
	LLVMPositionBuilderAtEnd(c->b, end);
	if (has_else) {
		LLVMPositionBuilderAtEnd(c->b, no);
		if (st->u.if_.else_if)
			err = cg_stmt(c, st->u.if_.else_if);
		else
			err = cg_stmts(c, st->u.if_.els);
		if (err)
			return err;
		LLVMBuildBr(c->b, end);
		LLVMPositionBuilderAtEnd(c->b, end);
	}
	cg_end(c, &cond);
	return 0;
}

static int stmt_unroll(struct cg *c, const struct bc_stmt *st)
{
	struct cg_ids start = c->ids;
	int64_t n;
	int err;

	if (!cg_lit_int(c, st->u.loop.cond, &n) || n < 0)
		return cg_unsupported(c, &st->u.loop.cond->span, "unroll",
				      "unroll count is not a known integer");
	for (int64_t i = 0; i < n; i++) {
		err = cg_stmts(c, st->u.loop.body);
		if (err)
			return err;
		/* each copy sends the same async ids */
		if (i != n - 1)
			c->ids = start;
	}
	return 0;
}

static LLVMMetadataRef loop_metadata(struct cg *c)
{
	/* !{!self, !{"llvm.loop.unroll.disable"}}: bpftrace disables unrolling */
	LLVMMetadataRef str, dis, tmp, ops[2], node;

	if (c->loop_md)
		return c->loop_md;
	str = LLVMMDStringInContext2(c->ctx, "llvm.loop.unroll.disable", 24);
	dis = LLVMMDNodeInContext2(c->ctx, &str, 1);
	tmp = LLVMTemporaryMDNode(c->ctx, NULL, 0);
	ops[0] = tmp;
	ops[1] = dis;
	node = LLVMMDNodeInContext2(c->ctx, ops, 2);
	LLVMMetadataReplaceAllUsesWith(tmp, node);
	c->loop_md = node;
	return node;
}

static int stmt_while(struct cg *c, const struct bc_stmt *st)
{
	LLVMBasicBlockRef cond_bb, body, end;
	struct cg_val cond = { 0 };
	LLVMValueRef t, br;
	unsigned kind;
	int err;

	if (c->nr_loops >= CG_MAX_LOOPS)
		return cg_unsupported(c, &st->span, "while", "loops nested too deeply");
	loop_metadata(c);
	cond_bb = cg_block(c, "while_cond");
	body = cg_block(c, "while_body");
	end = cg_block(c, "while_end");
	c->loops[c->nr_loops].cont = cond_bb;
	c->loops[c->nr_loops].brk = end;
	c->nr_loops++;
	LLVMBuildBr(c->b, cond_bb);
	LLVMPositionBuilderAtEnd(c->b, cond_bb);
	err = cg_expr(c, st->u.loop.cond, &cond);
	if (err)
		return err;
	if (!cond.v)
		return cg_unsupported(c, &st->u.loop.cond->span, "while",
				      "the condition has no value");
	t = LLVMBuildICmp(c->b, LLVMIntNE, cond.v, LLVMConstNull(LLVMTypeOf(cond.v)), "true_cond");
	br = LLVMBuildCondBr(c->b, t, body, end);
	kind = LLVMGetMDKindIDInContext(c->ctx, "llvm.loop", 9);
	LLVMSetMetadata(br, kind, LLVMMetadataAsValue(c->ctx, c->loop_md));
	LLVMPositionBuilderAtEnd(c->b, body);
	err = cg_stmts(c, st->u.loop.body);
	if (err)
		return err;
	LLVMBuildBr(c->b, cond_bb);
	LLVMPositionBuilderAtEnd(c->b, end);
	c->nr_loops--;
	cg_end(c, &cond);
	return 0;
}

static int stmt_jump(struct cg *c, const struct bc_stmt *st)
{
	switch (st->kind) {
	case BC_STMT_RETURN:
		if (st->u.expr)
			return cg_unsupported(c, &st->span, "return value",
					      "return with a value (subprograms) is not modelled");
		cg_ret(c);
		break;
	case BC_STMT_BREAK:
	case BC_STMT_CONTINUE:
		if (!c->nr_loops)
			return cg_fail(c, -EINVAL, &st->span, "break/continue outside a loop");
		LLVMBuildBr(c->b, st->kind == BC_STMT_BREAK ? c->loops[c->nr_loops - 1].brk :
							       c->loops[c->nr_loops - 1].cont);
		break;
	default:
		break;
	}
	/* what follows an unconditional jump goes to a dead block */
	LLVMPositionBuilderAtEnd(c->b, cg_block(c, "unreach"));
	return 0;
}

/* The caller's line-info hook (bc_codegen_opts.at_span) for both builders. */
static void cg_at_span(struct cg *c, const struct bc_span *sp)
{
	if (!c->o->at_span)
		return;
	c->o->at_span(c->o->at_span_ctx, c->b, c->irb->fn, sp);
	c->o->at_span(c->o->at_span_ctx, c->irb->hb, c->irb->fn, sp);
}

int cg_stmt(struct cg *c, const struct bc_stmt *st)
{
	if (c->err)
		return c->err;
	cg_at_span(c, &st->span);
	switch (st->kind) {
	case BC_STMT_EXPR:
		return stmt_expr(c, st->u.expr);
	case BC_STMT_ASSIGN:
		if (st->u.assign.target->kind == BC_EXPR_VAR)
			return st->u.assign.op == BC_OP_NONE ?
				       assign_var(c, st->u.assign.target, st->u.assign.value,
						  &st->span) :
				       assign_var_compound(c, st);
		if (st->u.assign.target->kind == BC_EXPR_MAP)
			return cg_map_assign(c, st);
		return cg_unsupported(c, &st->span, "assignment",
				      "assignment to this kind of target is not modelled");
	case BC_STMT_IF:
		return stmt_if(c, st);
	case BC_STMT_UNROLL:
		return stmt_unroll(c, st);
	case BC_STMT_WHILE:
		return stmt_while(c, st);
	case BC_STMT_BREAK:
	case BC_STMT_CONTINUE:
	case BC_STMT_RETURN:
		return stmt_jump(c, st);
	case BC_STMT_LET:
		if (!st->u.let.value)
			return declare_var(c, st->u.let.var);
		return assign_var(c, st->u.let.var, st->u.let.value, &st->span);
	case BC_STMT_BLOCK:
		return cg_stmts(c, st->u.block);
	case BC_STMT_DISCARD:
		return stmt_expr(c, st->u.expr);
	case BC_STMT_FOR:
		return cg_for(c, st);
	case BC_STMT_IMPORT:
		return cg_unsupported(c, &st->span, "import", "imports are not modelled");
	case BC_STMT_ERROR:
	default:
		return cg_fail(c, -EINVAL, &st->span, "statement with a syntax error");
	}
}

int cg_stmts(struct cg *c, const struct bc_block *b)
{
	int err;

	if (!b)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		err = cg_stmt(c, b->stmts[i]);
		if (err)
			return err;
	}
	if (b->tail)
		return stmt_expr(c, b->tail);
	return 0;
}

/* ---- probes ---- */

/* generateProbe: one function. NAME is its name, PNAME the probe's
 * (section index counter). */
static int gen_function(struct cg *c, const char *name, const char *pname)
{
	const struct bc_probe *p = c->probe;
	int err;

	if (!bc_irb_probe_begin(c->irb, name, pname))
		return cg_irb_err(c);
	c->nr_vars = 0;
	c->nr_loops = 0;
	cg_at_span(c, p->pred ? &p->pred_span : &c->ap->span);
	if (p->pred) {
		LLVMBasicBlockRef pf = cg_block(c, "pred_false"), pt = cg_block(c, "pred_true");
		struct cg_val v = { 0 };
		LLVMValueRef cond;

		if (p->pred->kind == BC_EXPR_STRING)	/* 0.25+ folds it: "" false, else true */
			v.v = cg_i64(c, p->pred->u.str.len != 0);
		else if ((err = cg_expr(c, p->pred, &v)))
			return err;
		if (!v.v)
			return cg_unsupported(c, &p->pred_span, "predicate",
					      "the predicate has no value");
		/* allow casts in predicates: widen to i64 first */
		cond = cg_intcast(c, v.v, c->irb->i64, false, NULL);
		cond = LLVMBuildICmp(c->b, LLVMIntEQ, cond, cg_i64(c, 0), "predcond");
		LLVMBuildCondBr(c->b, cond, pf, pt);
		LLVMPositionBuilderAtEnd(c->b, pf);
		cg_ret(c);
		LLVMPositionBuilderAtEnd(c->b, pt);
		cg_end(c, &v);
	}
	err = cg_stmts(c, p->body);
	if (err)
		return err;
	cg_ret(c);
	return cg_irb_err(c);
}

int cg_gen_function(struct cg *c, const char *name, const char *pname)
{
	return gen_function(c, name, pname);
}

/* The args struct semantic analysis typed for tracepoint CAT:EVENT. */
static const struct bc_stype *tp_args(const struct cg *c, const char *cat, const char *event)
{
	char name[512];

	if (!c->sp)
		return NULL;
	snprintf(name, sizeof(name), "struct _tracepoint_%s_%s", cat, event);
	for (size_t i = 0; i < c->sp->nr_all_args; i++) {
		const struct bc_stype *t = c->sp->all_args[i];

		if (t && cg_is_ptr(t))
			t = t->elem;
		if (t && t->name && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

/* Event names of CAT matching PATTERN in the target's tracefs, sorted and
 * NULL-terminated; NULL when the category cannot be listed. */
static char **tracefs_matches(const struct cg *c, const char *cat, const char *pattern,
			      size_t *n)
{
	struct bc_source *src = c->o->source ? c->o->source : bc_source_live(c->o->tracefs);
	char **all = NULL;
	size_t nr = 0, k = 0;

	*n = 0;
	if (bc_source_tp_events(src, cat, &all, &nr))
		all = NULL;
	if (src != c->o->source)
		bc_source_free(src);
	for (size_t i = 0; i < nr; i++) {
		if (fnmatch(pattern, all[i], 0))
			free(all[i]);
		else
			all[k++] = all[i];
	}
	if (all)
		all[k] = NULL;
	*n = k;
	return all;
}

/* Names of the args structs semantic analysis typed for CAT:PATTERN. */
static char **args_matches(const struct cg *c, const char *cat, const char *pattern, size_t *n)
{
	char prefix[512], **v = NULL;
	size_t plen, cap = 0;

	*n = 0;
	if (BC_GROW(v, cap, 1))
		return NULL;
	v[0] = NULL;
	snprintf(prefix, sizeof(prefix), "struct _tracepoint_%s_", cat);
	plen = strlen(prefix);
	for (size_t i = 0; c->sp && i < c->sp->nr_all_args; i++) {
		const struct bc_stype *t = c->sp->all_args[i];

		if (t && cg_is_ptr(t))
			t = t->elem;
		if (!t || !t->name || strncmp(t->name, prefix, plen) ||
		    fnmatch(pattern, t->name + plen, 0))
			continue;
		if (BC_GROW(v, cap, *n + 2))
			break;
		v[(*n)++] = strdup(t->name + plen);
		v[*n] = NULL;
	}
	return v;
}

/*
 * An expanded tracepoint attach point with a wildcard event: one function
 * per match, in name order (bpftrace's std::set of tracefs matches), each
 * reading `args` through its own struct.
 */
static int gen_tp_matches(struct cg *c, const char *pname)
{
	const struct bc_attach_point *ap = c->ap;
	const char *cat = ap->parts[0], *ev = ap->parts[1];
	size_t n = 0;
	char **names = tracefs_matches(c, cat, ev, &n);
	int err = 0;

	if (!names || !n) {
		for (size_t i = 0; names && i < n; i++)
			free(names[i]);
		free(names);
		names = args_matches(c, cat, ev, &n);
	}
	if (!names)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n && !err; i++) {
		char fname[1024];

		snprintf(fname, sizeof(fname), "tracepoint:%s:%s", cat, names[i]);
		c->tp_args = tp_args(c, cat, names[i]);
		c->probe_full = fname;
		err = gen_function(c, fname, pname);
	}
	if (!err && !n)
		err = cg_unsupported(c, &ap->span, "tracepoint wildcard",
				     "no tracepoint matches %s:%s", cat, ev);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	c->probe_full = NULL;
	return err;
}

int cg_probe(struct cg *c, size_t item)
{
	const struct bc_probe *p = c->s->items[item].u.probe;
	char *pname;
	int err = 0;

	c->item = item;
	c->probe = p;
	c->tp_args = NULL;
	c->sp = bc_sema_probe_of_item(c->sema, item);
	if (!p->nr_aps)
		return cg_fail(c, -EINVAL, &p->span, "probe without attach points");
	pname = probe_name(c, p);
	if (!pname)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	c->ap = p->aps[0];
	c->pt = ap_type(c, c->ap);
	if (!need_expansion(c, p)) {
		c->probe_full = pname;
		err = gen_function(c, pname, pname);
	} else {
		struct cg_ids start = c->ids;

		for (size_t i = 0; i < p->nr_aps && !err; i++) {
			struct bc_sbuf b = { 0 };
			char *name;

			c->ap = p->aps[i];
			c->pt = ap_type(c, c->ap);
			if (c->pt == BC_PROBE_USDT) {
				err = cg_usdt_attach(c, pname, &start);
				continue;
			}
			ap_name(c, c->ap, &b);
			name = bc_sbuf_finish(&b);
			if (!name) {
				err = cg_fail(c, -ENOMEM, NULL, "out of memory");
				break;
			}
			/* each match starts from the same async ids */
			c->ids = start;
			if (c->pt == BC_PROBE_TRACEPOINT && c->ap->nr_parts == 2 &&
			    strpbrk(c->ap->parts[1], "*?[")) {
				err = gen_tp_matches(c, pname);
				free(name);
				continue;
			}
			if (c->pt == BC_PROBE_TRACEPOINT && c->ap->nr_parts == 2)
				c->tp_args = tp_args(c, c->ap->parts[0], c->ap->parts[1]);
			c->probe_full = name;
			err = gen_function(c, name, pname);
			free(name);
		}
	}
	c->probe_full = NULL;
	c->tp_args = NULL;
	free(pname);
	return err;
}
