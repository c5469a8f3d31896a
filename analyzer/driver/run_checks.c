// SPDX-License-Identifier: Apache-2.0
/* Run-level diagnostics (see run_checks.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run_checks.h"
#include "../core/diag.h"
#include "../core/unit.h"
#include "../target/source.h"
#include "../core/analysis.h"

/* "tracepoint formats (tracefs)", "kernel BTF", or both, that SRC lacks. */
static void lacking(const struct bc_target *t, char *buf, size_t len)
{
	struct bc_btf_blob b;
	bool tp = !bc_source_has_tracepoints(t->source);
	bool btf = !t->btf_none && !t->btf_path && bc_source_btf(t->source, NULL, &b);

	snprintf(buf, len, "%s%s%s", tp ? "tracepoint formats (tracefs)" : "",
		 tp && btf ? " and " : "", btf ? "kernel BTF (/sys/kernel/btf/vmlinux)" : "");
	if (!tp && !btf)
		snprintf(buf, len, "kernel data");
}

int bc_run_checks(struct bc_unit **units, size_t nr_units, const struct bc_analysis *a)
{
	const struct bc_target *t = a->target;
	unsigned gaps = 0, probes = 0, files = 0;
	struct bc_unit *first = NULL;
	char what[160];
	struct bc_diag *d;

	for (size_t i = 0; i < nr_units; i++) {
		const struct bc_unit *u = units[i];

		if (u->status || (!u->kernel_gaps && !u->kernel_gap_probes))
			continue;
		if (!first)
			first = units[i];
		gaps += u->kernel_gaps;
		probes += u->kernel_gap_probes;
		files++;
	}
	if (!first || !bc_analysis_rule_enabled(a, BC_RULE_MISSING_KERNEL))
		return 0;
	lacking(t, what, sizeof(what));
	if (bc_source_is_file(t->source))
		d = bc_diag_add(&first->diags, BC_RULE_MISSING_KERNEL, first->display_path, NULL,
				"the target file %s has no %s: %u probe%s in %u file%s %s no stack "
				"figure and %u type%s %s guessed",
				bc_source_name(t->source), what, probes, probes == 1 ? "" : "s",
				files, files == 1 ? "" : "s", probes == 1 ? "has" : "have", gaps,
				gaps == 1 ? "" : "s", gaps == 1 ? "was" : "were");
	else
		d = bc_diag_add(&first->diags, BC_RULE_MISSING_KERNEL, first->display_path, NULL,
				"no kernel to check against: this system has no %s and no --target "
				"was given, so %u probe%s in %u file%s %s no stack figure and %u "
				"type%s %s guessed", what, probes, probes == 1 ? "" : "s", files,
				files == 1 ? "" : "s", probes == 1 ? "has" : "have", gaps,
				gaps == 1 ? "" : "s", gaps == 1 ? "was" : "were");
	if (!d)
		return -errno;
	if (a->allow_missing_kernel)
		d->severity = BC_SEV_NOTE;
	if (bc_diag_note(d, NULL, NULL, "on the production host run `bpfcheck target capture -o "
			 "prod.bct`, then check with `--target prod.bct` (docs/target-file.md)") ||
	    (!a->allow_missing_kernel &&
	     bc_diag_note(d, NULL, NULL, "--allow-missing-kernel reports this as a note "
			  "instead of failing the run")))
		return -ENOMEM;
	bc_analysis_apply_severity(a, &first->diags);
	bc_diags_sort(&first->diags);
	return 0;
}
