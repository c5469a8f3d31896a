// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck emit [OPTIONS] PATH -o OUT.o: a BPF object libbpf loads, with
 * the fixes applied (analyzer/emit/emit.h, docs/emit.md). The input is
 * checked first: a script with errors (syntax, semantic, map), or C that
 * clang refuses, is reported and nothing is written (exit 2). The object, and the IR with
 * --emit-llvm, are written atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "../analyzer/driver/driver.h"
#include "../analyzer/emit/emit.h"
#include "../analyzer/core/unit.h"
#include "../reporters/reporter.h"
#include "../rules/registry.h"

static int parse_emit_opts(struct bc_options *o, struct bc_emit_opts *eo)
{
	memset(eo, 0, sizeof(*eo));
	eo->tracefs = o->tracefs;
	eo->want_ir = o->emit_llvm != NULL;
	if (!o->scratch || !strcmp(o->scratch, "flagged"))
		eo->scratch = BC_EMIT_SCRATCH_FLAGGED;
	else if (!strcmp(o->scratch, "all"))
		eo->scratch = BC_EMIT_SCRATCH_ALL;
	else if (!strcmp(o->scratch, "none"))
		eo->scratch = BC_EMIT_SCRATCH_NONE;
	else {
		bc_err(o, "--scratch takes flagged, all or none, not '%s'", o->scratch);
		return BC_EXIT_USAGE;
	}
	if (o->scratch_threshold) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(o->scratch_threshold, &end, 10);
		if (errno || end == o->scratch_threshold || *end || !v || v > (1u << 20)) {
			bc_err(o, "--scratch-threshold takes a byte count from 1 to 1048576, not '%s'",
			       o->scratch_threshold);
			return BC_EXIT_USAGE;
		}
		eo->scratch_threshold = v;
	}
	return 0;
}

/* Findings that stop emit: errors other than the stack ones it fixes. */
static bool blocking(const struct bc_unit *u)
{
	for (size_t i = 0; i < u->diags.n; i++) {
		const struct bc_diag *d = &u->diags.v[i];

		if (d->severity == BC_SEV_ERROR && !d->suppressed &&
		    !bc_rule_get(d->rule_id)->needs_stack_facts)
			return true;
	}
	return false;
}

static void report_errors(struct bc_options *o, struct bc_unit *u)
{
	const struct bc_reporter *rep = bc_reporter_find("gcc");
	struct bc_run run = { .units = &u, .nr_units = 1, .target = &o->target,
			      .command = "emit" };
	size_t w = 0;

	/* only the errors: they are why nothing was written */
	for (size_t i = 0; i < u->diags.n; i++) {
		if (u->diags.v[i].severity == BC_SEV_ERROR)
			u->diags.v[w++] = u->diags.v[i];
		else
			bc_diag_clear(&u->diags.v[i]);
	}
	u->diags.n = w;
	if (rep)
		rep->report(stderr, &run);
}

static void unit_error(struct bc_options *o, const struct bc_unit *u)
{
	if (u->error_span.line)
		bc_err(o, "%s:%u:%u: %s", u->display_path, u->error_span.line,
		       u->error_span.col, u->error ? u->error : "cannot emit");
	else
		bc_err(o, "%s: %s", u->display_path, u->error ? u->error : "cannot emit");
}

static const char *map_type_name(int type)
{
	switch (type) {
	case 1: return "hash";
	case 2: return "array";
	case 4: return "perf_event_array";
	case 5: return "percpu_hash";
	case 6: return "percpu_array";
	case 7: return "stack_trace";
	default: return "other";
	}
}

static void print_text(const struct bc_options *o, const struct bc_unit *u,
		       const struct bc_emit_result *r)
{
	printf("%s -> %s: %zu program%s, %zu map%s\n", u->display_path, o->output, r->nr_progs,
	       r->nr_progs == 1 ? "" : "s", r->nr_maps, r->nr_maps == 1 ? "" : "s");
	for (size_t i = 0; i < r->nr_progs; i++) {
		const struct bc_emit_prog *p = &r->progs[i];

		printf("  %s (%s): section %s, stack %u -> %u bytes", p->name, p->probe, p->section,
		       p->stack_before, p->stack_after);
		if (p->nr_moved)
			printf(", %zu slot%s moved to scratch (%u bytes)", p->nr_moved,
			       p->nr_moved == 1 ? "" : "s", p->scratch_bytes);
		putchar('\n');
		for (size_t k = 0; k < p->nr_moved; k++) {
			const struct bc_emit_moved *m = &p->moved[k];

			printf("    moved %s", m->what);
			if (m->span.line)
				printf(" at %u:%u", m->span.line, m->span.col);
			printf(": %u bytes at offset %u\n", m->bytes, m->offset);
		}
	}
	for (size_t i = 0; i < r->nr_maps; i++) {
		const struct bc_emit_map *m = &r->maps[i];

		printf("  map %s%s%s%s: %s, key %u, value %u, entries %u\n", m->name,
		       m->origin ? " (" : "", m->origin ? m->origin : "", m->origin ? ")" : "",
		       map_type_name(m->type), m->key_size, m->value_size, m->max_entries);
	}
	if (r->nr_len_kfunc || r->nr_len_loop)
		printf("  len(): %zu through bpf_map_sum_elem_count, %zu left as bpf_for_each_map_elem\n",
		       r->nr_len_kfunc, r->nr_len_loop);
}

static json_t *span_json(const struct bc_span *s)
{
	if (!s->line)
		return json_null();
	return json_pack("{s:i,s:i}", "line", (json_int_t)s->line, "col", (json_int_t)s->col);
}

static int print_json(const struct bc_options *o, const struct bc_unit *u,
		      const struct bc_emit_result *r)
{
	json_t *progs = json_array(), *maps = json_array(), *top;

	for (size_t i = 0; i < r->nr_progs; i++) {
		const struct bc_emit_prog *p = &r->progs[i];
		json_t *moved = json_array();

		for (size_t k = 0; k < p->nr_moved; k++)
			json_array_append_new(moved, json_pack("{s:s,s:o,s:i,s:i}", "what",
							       p->moved[k].what, "span",
							       span_json(&p->moved[k].span), "bytes",
							       (json_int_t)p->moved[k].bytes, "offset",
							       (json_int_t)p->moved[k].offset));
		json_array_append_new(progs, json_pack("{s:s,s:s,s:s,s:o,s:i,s:i,s:i,s:o}",
						       "name", p->name, "probe", p->probe,
						       "section", p->section, "span", span_json(&p->span),
						       "stack_before", (json_int_t)p->stack_before,
						       "stack_after", (json_int_t)p->stack_after,
						       "scratch_bytes", (json_int_t)p->scratch_bytes,
						       "moved", moved));
	}
	for (size_t i = 0; i < r->nr_maps; i++) {
		const struct bc_emit_map *m = &r->maps[i];

		json_array_append_new(maps, json_pack("{s:s,s:o,s:s,s:i,s:i,s:i}", "name", m->name,
						      "origin", m->origin ? json_string(m->origin) :
						      json_null(), "type", map_type_name(m->type),
						      "key_size", (json_int_t)m->key_size,
						      "value_size", (json_int_t)m->value_size,
						      "max_entries", (json_int_t)m->max_entries));
	}
	top = json_pack("{s:s,s:s,s:s?,s:o,s:o,s:{s:i,s:i}}", "input", u->display_path,
			"output", o->output, "llvm", o->emit_llvm, "programs", progs, "maps", maps,
			"len", "kfunc", (json_int_t)r->nr_len_kfunc, "loop",
			(json_int_t)r->nr_len_loop);
	if (!top)
		return -ENOMEM;
	json_dumpf(top, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(top);
	return 0;
}

int bc_cmd_emit(struct bc_options *o)
{
	struct bc_emit_result r = { 0 };
	struct bc_emit_opts eo;
	struct bc_analysis a;
	struct bc_unit u = { 0 };
	char *why = NULL;
	int ret;

	if (o->nr_paths != 1) {
		bc_err(o, "'emit' takes one input (a bpftrace script, LLVM IR or BPF C)");
		return BC_EXIT_USAGE;
	}
	if (!o->output) {
		bc_err(o, "'emit' needs the object to write: -o OUT.o");
		return BC_EXIT_USAGE;
	}
	ret = parse_emit_opts(o, &eo);
	if (!ret && !(ret = bc_refuse_output(o, "-o", o->output, o->paths[0])))
		ret = bc_refuse_output(o, "--emit-llvm", o->emit_llvm, o->paths[0]);
	if (ret)
		return ret;
	bc_target_resolve_bpftrace(&o->target);
	ret = bc_options_analysis(o, &a);
	if (ret) {
		bc_err(o, "%s", strerror(-ret));
		return BC_EXIT_INPUT;
	}
	a.aot = false;	/* the object is for libbpf, not bpftrace --aot: no BC404 */
	eo.analysis = &a;
	bc_unit_load(&u, o->paths[0]);
	if (!u.status)
		bc_analyze_unit(&u, &a);
	if (u.status) {
		unit_error(o, &u);
		bc_unit_free(&u);
		return BC_EXIT_INPUT;
	}
	if (blocking(&u)) {
		report_errors(o, &u);
		bc_err(o, "%s has errors: nothing was written", u.display_path);
		bc_unit_free(&u);
		return BC_EXIT_INPUT;
	}
	if (bc_emit_unit(&u, &o->target, &eo, &r)) {
		unit_error(o, &u);
		bc_unit_free(&u);
		return BC_EXIT_INPUT;
	}
	ret = bc_write_atomic(o->output, r.obj, r.obj_size, &why);
	if (!ret && o->emit_llvm)
		ret = bc_write_atomic(o->emit_llvm, r.ir, strlen(r.ir), &why);
	if (ret) {
		bc_err(o, "%s", why ? why : strerror(-ret));
		free(why);
		ret = BC_EXIT_INPUT;
	} else if (!strcmp(o->format, "json")) {
		ret = print_json(o, &u, &r) ? BC_EXIT_INPUT : BC_EXIT_OK;
	} else {
		print_text(o, &u, &r);
		ret = BC_EXIT_OK;
	}
	bc_emit_result_free(&r);
	bc_unit_free(&u);
	return ret;
}
