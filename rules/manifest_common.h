/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the manifest rules (BC401-BC403) share: the unit's manifest (a
 * manifest file, or the one decoded from an AOT blob) and where a span of it
 * is in the file (text manifests only: a blob has no lines).
 */
#ifndef BC_RULES_MANIFEST_COMMON_H
#define BC_RULES_MANIFEST_COMMON_H

#include "registry.h"
#include "../analyzer/manifest/manifest.h"

/* The unit's manifest, or NULL. */
const struct bc_manifest *bc_manifest_rule_manifest(const struct bc_rule_ctx *ctx);
/* SPAN of the unit's text with line and column, or an empty span (no line)
 * for an AOT blob. */
struct bc_span bc_manifest_rule_span(const struct bc_rule_ctx *ctx, struct bc_span span);

#endif
