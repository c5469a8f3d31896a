// SPDX-License-Identifier: Apache-2.0
/* Helpers of the manifest rules (manifest_common.h). */
#include "manifest_common.h"
#include "../analyzer/core/unit.h"

const struct bc_manifest *bc_manifest_rule_manifest(const struct bc_rule_ctx *ctx)
{
	if (ctx->unit->kind != BC_KIND_MANIFEST && ctx->unit->kind != BC_KIND_AOT)
		return NULL;
	return ctx->unit->manifest;
}

struct bc_span bc_manifest_rule_span(const struct bc_rule_ctx *ctx, struct bc_span span)
{
	if (ctx->unit->kind != BC_KIND_MANIFEST || span.end <= span.start)
		return (struct bc_span){ 0 };
	bc_unit_locate(ctx->unit, &span);
	return span;
}
