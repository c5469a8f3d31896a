// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for semantic analysis: parse arbitrary bytes and analyse
 * what parsed, for a target bpftrace chosen by the first byte (0.17, 0.19,
 * 0.22, 0.24, 0.25 or the latest), with tracepoint formats from
 * fixtures/tracefs (run from the source tree) and, when bit 3 of the first
 * byte is set and the machine has it, the kernel BTF (opened once and shared
 * by every run, as a long-lived checker would). Then dump the result, which
 * walks every type, map use and variable. Crashes, leaks and sanitizer
 * reports are the findings; analysing the same input twice must give the
 * same dump.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/script/parser.h"
#include "analyzer/script/sema.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/core/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int versions[] = { 1700, 1900, 2200, 2400, 2500, 0 };

static struct bc_btf *shared_btf(void)
{
	static struct bc_btf *btf;
	static int tried;

	if (!tried) {
		tried = 1;
		if (access(BC_BTF_VMLINUX, R_OK) == 0) {
			btf = bc_btf_open(NULL);
			if (btf && bc_btf_load(btf)) {
				bc_btf_close(btf);
				btf = NULL;
			}
		}
	}
	return btf;
}

static char *analyse(const uint8_t *data, size_t size, int version, struct bc_btf *btf)
{
	static char *const no_env[] = { NULL };
	struct bc_parse_opts po = { .bpftrace = version };
	struct bc_sema_opts so = {
		.bpftrace = version ? version : BC_BT_HEAD,
		.btf = btf,
		.tracefs = "fixtures/tracefs",
		.envp = no_env,
	};
	struct bc_unit u;
	struct bc_script *s = NULL;
	struct bc_sema *sema = NULL;
	char *dump = NULL;
	int r;

	if (bc_unit_load_mem(&u, "fuzz.bt", data, size) == -ENOMEM)
		return NULL;
	r = bc_script_parse(&u, &po, &s);
	if (s) {
		so.no_diags = r != 0;
		if (bc_sema_run(&u, s, &so, &sema) == 0) {
			dump = bc_sema_dump(sema, &u);
			bc_sema_free(sema);
		}
		bc_script_free(s);
	}
	bc_unit_free(&u);
	return dump;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int version = size ? versions[(data[0] >> 1) % 6] : 1700;
	struct bc_btf *btf = size && (data[0] & 8) ? shared_btf() : NULL;
	char *a, *b;

	a = analyse(data, size, version, btf);
	if (size && (data[0] & 1)) {
		/* determinism: a second run over the same input gives the same result */
		b = analyse(data, size, version, btf);
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b))) {
			fprintf(stderr, "two analyses differ:\n%s\n---\n%s\n", a ? a : "",
				b ? b : "");
			abort();
		}
		free(b);
	}
	free(a);
	return 0;
}
