// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the fix engine: analyse arbitrary bytes as a script
 * (fuzz_analysis.h), run the fix loop on the result (unsafe fixes too when
 * bit 0 of the first byte is set), as `bpfcheck fix` does, and check what
 * analyzer/fix/fix_loop.h promises:
 *
 *  - a text that was processed (it parsed and analysed) is still processed
 *    after the fixes, as a script, and parses without errors;
 *  - the loop converges within its cap, and running it again on its own
 *    output changes nothing (idempotence);
 *  - the statistics agree with the text (changed only when it differs).
 *
 * Crashes, leaks and sanitizer reports are findings too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/core/unit.h"
#include "analyzer/driver/driver.h"
#include "analyzer/fix/fix_loop.h"
#include "analyzer/script/parser.h"
#include "fuzz_analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int reanalyze(struct bc_unit *u, void *arg)
{
	return bc_analyze_unit(u, arg);
}

static void fail(const char *what, const struct bc_unit *u)
{
	fprintf(stderr, "%s:\n%.*s\n", what, (int)u->size, (const char *)u->data);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bc_analysis *a = fuzz_analysis(size ? data[0] : 0);
	bool unsafe = size && (data[0] & 1);
	struct bc_fix_stats st, st2;
	struct bc_unit u, out, again;
	struct bc_parse_opts po = { .bpftrace = a->target->bpftrace };
	struct bc_script *s = NULL;
	int processed;

	if (bc_unit_load_mem(&u, "fuzz.bt", data, size) == -ENOMEM)
		return 0;
	if (u.kind != BC_KIND_SCRIPT)
		goto out;
	processed = bc_analyze_unit(&u, a) == 0;
	memset(&out, 0, sizeof(out));
	if (bc_fix_loop(&u, unsafe, reanalyze, (void *)a, &out, &st))
		goto out;	/* out of memory */
	if (!st.changed) {
		if (out.data)
			fail("unchanged text with an output unit", &u);
		goto out;
	}
	if (out.size == u.size && !memcmp(out.data, u.data, u.size))
		fail("reported as changed but the text is the same", &u);
	if (!st.converged)
		fail("the fix loop did not converge", &u);
	if (processed) {
		if (out.status || out.kind != BC_KIND_SCRIPT)
			fail("the fixed text can no longer be processed", &out);
		if (bc_script_parse(&out, &po, &s) || !s || s->nr_errors)
			fail("the fixed text does not parse", &out);
		bc_script_free(s);
	}
	memset(&again, 0, sizeof(again));
	if (bc_fix_loop(&out, unsafe, reanalyze, (void *)a, &again, &st2) == 0) {
		if (st2.changed) {
			fprintf(stderr, "fixing the fixed text changes it again:\n%.*s\n---\n",
				(int)out.size, (const char *)out.data);
			fail("second pass", &again);
		}
	}
	bc_unit_free(&again);
	bc_unit_free(&out);
out:
	bc_unit_free(&u);
	return 0;
}
