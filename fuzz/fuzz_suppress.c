// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for suppression comments (analyzer/driver/suppress.h):
 * scan arbitrary bytes for directives, then analyse them as a script
 * (fuzz_analysis.h), which applies the directives and reports the unused
 * and unknown ones. Checked:
 *
 *  - every directive, code and malformed comment the scan returns lies in
 *    the text, in the comment it came from, on the line it says, and its
 *    target line follows the scope's rule (file: none; disable=: its own
 *    line or a later one; disable-next-line=: a later one);
 *  - a suppressed diagnostic is covered by a known code matching its rule,
 *    in a file directive or a line directive aimed at its first line;
 *  - a script that does not parse is never checked clean: the analysis
 *    fails (docs/suppressions.md), whatever the directives say;
 *  - the reports about directives (BC103, BC104) point into the text and
 *    their fixes edit only it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/core/unit.h"
#include "analyzer/driver/driver.h"
#include "analyzer/driver/suppress.h"
#include "analyzer/script/parser.h"
#include "fuzz_analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct bc_unit *u, uint32_t at)
{
	fprintf(stderr, "%s (at byte %u):\n%.*s\n", what, at, (int)u->size,
		(const char *)u->data);
	abort();
}

/* The 1-based line of byte OFF. */
static uint32_t line_of(const struct bc_unit *u, uint32_t off)
{
	uint32_t l = 0;

	while (l + 1 < u->nr_lines && u->line_starts[l + 1] <= off)
		l++;
	return l + 1;
}

static void check_scan(const struct bc_unit *u, const struct bc_supps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct bc_supp *sp = &s->v[i];

		if (sp->start >= sp->end || sp->end > u->size)
			fail("directive outside the text", u, sp->start);
		if (sp->line != line_of(u, sp->start))
			fail("directive on the wrong line", u, sp->start);
		if (!sp->nr_codes)
			fail("directive without codes", u, sp->start);
		switch (sp->scope) {
		case BC_SUPP_FILE:
			if (sp->target)
				fail("file directive with a target line", u, sp->start);
			break;
		case BC_SUPP_LINE:
			if (sp->target && sp->target < sp->line)
				fail("disable= aimed before its line", u, sp->start);
			break;
		case BC_SUPP_NEXT_LINE:
			if (sp->target && sp->target <= sp->line)
				fail("disable-next-line= aimed at or before its line", u, sp->start);
			break;
		}
		if (sp->target > u->nr_lines)
			fail("target line past the end", u, sp->start);
		for (size_t k = 0; k < sp->nr_codes; k++) {
			const struct bc_supp_code *c = &sp->codes[k];

			if (c->start >= c->end || c->start < sp->start || c->end > sp->end)
				fail("code outside its comment", u, c->start);
			if (strlen(c->pattern) != c->end - c->start ||
			    memcmp(c->pattern, u->data + c->start, c->end - c->start))
				fail("code text differs from the text at its span", u, c->start);
		}
	}
	for (size_t i = 0; i < s->nr_bad; i++)
		if (s->bad[i].start >= s->bad[i].end || s->bad[i].end > u->size ||
		    !s->bad[i].message || !*s->bad[i].message)
			fail("malformed directive report out of the text or without a message", u,
			     s->bad[i].start);
}

static bool covered(const struct bc_supps *s, const struct bc_diag *d)
{
	const struct bc_rule *r = bc_rule_get(d->rule_id);

	for (size_t i = 0; i < s->n; i++) {
		const struct bc_supp *sp = &s->v[i];

		if (sp->scope != BC_SUPP_FILE && (!d->span.line || sp->target != d->span.line))
			continue;
		for (size_t k = 0; k < sp->nr_codes; k++)
			if (sp->codes[k].known && bc_rule_matches(r, sp->codes[k].pattern))
				return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bc_analysis *a = fuzz_analysis(size ? data[0] : 0);
	struct bc_parse_opts po = { .bpftrace = a->target->bpftrace };
	struct bc_script *s = NULL;
	struct bc_unit u, p;
	struct bc_supps supps;
	bool parses;
	int err;

	if (bc_unit_load_mem(&u, "fuzz.bt", data, size) == -ENOMEM)
		return 0;
	if (u.kind != BC_KIND_SCRIPT)
		goto out;
	if (bc_suppress_scan(u.data, u.size, u.line_starts, u.nr_lines, &supps))
		goto out;
	check_scan(&u, &supps);

	/* does it parse, on its own? */
	if (bc_unit_load_mem(&p, "fuzz.bt", data, size) == -ENOMEM) {
		bc_supps_free(&supps);
		goto out;
	}
	parses = bc_script_parse(&p, &po, &s) == 0 && s && !s->nr_errors;
	bc_script_free(s);
	bc_unit_free(&p);

	err = bc_analyze_unit(&u, a);
	if (!parses && !err)
		fail("a script that does not parse was checked", &u, 0);
	for (size_t i = 0; i < u.diags.n; i++) {
		const struct bc_diag *d = &u.diags.v[i];
		enum bc_rule_id id = d->rule_id;

		if (d->suppressed && !covered(&supps, d))
			fail("suppressed without a directive covering it", &u, d->span.start);
		if (id != BC_RULE_UNUSED_SUPPRESSION && id != BC_RULE_UNKNOWN_SUPPRESSION)
			continue;
		if (d->span.start > d->span.end || d->span.end > u.size)
			fail("directive report outside the text", &u, d->span.start);
		if (d->fix)
			for (size_t k = 0; k < d->fix->nr_edits; k++)
				if (d->fix->edits[k].span.start > d->fix->edits[k].span.end ||
				    d->fix->edits[k].span.end > u.size)
					fail("directive fix edits outside the text", &u,
					     d->fix->edits[k].span.start);
	}
	bc_supps_free(&supps);
out:
	bc_unit_free(&u);
	return 0;
}
