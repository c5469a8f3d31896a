// SPDX-License-Identifier: Apache-2.0
/*
 * ir_fidelity OBJ IR [LABEL]: frames of bpftrace's own object (OBJ, from
 * `bpftrace --emit-elf`) next to the frames bpfcheck gets by compiling
 * bpftrace's optimised IR (IR, from `bpftrace -dd`) with the in-process
 * LLVM 19 backend. One tab-separated row per program:
 *   LABEL PROBE BPFTRACE_FRAME IR_FRAME DELTA SLOT_PEAK UNATTRIBUTED CODEGEN_MS
 * A program missing on one side shows "-". Used by bench/ir-fidelity.sh.
 */
#include <stdio.h>
#include <string.h>

#include "analyzer/frontend/ir_analyze.h"
#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

int main(int argc, char **argv)
{
	struct bc_unit obj, ir;
	struct bc_target t;
	struct bc_ir_stats st;
	const char *label;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OBJ IR [LABEL]\n", argv[0]);
		return 2;
	}
	label = argc > 3 ? argv[3] : argv[2];
	if (bc_target_init(&t))
		return 2;
	if (bc_unit_load(&obj, argv[1]) || bc_object_analyze(&obj, obj.data, obj.size, &t)) {
		fprintf(stderr, "%s: %s\n", argv[1], obj.error ? obj.error : "cannot analyse");
		return 1;
	}
	if (bc_unit_load(&ir, argv[2]) || bc_ir_analyze_ex(&ir, &t, NULL, &st)) {
		fprintf(stderr, "%s: %s\n", argv[2], ir.error ? ir.error : "cannot analyse");
		return 1;
	}
	for (size_t i = 0; i < obj.facts.nr_funcs; i++) {
		const struct bc_func *b = &obj.facts.funcs[i], *m = NULL;

		if (!b->is_entry)
			continue;
		for (size_t k = 0; k < ir.facts.nr_funcs && !m; k++)
			if (!strcmp(ir.facts.funcs[k].name, b->name))
				m = &ir.facts.funcs[k];
		if (m)
			printf("%s\t%s\t%u\t%u\t%+d\t%u\t%u\t%.2f\n", label, b->name, b->frame_bytes,
			       m->frame_bytes, (int)m->frame_bytes - (int)b->frame_bytes,
			       m->slot_peak_bytes, m->unattributed_bytes, st.codegen_ns / 1e6);
		else
			printf("%s\t%s\t%u\t-\t-\t-\t-\t-\n", label, b->name, b->frame_bytes);
	}
	for (size_t k = 0; k < ir.facts.nr_funcs; k++) {
		const struct bc_func *m = &ir.facts.funcs[k];
		bool seen = false;

		for (size_t i = 0; i < obj.facts.nr_funcs && !seen; i++)
			seen = !strcmp(obj.facts.funcs[i].name, m->name);
		if (!seen && m->is_entry)
			printf("%s\t%s\t-\t%u\t-\t%u\t%u\t-\n", label, m->name, m->frame_bytes,
			       m->slot_peak_bytes, m->unattributed_bytes);
	}
	bc_unit_free(&obj);
	bc_unit_free(&ir);
	bc_target_free(&t);
	return 0;
}
