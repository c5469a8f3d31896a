// SPDX-License-Identifier: Apache-2.0
/* Apply fixes, re-analyse, repeat until the text is stable. */
#include <errno.h>
#include <string.h>

#include "fix_apply.h"
#include "fix_loop.h"

static size_t count_syntax_errors(const struct bc_unit *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++)
		n += u->diags.v[i].rule_id == BC_RULE_SYNTAX_ERROR;
	return n;
}

/* Did this pass make things worse than the text it started from? */
static bool pass_broke(const struct bc_unit *before, const struct bc_unit *after)
{
	return after->status || after->kind != before->kind ||
	       count_syntax_errors(after) > count_syntax_errors(before);
}

int bc_fix_loop(const struct bc_unit *u, bool unsafe, bc_fix_analyze_fn analyze, void *arg,
		struct bc_unit *out, struct bc_fix_stats *stats)
{
	const struct bc_unit *cur = u;
	struct bc_unit work = { 0 };
	bool have_work = false;
	int err = 0;

	memset(out, 0, sizeof(*out));
	memset(stats, 0, sizeof(*stats));
	for (;;) {
		struct bc_fixed fx;
		struct bc_unit next;

		err = bc_fix_apply(cur->data, cur->size, &cur->diags, cur->display_path, unsafe, &fx);
		if (err)
			break;
		stats->unsafe_hidden = fx.nr_unsafe_hidden;
		if (!fx.changed) {
			bc_fixed_free(&fx);
			stats->converged = true;
			break;
		}
		if (stats->passes == BC_FIX_MAX_PASSES) {
			bc_fixed_free(&fx);
			break;
		}
		err = bc_unit_load_mem(&next, cur->path, fx.data, fx.size);
		if (err && !next.status) {	/* out of memory before the unit existed */
			bc_fixed_free(&fx);
			bc_unit_free(&next);
			break;
		}
		err = 0;
		if (!next.status)
			analyze(&next, arg);
		if (pass_broke(cur, &next)) {
			bc_fixed_free(&fx);
			bc_unit_free(&next);
			stats->reverted = true;
			break;
		}
		stats->passes++;
		stats->applied += fx.nr_applied;
		bc_fixed_free(&fx);
		if (have_work)
			bc_unit_free(&work);
		work = next;
		have_work = true;
		cur = &work;
	}
	if (err) {
		if (have_work)
			bc_unit_free(&work);
		return err;
	}
	if (have_work) {
		stats->changed = work.size != u->size || memcmp(work.data, u->data, u->size);
		if (stats->changed)
			*out = work;	/* a stdin unit keeps "-" and "<stdin>" */
		else
			bc_unit_free(&work);	/* the passes came back to the input */
	}
	return 0;
}
