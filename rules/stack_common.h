/* SPDX-License-Identifier: Apache-2.0 */
/* What the stack rules (BC201-BC204) share: locations, chain text, slot notes. */
#ifndef BC_RULES_STACK_COMMON_H
#define BC_RULES_STACK_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "registry.h"
#include "../analyzer/core/facts.h"

/* Where a finding about function F points: its source line when line info
 * exists, else the input file with no line (reporters say "section, insn"). */
void bc_stack_func_location(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			    const char **path, struct bc_span *span);
/* "probe -> helper -> cb (32+448+32)"; heap string or NULL. */
char *bc_stack_chain_text(const struct bc_facts *facts, const size_t *chain, size_t n,
			  const struct bc_target *t);
/* A finding for function F; message built from FMT. */
struct bc_diag *bc_stack_report(struct bc_rule_ctx *ctx, const struct bc_func *f,
				const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same about F's frame size: it points at the declaration of F's
 * largest variable live at the peak when debug info names the slots (C, IR
 * with -g, objects with DWARF), the deepest meaningful line, else at F. */
struct bc_diag *bc_stack_report_frame(struct bc_rule_ctx *ctx, const struct bc_func *f,
				      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Notes naming the slots live at F's peak (largest first) and the
 * unattributed bytes. 0 or -ENOMEM. */
int bc_stack_slot_notes(struct bc_rule_ctx *ctx, struct bc_diag *d, const struct bc_func *f);
/* "line 12", "lines 13\u201314", "lines 3, 7": LINES[0..N) sorted and
 * deduplicated in place. */
void bc_stack_print_lines(FILE *m, uint32_t *lines, size_t n);
/* "section 'kprobe/x', instruction 12" when F has no line info; NULL otherwise. */
int bc_stack_where_note(struct bc_rule_ctx *ctx, struct bc_diag *d, const struct bc_func *f);

#endif
