// SPDX-License-Identifier: Apache-2.0
/*
 * USDT probes (docs/bpftrace-codegen.md §1.4).
 *
 * bpftrace 0.17-0.24 read the probed binary's SDT notes when generating
 * code (bcc's bcc_usdt_*): one program per location of the probe, each
 * reading argN from where that location's note says (CodegenLLVM::add_probe,
 * IRBuilderBPF::CreateUSDTReadArgument):
 *
 *  - a constant: the value, cast to i64 from its width (signed when the
 *    size is negative), no allocation;
 *  - a register or memory: a GEP to the register's word of the context
 *    ("load_register") and an int64 alloca named after the builtin, made
 *    for every such argument; memory is read with probe_read_user into the
 *    alloca from register + offset (+ index * scale), a register is loaded
 *    from the context; the alloca's lifetime ends right after.
 *
 * bpftrace 0.25+ hand USDT to libbpf: one program per attach point, the
 * notes read when attaching. A probe's code does not depend on them
 * unless it reads an argument (`__usdt_arg` of the stdlib, not modelled).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen_impl.h"
#include "../base/sbuf.h"

/* Where bpftrace would open the binary: a path as written, or a name
 * searched in $PATH (resolve_binary_path). NULL when none is found. */
static char *binary_path(const char *target)
{
	const char *path = getenv("PATH");

	if (strchr(target, '/'))
		return strdup(target);
	while (path && *path) {
		size_t n = strcspn(path, ":");
		char *f = NULL;

		if (n && asprintf(&f, "%.*s/%s", (int)n, path, target) > 0 &&
		    !access(f, R_OK))
			return f;
		free(f);
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* Whether the probe reads argN, and the highest N. */
struct arg_use {
	int max;
};

static bool find_arg(const struct bc_expr *e, void *ctx)
{
	struct arg_use *u = ctx;

	if (e->kind == BC_EXPR_BUILTIN && !strncmp(e->u.name, "arg", 3) &&
	    e->u.name[3] >= '0' && e->u.name[3] <= '9') {
		int n = atoi(e->u.name + 3);

		if (n > u->max)
			u->max = n;
	}
	return false;
}

static int no_binary(struct cg *c, const char *target, int err)
{
	return cg_unsupported(c, &c->ap->span, "usdt argument",
			      "USDT argument locations come from the .note.stapsdt notes of %s, "
			      "which %s",
			      target,
			      err == -ENOEXEC ? "is not an ELF file" : "is not on this machine");
}

/* get_section_name_for_probe: "s_<probe>_loc<L>_<index>" for a location. */
static int loc_section(struct cg *c, size_t loc)
{
	const char *sec = LLVMGetSection(c->irb->fn);
	const char *idx = sec ? strrchr(sec, '_') : NULL;
	char *n = NULL;

	if (!idx)
		return 0;
	if (asprintf(&n, "%.*s_loc%zu%s", (int)(idx - sec), sec, loc, idx) < 0)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	LLVMSetSection(c->irb->fn, n);
	free(n);
	return 0;
}

/* The functions of one USDT attach point (see the head comment). START
 * holds the async ids each program starts from. */
int cg_usdt_attach(struct cg *c, const char *pname, const struct cg_ids *start)
{
	const struct bc_attach_point *ap = c->ap;
	const char *target = ap->nr_parts ? ap->parts[0] : "";
	const char *prov = ap->nr_parts >= 3 ? ap->parts[1] : NULL;
	const char *fname = ap->nr_parts ? ap->parts[ap->nr_parts - 1] : "";
	struct arg_use use = { -1 };
	struct bc_usdt_notes notes = { 0 };
	char *bin;
	int err = 0, rerr;
	size_t matched = 0;

	cg_walk_probe(c->probe, find_arg, &use);
	bin = binary_path(target);
	rerr = bin ? bc_usdt_notes_read(bin, &notes) : -ENOENT;
	free(bin);
	if (rerr == -ENOMEM)
		return cg_fail(c, rerr, NULL, "out of memory");
	if (rerr) {
		struct bc_sbuf b = { 0 };
		char *name;

		/* the programs' code does not depend on the notes when no
		 * argument is read (and 0.25+ never reads them here): one
		 * program stands for every location */
		if (ap->wildcard || (use.max >= 0 && c->ver < BC_BT(25)))
			return no_binary(c, target, rerr);
		bc_sbuf_puts(&b, "usdt");
		for (size_t i = 0; i < ap->nr_parts; i++)
			bc_sbuf_printf(&b, ":%s", ap->parts[i]);
		name = bc_sbuf_finish(&b);
		if (!name)
			return cg_fail(c, -ENOMEM, NULL, "out of memory");
		c->ids = *start;
		c->probe_full = name;
		c->usdt_loc = NULL;
		err = cg_gen_function(c, name, pname);
		free(name);
		c->probe_full = NULL;
		return err;
	}
	for (size_t i = 0; i < notes.nr_probes && !err; i++) {
		const struct bc_usdt_probe *p = &notes.probes[i];
		size_t nlocs = c->ver >= BC_BT(25) ? 1 : p->nr_locs;
		char *name = NULL;

		if ((prov && fnmatch(prov, p->provider, 0)) || fnmatch(fname, p->name, 0))
			continue;
		matched++;
		if (asprintf(&name, "usdt:%s:%s:%s", target, p->provider, p->name) < 0)
			return cg_fail(c, -ENOMEM, NULL, "out of memory");
		for (size_t l = 0; l < nlocs && !err; l++) {
			c->ids = *start;
			c->probe_full = name;
			c->usdt_loc = c->ver >= BC_BT(25) ? NULL : &p->locs[l];
			err = cg_gen_function(c, name, pname);
			if (!err && c->usdt_loc)
				err = loc_section(c, l);
		}
		free(name);
		if (!ap->wildcard)
			break;
	}
	c->usdt_loc = NULL;
	c->probe_full = NULL;
	bc_usdt_notes_free(&notes);
	if (!err && !matched)
		err = cg_unsupported(c, &ap->span, "usdt probe",
				     "%s has no USDT probe %s%s%s", target, prov ? prov : "",
				     prov ? ":" : "", fname);
	return err;
}

/* argN of the current location (CreateUSDTReadArgument). */
int cg_usdt_arg(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_usdt_loc *l = c->usdt_loc;
	int n = atoi(e->u.name + 3), size, bits;
	const struct bc_usdt_arg *a;
	LLVMTypeRef ity;
	LLVMValueRef reg, dst, res, ix;
	struct bc_prov p;

	if (c->ver >= BC_BT(25))
		return cg_unsupported(c, &e->span, "usdt argument",
				      "USDT arguments of 0.25+ (libbpf's bpf_usdt_arg through "
				      "the stdlib's __usdt_arg) are not modelled");
	if (!l)
		return cg_unsupported(c, &e->span, "usdt argument",
				      "the USDT probe's notes were not read");
	if (n < 0 || (size_t)n >= l->nr_args)
		return cg_unsupported(c, &e->span, "usdt argument",
				      "%s: the probe's location at 0x%llx has %zu arguments (\"%s\"): "
				      "bpftrace refuses it (couldn't get argument %d)",
				      e->u.name, (unsigned long long)l->pc, l->nr_args,
				      l->args_text, n);
	a = &l->args[n];
	if (a->bad)
		return cg_unsupported(c, &e->span, "usdt argument",
				      "%s: operand not read in \"%s\"", e->u.name, l->args_text);
	if (a->ident[0])
		return cg_unsupported(c, &e->span, "usdt argument",
				      "%s is at %s(%%%s): bpftrace refuses it (deref ident is "
				      "not handled yet)", e->u.name, a->ident, a->reg_name);
	size = a->size < 0 ? -a->size : a->size;
	bits = size * 8;
	ity = LLVMIntTypeInContext(c->ctx, (unsigned)bits);
	if (a->kind == BC_USDT_ARG_CONST) {
		out->v = cg_intcast(c, LLVMConstInt(ity, (uint64_t)a->constant, a->size < 0),
				    c->irb->i64, a->size < 0, NULL);
		return 0;
	}
	if (a->base < 0)
		return cg_unsupported(c, &e->span, "usdt argument",
				      "%s: offset for register %s not known", e->u.name, a->reg_name);
	ix = cg_i64(c, (uint64_t)a->base * 8);
	reg = LLVMBuildGEP2(c->b, c->irb->i8, bc_irb_ctx(c->irb), &ix, 1, "load_register");
	p = cg_prov("usdt argument", e->u.name, &e->span, false, NULL, 0);
	dst = cg_alloca(c, c->irb->i64, e->u.name, &p);
	if (!dst)
		return cg_irb_err(c);
	if (a->kind == BC_USDT_ARG_MEM) {
		LLVMValueRef ptr, idx = NULL;

		if (a->index >= 0) {
			ix = cg_i64(c, (uint64_t)a->index * 8);
			idx = LLVMBuildGEP2(c->b, c->irb->i8, bc_irb_ctx(c->irb), &ix, 1,
					    "load_register");
			idx = LLVMBuildLoad2(c->b, c->irb->i64, idx, "");
			if (a->scale != 1)
				idx = LLVMBuildMul(c->b, idx, cg_i64(c, (uint64_t)a->scale), "");
		}
		ptr = LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, c->irb->i64, reg, ""),
				   cg_i64(c, (uint64_t)a->offset), "");
		if (idx)
			ptr = LLVMBuildAdd(c->b, ptr, idx, "");
		bc_irb_probe_read(c->irb, dst, cg_i32(c, (uint32_t)size), ptr, BC_AS_USER);
		res = LLVMBuildLoad2(c->b, ity, dst, "");
	} else {
		res = LLVMBuildLoad2(c->b, ity, reg, "");
	}
	out->v = cg_intcast(c, res, c->irb->i64, a->size < 0, NULL);
	bc_irb_lifetime_end(c->irb, dst);
	return cg_irb_err(c);
}
