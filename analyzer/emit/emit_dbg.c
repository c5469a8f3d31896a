// SPDX-License-Identifier: Apache-2.0
/* Debug info for emitted objects (see emit_dbg.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit_dbg.h"
#include "../base/array.h"

/* DWARF base type encodings (DW_ATE_*). */
enum { ATE_SIGNED = 0x05, ATE_UNSIGNED = 0x07, ATE_UNSIGNED_CHAR = 0x08 };

int bc_emit_dbg_init(struct bc_emit_dbg *d, const char *path)
{
	char buf[PATH_MAX];

	memset(d, 0, sizeof(*d));
	if (path && strcmp(path, "-") && realpath(path, buf))
		d->path = strdup(buf);
	else
		d->path = strdup(path && strcmp(path, "-") ? path : "<stdin>");
	return d->path ? 0 : -ENOMEM;
}

static LLVMMetadataRef existing_cu(LLVMModuleRef mod)
{
	unsigned n = LLVMGetNamedMetadataNumOperands(mod, "llvm.dbg.cu");
	LLVMValueRef *ops;
	LLVMMetadataRef cu;

	if (!n)
		return NULL;
	ops = calloc(n, sizeof(*ops));
	if (!ops)
		return NULL;
	LLVMGetNamedMetadataOperands(mod, "llvm.dbg.cu", ops);
	cu = LLVMValueAsMetadata(ops[0]);
	free(ops);
	return cu;
}

int bc_emit_dbg_bind(struct bc_emit_dbg *d, LLVMModuleRef mod)
{
	const char *slash;
	LLVMMetadataRef cu;

	if (d->di)
		return 0;
	d->mod = mod;
	d->ctx = LLVMGetModuleContext(mod);
	d->di = LLVMCreateDIBuilder(mod);
	if (!d->di)
		return d->err = -ENOMEM;
	cu = existing_cu(mod);
	if (cu) {
		d->cu = cu;
		d->file = LLVMDIScopeGetFile(cu);
		return 0;
	}
	slash = strrchr(d->path, '/');
	if (slash)
		d->file = LLVMDIBuilderCreateFile(d->di, slash + 1, strlen(slash + 1), d->path,
						  (size_t)(slash - d->path));
	else
		d->file = LLVMDIBuilderCreateFile(d->di, d->path, strlen(d->path), "", 0);
	d->cu = LLVMDIBuilderCreateCompileUnit(d->di, LLVMDWARFSourceLanguageC99, d->file,
					       "bpfcheck emit", 13, 1, "", 0, 0, "", 0,
					       LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
	LLVMAddModuleFlag(mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
			  LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(d->ctx), 5, 0)));
	LLVMAddModuleFlag(mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
			  LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(d->ctx),
							   LLVMDebugMetadataVersion(), 0)));
	return 0;
}

/* ---- types ---- */

static LLVMMetadataRef basic(struct bc_emit_dbg *d, const char *name, uint64_t bits,
			     unsigned enc)
{
	return LLVMDIBuilderCreateBasicType(d->di, name, strlen(name), bits, enc, LLVMDIFlagZero);
}

static LLVMMetadataRef void_ptr(struct bc_emit_dbg *d)
{
	return LLVMDIBuilderCreatePointerType(d->di, NULL, 64, 0, 0, "", 0);
}

/* The C type of an LLVM parameter or return type. */
static LLVMMetadataRef c_type_of(struct bc_emit_dbg *d, LLVMTypeRef t)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMPointerTypeKind:
		return void_ptr(d);
	case LLVMIntegerTypeKind:
		switch (LLVMGetIntTypeWidth(t)) {
		case 8:
			return basic(d, "char", 8, ATE_SIGNED);
		case 16:
			return basic(d, "short", 16, ATE_SIGNED);
		case 32:
			return basic(d, "int", 32, ATE_SIGNED);
		default:
			return basic(d, "long long", 64, ATE_SIGNED);
		}
	case LLVMVoidTypeKind:
		return NULL;
	default:
		return basic(d, "long long", 64, ATE_SIGNED);
	}
}

/* An unsigned type of SIZE bytes: an integer, else unsigned char[SIZE]. */
static LLVMMetadataRef bytes_type(struct bc_emit_dbg *d, uint32_t size)
{
	LLVMMetadataRef uchar = basic(d, "unsigned char", 8, ATE_UNSIGNED_CHAR), sub;

	switch (size) {
	case 1:
		return uchar;
	case 2:
		return basic(d, "unsigned short", 16, ATE_UNSIGNED);
	case 4:
		return basic(d, "unsigned int", 32, ATE_UNSIGNED);
	case 8:
		return basic(d, "unsigned long long", 64, ATE_UNSIGNED);
	}
	sub = LLVMDIBuilderGetOrCreateSubrange(d->di, 0, size);
	return LLVMDIBuilderCreateArrayType(d->di, (uint64_t)size * 8, 8, uchar, &sub, 1);
}

/* __uint(NAME, VAL): int (*NAME)[VAL] */
static LLVMMetadataRef uint_member(struct bc_emit_dbg *d, const char *name, uint32_t val,
				   unsigned idx)
{
	LLVMMetadataRef i = basic(d, "int", 32, ATE_SIGNED);
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(d->di, 0, val);
	LLVMMetadataRef arr = LLVMDIBuilderCreateArrayType(d->di, (uint64_t)val * 32, 32, i, &sub, 1);
	LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(d->di, arr, 64, 0, 0, "", 0);

	return LLVMDIBuilderCreateMemberType(d->di, d->file, name, strlen(name), d->file, 0, 64, 64,
					     (uint64_t)idx * 64, LLVMDIFlagZero, ptr);
}

/* __type(NAME, T): T *NAME */
static LLVMMetadataRef type_member(struct bc_emit_dbg *d, const char *name, LLVMMetadataRef t,
				   unsigned idx)
{
	LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(d->di, t, 64, 0, 0, "", 0);

	return LLVMDIBuilderCreateMemberType(d->di, d->file, name, strlen(name), d->file, 0, 64, 64,
					     (uint64_t)idx * 64, LLVMDIFlagZero, ptr);
}

int bc_emit_dbg_map(struct bc_emit_dbg *d, LLVMValueRef global, const char *name, int type,
		    uint32_t max_entries, uint32_t key_size, uint32_t value_size)
{
	LLVMMetadataRef m[4], st, gve, expr;
	unsigned n = 0;

	if (!d->di)
		return -EINVAL;
	m[n] = uint_member(d, "type", (uint32_t)type, n), n++;
	if (max_entries)	/* 0: libbpf's default (a perf event array: the CPUs) */
		m[n] = uint_member(d, "max_entries", max_entries, n), n++;
	m[n] = type_member(d, "key", bytes_type(d, key_size), n), n++;
	m[n] = type_member(d, "value", bytes_type(d, value_size), n), n++;
	st = LLVMDIBuilderCreateStructType(d->di, d->file, "", 0, d->file, 0, (uint64_t)n * 64, 64,
					   LLVMDIFlagZero, NULL, m, n, 0, NULL, "", 0);
	expr = LLVMDIBuilderCreateExpression(d->di, NULL, 0);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(d->di, d->cu, name, strlen(name), name,
							  strlen(name), d->file, 0, st, 0, expr,
							  NULL, 64);
	if (!gve)
		return -ENOMEM;
	LLVMGlobalSetMetadata(global, LLVMGetMDKindIDInContext(d->ctx, "dbg", 3), gve);
	return 0;
}

/* ---- functions ---- */

static struct bc_emit_dbg_fn *find_fn(struct bc_emit_dbg *d, LLVMValueRef fn)
{
	for (size_t i = 0; i < d->nr_fns; i++)
		if (d->fns[i].fn == fn)
			return &d->fns[i];
	return NULL;
}

static bool name_taken(struct bc_emit_dbg *d, LLVMValueRef self, const char *name)
{
	LLVMValueRef other = LLVMGetNamedFunction(d->mod, name);

	for (size_t i = 0; i < d->nr_fns; i++)
		if (!strcmp(d->fns[i].name, name))
			return true;
	return (other && other != self) || LLVMGetNamedGlobal(d->mod, name);
}

/* NAME as a C identifier: each run of other characters becomes '_'. */
static char *c_ident(const char *name)
{
	size_t n = strlen(name), k = 0;
	char *s = malloc(n + 2);

	if (!s)
		return NULL;
	if (!n || isdigit((unsigned char)name[0]))
		s[k++] = '_';
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (isalnum(ch) || ch == '_')
			s[k++] = (char)ch;
		else if (!k || s[k - 1] != '_')
			s[k++] = '_';
	}
	s[k] = 0;
	return s;
}

static LLVMMetadataRef make_sp(struct bc_emit_dbg *d, LLVMValueRef fn, const char *name,
			       uint32_t line)
{
	LLVMTypeRef fty = LLVMGlobalGetValueType(fn);
	unsigned np = LLVMCountParamTypes(fty);
	LLVMTypeRef *pt = calloc(np + 1, sizeof(*pt));
	LLVMMetadataRef *types = calloc(np + 1, sizeof(*types)), sty, sp;

	if (!pt || !types) {
		free(pt);
		free(types);
		return NULL;
	}
	LLVMGetParamTypes(fty, pt);
	types[0] = c_type_of(d, LLVMGetReturnType(fty));
	for (unsigned i = 0; i < np; i++)
		types[i + 1] = c_type_of(d, pt[i]);
	sty = LLVMDIBuilderCreateSubroutineType(d->di, d->file, types, np + 1, LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(d->di, d->file, name, strlen(name), name, strlen(name),
					 d->file, line, sty, !LLVMIsDeclaration(fn) &&
					 LLVMGetLinkage(fn) == LLVMInternalLinkage, 1, line,
					 LLVMDIFlagPrototyped, 1);
	/* BTF needs every argument named: bpftrace's probes take the context */
	for (unsigned i = 0; i < np && sp; i++) {
		char an[16];

		if (np == 1)
			snprintf(an, sizeof(an), "ctx");
		else
			snprintf(an, sizeof(an), "arg%u", i);
		LLVMDIBuilderCreateParameterVariable(d->di, sp, an, strlen(an), i + 1, d->file, line,
						     types[i + 1], 1, LLVMDIFlagZero);
	}
	free(pt);
	free(types);
	return sp;
}

const char *bc_emit_dbg_fn_name(struct bc_emit_dbg *d, LLVMValueRef fn, uint32_t line)
{
	struct bc_emit_dbg_fn *f = find_fn(d, fn);
	size_t len;
	char *base, *name;

	if (f)
		return f->name;
	if (!d->di && bc_emit_dbg_bind(d, LLVMGetGlobalParent(fn)))
		return NULL;
	base = c_ident(LLVMGetValueName2(fn, &len));
	if (!base)
		goto oom;
	name = strdup(base);
	for (unsigned k = 2; name && name_taken(d, fn, name); k++) {
		free(name);
		name = bc_strdup_printf("%s_%u", base, k);
	}
	free(base);
	if (!name)
		goto oom;
	if (BC_GROW(d->fns, d->cap_fns, d->nr_fns + 1)) {
		free(name);
		goto oom;
	}
	f = &d->fns[d->nr_fns++];
	f->fn = fn;
	f->name = name;
	f->line = line ? line : 1;
	f->sp = make_sp(d, fn, name, f->line);
	if (!f->sp)
		goto oom;
	LLVMSetSubprogram(fn, f->sp);
	return f->name;
oom:
	d->err = -ENOMEM;
	errno = ENOMEM;
	return NULL;
}

void bc_emit_dbg_at(void *ctx, LLVMBuilderRef b, LLVMValueRef fn, const struct bc_span *span)
{
	struct bc_emit_dbg *d = ctx;
	struct bc_emit_dbg_fn *f;

	if (!fn || !b || !span || !span->line || d->err)
		return;
	if (!bc_emit_dbg_fn_name(d, fn, span->line))
		return;
	f = find_fn(d, fn);
	LLVMSetCurrentDebugLocation2(b, LLVMDIBuilderCreateDebugLocation(d->ctx, span->line,
									 span->col, f->sp, NULL));
}

/* A kernel function called as a kfunc (an extern in ".ksyms"): BTF needs
 * its prototype, `long long NAME(struct bpf_map *)` style: pointers to a
 * struct, which libbpf matches with the kernel's by kind. */
static int ksym_sp(struct bc_emit_dbg *d, LLVMValueRef fn)
{
	LLVMTypeRef fty = LLVMGlobalGetValueType(fn);
	unsigned np = LLVMCountParamTypes(fty);
	LLVMTypeRef *pt = calloc(np + 1, sizeof(*pt));
	LLVMMetadataRef *types = calloc(np + 1, sizeof(*types)), sty, sp, st;
	size_t len;
	const char *name = LLVMGetValueName2(fn, &len);

	if (!pt || !types) {
		free(pt);
		free(types);
		return -ENOMEM;
	}
	LLVMGetParamTypes(fty, pt);
	st = LLVMDIBuilderCreateStructType(d->di, d->file, "bpf_map", 7, d->file, 0, 0, 0,
					   LLVMDIFlagZero, NULL, NULL, 0, 0, NULL, "", 0);
	types[0] = c_type_of(d, LLVMGetReturnType(fty));
	for (unsigned i = 0; i < np; i++)
		types[i + 1] = LLVMGetTypeKind(pt[i]) == LLVMPointerTypeKind ?
			       LLVMDIBuilderCreatePointerType(d->di, st, 64, 0, 0, "", 0) :
			       c_type_of(d, pt[i]);
	sty = LLVMDIBuilderCreateSubroutineType(d->di, d->file, types, np + 1, LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(d->di, d->file, name, len, name, len, d->file, 0, sty, 0, 0,
					 0, LLVMDIFlagPrototyped, 1);
	free(pt);
	free(types);
	if (!sp)
		return -ENOMEM;
	LLVMSetSubprogram(fn, sp);
	return 0;
}

int bc_emit_dbg_ksyms(struct bc_emit_dbg *d)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(d->mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *sec = LLVMGetSection(fn);
		int err;

		if (!LLVMIsDeclaration(fn) || !sec || strcmp(sec, ".ksyms") || LLVMGetSubprogram(fn))
			continue;
		err = ksym_sp(d, fn);
		if (err)
			return d->err = err;
	}
	return d->err;
}

int bc_emit_dbg_functions(struct bc_emit_dbg *d)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(d->mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *sec = LLVMGetSection(fn);
		struct bc_emit_dbg_fn *f;
		LLVMMetadataRef def;

		if (LLVMIsDeclaration(fn) && sec && !strcmp(sec, ".ksyms") && !LLVMGetSubprogram(fn)) {
			int err = ksym_sp(d, fn);

			if (err)
				return d->err = err;
			continue;
		}
		if (LLVMIsDeclaration(fn))
			continue;
		if (!bc_emit_dbg_fn_name(d, fn, 0))
			return d->err;
		f = find_fn(d, fn);
		def = LLVMDIBuilderCreateDebugLocation(d->ctx, f->line, 0, f->sp, NULL);
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMMetadataRef cur = def;

			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(i);

				if (loc && LLVMDILocationGetScope(loc) == f->sp)
					cur = loc;
				else
					LLVMInstructionSetDebugLoc(i, cur);
			}
		}
	}
	return d->err;
}

LLVMMetadataRef bc_emit_dbg_fn_loc(LLVMValueRef fn)
{
	LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn);

	for (LLVMValueRef i = bb ? LLVMGetFirstInstruction(bb) : NULL; i;
	     i = LLVMGetNextInstruction(i)) {
		LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(i);

		if (loc)
			return loc;
	}
	return NULL;
}

void bc_emit_dbg_finalize(struct bc_emit_dbg *d)
{
	if (!d->di)
		return;
	LLVMDIBuilderFinalize(d->di);
	LLVMDisposeDIBuilder(d->di);
	d->di = NULL;
}

void bc_emit_dbg_free(struct bc_emit_dbg *d)
{
	if (d->di)
		LLVMDisposeDIBuilder(d->di);
	for (size_t i = 0; i < d->nr_fns; i++)
		free(d->fns[i].name);
	free(d->fns);
	free(d->path);
	memset(d, 0, sizeof(*d));
}
