// SPDX-License-Identifier: Apache-2.0
/* Source variables of IR stack slots (llvm.dbg.declare / llvm.dbg.assign). */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "dbg_vars.h"

/* Operand I of metadata node MD as metadata; NULL when absent. */
static LLVMMetadataRef md_op(LLVMContextRef ctx, LLVMMetadataRef md, unsigned i)
{
	LLVMValueRef v = LLVMMetadataAsValue(ctx, md), ops[16];
	unsigned n = LLVMGetMDNodeNumOperands(v);

	if (i >= n || n > 16)
		return NULL;
	LLVMGetMDNodeOperands(v, ops);
	return ops[i] ? LLVMValueAsMetadata(ops[i]) : NULL;
}

/* String operand I of MD (names of variables and subprograms). */
static char *md_str(LLVMContextRef ctx, LLVMMetadataRef md, unsigned i)
{
	LLVMValueRef v = LLVMMetadataAsValue(ctx, md), ops[16];
	unsigned n = LLVMGetMDNodeNumOperands(v), len = 0;
	const char *s;

	if (i >= n || n > 16)
		return NULL;
	LLVMGetMDNodeOperands(v, ops);
	s = ops[i] ? LLVMGetMDString(ops[i], &len) : NULL;
	return s ? strndup(s, len) : NULL;
}

/* The subprogram a scope (lexical block, subprogram) belongs to. */
static LLVMMetadataRef scope_subprogram(LLVMContextRef ctx, LLVMMetadataRef sc)
{
	for (int depth = 0; sc && depth < 64; depth++) {
		LLVMMetadataKind k = LLVMGetMetadataKind(sc);

		if (k == LLVMDISubprogramMetadataKind)
			return sc;
		if (k != LLVMDILexicalBlockMetadataKind && k != LLVMDILexicalBlockFileMetadataKind)
			return NULL;
		sc = md_op(ctx, sc, 1);	/* DILexicalBlock{,File}: {file, scope, ...} */
	}
	return NULL;
}

static char *subprogram_name(LLVMContextRef ctx, LLVMMetadataRef sp)
{
	return sp ? md_str(ctx, sp, 2) : NULL;	/* DISubprogram: {file, scope, name, ...} */
}

/* The C spelling of a DIType: "struct trace_rec", "char[48]", "u64". */
static char *type_name(LLVMContextRef ctx, LLVMMetadataRef t, int depth)
{
	const char *kw = NULL;
	size_t len = 0;
	const char *name;
	char *s = NULL, *base;

	if (!t || depth > 8)
		return NULL;
	name = LLVMDITypeGetName(t, &len);
	switch (LLVMGetDINodeTag(t)) {
	case DW_TAG_structure_type: kw = "struct"; break;
	case DW_TAG_union_type: kw = "union"; break;
	case DW_TAG_enumeration_type: kw = "enum"; break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		return type_name(ctx, md_op(ctx, t, 3), depth + 1);
	case DW_TAG_pointer_type:
		base = type_name(ctx, md_op(ctx, t, 3), depth + 1);
		if (asprintf(&s, "%s *", base ? base : "void") < 0)
			s = NULL;
		free(base);
		return s;
	case DW_TAG_array_type: {
		LLVMMetadataRef el = md_op(ctx, t, 3);
		uint64_t elb = el ? LLVMDITypeGetSizeInBits(el) : 0;

		base = type_name(ctx, el, depth + 1);
		if (base && elb && asprintf(&s, "%s[%llu]", base,
					     (unsigned long long)(LLVMDITypeGetSizeInBits(t) / elb)) < 0)
			s = NULL;
		free(base);
		return s;
	}
	default:
		break;
	}
	if (!len)
		return kw && asprintf(&s, "%s (anonymous)", kw) >= 0 ? s : NULL;
	if (asprintf(&s, "%s%s%.*s", kw ? kw : "", kw ? " " : "", (int)len, name) < 0)
		return NULL;
	return s;
}

/* The helper FN calls directly whose inlined code LOC belongs to, and the
 * call site in FN (the outermost inlinedAt); NULL when LOC is FN's own. */
static LLVMMetadataRef inline_site(LLVMContextRef ctx, LLVMMetadataRef loc, LLVMMetadataRef *helper)
{
	LLVMMetadataRef prev = NULL;

	*helper = NULL;
	for (int depth = 0; loc && depth < 64; depth++) {
		LLVMMetadataRef at = LLVMDILocationGetInlinedAt(loc);

		if (!at) {
			if (!prev)
				return NULL;
			*helper = scope_subprogram(ctx, LLVMDILocationGetScope(prev));
			return *helper ? loc : NULL;
		}
		prev = loc;
		loc = at;
	}
	return NULL;
}

static bool is_call_to(LLVMValueRef inst, const char *name)
{
	LLVMValueRef callee;
	size_t len;
	const char *n;

	if (!LLVMIsACallInst(inst))
		return false;
	callee = LLVMGetCalledValue(inst);
	if (!callee || !LLVMIsAFunction(callee))
		return false;
	n = LLVMGetValueName2(callee, &len);
	return len == strlen(name) && !memcmp(n, name, len);
}

/* The alloca a metadata-wrapped address operand names (through GEPs and casts). */
static LLVMValueRef md_alloca(LLVMValueRef op)
{
	LLVMValueRef v = NULL;

	if (!op || LLVMGetValueKind(op) != LLVMMetadataAsValueValueKind || LLVMGetMDNodeNumOperands(op) != 1)
		return NULL;
	LLVMGetMDNodeOperands(op, &v);
	for (int depth = 0; v && depth < 8; depth++) {
		if (LLVMIsAAllocaInst(v))
			return v;
		if (!LLVMIsAGetElementPtrInst(v) && !LLVMIsACastInst(v))
			return NULL;
		v = LLVMGetOperand(v, 0);
	}
	return NULL;
}

static int set_helper(LLVMContextRef ctx, struct bc_dbg_var *o, LLVMMetadataRef helper,
		      LLVMMetadataRef site)
{
	o->helper = subprogram_name(ctx, helper);
	if (!o->helper)
		return -ENOMEM;
	o->call_line = LLVMDILocationGetLine(site);
	o->call_col = LLVMDILocationGetColumn(site);
	return 0;
}

static int describe(LLVMContextRef ctx, LLVMMetadataRef var, LLVMMetadataRef loc,
		    struct bc_dbg_var *o)
{
	LLVMMetadataRef file = LLVMDIVariableGetFile(var), helper, site;
	unsigned len = 0, dlen = 0;
	const char *fn, *dir;

	o->name = md_str(ctx, var, 1);	/* DILocalVariable: {scope, name, file, type} */
	if (!o->name)
		return -ENOMEM;
	o->type = type_name(ctx, md_op(ctx, var, 3), 0);
	o->line = LLVMDIVariableGetLine(var);
	fn = file ? LLVMDIFileGetFilename(file, &len) : NULL;
	dir = file ? LLVMDIFileGetDirectory(file, &dlen) : NULL;
	if (fn && len) {
		bool rel = fn[0] != '/' && dir && dlen;

		if (asprintf(&o->file, "%.*s%s%.*s", rel ? (int)dlen : 0, rel ? dir : "",
			     rel ? "/" : "", (int)len, fn) < 0) {
			o->file = NULL;
			return -ENOMEM;
		}
	}
	site = loc ? inline_site(ctx, loc, &helper) : NULL;
	if (site) {
		o->declared_in_helper = true;
		return set_helper(ctx, o, helper, site);
	}
	return 0;
}

/* Does instruction I write through pointer P (a store to it, a call that
 * takes it: memset, memcpy, a BPF helper filling it)? */
static bool writes_through(LLVMValueRef i, LLVMValueRef p)
{
	if (LLVMIsAStoreInst(i))
		return LLVMGetOperand(i, 1) == p;
	if (LLVMIsACallInst(i)) {
		const char *n;
		size_t len;
		LLVMValueRef callee = LLVMGetCalledValue(i);

		n = callee && LLVMIsAFunction(callee) ? LLVMGetValueName2(callee, &len) : "";
		if (!strncmp(n, "llvm.lifetime.", 14))
			return false;
		for (unsigned a = 0; a < LLVMGetNumArgOperands(i); a++)
			if (LLVMGetOperand(i, a) == p)
				return true;
	}
	return false;
}

/* The one inlined helper call whose code writes to slot A (via GEPs and
 * casts); *CONFLICT when writes come from more than one call site. */
static void find_filler(LLVMContextRef ctx, LLVMValueRef p, int depth, LLVMMetadataRef *helper,
			LLVMMetadataRef *site, bool *conflict)
{
	for (LLVMUseRef u = LLVMGetFirstUse(p); u && !*conflict; u = LLVMGetNextUse(u)) {
		LLVMValueRef i = LLVMGetUser(u), h;
		LLVMMetadataRef loc, s;

		if ((LLVMIsAGetElementPtrInst(i) || LLVMIsACastInst(i)) && depth < 8) {
			find_filler(ctx, i, depth + 1, helper, site, conflict);
			continue;
		}
		if (!writes_through(i, p) || !(loc = LLVMInstructionGetDebugLoc(i)))
			continue;
		s = inline_site(ctx, loc, (LLVMMetadataRef *)&h);
		if (!s)
			continue;	/* the function's own code: does not decide */
		if (*site && (LLVMDILocationGetLine(s) != LLVMDILocationGetLine(*site) ||
			      LLVMDILocationGetColumn(s) != LLVMDILocationGetColumn(*site) ||
			      (LLVMMetadataRef)h != *helper)) {
			*conflict = true;
			return;
		}
		*site = s;
		*helper = (LLVMMetadataRef)h;
	}
}

int bc_dbg_vars(LLVMModuleRef m, LLVMValueRef fn, const LLVMValueRef *allocas, size_t n,
		struct bc_dbg_var *out)
{
	LLVMContextRef ctx = LLVMGetModuleContext(m);
	bool new_format = LLVMIsNewDbgInfoFormat(m);
	int err = 0;

	memset(out, 0, n * sizeof(*out));
	if (!LLVMGetSubprogram(fn))
		return 0;
	if (new_format)
		LLVMSetIsNewDbgInfoFormat(m, 0);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb && !err; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i && !err; i = LLVMGetNextInstruction(i)) {
			LLVMValueRef a;
			unsigned addr;

			if (is_call_to(i, "llvm.dbg.declare"))
				addr = 0;
			else if (is_call_to(i, "llvm.dbg.assign"))
				addr = 4;	/* (value, var, expr, id, address, address expr) */
			else
				continue;
			a = md_alloca(LLVMGetOperand(i, addr));
			for (size_t k = 0; a && k < n; k++)
				if (allocas[k] == a && !out[k].name)
					err = describe(ctx, LLVMValueAsMetadata(LLVMGetOperand(i, 1)),
						       LLVMInstructionGetDebugLoc(i), &out[k]);
		}
	for (size_t k = 0; k < n && !err; k++) {
		LLVMMetadataRef helper = NULL, site = NULL;
		bool conflict = false;

		if (!out[k].name || out[k].helper)
			continue;
		find_filler(ctx, allocas[k], 0, &helper, &site, &conflict);
		if (site && !conflict)
			err = set_helper(ctx, &out[k], helper, site);
	}
	if (new_format)
		LLVMSetIsNewDbgInfoFormat(m, 1);
	return err;
}

void bc_dbg_var_free(struct bc_dbg_var *v)
{
	free(v->name);
	free(v->type);
	free(v->file);
	free(v->helper);
	memset(v, 0, sizeof(*v));
}
