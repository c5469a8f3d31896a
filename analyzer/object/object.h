/* SPDX-License-Identifier: Apache-2.0 */
/* BPF ELF object analysis (libelf, libbpf BTF, libdw line info). */
#ifndef BC_OBJECT_H
#define BC_OBJECT_H

#include <stdbool.h>
#include <stddef.h>

struct bc_unit;
struct bc_target;

/*
 * Reads a BPF ELF object (DATA, SIZE; for a file input these are u->data,
 * u->size; for a compiled script or IR, the in-memory object) and appends to
 * u->facts one bc_func per program and per BPF-to-BPF subprogram: frame
 * depth as the verifier computes it, callees, tail calls, source location.
 * Then runs the call-chain model (analyzer/stack/chain.h) for target T.
 * Malformed input: returns a negative errno after bc_unit_fail(u, ...) with a
 * message naming what is wrong; never crashes.
 */
int bc_object_analyze(struct bc_unit *u, const void *data, size_t size,
		      const struct bc_target *t);

/* Is DATA an ELF file for the BPF machine (read with libelf)? A directory
 * walk skips other ELF files (a host .o) rather than failing on them. */
bool bc_object_is_bpf_elf(const void *data, size_t size);

#endif
