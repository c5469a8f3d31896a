// SPDX-License-Identifier: Apache-2.0
/* bpfcheck compare OLD.json NEW.json: what a change did to each program's
 * stack and to the findings (reporters/compare.h, docs/compare.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../reporters/compare.h"
#include "../reporters/json_util.h"

int bc_cmd_compare(struct bc_options *o)
{
	json_t *old = NULL, *new = NULL, *doc;
	struct bc_compare c;
	bool json = !strcmp(o->format, "json");
	FILE *out = stdout;
	char *why = NULL;
	int ret = BC_EXIT_OK, err;

	if (o->nr_paths != 2) {
		bc_err(o, "'compare' takes two JSON reports: OLD.json NEW.json "
			  "(made with 'bpfcheck check -f json -o FILE')");
		return BC_EXIT_USAGE;
	}
	if (!json && strcmp(o->format, "text")) {
		bc_err(o, "'compare' prints text or json, not '%s'", o->format);
		return BC_EXIT_USAGE;
	}
	for (int i = 0; i < 2; i++)
		if ((ret = bc_refuse_output(o, "-o", o->output, o->paths[i])))
			return ret;
	if (bc_report_load(o->paths[0], "report", &old, &why) ||
	    bc_report_load(o->paths[1], "report", &new, &why)) {
		bc_err(o, "%s", why ? why : "out of memory");
		free(why);
		json_decref(old);
		return BC_EXIT_INPUT;
	}
	err = bc_compare_reports(&c, old, new, o->paths[0], o->paths[1]);
	json_decref(old);
	json_decref(new);
	if (err) {
		bc_err(o, "comparing failed: %s", strerror(-err));
		bc_compare_free(&c);
		return BC_EXIT_INPUT;
	}
	if (o->output && !(out = fopen(o->output, "w"))) {
		bc_err(o, "cannot write '%s': %s", o->output, strerror(errno));
		bc_compare_free(&c);
		return BC_EXIT_USAGE;
	}
	if (json) {
		doc = bc_compare_json(&c);
		err = doc ? bc_json_write(out, doc) : -ENOMEM;
		json_decref(doc);
	} else {
		err = bc_compare_write_text(out, &c);
	}
	if (err || fflush(out) || ferror(out)) {
		bc_err(o, "writing the comparison failed");
		ret = BC_EXIT_INPUT;
	} else if (o->fail_on_growth >= 0 && bc_compare_max_growth(&c) > o->fail_on_growth) {
		fprintf(stderr, "bpfcheck: a program's stack grew by %lld bytes, more than "
				"--fail-on-growth %lld\n", (long long)bc_compare_max_growth(&c),
			(long long)o->fail_on_growth);
		ret = BC_EXIT_FINDINGS;
	}
	if (out != stdout && fclose(out) && ret != BC_EXIT_INPUT) {
		bc_err(o, "writing '%s' failed", o->output);
		ret = BC_EXIT_INPUT;
	}
	bc_compare_free(&c);
	return ret;
}
