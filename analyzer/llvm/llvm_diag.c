// SPDX-License-Identifier: Apache-2.0
/* An LLVM context diagnostic handler that stores messages for the caller. */
#include <stdlib.h>
#include <string.h>

#include "llvm_diag.h"
#include "../base/array.h"

static void handle(LLVMDiagnosticInfoRef info, void *opaque)
{
	struct bc_llvm_diags *d = opaque;
	char *desc = LLVMGetDiagInfoDescription(info);
	char *copy;
	size_t len;

	if (!desc) {
		d->lost = true;
		return;
	}
	/* backend messages end in blank lines */
	len = strlen(desc);
	while (len && (desc[len - 1] == '\n' || desc[len - 1] == ' ' || desc[len - 1] == '\r'))
		len--;
	copy = strndup(desc, len);
	LLVMDisposeMessage(desc);
	if (!copy) {
		d->lost = true;
		return;
	}
	if (BC_GROW(d->v, d->cap, d->n + 1)) {
		free(copy);
		d->lost = true;
		return;
	}
	d->v[d->n].severity = LLVMGetDiagInfoSeverity(info);
	d->v[d->n].message = copy;
	d->n++;
}

void bc_llvm_diags_install(LLVMContextRef ctx, struct bc_llvm_diags *d)
{
	LLVMContextSetDiagnosticHandler(ctx, handle, d);
}

size_t bc_llvm_diags_count(const struct bc_llvm_diags *d, LLVMDiagnosticSeverity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].severity == sev;
	return n;
}

const char *bc_llvm_diags_first(const struct bc_llvm_diags *d, LLVMDiagnosticSeverity sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == sev)
			return d->v[i].message;
	return NULL;
}

void bc_llvm_diags_clear(struct bc_llvm_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].message);
	d->n = 0;
	d->lost = false;
}

void bc_llvm_diags_free(struct bc_llvm_diags *d)
{
	bc_llvm_diags_clear(d);
	free(d->v);
	d->v = NULL;
	d->cap = 0;
}
