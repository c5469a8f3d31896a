/* SPDX-License-Identifier: Apache-2.0 */
/* The programs of a bpftrace AOT blob as a BPF ELF object (aot_elf.c). */
#ifndef BC_AOT_ELF_H
#define BC_AOT_ELF_H

#include <stdbool.h>
#include <stddef.h>

#include "aot_blob.h"

/* Whether S holds a program (bpftrace 0.17 names them "s_<probe>..."). */
bool bc_aot_is_program(const struct bc_aot_section *s);

/*
 * A relocatable BPF ELF object with one executable section per program of
 * B, written with libelf: *OUT (malloc'd) and *SIZE. With no programs, 0
 * and *OUT NULL. 0 or a negative errno.
 */
int bc_aot_programs_elf(const struct bc_aot_blob *b, unsigned char **out, size_t *size);

#endif
