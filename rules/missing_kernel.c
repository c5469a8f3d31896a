// SPDX-License-Identifier: Apache-2.0
/*
 * BC105 missing-kernel: the run had neither a kernel to read (no tracefs,
 * no /sys/kernel/btf) nor a target file, so types were guessed and stack
 * figures are missing. Said once per run, not per probe, by the run pass
 * (analyzer/driver/run_checks.c) after every input was analysed; semantic
 * analysis counts what it would otherwise report one by one (BC101, BC205).
 * An error by default, so that a CI gate cannot pass while checking nothing;
 * --allow-missing-kernel makes it a note.
 */
#include "registry.h"

const struct bc_rule bc_rule_missing_kernel = {
	.id = BC_RULE_MISSING_KERNEL,
	.code = "BC105",
	.name = "missing-kernel",
	.summary = "no kernel to check against (no tracefs/BTF, no --target): figures are missing",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = NULL,
};
