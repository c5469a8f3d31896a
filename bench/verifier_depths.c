// SPDX-License-Identifier: Apache-2.0
/*
 * Compares bpfcheck's per-subprogram stack depths with the running kernel's
 * verifier, program by program, for the BPF objects on the command line.
 * Each program is loaded alone through libbpf (other programs of the object
 * are not loaded) with verifier statistics (log level 4), and its
 * "stack depth A+B+C" line is set beside ours, in libbpf's subprogram order.
 *
 * Output: one tab-separated line per program:
 *   object  program  section  ours  verifier  status  match
 * status: "ok", "refused: <verifier message>" or "not loadable: <reason>";
 * match: "yes", "no" or "-" (not comparable: the program did not load).
 * Needs root or CAP_BPF; without it every program is "not loadable".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "analyzer/core/facts.h"
#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

#define LOG_SIZE (16 << 20)

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void order(const struct bc_facts *f, size_t fn, size_t *out, size_t *n, bool *seen)
{
	if (seen[fn])
		return;
	seen[fn] = true;
	out[(*n)++] = fn;
	for (size_t i = 0; i < f->funcs[fn].nr_callees; i++)
		order(f, f->funcs[fn].callees[i], out, n, seen);
}

static void ours(const struct bc_facts *f, size_t p, char *buf, size_t len)
{
	size_t *seq = calloc(f->nr_funcs, sizeof(*seq)), n = 0, used = 0;
	bool *seen = calloc(f->nr_funcs, sizeof(*seen));

	buf[0] = '\0';
	if (!seq || !seen)
		goto out;
	order(f, p, seq, &n, seen);
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? "+" : "",
					 f->funcs[seq[i]].frame_bytes);
out:
	free(seq);
	free(seen);
}

/* The value of the last "stack depth " line of LOG, or "-". */
static void verifier_depths(const char *log, char *buf, size_t len)
{
	const char *p = NULL, *q = log;

	while ((q = strstr(q, "stack depth ")))
		p = q++;
	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	p += strlen("stack depth ");
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
}

/* The verifier's error: the last non-statistics line of LOG. */
static void last_error(const char *log, char *buf, size_t len)
{
	const char *end = log + strlen(log), *line = NULL;

	buf[0] = '\0';
	while (end > log) {
		const char *start = end;

		while (start > log && start[-1] != '\n')
			start--;
		if (end > start && strncmp(start, "verification time", 17) &&
		    strncmp(start, "stack depth", 11) && strncmp(start, "processed ", 10) &&
		    strncmp(start, "-- END", 6) && *start != '\n') {
			line = start;
			snprintf(buf, len, "%.*s", (int)strcspn(line, "\n"), line);
			return;
		}
		end = start > log ? start - 1 : log;
	}
}

static int load_one(const struct bc_unit *u, const char *name, char *log, char *why, size_t len)
{
	struct bpf_object *obj = bpf_object__open_mem(u->data, u->size, NULL);
	struct bpf_program *prog, *target = NULL;
	int err;

	log[0] = '\0';
	if (!obj) {
		snprintf(why, len, "libbpf cannot open it (%s)", strerror(errno));
		return -errno;
	}
	bpf_object__for_each_program(prog, obj) {
		bool me = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, me);
		if (me)
			target = prog;
	}
	if (!target) {
		bpf_object__close(obj);
		snprintf(why, len, "libbpf does not see it as a program");
		return -ENOENT;
	}
	bpf_program__set_log_buf(target, log, LOG_SIZE);
	bpf_program__set_log_level(target, 4);
	err = bpf_object__load(obj);
	if (err)
		snprintf(why, len, "%s", strerror(-err));
	bpf_object__close(obj);
	return err;
}

int main(int argc, char **argv)
{
	char *log = malloc(LOG_SIZE);
	struct bc_target t;

	if (!log)
		return 1;
	libbpf_set_print(quiet);
	bc_target_init(&t);
	for (int a = 1; a < argc; a++) {
		struct bc_unit u;

		if (bc_unit_load(&u, argv[a]) || bc_object_analyze(&u, u.data, u.size, &t)) {
			printf("%s\t-\t-\t-\t-\terror: %s\t-\n", argv[a], u.error ? u.error : "?");
			bc_unit_free(&u);
			continue;
		}
		for (size_t i = 0; i < u.facts.nr_funcs; i++) {
			const struct bc_func *f = &u.facts.funcs[i];
			char mine[512], theirs[512], why[256], err[512];
			int rc;

			if (!f->is_entry)
				continue;
			ours(&u.facts, i, mine, sizeof(mine));
			rc = load_one(&u, f->name, log, why, sizeof(why));
			verifier_depths(log, theirs, sizeof(theirs));
			if (!rc) {
				printf("%s\t%s\t%s\t%s\t%s\tok\t%s\n", argv[a], f->name, f->section, mine,
				       theirs, strcmp(mine, theirs) ? "no" : "yes");
				continue;
			}
			last_error(log, err, sizeof(err));
			if (log[0])
				printf("%s\t%s\t%s\t%s\t%s\trefused: %s\t-\n", argv[a], f->name,
				       f->section, mine, theirs, err);
			else
				printf("%s\t%s\t%s\t%s\t-\tnot loadable: %s\t-\n", argv[a], f->name,
				       f->section, mine, why);
		}
		bc_unit_free(&u);
	}
	bc_target_free(&t);
	free(log);
	return 0;
}
