// SPDX-License-Identifier: Apache-2.0
/*
 * -f html: one self-contained page (no network, no external scripts or
 * styles) with, per file, a picture of each program's frame
 * (reporters/stack_svg.h), the findings, each linking to its line, and the
 * source with the lines and spans of the findings highlighted. Hovering a
 * block of a picture shows its construct, source line and origin chain in
 * a tooltip (#tip) filled from the block's data- attributes.
 */
#include <errno.h>
#include <string.h>

#include "report_common.h"
#include "source.h"
#include "stack_svg.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static const char style[] =
	"body{font:14px/1.4 sans-serif;margin:1.5em;color:#222;max-width:1100px}"
	"h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:2em}"
	"h3{font-size:1em}.over{color:#d62728}.near{color:#9467bd}.ok{color:#2ca02c}"
	".findings li{margin:.3em 0}.sev-error{color:#d62728}.sev-warning{color:#b36b00}"
	".sev-note{color:#1f77b4}.code{color:#666}.notes{color:#555;margin:0 0 0 1.5em;padding:0}"
	"pre.source{background:#f7f7f7;border:1px solid #ddd;padding:.5em 0;overflow-x:auto}"
	"pre.source .line{display:block;padding:0 .6em}pre.source .ln{color:#999;display:inline-block;"
	"width:3.5em;text-align:right;margin-right:1em;user-select:none}"
	"pre.source .hit{background:#fff3cd}pre.source .hit.sev-error{background:#fde2e1}"
	"pre.source mark{background:#ffd54f;color:inherit}pre.source :target{outline:2px solid #1f77b4}"
	"#tip{position:fixed;display:none;background:#222;color:#fff;padding:.4em .6em;"
	"border-radius:4px;font:12px/1.4 monospace;max-width:560px;white-space:pre-wrap;"
	"pointer-events:none;z-index:10}.legend{color:#555;font-size:.9em}";

static const char script[] =
	"(function(){var tip=document.getElementById('tip');"
	"function show(e){var r=e.target,d=r.dataset,t=d.bytes+' bytes at '+d.offset+': '+d.construct"
	"+(d.name?' '+d.name:'');if(d.source)t+='\\n'+d.source+(d.code?': '+d.code:'');"
	"if(d.origin)t+='\\norigin: '+d.origin;t+=d.live==='true'?'\\nlive at the peak'"
	":'\\nnot live at the peak';tip.textContent=t;tip.style.display='block';move(e);}"
	"function move(e){tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+14)+'px';}"
	"function hide(){tip.style.display='none';}"
	"document.querySelectorAll('rect.block').forEach(function(r){"
	"r.addEventListener('mouseenter',show);r.addEventListener('mousemove',move);"
	"r.addEventListener('mouseleave',hide);});})();";

struct html_ctx {
	FILE *out;
	const struct bc_run *run;
	struct bc_sources src;
	int svg_id;
};

static void esc(FILE *out, const char *s)
{
	if (s)
		bc_xml_escape(out, s, strlen(s));
}

static const char *verdict(const struct bc_func *f, int limit)
{
	uint32_t peak = f->chain_bytes > f->frame_bytes ? f->chain_bytes : f->frame_bytes;

	if ((int)f->frame_bytes > limit || (int)f->chain_bytes > limit || f->nr_issues)
		return "over";
	return (int64_t)peak * 100 > (int64_t)limit * BC_STACK_NEAR_LIMIT_PCT ? "near" : "ok";
}

static int programs(struct html_ctx *c, const struct bc_unit *u, int file)
{
	const struct bc_target *t = bc_run_target(c->run);
	int limit = t ? t->stack_limit : 512, err = 0;

	for (size_t i = 0; i < u->facts.nr_funcs && !err; i++) {
		const struct bc_func *f = &u->facts.funcs[i];
		const char *v;

		if (!f->is_entry)
			continue;
		v = verdict(f, limit);
		fputs("<div class=\"program\"><h3>", c->out);
		esc(c->out, f->name);
		fprintf(c->out, " &mdash; frame %u bytes", f->frame_bytes);
		if (f->nr_chain > 1)
			fprintf(c->out, ", call chain %u bytes", f->chain_bytes);
		fprintf(c->out, " of %d: <span class=\"%s\">%s</span>", limit, v,
			!strcmp(v, "over") ? "OVER" : v);
		if (f->src_span.line)
			fprintf(c->out, " (<a href=\"#f%d-L%u\">line %u</a>)", file, f->src_span.line,
				f->src_span.line);
		fputs("</h3>\n", c->out);
		if (bc_stack_svg_wanted(f))
			err = bc_stack_svg(c->out, &c->src, u, f, t, c->svg_id++, false);
		fputs("</div>\n", c->out);
	}
	return err;
}

static bool in_file(const struct bc_unit *u, const char *path)
{
	return !path || !strcmp(path, u->display_path) || !strcmp(path, u->path);
}

static void findings(struct html_ctx *c, const struct bc_unit *u, int file)
{
	bool any = false;

	for (size_t i = 0; i < u->diags.n; i++) {
		const struct bc_diag *d = &u->diags.v[i];
		const char *sev = bc_report_severity(d->severity);
		bool here = in_file(u, d->path) && d->span.line && u->line_starts;

		if (!bc_diag_reported(d))
			continue;
		if (!any)
			fputs("<h3>Findings</h3>\n<ol class=\"findings\">\n", c->out);
		any = true;
		fprintf(c->out, "<li><span class=\"sev-%s\">%s</span> ", sev, sev);
		if (here)
			fprintf(c->out, "<a href=\"#f%d-L%u\">", file, d->span.line);
		esc(c->out, d->path ? d->path : u->display_path);
		if (d->span.line)
			fprintf(c->out, ":%u:%u", d->span.line, d->span.col);
		if (here)
			fputs("</a>", c->out);
		fputs(": ", c->out);
		esc(c->out, d->message);
		fprintf(c->out, " <span class=\"code\">[%s]</span>", bc_rule_get(d->rule_id)->code);
		if (d->nr_notes) {
			fputs("<ul class=\"notes\">", c->out);
			for (size_t k = 0; k < d->nr_notes; k++) {
				const struct bc_note *n = &d->notes[k];

				fputs("<li>note: ", c->out);
				if (n->span.line && in_file(u, n->path) && u->line_starts)
					fprintf(c->out, "<a href=\"#f%d-L%u\">line %u</a>: ", file,
						n->span.line, n->span.line);
				esc(c->out, n->message);
				fputs("</li>", c->out);
			}
			fputs("</ul>", c->out);
		}
		fputs("</li>\n", c->out);
	}
	if (any)
		fputs("</ol>\n", c->out);
}

/* The worst severity of a reported finding starting on LINE; NONE: none. */
static enum bc_severity line_severity(const struct bc_unit *u, uint32_t line)
{
	enum bc_severity worst = BC_SEV_NONE;

	for (size_t i = 0; i < u->diags.n; i++) {
		const struct bc_diag *d = &u->diags.v[i];

		if (bc_diag_reported(d) && in_file(u, d->path) && d->span.line == line &&
		    d->severity > worst)
			worst = d->severity;
	}
	return worst;
}

/*
 * Line LINE of U as the listing shows it: plain escaping, the bytes of
 * findings' spans on it in <mark>. The one place the report quotes source.
 */
static void source_line(struct html_ctx *c, const struct bc_unit *u, uint32_t line)
{
	uint32_t ls = u->line_starts[line - 1];
	size_t len;
	const char *text = bc_unit_line(u, line, &len);
	bool open = false;

	for (size_t k = 0; text && k < len; k++) {
		uint32_t off = ls + (uint32_t)k;
		bool in = false;

		for (size_t i = 0; i < u->diags.n && !in; i++) {
			const struct bc_diag *d = &u->diags.v[i];

			in = bc_diag_reported(d) && in_file(u, d->path) && d->span.line &&
			     off >= d->span.start && off < d->span.end;
		}
		if (in != open)
			fputs(in ? "<mark>" : "</mark>", c->out);
		open = in;
		bc_xml_escape(c->out, text + k, 1);
	}
	if (open)
		fputs("</mark>", c->out);
}

static void listing(struct html_ctx *c, const struct bc_unit *u, int file)
{
	if (!u->line_starts || !u->size)
		return;
	fputs("<h3>Source</h3>\n<pre class=\"source\">", c->out);
	for (uint32_t l = 1; l <= u->nr_lines; l++) {
		enum bc_severity s = line_severity(u, l);

		if (l == u->nr_lines && u->line_starts[l - 1] >= u->size)
			break;	/* after the last newline */
		fprintf(c->out, "<span class=\"line%s%s\" id=\"f%d-L%u\"><span class=\"ln\">%u</span>",
			s ? " hit sev-" : "", s ? bc_report_severity(s) : "", file, l, l);
		source_line(c, u, l);
		fputs("</span>", c->out);
	}
	fputs("</pre>\n", c->out);
}

static int html_report(FILE *out, const struct bc_run *run)
{
	struct html_ctx c = { .out = out, .run = run };
	const struct bc_target *t = bc_run_target(run);
	struct bc_summary sum;
	int err = 0;

	bc_sources_init(&c.src, run);
	bc_run_summary(run, &sum);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<title>bpfcheck %s report</title>\n<style>%s</style>\n</head>\n<body>\n"
		     "<h1>bpfcheck %s report</h1>\n<p>",
		run->command ? run->command : "check", style, run->command ? run->command : "check");
	if (t) {
		fputs("target: kernel ", out);
		esc(out, t->kernel_str);
		fputs(", bpftrace ", out);
		esc(out, t->bpftrace_str);
		fprintf(out, ", stack limit %d bytes%s. ", t->stack_limit, t->jit ? " (JIT)" : "");
	}
	fprintf(out, "%zu error%s, %zu warning%s, %zu note%s in %zu file%s.</p>\n"
		     "<p class=\"legend\">Each picture is a program's stack frame from the frame "
		     "pointer (0) down, one pixel per byte: the slots live at its peak (largest "
		     "first), grey for bytes no slot accounts for, callee frames of a call chain "
		     "below; on the right, faded, the slots live elsewhere. Hatched: sized by the "
		     "script (str(), ...). The red line is the limit.</p>\n",
		sum.errors, sum.errors == 1 ? "" : "s", sum.warnings, sum.warnings == 1 ? "" : "s",
		sum.notes, sum.notes == 1 ? "" : "s", sum.files, sum.files == 1 ? "" : "s");
	for (size_t i = 0; i < run->nr_units && !err; i++) {
		const struct bc_unit *u = run->units[i];

		fprintf(out, "<section class=\"file\" id=\"f%zu\">\n<h2>", i);
		esc(out, u->display_path);
		fprintf(out, " <span class=\"code\">(%s)</span></h2>\n", bc_kind_name(u->kind));
		if (u->status) {
			fputs("<p class=\"sev-error\">error: ", out);
			esc(out, u->error);
			fputs("</p>\n", out);
		}
		err = programs(&c, u, (int)i);
		findings(&c, u, (int)i);
		listing(&c, u, (int)i);
		fputs("</section>\n", out);
	}
	fprintf(out, "<div id=\"tip\"></div>\n<script>%s</script>\n</body>\n</html>\n", script);
	bc_sources_free(&c.src);
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_html = {
	.name = "html",
	.report = html_report,
};
