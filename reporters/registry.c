// SPDX-License-Identifier: Apache-2.0
/* The table of output formats (reporters.def), lookups and the run summary. */
#include <string.h>

#include "reporter.h"
#include "../analyzer/core/unit.h"

#define BC_REPORTER(name, sym) extern const struct bc_reporter sym;
#include "reporters.def"
#undef BC_REPORTER

static const struct bc_reporter *const reporters[] = {
#define BC_REPORTER(name, sym) &sym,
#include "reporters.def"
#undef BC_REPORTER
};

/* "text, gcc, ...", built from the same list at compile time */
static const char names[] =
#define BC_REPORTER(name, sym) ", " #name
#include "reporters.def"
#undef BC_REPORTER
	;

const struct bc_reporter *bc_reporter_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(reporters) / sizeof(reporters[0]); i++)
		if (!strcmp(reporters[i]->name, name))
			return reporters[i];
	return NULL;
}

const char *bc_reporter_names(void)
{
	return names + 2;	/* past the leading ", " */
}

void bc_run_summary(const struct bc_run *run, struct bc_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->files = run->nr_units;
	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status)
			s->failed_files++;
		for (size_t j = 0; j < u->diags.n; j++) {
			const struct bc_diag *d = &u->diags.v[j];

			if (d->suppressed)
				continue;
			switch (d->severity) {
			case BC_SEV_ERROR:
				s->errors++;
				break;
			case BC_SEV_WARNING:
				s->warnings++;
				break;
			case BC_SEV_NOTE:
				s->notes++;
				break;
			case BC_SEV_NONE:
				break;
			}
		}
	}
}
