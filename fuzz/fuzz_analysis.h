/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the fuzz targets that run the whole analysis of a script (the fix
 * loop, suppressions, the reporters) share: one target per bpftrace
 * version, built once as a long-lived checker would (the built-in defaults,
 * tracepoint formats from fixtures/tracefs — run from the source tree —, no
 * kernel BTF, no BTF cache), picked by the input's first byte; and an
 * analysis with the stack rules off, so that the front end skips code
 * generation and the backend (bc_analysis.skip_stack_facts): fuzz_codegen
 * covers those, and the rules with fixes and the suppression pass do not
 * read stack facts.
 */
#ifndef BC_FUZZ_ANALYSIS_H
#define BC_FUZZ_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/core/analysis.h"
#include "analyzer/core/target.h"
#include "analyzer/target/source.h"
#include "rules/registry.h"

static const char *const fuzz_versions[] = { "0.17", "0.19", "0.22", "0.24", "0.25", "0.26" };
#define FUZZ_NR_VERSIONS (sizeof(fuzz_versions) / sizeof(fuzz_versions[0]))

/* The analysis for an input starting with FIRST (the same one every time). */
static inline const struct bc_analysis *fuzz_analysis(uint8_t first)
{
	static struct bc_target targets[FUZZ_NR_VERSIONS];
	static struct bc_analysis analyses[FUZZ_NR_VERSIONS];
	static int ready;
	size_t v = (first >> 1) % FUZZ_NR_VERSIONS;

	if (!ready) {
		for (size_t i = 0; i < FUZZ_NR_VERSIONS; i++) {
			struct bc_target *t = &targets[i];
			struct bc_analysis *a = &analyses[i];

			bc_target_init_defaults(t);
			free(t->cache_dir);
			t->cache_dir = NULL;
			t->btf_none = true;
			if (bc_target_set_bpftrace(t, fuzz_versions[i]))
				abort();
			bc_target_use_source(t, bc_source_live("fixtures/tracefs"));
			bc_analysis_init(a, t);
			for (size_t k = 0; bc_rules[k]; k++)
				if (bc_rules[k]->needs_stack_facts)
					a->rules[bc_rules[k]->id].disabled = true;
			a->skip_stack_facts = true;
		}
		ready = 1;
	}
	return &analyses[v];
}

#endif
