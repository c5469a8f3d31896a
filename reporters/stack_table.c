// SPDX-License-Identifier: Apache-2.0
/*
 * The human table of `bpfcheck stack` (format "table"): per file, per
 * program, the frame, the deepest call chain under the kernel model, the
 * limit and a verdict; under each program with attribution the slots live
 * at the peak (largest first), the unattributed bytes, and the slots placed
 * in scratch storage with their memory cost.
 *
 *   target: kernel 6.18 (JIT), bpftrace 0.17.0, stack limit 512 bytes
 *
 *   probe.bt (script)
 *     program         section   frame  chain  limit  verdict  call chain
 *     kprobe:f        s_f_1       520    528    512  OVER     kprobe:f (528)
 *       bytes  construct  name  source
 *         256  map-key    @x    probe.bt:3:5
 *       unattributed 200 bytes
 *
 * Probes of a script that have no figure (BC205: a construct the code
 * generation model does not cover) are listed under the file with the
 * reason, and counted in the summary line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "report_common.h"
#include "utf8.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"
#include "../rules/registry.h"

enum verdict { V_OK, V_NEAR, V_OVER };

static const char *const verdict_names[] = { "ok", "near", "OVER" };

struct table_ctx {
	FILE *out;
	const struct bc_run *run;
	const struct bc_target *target;
	int limit;
	size_t programs, over, near;
	size_t unfigured;	/* probes without a stack figure (BC205) */
	bool private_frames;	/* some chain has frames on a private stack */
	int err;
};

static enum verdict verdict_of(const struct table_ctx *c, const struct bc_unit *u,
			       const struct bc_func *f)
{
	uint32_t peak = f->chain_bytes > f->frame_bytes ? f->chain_bytes : f->frame_bytes;

	/* IR and C: LLVM refuses a frame at the limit (bc_kind_refused_frame) */
	if ((int)f->frame_bytes >= bc_kind_refused_frame(u->kind, c->limit) ||
	    (int)f->chain_bytes > c->limit || f->nr_issues)
		return V_OVER;
	if ((int64_t)peak * 100 > (int64_t)c->limit * BC_STACK_NEAR_LIMIT_PCT)
		return V_NEAR;
	return V_OK;
}

static const char *program_sgr(size_t col, const char *text)
{
	if (col != 5)
		return NULL;
	return !strcmp(text, "OVER") ? "\033[1;31m" : !strcmp(text, "near") ? "\033[1;35m"
									    : "\033[32m";
}

static int rounded(const struct table_ctx *c, uint32_t bytes)
{
	return c->target ? bc_target_round(c->target, bytes) : (int)bytes;
}

/*
 * Frames the chain model left out of chain_bytes run on a private stack.
 * The facts give the total, not a flag per frame: when the rounded frames
 * add up to more than chain_bytes, the program uses private stacks, and
 * those are the frames of at least BC_PRIV_STACK_MIN_SIZE bytes.
 */
static bool chain_has_private(const struct table_ctx *c, const struct bc_facts *facts,
			      const struct bc_func *f)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < f->nr_chain; i++)
		sum += rounded(c, facts->funcs[f->chain[i]].frame_bytes);
	return sum > f->chain_bytes;
}

/* "prog (32) -> sub (480, private)"; "-" without a computed chain. */
static char *chain_text(struct table_ctx *c, const struct bc_facts *facts, const struct bc_func *f)
{
	bool priv = chain_has_private(c, facts, f);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!f->nr_chain)
		return strdup("-");
	m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	for (size_t i = 0; i < f->nr_chain; i++) {
		const struct bc_func *g = &facts->funcs[f->chain[i]];
		int r = rounded(c, g->frame_bytes);
		bool p = priv && r >= BC_PRIV_STACK_MIN_SIZE;

		fprintf(m, "%s%s (%d%s)", i ? " -> " : "", g->name ? g->name : "?", r,
			p ? ", private" : "");
		c->private_frames |= p;
	}
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *source_text(const struct bc_unit *u, const struct bc_slot *s)
{
	const char *path = s->path ? s->path : u->display_path;

	if (!s->span.line)
		return strdup("-");
	if (!s->span.col)
		return bc_strdup_printf("%s:%u", path, s->span.line);
	return bc_strdup_printf("%s:%u:%u", path, s->span.line, s->span.col);
}

static int cmp_slots(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;
	int c;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->span.line != y->span.line)
		return x->span.line < y->span.line ? -1 : 1;
	if (x->span.col != y->span.col)
		return x->span.col < y->span.col ? -1 : 1;
	c = strcmp(x->construct ? x->construct : "", y->construct ? y->construct : "");
	return c ? c : strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Slots of F matching WANT (live stack slots or scratch slots), largest first. */
static const struct bc_slot **pick_slots(const struct bc_func *f, bool scratch, size_t *n)
{
	const struct bc_slot **v = calloc(f->nr_slots + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];

		if (scratch ? s->placement == BC_PLACE_SCRATCH
			    : s->placement == BC_PLACE_STACK && s->live_at_peak)
			v[(*n)++] = s;
	}
	qsort(v, *n, sizeof(*v), cmp_slots);
	return v;
}

static int slot_rows(struct table_ctx *c, const struct bc_unit *u, const struct bc_func *f,
		     bool scratch)
{
	struct bc_columns t;
	const struct bc_slot **v;
	size_t n;
	int err = 0;

	v = pick_slots(f, scratch, &n);
	if (!v)
		return -ENOMEM;
	if (!n) {
		free(v);
		return 0;
	}
	bc_columns_init(&t, scratch ? "rrlll" : "rlll");
	if (scratch) {
		const char *head[] = { "bytes", "memory", "construct", "name", "source" };

		fprintf(c->out, "    placed in scratch storage (0 stack bytes):\n");
		err = bc_columns_add(&t, head);
	} else {
		const char *head[] = { "bytes", "construct", "name", "source" };

		fprintf(c->out, "    live at the peak:\n");
		err = bc_columns_add(&t, head);
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct bc_slot *s = v[i];
		char bytes[24], memory[24], *src = source_text(u, s);

		if (!src) {
			err = -ENOMEM;
			break;
		}
		snprintf(bytes, sizeof(bytes), "%u", s->bytes);
		snprintf(memory, sizeof(memory), "%llu", (unsigned long long)s->scratch_bytes);
		if (scratch) {
			const char *row[] = { bytes, memory, s->construct, s->name ? s->name : "-", src };

			err = bc_columns_add(&t, row);
		} else {
			const char *row[] = { bytes, s->construct, s->name ? s->name : "-", src };

			err = bc_columns_add(&t, row);
		}
		free(src);
	}
	if (!err)
		bc_columns_print(&t, c->out, "      ", NULL);
	bc_columns_free(&t);
	free(v);
	return err;
}

/* Attribution under a program: live slots, unattributed bytes, the rest. */
static int attribution(struct table_ctx *c, const struct bc_unit *u, const struct bc_func *f)
{
	size_t idle = 0;
	uint64_t idle_bytes = 0;
	int err;

	if (!f->has_attribution)
		return 0;
	err = slot_rows(c, u, f, false);
	if (err)
		return err;
	fprintf(c->out, "    unattributed %u bytes\n", f->unattributed_bytes);
	if (f->slot_peak_bytes > f->frame_bytes)
		fprintf(c->out,
			"    (the slots live at the peak add up to %u bytes, more than the frame: code generation shared or removed some)\n",
			f->slot_peak_bytes);
	for (size_t i = 0; i < f->nr_slots; i++)
		if (f->slots[i].placement == BC_PLACE_STACK && !f->slots[i].live_at_peak) {
			idle++;
			idle_bytes += f->slots[i].bytes;
		}
	if (idle)
		fprintf(c->out, "    %zu more %s (%llu bytes) not live at the peak\n", idle,
			idle == 1 ? "slot" : "slots", (unsigned long long)idle_bytes);
	return slot_rows(c, u, f, true);
}

static int file_table(struct table_ctx *c, const struct bc_unit *u)
{
	const struct bc_facts *facts = &u->facts;
	const char *head[] = { "program", "section", "frame", "chain", "limit", "verdict",
			       "call chain" };
	struct bc_columns t;
	size_t row = 1;
	int err;

	bc_columns_init(&t, "llrrrll");
	err = bc_columns_add(&t, head);
	for (size_t i = 0; i < facts->nr_funcs && !err; i++) {
		const struct bc_func *f = &facts->funcs[i];
		char frame[16], chain_b[16], limit[16], *chain;
		enum verdict v;

		if (!f->is_entry)
			continue;
		chain = chain_text(c, facts, f);
		if (!chain) {
			err = -ENOMEM;
			break;
		}
		v = verdict_of(c, u, f);
		snprintf(frame, sizeof(frame), "%u", f->frame_bytes);
		snprintf(chain_b, sizeof(chain_b), "%u", f->chain_bytes);
		snprintf(limit, sizeof(limit), "%d", c->limit);
		{
			const char *cells[] = { f->name ? f->name : "?", f->section ? f->section : "-",
						frame, chain_b, limit, verdict_names[v], chain };

			err = bc_columns_add(&t, cells);
		}
		free(chain);
		c->programs++;
		c->over += v == V_OVER;
		c->near += v == V_NEAR;
	}
	if (err) {
		bc_columns_free(&t);
		return err;
	}
	if (t.nrows == 1) {
		fputs("  no programs\n", c->out);
		bc_columns_free(&t);
		return 0;
	}
	bc_columns_print_row(&t, c->out, "  ", 0, NULL);
	for (size_t i = 0; i < facts->nr_funcs && !err; i++) {
		if (!facts->funcs[i].is_entry)
			continue;
		bc_columns_print_row(&t, c->out, "  ", row++, c->run->opts.color ? program_sgr : NULL);
		err = attribution(c, u, &facts->funcs[i]);
	}
	bc_columns_free(&t);
	return err;
}

/* Probes the script compile step could not give a figure (BC205), so
 * that a table without them is not read as complete. */
static size_t not_computed(struct table_ctx *c, const struct bc_unit *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++) {
		const struct bc_diag *d = &u->diags.v[i];

		if (d->suppressed || d->rule_id != BC_RULE_STACK_NOT_COMPUTED)
			continue;
		fprintf(c->out, "  line %u: ", d->span.line);
		bc_put_safe_str(c->out, d->message);
		fputc('\n', c->out);
		n++;
	}
	return n;
}

static void target_line(struct table_ctx *c)
{
	const struct bc_target *t = c->target;

	if (!t) {
		fprintf(c->out, "stack limit %d bytes\n", c->limit);
		return;
	}
	fprintf(c->out, "target: kernel %s (%s), bpftrace %s, stack limit %d bytes\n", t->kernel_str,
		t->jit ? "JIT" : "interpreter", t->bpftrace_str, c->limit);
}

static int report(FILE *out, const struct bc_run *run)
{
	struct table_ctx c = { .out = out, .run = run, .target = bc_run_target(run) };
	size_t failed = 0;

	c.limit = c.target ? c.target->stack_limit : BC_MAX_BPF_STACK;
	target_line(&c);
	for (size_t i = 0; i < run->nr_units && !c.err; i++) {
		const struct bc_unit *u = run->units[i];

		fputc('\n', out);
		bc_put_safe_str(out, u->display_path);
		if (u->status) {
			failed++;
			if (u->error_span.line)
				fprintf(out, ":%u:%u", u->error_span.line, u->error_span.col);
			fputs(": error: ", out);
			bc_put_safe_str(out, u->error ? u->error : "could not be processed");
			fputc('\n', out);
			continue;
		}
		fprintf(out, " (%s)\n", bc_kind_name(u->kind));
		c.err = file_table(&c, u);
		if (!c.err)
			c.unfigured += not_computed(&c, u);
	}
	if (c.err)
		return c.err;
	fprintf(out, "\n%zu %s in %zu %s: %zu over the limit, %zu near it", c.programs,
		c.programs == 1 ? "program" : "programs", run->nr_units - failed,
		run->nr_units - failed == 1 ? "file" : "files", c.over, c.near);
	if (c.unfigured)
		fprintf(out, "; %zu %s without a stack figure", c.unfigured,
			c.unfigured == 1 ? "probe" : "probes");
	if (failed)
		fprintf(out, "; %zu %s could not be checked", failed, failed == 1 ? "file" : "files");
	fputc('\n', out);
	if (c.private_frames)
		fputs("(private: the frame runs on a per-CPU private stack and is not part of the chain's bytes)\n",
		      out);
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_table = {
	.name = "table",
	.report = report,
};
