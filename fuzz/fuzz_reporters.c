// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the reporters: analyse arbitrary bytes as a script
 * (fuzz_analysis.h), plus a second unit with the same bytes under a path
 * made of the input's first line (hostile file names reach reports too),
 * compute the fixed texts as `check -f diff` does, and render the run in
 * every format of reporters/reporters.def, with and without colour. Checked:
 *
 *  - every reporter succeeds on a memory stream, or refuses with -EINVAL a
 *    run it documents it cannot show (svg: a run without exactly one
 *    program with a frame, as here, where stack rules are off);
 *  - json, sarif and gitlab output is one valid JSON document;
 *  - without colour, the text-like formats (text, gcc, github, table) never
 *    carry an escape byte from the input to the terminal (diff shows the
 *    file's own bytes, as patch(1) needs them).
 *
 * Crashes, leaks and sanitizer reports are findings too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyzer/core/unit.h"
#include "analyzer/driver/driver.h"
#include "analyzer/fix/fix_loop.h"
#include "fuzz_analysis.h"
#include "reporters/reporter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int reanalyze(struct bc_unit *u, void *arg)
{
	return bc_analyze_unit(u, arg);
}

static bool json_format(const char *name)
{
	return !strcmp(name, "json") || !strcmp(name, "sarif") || !strcmp(name, "gitlab");
}

static void render(const struct bc_reporter *r, const struct bc_run *run)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int err;

	if (!m)
		return;
	err = r->report(m, run);
	if (err == -EINVAL) {		/* a run this format cannot show */
		fclose(m);
		free(buf);
		return;
	}
	if (err) {
		fprintf(stderr, "reporter %s failed: %d\n", r->name, err);
		abort();
	}
	if (fclose(m))
		abort();
	if (json_format(r->name)) {
		json_error_t err;
		json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);

		if (!j) {
			fprintf(stderr, "%s output is not JSON (%s, line %d):\n%.*s\n", r->name,
				err.text, err.line, (int)len, buf);
			abort();
		}
		json_decref(j);
	} else if (!r->shows_fixes && !run->opts.color && memchr(buf, '\x1b', len)) {
		fprintf(stderr, "%s output carries an escape byte:\n%.*s\n", r->name, (int)len,
			buf);
		abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bc_analysis *a = fuzz_analysis(size ? data[0] : 0);
	struct bc_unit units[2], fixed[2];
	struct bc_unit *uv[2] = { &units[0], &units[1] };
	struct bc_unit *fv[2] = { NULL, NULL };
	struct bc_run run = { .units = uv, .nr_units = 2, .target = a->target,
			      .command = "check" };
	char path[40] = "p/";
	const char *names, *p;
	size_t n = 0;

	while (n < size && n < 32 && data[n] && data[n] != '\n') {
		path[2 + n] = (char)data[n];
		n++;
	}
	path[2 + n] = 0;
	memset(units, 0, sizeof(units));
	memset(fixed, 0, sizeof(fixed));
	if (bc_unit_load_mem(&units[0], "fuzz.bt", data, size) == -ENOMEM)
		return 0;
	if (bc_unit_load_mem(&units[1], path, data, size) == -ENOMEM) {
		bc_unit_free(&units[0]);
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		struct bc_fix_stats st;

		bc_analyze_unit(&units[i], a);
		if (bc_fix_loop(&units[i], size && (data[0] & 1), reanalyze, (void *)a, &fixed[i],
				&st) == 0 && st.changed)
			fv[i] = &fixed[i];
	}

	/* every format, named as --help lists them ("text, gcc, ...") */
	names = bc_reporter_names();
	for (p = names; *p;) {
		char name[32];
		size_t len = strcspn(p, ", ");
		const struct bc_reporter *r;

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = 0;
			r = bc_reporter_find(name);
			if (!r)
				abort();	/* --help lists a format that does not exist */
			run.fixed = r->shows_fixes ? fv : NULL;
			for (int color = 0; color < 2; color++) {
				run.opts.color = color;
				render(r, &run);
			}
		}
		p += len;
		p += strspn(p, ", ");
	}
	for (int i = 0; i < 2; i++) {
		bc_unit_free(&units[i]);
		bc_unit_free(&fixed[i]);
	}
	return 0;
}
