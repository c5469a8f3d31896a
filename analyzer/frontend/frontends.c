// SPDX-License-Identifier: Apache-2.0
/* The front-end table: which analysis each input kind goes through. */
#include <stddef.h>
#include <stdlib.h>

#include "c_compile.h"
#include "frontends.h"
#include "ir_analyze.h"
#include "manifest_frontend.h"
#include "../object/object.h"
#include "script_frontend.h"
#include "../core/analysis.h"

static int analyze_object(struct bc_unit *u, const struct bc_analysis *a)
{
	return bc_object_analyze(u, u->data, u->size, a->target);
}

static int analyze_ir(struct bc_unit *u, const struct bc_analysis *a)
{
	return bc_ir_analyze(u, a->target);
}

/* C: compiled in process (c_compile.h), then analysed exactly as IR. */
static int analyze_c(struct bc_unit *u, const struct bc_analysis *a)
{
	void *bitcode;
	size_t size;
	int err = bc_c_compile(u, a, &bitcode, &size);

	if (err)
		return err;
	err = bc_ir_analyze_bitcode(u, a->target, bitcode, size);
	free(bitcode);
	return err;
}

static const struct bc_frontend frontends[] = {
	{ BC_KIND_C_SOURCE, analyze_c },
	{ BC_KIND_OBJECT, analyze_object },
	{ BC_KIND_LLVM_IR, analyze_ir },
	{ BC_KIND_LLVM_BC, analyze_ir },
	{ BC_KIND_SCRIPT, bc_script_frontend },
	{ BC_KIND_MANIFEST, bc_manifest_frontend },
	{ BC_KIND_AOT, bc_aot_frontend },
};

const struct bc_frontend *bc_frontend_for(enum bc_kind kind)
{
	for (size_t i = 0; i < sizeof(frontends) / sizeof(frontends[0]); i++)
		if (frontends[i].kind == kind)
			return &frontends[i];
	return NULL;
}
