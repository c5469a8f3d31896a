// SPDX-License-Identifier: Apache-2.0
/*
 * The machine-readable report, schema "bpfcheck-report/1"
 * (docs/report-schema.md describes every field). Built with jansson; keys
 * come out in insertion order, pretty-printed with a 2-space indent.
 */
#include <errno.h>

#include "baseline.h"
#include "fingerprint.h"
#include "json_util.h"
#include "report_common.h"
#include "source.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"
#include "../rules/registry.h"

static json_t *target_json(const struct bc_target *t)
{
	if (!t)
		return json_null();
	return json_pack("{s:o, s:o, s:i, s:b}", "kernel", bc_json_str(t->kernel_str), "bpftrace",
			 bc_json_str(t->bpftrace_str), "stack_limit", t->stack_limit, "jit", t->jit);
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (bc_json_push(a, bc_json_str(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *slot_json(const struct bc_unit *u, const struct bc_slot *s)
{
	return json_pack("{s:o, s:o, s:I, s:o, s:o, s:b, s:b, s:o, s:s, s:I}",
			 "construct", bc_json_str(s->construct),
			 "name", bc_json_str(s->name),
			 "bytes", (json_int_t)s->bytes,
			 "path", bc_json_str(s->path ? s->path : u->display_path),
			 "span", bc_json_span(&s->span),
			 "live_at_peak", s->live_at_peak,
			 "script_dependent", s->script_dependent,
			 "origin", strings_json(s->origin, s->nr_origin),
			 "placement", s->placement == BC_PLACE_SCRATCH ? "scratch" : "stack",
			 "scratch_bytes", (json_int_t)s->scratch_bytes);
}

static json_t *stack_json(const struct bc_unit *u, const struct bc_func *f,
			  const struct bc_target *t)
{
	const struct bc_facts *facts = &u->facts;
	json_t *chain = json_array(), *frames = json_array(), *slots = json_array();

	for (size_t i = 0; chain && frames && i < f->nr_chain; i++) {
		const struct bc_func *c = &facts->funcs[f->chain[i]];
		json_int_t rounded = t ? (json_int_t)bc_target_round(t, c->frame_bytes)
				       : (json_int_t)c->frame_bytes;

		if (bc_json_push(chain, bc_json_str(c->name)) ||
		    bc_json_push(frames, json_integer(rounded)))
			goto oom;
	}
	for (size_t i = 0; slots && i < f->nr_slots; i++)
		if (bc_json_push(slots, slot_json(u, &f->slots[i])))
			goto oom;
	return json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:o}",
			 "bytes", (json_int_t)f->frame_bytes,
			 "limit", t ? json_integer(t->stack_limit) : json_null(),
			 "chain_bytes", (json_int_t)f->chain_bytes,
			 "chain", chain, "chain_frames", frames, "slots", slots,
			 "unattributed_bytes",
			 f->has_attribution ? json_integer(f->unattributed_bytes) : json_null());
oom:
	json_decref(chain);
	json_decref(frames);
	json_decref(slots);
	return NULL;
}

static json_t *source_json(const struct bc_unit *u, const struct bc_func *f)
{
	if (!f->src_span.line)
		return json_null();
	return json_pack("{s:o, s:o}", "path", bc_json_str(f->src_path ? f->src_path : u->display_path),
			 "span", bc_json_span(&f->src_span));
}

static json_t *program_json(const struct bc_unit *u, const struct bc_func *f,
			    const struct bc_target *t)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "name", bc_json_str(f->name),
			 "section", bc_json_str(f->section), "type", bc_json_str(f->prog_type),
			 "source", source_json(u, f), "stack", stack_json(u, f, t));
}

static json_t *subprogram_json(const struct bc_unit *u, const struct bc_func *f)
{
	return json_pack("{s:o, s:o, s:o, s:I, s:b}", "name", bc_json_str(f->name),
			 "section", bc_json_str(f->section), "source", source_json(u, f),
			 "bytes", (json_int_t)f->frame_bytes, "callback", f->is_callback);
}

static json_t *file_json(const struct bc_unit *u, const struct bc_target *t)
{
	json_t *progs = json_array(), *subs = json_array(), *file;

	for (size_t i = 0; progs && subs && i < u->facts.nr_funcs; i++) {
		const struct bc_func *f = &u->facts.funcs[i];

		if (f->is_entry ? bc_json_push(progs, program_json(u, f, t))
				: bc_json_push(subs, subprogram_json(u, f)))
			goto oom;
	}
	file = json_pack("{s:o, s:s, s:s}", "path", bc_json_str(u->display_path), "kind",
			 bc_kind_name(u->kind), "status", u->status ? "error" : "ok");
	if (!file)
		goto oom;
	if (u->status) {
		if (json_object_set_new(file, "error",
					bc_json_str(u->error ? u->error : "could not be processed")) ||
		    json_object_set_new(file, "error_span", bc_json_span(&u->error_span))) {
			json_decref(file);
			goto oom;
		}
	}
	if (json_object_set_new(file, "programs", progs) ||
	    json_object_set_new(file, "subprograms", subs)) {
		json_decref(file);
		return NULL;
	}
	return file;
oom:
	json_decref(progs);
	json_decref(subs);
	return NULL;
}

static json_t *edit_json(const struct bc_unit *u, const struct bc_edit *e)
{
	struct bc_span span = e->span;

	if (!span.line)
		bc_unit_locate(u, &span);
	return json_pack("{s:o, s:I, s:I, s:o}", "span", bc_json_span(&span), "start",
			 (json_int_t)e->span.start, "end", (json_int_t)e->span.end, "replacement",
			 bc_json_str(e->replacement));
}

static json_t *fix_json(const struct bc_unit *u, const struct bc_fix *fix)
{
	json_t *edits;

	if (!fix)
		return json_null();
	edits = json_array();
	for (size_t i = 0; edits && i < fix->nr_edits; i++)
		if (bc_json_push(edits, edit_json(u, &fix->edits[i]))) {
			json_decref(edits);
			return NULL;
		}
	return json_pack("{s:s, s:o, s:o}", "applicability",
			 fix->applicability == BC_FIX_UNSAFE ? "unsafe" : "safe", "title",
			 bc_json_str(fix->title), "edits", edits);
}

static json_t *diag_json(struct bc_sources *src, const struct bc_unit *u, const struct bc_diag *d)
{
	const char *path = d->path ? d->path : u->display_path;
	json_t *notes = json_array();
	char fp[24];

	bc_fingerprint_hex(fp, sizeof(fp), bc_diag_fingerprint(src, u, d));

	for (size_t i = 0; notes && i < d->nr_notes; i++) {
		const struct bc_note *n = &d->notes[i];

		if (bc_json_push(notes, json_pack("{s:o, s:o, s:o}", "message", bc_json_str(n->message),
						  "path", bc_json_str(n->path ? n->path : path),
						  "span", bc_json_span(&n->span)))) {
			json_decref(notes);
			return NULL;
		}
	}
	const struct bc_rule *rule = bc_rule_get(d->rule_id);

	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o}", "rule", rule->code, "name",
			 rule->name, "severity", bc_report_severity(d->severity), "message",
			 bc_json_str(d->message), "path", bc_json_str(path), "span",
			 bc_json_span(&d->span), "fingerprint", fp, "notes", notes, "fix",
			 fix_json(u, d->fix));
}

static json_t *report_json(const struct bc_run *run, struct bc_sources *src)
{
	const struct bc_target *t = bc_run_target(run);
	json_t *files = json_array(), *diags = json_array();
	struct bc_summary s;

	for (size_t i = 0; files && diags && i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (bc_json_push(files, file_json(u, t)))
			goto oom;
		for (size_t j = 0; j < u->diags.n; j++)
			if (bc_diag_reported(&u->diags.v[j]) &&
			    bc_json_push(diags, diag_json(src, u, &u->diags.v[j])))
				goto oom;
	}
	bc_run_summary(run, &s);
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
			 "schema", BC_REPORT_SCHEMA, "tool", "name", "bpfcheck", "version",
			 BC_VERSION, "target", target_json(t), "files", files, "diagnostics", diags,
			 "summary", "files", (json_int_t)s.files, "errors", (json_int_t)s.errors,
			 "warnings", (json_int_t)s.warnings, "notes", (json_int_t)s.notes,
			 "failed_files", (json_int_t)s.failed_files, "baseline",
			 run->baseline ? bc_baseline_json(run->baseline) : json_null());
oom:
	json_decref(files);
	json_decref(diags);
	return NULL;
}

static int report(FILE *out, const struct bc_run *run)
{
	struct bc_sources src;
	json_t *root;
	int err;

	bc_sources_init(&src, run);
	root = report_json(run, &src);
	bc_sources_free(&src);
	if (!root)
		return -ENOMEM;
	err = bc_json_write(out, root);
	json_decref(root);
	return err;
}

const struct bc_reporter bc_reporter_json = {
	.name = "json",
	.report = report,
};
