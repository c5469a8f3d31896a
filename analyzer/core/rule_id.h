/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule ids: how the analyzer names the rule a finding belongs to
 * (bc_diag_add(d, BC_RULE_SYNTAX_ERROR, ...)), so that a mistyped rule is
 * a compile error, not a run-time lookup that fails.
 *
 * The list is rules/rules.def, where each rule is declared once. This
 * header cannot include that file: the bottom layer would then depend on
 * rules/. tools/gen-rule-ids.sh (run by the Makefile) copies the ids and
 * the default severities into build/gen/rule_ids.h instead, a header of
 * this layer's own; rules/registry.c maps an id to its struct bc_rule
 * (code, name, summary, check).
 */
#ifndef BC_CORE_RULE_ID_H
#define BC_CORE_RULE_ID_H

#include "gen/rule_ids.h"	/* enum bc_rule_id, BC_RULE_ID_SEVERITIES */

#endif
