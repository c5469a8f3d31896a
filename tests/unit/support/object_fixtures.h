/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: built BPF fixture objects and target profiles. */
#ifndef BC_TEST_OBJECT_FIXTURES_H
#define BC_TEST_OBJECT_FIXTURES_H

#include <stdbool.h>

#include "analyzer/core/facts.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

/* "$BC_SRCDIR/$BC_BUILD/fixtures/NAME.bpf.o" (defaults: ".", "build"); heap string. */
char *bc_test_fixture_object(const char *name);
/* A target profile: kernel "X.Y", JIT on or off, arch ("x86_64", "aarch64"). */
void bc_test_target(struct bc_target *t, const char *kernel, bool jit, const char *arch);
/* Loads fixture NAME into U and runs the object analysis for T; returns its result. */
int bc_test_analyze_fixture(struct bc_unit *u, const char *name, const struct bc_target *t);
/* The function called NAME in F, or NULL. */
const struct bc_func *bc_test_func(const struct bc_facts *f, const char *name);
/* Index of the function called NAME in F, or (size_t)-1. */
size_t bc_test_func_index(const struct bc_facts *f, const char *name);

#endif
