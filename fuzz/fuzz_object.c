// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: BPF ELF object analysis (libelf reading, instruction
 * decoding, functions, depths, DWARF lines) and the call-chain model for
 * two target profiles. Any input must give either facts or a clean error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/object/object.h"
#include "analyzer/stack/chain.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bc_target new_x86, old_interp;
	static int ready;
	struct bc_unit u;
	int err;

	if (!ready) {
		bc_target_init(&new_x86);
		bc_target_set_kernel(&new_x86, "6.13");
		strcpy(new_x86.arch, "x86_64");
		bc_target_init(&old_interp);
		bc_target_set_kernel(&old_interp, "6.1");
		old_interp.jit = false;
		ready = 1;
	}
	bc_unit_load_mem(&u, "fuzz.bpf.o", data, size);
	err = bc_object_analyze(&u, data, size, &new_x86);
	if (err) {
		if (!u.status || !u.error || u.error[0] == '\0')
			abort();	/* a failure must say why */
	} else {
		if (u.status && u.kind == BC_KIND_OBJECT)
			abort();
		if (bc_stack_chains(&u.facts, &old_interp))
			abort();
	}
	bc_unit_free(&u);
	return 0;
}
