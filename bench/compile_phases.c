// SPDX-License-Identifier: Apache-2.0
/*
 * compile_phases SCRIPT...: where `bpfcheck check` spends its time on a
 * script, phase by phase, in one process per script (what a cold run pays):
 * parse, semantic analysis (BTF and tracefs loading included), code
 * generation, the optimiser, liveness and slots, the BPF backend and the
 * object analysis. One tab-separated row per script, in milliseconds:
 *   NAME PARSE SEMA CODEGEN OPT SLOTS BACKEND OBJECT TOTAL
 * Used by bench/speed.sh.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analyzer/script/parser.h"
#include "analyzer/frontend/script_compile.h"
#include "analyzer/script/sema.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct bc_script_compile_result r = { 0 };
		struct bc_parse_opts po = { 0 };
		struct bc_sema *sema = NULL;
		struct bc_sema_opts so;
		struct bc_target t;
		struct bc_unit u;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		double t0, t1, t2, t3;

		if (bc_target_init(&t) || bc_target_set_bpftrace(&t, "0.17"))
			return 2;
		t0 = now_ms();
		if (bc_unit_load(&u, argv[i])) {
			fprintf(stderr, "%s: %s\n", argv[i], u.error);
			continue;
		}
		po.bpftrace = t.bpftrace;
		bc_script_parse_unit(&u, &po);
		t1 = now_ms();
		bc_sema_opts_from_target(&so, &t);
		if (u.script && !bc_sema_run(&u, u.script, &so, &sema))
			bc_sema_attach(&u, sema);
		t2 = now_ms();
		if (sema)
			bc_script_compile(&u, &t, &r);
		t3 = now_ms();
		printf("%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", base, t1 - t0, t2 - t1,
		       r.codegen_ns / 1e6, r.opt_ns / 1e6, r.slots_ns / 1e6, r.backend_ns / 1e6,
		       r.object_ns / 1e6, t3 - t0);
		bc_script_compile_result_free(&r);
		bc_unit_free(&u);
		bc_target_free(&t);
	}
	return 0;
}
