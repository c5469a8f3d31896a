// SPDX-License-Identifier: Apache-2.0
/* Command-line parsing shared by every subcommand. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "../analyzer/kernel_limits.h"
#include "../reporters/reporter.h"
#include "../rules/registry.h"

enum {
	OPT_SELECT = 256, OPT_IGNORE, OPT_FAIL_ON, OPT_KERNEL, OPT_BTF, OPT_BPFTRACE,
	OPT_STACK_LIMIT, OPT_JIT, OPT_NO_JIT, OPT_COLOR, OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "select", required_argument, NULL, OPT_SELECT },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "bpftrace", required_argument, NULL, OPT_BPFTRACE },
	{ "stack-limit", required_argument, NULL, OPT_STACK_LIMIT },
	{ "jit", no_argument, NULL, OPT_JIT },
	{ "no-jit", no_argument, NULL, OPT_NO_JIT },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "jobs", required_argument, NULL, 'j' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void bc_err(const struct bc_options *o, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (o && o->format && (!strcmp(o->format, "json") || !strcmp(o->format, "sarif"))) {
		json_t *j = json_pack("{s:s}", "error", msg ? msg : "out of memory");

		if (j) {
			json_dumpf(j, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(j);
		}
	} else {
		fprintf(stderr, "bpfcheck: error: %s\n", msg ? msg : "out of memory");
	}
	free(msg);
}

void bc_usage(FILE *out)
{
	fprintf(out,
		"Usage: bpfcheck [COMMAND] [OPTIONS] PATH...\n"
		"\n"
		"Static analyzer and linter for BPF tracing code: bpftrace scripts, LLVM IR,\n"
		"BPF ELF objects and AOT type manifests. PATH may be a directory (recursed)\n"
		"or '-' for standard input; the input kind is detected from its content.\n"
		"\n"
		"Commands:\n");
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		fprintf(out, "  %-8s %-18s %s\n", c->name, c->args, c->help);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -f, --format FMT       output format: %s\n"
		"  -o, --output FILE      write the report to FILE\n"
		"      --select RULES     only these rules (codes, names, globs; comma-separated)\n"
		"      --ignore RULES     not these rules\n"
		"      --fail-on SEV      exit 1 on findings at or above error|warning|note|never\n"
		"                         (default: warning)\n"
		"      --kernel X.Y       target kernel (default: the running kernel)\n"
		"      --btf FILE         target kernel BTF (default: /sys/kernel/btf/vmlinux)\n"
		"      --bpftrace X.Y     target bpftrace code generation (default: installed, else 0.17)\n"
		"      --stack-limit N    stack limit in bytes (default: %d)\n"
		"      --jit, --no-jit    assume the JIT is (not) used (default: --jit)\n"
		"      --color[=WHEN]     auto, always or never (NO_COLOR is honoured)\n"
		"  -j, --jobs N           accepted for compatibility; inputs are analysed in order\n"
		"      --version          print the version\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 no findings at or above --fail-on, 1 findings,\n"
		"2 an input could not be processed, 3 usage or configuration error.\n",
		bc_reporter_names(), BC_MAX_BPF_STACK);
}

/* Appends the comma-separated rule patterns of ARG to *LIST. */
static int add_patterns(struct bc_options *o, char ***list, size_t *n, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **nl;

		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (!bc_rule_pattern_valid(tok)) {
			bc_err(o, "unknown rule '%s' (see 'bpfcheck rules')", tok);
			err = -EINVAL;
			break;
		}
		nl = realloc(*list, (*n + 1) * sizeof(*nl));
		if (!nl || !(nl[*n] = strdup(tok))) {
			if (nl)
				*list = nl;
			err = -ENOMEM;
			break;
		}
		*list = nl;
		(*n)++;
	}
	free(copy);
	return err;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static const struct bc_cmd *find_cmd(const char *name)
{
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int bc_options_parse(struct bc_options *o, int argc, char **argv, const struct bc_cmd **cmd)
{
	int c, first = 1;

	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->fail_on = BC_SEV_WARNING;
	o->jobs = 1;
	bc_target_init(&o->target);
	*cmd = &bc_cmds[0];
	if (argc > 1 && argv[1][0] != '-' && find_cmd(argv[1])) {
		*cmd = find_cmd(argv[1]);
		first = 2;
	}
	optind = first;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:o:j:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!bc_reporter_find(optarg)) {
				bc_err(o, "unknown format '%s' (one of: %s)", optarg, bc_reporter_names());
				return BC_EXIT_USAGE;
			}
			o->format = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'j':
			if (parse_int(optarg, 1, 1024, &o->jobs)) {
				bc_err(o, "--jobs takes a number from 1 to 1024, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_SELECT:
			if (add_patterns(o, &o->select, &o->nr_select, optarg))
				return BC_EXIT_USAGE;
			break;
		case OPT_IGNORE:
			if (add_patterns(o, &o->ignore, &o->nr_ignore, optarg))
				return BC_EXIT_USAGE;
			break;
		case OPT_FAIL_ON:
			if (bc_severity_parse(optarg, &o->fail_on)) {
				bc_err(o, "--fail-on takes error, warning, note or never, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_KERNEL:
			if (bc_target_set_kernel(&o->target, optarg)) {
				bc_err(o, "--kernel takes a version such as 6.6, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_BTF:
			free(o->target.btf_path);
			o->target.btf_path = strdup(optarg);
			if (!o->target.btf_path)
				return BC_EXIT_USAGE;
			break;
		case OPT_BPFTRACE:
			if (bc_target_set_bpftrace(&o->target, optarg)) {
				bc_err(o, "--bpftrace takes a version such as 0.17 or 0.22.1, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_STACK_LIMIT:
			if (parse_int(optarg, 8, 1 << 20, &o->target.stack_limit)) {
				bc_err(o, "--stack-limit takes a byte count from 8 to 1048576, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_JIT:
			o->target.jit = true;
			break;
		case OPT_NO_JIT:
			o->target.jit = false;
			break;
		case OPT_COLOR:
			if (!optarg || !strcmp(optarg, "always"))
				o->color = BC_COLOR_ALWAYS;
			else if (!strcmp(optarg, "never"))
				o->color = BC_COLOR_NEVER;
			else if (!strcmp(optarg, "auto"))
				o->color = BC_COLOR_AUTO;
			else {
				bc_err(o, "--color takes auto, always or never, not '%s'", optarg);
				return BC_EXIT_USAGE;
			}
			break;
		case OPT_VERSION:
			printf("bpfcheck %s\n", BC_VERSION);
			return -1;
		case 'h':
			bc_usage(stdout);
			return -1;
		case ':':
			bc_err(o, "option '%s' needs an argument", argv[optind - 1]);
			return BC_EXIT_USAGE;
		default:
			bc_err(o, "unknown option '%s' (see 'bpfcheck --help')", argv[optind - 1]);
			return BC_EXIT_USAGE;
		}
	}
	o->paths = &argv[optind];
	o->nr_paths = argc - optind;
	return 0;
}

void bc_options_free(struct bc_options *o)
{
	for (size_t i = 0; i < o->nr_select; i++)
		free(o->select[i]);
	for (size_t i = 0; i < o->nr_ignore; i++)
		free(o->ignore[i]);
	free(o->select);
	free(o->ignore);
	bc_target_free(&o->target);
}

bool bc_options_rule_enabled(const struct bc_options *o, const struct bc_rule *r)
{
	bool on = !o->nr_select;

	for (size_t i = 0; i < o->nr_select && !on; i++)
		on = bc_rule_matches(r, o->select[i]);
	for (size_t i = 0; i < o->nr_ignore && on; i++)
		on = !bc_rule_matches(r, o->ignore[i]);
	return on;
}
