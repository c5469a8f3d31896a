// SPDX-License-Identifier: Apache-2.0
/* LLVM IR and bitcode from memory into a verified module (LLVM-C). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/IRReader.h>

#include "../core/unit.h"
#include "ir_load.h"
#include "llvm_guard.h"
#include "llvm_init.h"

/* The buffer name LLVM puts in front of textual parse errors. */
#define BUFFER_NAME "ir"

bool bc_ir_is_bitcode(const void *data, size_t size)
{
	const unsigned char *p = data;

	if (size < 4)
		return false;
	return (p[0] == 'B' && p[1] == 'C' && p[2] == 0xc0 && p[3] == 0xde) ||
	       (p[0] == 0xde && p[1] == 0xc0 && p[2] == 0x17 && p[3] == 0x0b);
}

void bc_ir_error_free(struct bc_ir_error *e)
{
	if (!e)
		return;
	free(e->message);
	memset(e, 0, sizeof(*e));
}

static uint32_t parse_u32(const char **s)
{
	uint64_t v = 0;

	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (uint64_t)(**s - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX;
		(*s)++;
	}
	return (uint32_t)v;
}

/*
 * LLVM prints textual parse errors as "ir:LINE:COL: error: MESSAGE\n<source
 * line>\n<caret>". Keeps MESSAGE (first line) and the position.
 */
static int set_error(struct bc_ir_error *err, const char *msg)
{
	const char *p = msg ? msg : "unknown LLVM error", *q;
	size_t len;

	if (!err)
		return 0;
	if (!strncmp(p, BUFFER_NAME ":", strlen(BUFFER_NAME ":"))) {
		q = p + strlen(BUFFER_NAME ":");
		if (*q >= '0' && *q <= '9') {
			err->line = parse_u32(&q);
			if (*q == ':' && q[1] >= '0' && q[1] <= '9') {
				q++;
				err->col = parse_u32(&q);
			}
			if (*q == ':')
				q++;
			while (*q == ' ')
				q++;
			if (!strncmp(q, "error: ", 7))
				q += 7;
			p = q;
		}
	}
	len = strcspn(p, "\n");
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
		len--;
	err->message = strndup(p, len);
	return err->message ? 0 : -ENOMEM;
}

static struct bc_ir_module *fail(struct bc_ir_module *m, int e)
{
	bc_ir_module_free(m);
	errno = e;
	return NULL;
}

static int parse_bitcode(struct bc_ir_module *m, const void *data, size_t size,
			 struct bc_ir_error *err)
{
	LLVMMemoryBufferRef buf;
	LLVMBool bad;

	buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(data, size, BUFFER_NAME);
	if (!buf)
		return -ENOMEM;
	/* Does not take the buffer; errors go to the context's handler. */
	bad = LLVMParseBitcodeInContext2(m->ctx, buf, &m->mod);
	LLVMDisposeMemoryBuffer(buf);
	if (!bad)
		return 0;
	m->mod = NULL;
	if (set_error(err, bc_llvm_diags_first(&m->diags, LLVMDSError)))
		return -ENOMEM;
	return -EINVAL;
}

static int parse_text(struct bc_ir_module *m, const void *data, size_t size,
		      struct bc_ir_error *err)
{
	LLVMMemoryBufferRef buf;
	char *msg = NULL;
	int ret = 0;

	/* The copy is NUL-terminated, which LLVM's lexer relies on. */
	buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(data, size, BUFFER_NAME);
	if (!buf)
		return -ENOMEM;
	/* Takes ownership of the buffer. */
	if (LLVMParseIRInContext(m->ctx, buf, &m->mod, &msg)) {
		m->mod = NULL;
		ret = set_error(err, msg) ? -ENOMEM : -EINVAL;
	}
	LLVMDisposeMessage(msg);
	return ret;
}

/*
 * What LLVM's reader would do in UpgradeDebugInfo (disabled in
 * bc_llvm_init because it aborts on a broken module): drop debug info of
 * another metadata version, verify, and drop debug info that is invalid.
 */
static int verify(struct bc_ir_module *m, struct bc_ir_error *err)
{
	char *msg = NULL;
	LLVMBool broken;

	if (LLVMGetModuleDebugMetadataVersion(m->mod) != LLVMDebugMetadataVersion() &&
	    LLVMStripModuleDebugInfo(m->mod))
		m->debug_info_stripped = true;
	broken = LLVMVerifyModule(m->mod, LLVMReturnStatusAction, &msg);
	if (broken && LLVMStripModuleDebugInfo(m->mod)) {
		m->debug_info_stripped = true;
		LLVMDisposeMessage(msg);
		msg = NULL;
		broken = LLVMVerifyModule(m->mod, LLVMReturnStatusAction, &msg);
	}
	if (broken) {
		char *full = NULL;

		if (err && msg && asprintf(&full, "invalid IR: %s", msg) < 0)
			full = NULL;
		if (err && set_error(err, full ? full : "invalid IR")) {
			free(full);
			LLVMDisposeMessage(msg);
			return -ENOMEM;
		}
		free(full);
	}
	LLVMDisposeMessage(msg);
	return broken ? -EINVAL : 0;
}

struct parse {
	struct bc_ir_module *m;
	const void *data;
	size_t size;
	struct bc_ir_error *err;
};

static int parse_fn(void *arg)
{
	struct parse *p = arg;
	int ret;

	if (p->m->is_bitcode)
		ret = parse_bitcode(p->m, p->data, p->size, p->err);
	else
		ret = parse_text(p->m, p->data, p->size, p->err);
	if (!ret)
		ret = verify(p->m, p->err);
	return ret;
}

struct bc_ir_module *bc_ir_parse(const void *data, size_t size, struct bc_ir_error *err)
{
	struct parse p = { .data = data, .size = size, .err = err };
	struct bc_ir_module *m;
	char fatal[512], *full = NULL;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	ret = bc_llvm_init();
	if (ret) {
		errno = -ret;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->ctx = LLVMContextCreate();
	if (!m->ctx)
		return fail(m, ENOMEM);
	bc_llvm_diags_install(m->ctx, &m->diags);
	m->is_bitcode = bc_ir_is_bitcode(data, size);
	p.m = m;
	ret = bc_llvm_guard(parse_fn, &p, fatal, sizeof(fatal));
	if (ret == -ECANCELED) {
		bc_ir_module_poison(m);
		if (err) {
			bc_ir_error_free(err);
			if (asprintf(&full, "LLVM cannot read this module: %s", fatal) < 0)
				full = NULL;
			ret = set_error(err, full ? full : fatal) ? -ENOMEM : -EINVAL;
			free(full);
		} else {
			ret = -EINVAL;
		}
	}
	if (ret)
		return fail(m, -ret);
	return m;
}

void bc_ir_module_poison(struct bc_ir_module *m)
{
	if (m)
		m->poisoned = true;
}

void bc_ir_module_free(struct bc_ir_module *m)
{
	if (!m)
		return;
	if (m->poisoned) {
		/* LLVM's objects of the failed run may still point into the
		 * module and context, which are never used again */
		bc_llvm_leak(m->mod);
		bc_llvm_leak(m->ctx);
		bc_llvm_diags_free(&m->diags);
		free(m);
		return;
	}
	if (m->mod)
		LLVMDisposeModule(m->mod);
	if (m->ctx)
		LLVMContextDispose(m->ctx);
	bc_llvm_diags_free(&m->diags);
	free(m);
}

struct bc_ir_module *bc_ir_load(struct bc_unit *u)
{
	struct bc_ir_error err;
	struct bc_ir_module *m;
	struct bc_span span = { 0 };

	m = bc_ir_parse(u->data, u->size, &err);
	if (m)
		return m;
	if (errno == ENOMEM) {
		bc_unit_fail(u, -ENOMEM, NULL, "out of memory while loading LLVM IR");
		bc_ir_error_free(&err);
		errno = ENOMEM;
		return NULL;
	}
	if (err.line && u->line_starts && err.line <= u->nr_lines) {
		span.line = err.line;
		span.col = err.col ? err.col : 1;
		span.start = u->line_starts[err.line - 1] + span.col - 1;
		if (span.start > u->size)
			span.start = u->size;
		span.end = span.start < u->size ? span.start + 1 : span.start;
	}
	bc_unit_fail(u, -EINVAL, span.line ? &span : NULL, "%s %s",
		     u->kind == BC_KIND_LLVM_BC || bc_ir_is_bitcode(u->data, u->size) ?
		     "cannot read LLVM bitcode:" : "cannot parse LLVM IR:",
		     err.message ? err.message : "unknown error");
	bc_ir_error_free(&err);
	errno = EINVAL;
	return NULL;
}
