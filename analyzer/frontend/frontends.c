// SPDX-License-Identifier: Apache-2.0
/* The front-end table: which analysis each input kind goes through. */
#include <stddef.h>

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

static const struct bc_frontend frontends[] = {
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
