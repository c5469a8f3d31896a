// SPDX-License-Identifier: Apache-2.0
/*
 * BC210 script-dependent-alloca and BC211 scratch-map-candidate on facts
 * built by hand (what the script compile step produces): grouping by the
 * source of the bytes, thresholds, the peak recomputed from the live sets,
 * and the 0.22+ scratch-cost report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "rules/slot_origins.h"

static const char script[] =
	"kprobe:f {\n"
	"  $s = str(arg1);\n"
	"  @a[comm, $s] = count();\n"
	"  printf(\"%s %s\\n\", $s, comm);\n"
	"}\n";

static struct bc_span at(const char *needle)
{
	const char *p = strstr(script, needle), *l = script;
	struct bc_span s = { 0 };

	assert_non_null(p);
	s.line = 1;
	for (const char *q = script; q < p; q++)
		if (*q == '\n') {
			s.line++;
			l = q + 1;
		}
	s.start = (uint32_t)(p - script);
	s.end = s.start + (uint32_t)strlen(needle);
	s.col = (uint32_t)(p - l) + 1;
	s.end_line = s.line;
	s.end_col = s.col + (uint32_t)strlen(needle) - 1;
	return s;
}

struct fx {
	struct bc_unit u;
	struct bc_target t;
};

static void slot(struct bc_func *f, const char *construct, const char *name, uint32_t bytes,
		 const char *where, bool dep, bool live, const char *source)
{
	struct bc_slot *s = &f->slots[f->nr_slots++];

	s->construct = strdup(construct);
	s->name = name ? strdup(name) : NULL;
	s->bytes = bytes;
	s->span = at(where);
	s->script_dependent = dep;
	s->live_at_peak = live;
	if (source) {
		s->sources = calloc(1, sizeof(*s->sources));
		s->sources[0] = at(source);
		s->nr_sources = 1;
		s->origin = calloc(1, sizeof(*s->origin));
		s->origin[0] = strdup("str at 2:8");
		s->nr_origin = 1;
	}
}

static void live_set(struct bc_func *f, const uint32_t *ids, size_t n)
{
	struct bc_live_set *ls = &f->live_sets[f->nr_live_sets++];

	ls->slots = malloc(n * sizeof(*ls->slots));
	memcpy(ls->slots, ids, n * sizeof(*ids));
	ls->nr = n;
}

/* kprobe:f with bpftrace 0.17's slots: str, $s, comm, the key, printf args. */
static void setup_facts(struct fx *x, int limit, const char *bpftrace)
{
	struct bc_func *f;
	static const uint32_t s0[] = { 0, 5 }, s1[] = { 1, 2, 3 }, s2[] = { 1, 4 };

	memset(x, 0, sizeof(*x));
	assert_int_equal(bc_target_init(&x->t), 0);
	x->t.stack_limit = limit;
	assert_int_equal(bc_target_set_bpftrace(&x->t, bpftrace), 0);
	assert_int_equal(bc_unit_load_mem(&x->u, "f.bt", script, strlen(script)), 0);
	x->u.facts.funcs = calloc(1, sizeof(*x->u.facts.funcs));
	x->u.facts.nr_funcs = 1;
	f = &x->u.facts.funcs[0];
	f->name = strdup("kprobe:f");
	f->is_entry = true;
	f->frame_bytes = 176;
	f->src_span = at("kprobe:f");
	f->has_attribution = true;
	f->slots = calloc(8, sizeof(*f->slots));
	slot(f, "str", NULL, 64, "str(arg1)", true, false, "str(arg1)");
	slot(f, "variable", "$s", 64, "$s", true, true, "str(arg1)");
	slot(f, "comm", NULL, 16, "comm", false, true, NULL);
	slot(f, "map-key", "@a", 80, "[comm, $s]", true, true, "str(arg1)");
	slot(f, "printf-args", "printf", 88, "printf(", true, false, "str(arg1)");
	slot(f, "strlen", NULL, 8, "str(arg1)", false, false, NULL);
	f->live_sets = calloc(3, sizeof(*f->live_sets));
	live_set(f, s0, 2);
	live_set(f, s1, 3);
	live_set(f, s2, 2);
	f->slot_peak_bytes = 160;
	f->unattributed_bytes = 16;
}

static void teardown(struct fx *x)
{
	bc_unit_free(&x->u);
	bc_target_free(&x->t);
}

static int run_rule(struct fx *x, const char *code)
{
	struct bc_rule_ctx ctx = { .unit = &x->u, .target = &x->t, .diags = &x->u.diags };

	ctx.rule = bc_rule_find(code);
	assert_non_null(ctx.rule);
	return ctx.rule->check(&ctx);
}

static void test_peak_without(void **state)
{
	struct fx x;
	bool ex[6] = { 0 };
	const struct bc_func *f;

	(void)state;
	setup_facts(&x, 512, "0.17");
	f = &x.u.facts.funcs[0];
	assert_int_equal(bc_peak_without(f, NULL), 160);
	/* the key alone: the peak moves to $s + printf args */
	ex[3] = true;
	assert_int_equal(bc_peak_without(f, ex), 152);
	/* a slot not live at the peak saves nothing */
	memset(ex, 0, sizeof(ex));
	ex[4] = true;
	assert_int_equal(bc_peak_without(f, ex), 160);
	/* no live sets: unknown */
	{
		struct bc_func g = { 0 };

		assert_int_equal(bc_peak_without(&g, NULL), -1);
	}
	teardown(&x);
}

static void test_groups(void **state)
{
	struct fx x;
	struct bc_origin_group *g;
	size_t n;
	char *label;

	(void)state;
	setup_facts(&x, 512, "0.17");
	assert_int_equal(bc_origin_groups(&x.u.facts.funcs[0], NULL, &g, &n), 0);
	assert_int_equal(n, 3);	/* str and its copies, comm, strlen */
	assert_int_equal(g[0].nr, 4);
	assert_int_equal(g[0].bytes, 64 + 64 + 80 + 88);
	assert_int_equal(g[0].copy_bytes, 64 + 80 + 88);
	assert_int_equal(g[0].live_bytes, 64 + 80);
	assert_ptr_equal(g[0].source, &x.u.facts.funcs[0].slots[0]);
	assert_int_equal(bc_origin_copies(&g[0]), 3);
	label = bc_origin_label(&x.u, &x.u.facts.funcs[0], &g[0]);
	assert_string_equal(label, "'str(arg1)' at 2:8");
	free(label);
	label = bc_origin_label(&x.u, &x.u.facts.funcs[0], &g[1]);
	assert_string_equal(label, "'comm' at 3:6");
	free(label);
	bc_origin_groups_free(g, n);
	teardown(&x);
}

/* A key holding two sources belongs to both groups and says so. */
static void test_shared_copy(void **state)
{
	struct fx x;
	struct bc_origin_group *g;
	struct bc_slot *key;
	size_t n;

	(void)state;
	setup_facts(&x, 512, "0.17");
	key = &x.u.facts.funcs[0].slots[3];
	key->sources = realloc(key->sources, 2 * sizeof(*key->sources));
	key->sources[1] = at("comm");
	key->nr_sources = 2;
	assert_int_equal(bc_origin_groups(&x.u.facts.funcs[0], NULL, &g, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(g[0].nr, 4);		/* str, $s, key, printf */
	assert_int_equal(g[1].nr, 2);		/* comm (its source) and the key */
	assert_ptr_equal(g[1].source, &x.u.facts.funcs[0].slots[2]);
	assert_int_equal(g[1].copy_bytes, 80);
	bc_origin_groups_free(g, n);
	assert_int_equal(run_rule(&x, "BC210"), 0);
	/* comm is copied once (into the key): never reported (docs/rules/BC210.md) */
	assert_int_equal(x.u.diags.n, 1);
	assert_string_equal(x.u.diags.v[0].notes[2].message,
			    "80 bytes: map-key @a, live at the peak, shared with 1 other source");
	teardown(&x);
}

static void test_bc210_copies(void **state)
{
	struct fx x;
	const struct bc_diag *d;

	(void)state;
	setup_facts(&x, 512, "0.17");
	assert_int_equal(run_rule(&x, "BC210"), 0);
	/* one finding: the str() and its three copies; comm and strlen are
	 * not script-sized */
	assert_int_equal(x.u.diags.n, 1);
	d = &x.u.diags.v[0];
	assert_string_equal(bc_rule_get(d->rule_id)->code, "BC210");
	assert_int_equal(d->span.line, 2);
	assert_int_equal(d->span.col, 8);
	assert_string_equal(d->message,
			    "'str(arg1)' at 2:8 is copied into 3 stack slots in 'kprobe:f': "
			    "296 bytes in all, 144 live at the peak");
	assert_int_equal(d->nr_notes, 5);
	/* in source order */
	assert_string_equal(d->notes[0].message, "64 bytes: variable $s, live at the peak");
	assert_int_equal(d->notes[0].span.line, 2);
	assert_int_equal(d->notes[0].span.col, 3);
	assert_string_equal(d->notes[1].message, "64 bytes: str (the source)");
	assert_string_equal(d->notes[2].message, "80 bytes: map-key @a, live at the peak");
	assert_string_equal(d->notes[3].message, "88 bytes: printf-args printf");
	assert_string_equal(d->notes[4].message, "232 bytes are copies of the source");
	teardown(&x);
}

/*
 * The default thresholds (docs/rules/BC210.md): three copies far from the
 * limit are a note, near it a warning; one copy is never reported, even
 * near the limit; two copies under 64 bytes far from it are quiet.
 */
static void test_bc210_threshold(void **state)
{
	struct fx x;
	struct bc_func *f;

	(void)state;
	setup_facts(&x, 512, "0.17");
	f = &x.u.facts.funcs[0];
	assert_int_equal(run_rule(&x, "BC210"), 0);
	assert_int_equal(x.u.diags.n, 1);
	assert_int_equal(x.u.diags.v[0].severity, BC_SEV_NOTE);
	bc_diags_free(&x.u.diags);
	/* near the limit (176 > 80% of 200), live at the peak: a warning */
	x.t.stack_limit = 200;
	assert_int_equal(run_rule(&x, "BC210"), 0);
	assert_int_equal(x.u.diags.n, 1);
	assert_int_equal(x.u.diags.v[0].severity, BC_SEV_WARNING);
	bc_diags_free(&x.u.diags);
	/* only the str() and $s remain script-sized: one copy, nothing */
	f->slots[3].script_dependent = false;
	f->slots[4].script_dependent = false;
	assert_int_equal(run_rule(&x, "BC210"), 0);
	assert_int_equal(x.u.diags.n, 0);
	/* two copies of 24 bytes each, far from the limit: quiet */
	x.t.stack_limit = 512;
	f->slots[3].script_dependent = true;
	f->slots[1].bytes = 24;
	f->slots[3].bytes = 24;
	assert_int_equal(run_rule(&x, "BC210"), 0);
	assert_int_equal(x.u.diags.n, 0);
	/* slots in scratch storage are not on the stack: back to one copy */
	f->slots[1].bytes = 64;
	f->slots[3].bytes = 80;
	f->slots[3].placement = BC_PLACE_SCRATCH;
	x.t.stack_limit = 200;
	assert_int_equal(run_rule(&x, "BC210"), 0);
	assert_int_equal(x.u.diags.n, 0);
	teardown(&x);
}

static void test_bc211_saving(void **state)
{
	struct fx x;
	const struct bc_diag *d;

	(void)state;
	/* far from the limit: nothing to suggest */
	setup_facts(&x, 512, "0.17");
	assert_int_equal(run_rule(&x, "BC211"), 0);
	assert_int_equal(x.u.diags.n, 0);
	teardown(&x);

	/* limit 200: frame 176 is near it. The str() group saves 144 (the
	 * peak falls to comm's 16); comm alone saves 8 (< 32): not listed */
	setup_facts(&x, 200, "0.17");
	assert_int_equal(run_rule(&x, "BC211"), 0);
	assert_int_equal(x.u.diags.n, 1);
	d = &x.u.diags.v[0];
	assert_int_equal(d->severity, BC_SEV_NOTE);
	assert_string_equal(d->message,
			    "moving 'str(arg1)' at 2:8 and its copies to scratch storage would save "
			    "144 of the 160 slot bytes at the peak of 'kprobe:f' (frame 176, about 32 after)");
	assert_int_equal(d->nr_notes, 5);
	assert_non_null(strstr(d->notes[4].message, "on_stack_limit"));
	teardown(&x);
}

static void test_bc211_scratch_cost(void **state)
{
	struct fx x;
	struct bc_func *f;
	const struct bc_diag *d;

	(void)state;
	setup_facts(&x, 512, "0.22");
	f = &x.u.facts.funcs[0];
	/* 0.22: the str(), $s, the key and the printf args are in scratch */
	for (int i = 0; i < 5; i++) {
		if (i == 2)
			continue;
		f->slots[i].scratch_bytes = f->slots[i].bytes;
		f->slots[i].bytes = 0;
		f->slots[i].placement = BC_PLACE_SCRATCH;
	}
	f->frame_bytes = 40;
	/* 40 + 296 = 336: within 80% of 512, not worth a word */
	assert_int_equal(run_rule(&x, "BC211"), 0);
	assert_int_equal(x.u.diags.n, 0);
	/* a 400-byte scratch key: without scratch it would be near the limit */
	f->slots[3].scratch_bytes = 400;
	assert_int_equal(run_rule(&x, "BC211"), 0);
	assert_int_equal(x.u.diags.n, 1);
	d = &x.u.diags.v[0];
	assert_string_equal(d->message,
			    "'kprobe:f' keeps 4 temporaries (616 bytes) in scratch buffers, off the "
			    "stack: its frame is 40 bytes, and the buffers cost 616 bytes of memory per CPU");
	assert_int_equal(d->nr_notes, 4);
	assert_string_equal(d->notes[2].message, "400 bytes per CPU: map-key @a");
	/* the same facts for an IR input: stack generation, no scratch report */
	bc_diags_free(&x.u.diags);
	x.u.kind = BC_KIND_LLVM_IR;
	assert_int_equal(run_rule(&x, "BC211"), 0);
	assert_int_equal(x.u.diags.n, 0);
	teardown(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peak_without),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_shared_copy),
		cmocka_unit_test(test_bc210_copies),
		cmocka_unit_test(test_bc210_threshold),
		cmocka_unit_test(test_bc211_saving),
		cmocka_unit_test(test_bc211_scratch_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
