// SPDX-License-Identifier: Apache-2.0
/* Folding a rule's findings at one source location into one (group.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "../base/sbuf.h"
#include "../core/diag.h"
#include "../core/unit.h"

static bool same_place(const struct bc_diag *a, const struct bc_diag *b)
{
	if (a->rule_id != b->rule_id || a->suppressed != b->suppressed || !a->span.line)
		return false;
	if (a->span.start != b->span.start || a->span.end != b->span.end ||
	    a->span.line != b->span.line || a->span.col != b->span.col)
		return false;
	return !strcmp(a->path ? a->path : "", b->path ? b->path : "");
}

/* The program of U whose quoted name MSG mentions ("... in 'kprobe:f': ..."). */
static const char *program_in(const struct bc_unit *u, const char *msg)
{
	const char *best = NULL;

	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		const char *n = u->facts.funcs[i].name;
		const char *p = n ? strstr(msg, n) : NULL;
		size_t len = n ? strlen(n) : 0;

		if (p && p > msg && p[-1] == '\'' && p[len] == '\'' && (!best || len > strlen(best)))
			best = n;
	}
	return best;
}

/* MSG with its first mention of NAME cut out: what two findings about two
 * programs share when they say the same thing. Heap string. */
static char *without(const char *msg, const char *name)
{
	const char *p = name ? strstr(msg, name) : NULL;
	struct bc_sbuf b = { 0 };

	if (!p)
		return strdup(msg);
	bc_sbuf_putn(&b, msg, p - msg);
	bc_sbuf_puts(&b, p + strlen(name));
	return bc_sbuf_finish(&b);
}

static int fold(struct bc_unit *u, struct bc_diag *keep, struct bc_diag *dup)
{
	const char *kp = program_in(u, keep->message), *dp = program_in(u, dup->message);
	char *a = without(keep->message, kp), *b = without(dup->message, dp);
	int err;

	if (!a || !b)
		err = -ENOMEM;
	else if (dp && !strcmp(a, b))
		err = bc_diag_note(keep, NULL, NULL, "the same in '%s' (another attach point of this probe)", dp);
	else
		err = bc_diag_note(keep, NULL, NULL, "also: %s", dup->message);
	free(a);
	free(b);
	return err;
}

int bc_group_findings(struct bc_unit *u)
{
	struct bc_diags *d = &u->diags;
	size_t k = 0;
	int err = 0;

	for (size_t i = 0; i < d->n; i++) {
		size_t j;

		for (j = 0; j < k && !same_place(&d->v[j], &d->v[i]); j++)
			;
		if (j == k) {
			if (k != i)
				d->v[k] = d->v[i];
			k++;
			continue;
		}
		if (!err)
			err = fold(u, &d->v[j], &d->v[i]);
		if (d->v[i].severity > d->v[j].severity)
			d->v[j].severity = d->v[i].severity;
		bc_diag_clear(&d->v[i]);
	}
	d->n = k;
	return err;
}
