// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for code generation: parse arbitrary bytes, analyse
 * what parsed cleanly for a target bpftrace chosen by the first byte (0.17,
 * 0.19, 0.22, 0.24, 0.25 or the latest; tracepoint formats from
 * fixtures/tracefs, run from the source tree; no kernel BTF), and generate
 * the module bpftrace would (analyzer/codegen/codegen.h).
 *
 * Findings: crashes, leaks and sanitizer reports; a module that does not
 * verify (codegen checks it and fails with "does not verify": a bug in the
 * model, not in the input); a module returned that LLVM's verifier rejects
 * when asked again, or without its provenance table; a refusal without the
 * construct it stopped at.
 *
 * The BPF backend (optimise + emit) is slow next to the rest, so it runs
 * only on inputs of at most 256 bytes whose first byte has bit 4 set: a
 * module the verifier accepts must go through it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "analyzer/codegen/codegen.h"
#include "analyzer/core/unit.h"
#include "analyzer/llvm/backend.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/script/parser.h"
#include "analyzer/script/sema.h"
#include "analyzer/stack/prov.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int versions[] = { 1700, 1900, 2200, 2400, 2500, 0 };

static void backend(struct bc_ir_module *m)
{
	struct bc_backend be;
	struct bc_backend_result res;

	if (bc_backend_init(&be, m, NULL))
		return;
	if (bc_backend_optimize(&be, m, NULL) == 0 && bc_backend_emit(&be, m, &res) == 0)
		bc_backend_result_free(&res);
	bc_backend_fini(&be);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const no_env[] = { NULL };
	int version = size ? versions[(data[0] >> 1) % 6] : 1700;
	struct bc_parse_opts po = { .bpftrace = version };
	struct bc_sema_opts so = {
		.bpftrace = version ? version : BC_BT_HEAD,
		.tracefs = "fixtures/tracefs",
		.no_btf = true,
		.envp = no_env,
	};
	struct bc_codegen_status st;
	struct bc_codegen_opts co = { .status = &st, .tracefs = "fixtures/tracefs" };
	struct bc_ir_module *m = NULL;
	struct bc_prov_table *prov = NULL;
	struct bc_script *s = NULL;
	struct bc_sema *sema = NULL;
	struct bc_unit u;
	char *msg = NULL;
	int err;

	if (bc_unit_load_mem(&u, "fuzz.bt", data, size) == -ENOMEM)
		return 0;
	if (bc_script_parse(&u, &po, &s) || !s || s->nr_errors)
		goto out;
	if (bc_sema_run(&u, s, &so, &sema))
		goto out;
	memset(&st, 0, sizeof(st));
	err = bc_codegen(s, sema, &co, &m, &prov);
	if (err) {
		if (strstr(st.message, "does not verify")) {
			fprintf(stderr, "generated module does not verify: %s\n", st.message);
			abort();
		}
		if (err == -EOPNOTSUPP && !st.construct[0]) {
			fprintf(stderr, "refusal without a construct: %s\n", st.message);
			abort();
		}
		goto out;
	}
	if (!m || !prov)
		abort();
	if (LLVMVerifyModule(m->mod, LLVMReturnStatusAction, &msg)) {
		fprintf(stderr, "returned module does not verify: %s\n", msg ? msg : "");
		abort();
	}
	LLVMDisposeMessage(msg);
	if (size <= 256 && (data[0] & 0x10))
		backend(m);
out:
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
	bc_sema_free(sema);
	bc_script_free(s);
	bc_unit_free(&u);
	return 0;
}
