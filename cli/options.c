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
#include "config.h"
#include "../analyzer/core/kernel_limits.h"
#include "../reporters/reporter.h"
#include "../rules/registry.h"

enum {
	OPT_SELECT = 256, OPT_IGNORE, OPT_SEVERITY, OPT_FAIL_ON, OPT_KERNEL, OPT_BTF, OPT_BPFTRACE,
	OPT_STACK_LIMIT, OPT_JIT, OPT_NO_JIT, OPT_COLOR, OPT_VERSION, OPT_FIX, OPT_UNSAFE_FIXES,
	OPT_DIFF, OPT_EXIT_NON_ZERO_ON_FIX, OPT_CONFIG, OPT_NO_CONFIG, OPT_PRINT_CONFIG,
	OPT_TRACEFS, OPT_NO_CACHE, OPT_TARGET, OPT_MODULES, OPT_ALLOW_MISSING_KERNEL,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "select", required_argument, NULL, OPT_SELECT },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "severity", required_argument, NULL, OPT_SEVERITY },
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
	{ "fix", no_argument, NULL, OPT_FIX },
	{ "unsafe-fixes", no_argument, NULL, OPT_UNSAFE_FIXES },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "exit-non-zero-on-fix", no_argument, NULL, OPT_EXIT_NON_ZERO_ON_FIX },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "tracefs", required_argument, NULL, OPT_TRACEFS },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "modules", no_argument, NULL, OPT_MODULES },
	{ "allow-missing-kernel", no_argument, NULL, OPT_ALLOW_MISSING_KERNEL },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A setting given on the command line, applied after the configuration file. */
struct cli_setting {
	enum bc_setting id;
	const char *value;
	const char *name;
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
		"  -f, --format FMT       output format: %s, diff\n"
		"  -o, --output FILE      write the report to FILE\n"
		"      --select RULES     only these rules (codes, names, globs; comma-separated)\n"
		"      --ignore RULES     not these rules\n"
		"      --severity RULE=SEV  report RULE as error, warning or note\n"
		"      --fail-on SEV      exit 1 on findings at or above error|warning|note|never\n"
		"                         (default: warning)\n"
		"      --kernel X.Y       target kernel (default: the running kernel)\n"
		"      --btf FILE         target kernel BTF (default: /sys/kernel/btf/vmlinux)\n"
		"      --bpftrace X.Y     target bpftrace code generation (default: installed, else 0.17)\n"
		"      --tracefs DIR      tracepoint formats from DIR/events (default: /sys/kernel/tracing)\n"
		"      --target FILE      check against a captured target, reading nothing of this\n"
		"                         system (bpfcheck target capture; docs/target-file.md)\n"
		"      --allow-missing-kernel  with no tracefs/BTF and no --target, report BC105\n"
		"                         as a note instead of failing\n"
		"      --stack-limit N    stack limit in bytes (default: %d)\n"
		"      --jit, --no-jit    assume the JIT is (not) used (default: the target's\n"
		"                         bpf_jit_enable, else --jit)\n"
		"      --color[=WHEN]     auto, always or never (NO_COLOR is honoured)\n"
		"  -j, --jobs N           threads compiling a script's probes (default 0: one per CPU)\n"
		"      --fix              apply the safe fixes to the files (stdin: print the text)\n"
		"      --unsafe-fixes     also apply fixes that may change what the script does\n"
		"      --diff             print the fixes as a unified diff instead (-f diff)\n"
		"      --exit-non-zero-on-fix  exit 1 when --fix changed a file\n"
		"      --config FILE      read settings from FILE instead of the nearest .bpfcheckrc\n"
		"      --no-config        read no configuration file\n"
		"      --no-cache         neither read nor write the kernel type cache\n"
		"                         (default: $BPFCHECK_CACHE_DIR, else ~/.cache/bpfcheck)\n"
		"      --print-config     show the effective settings and where they come from\n"
		"      --version          print the version\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 no findings at or above --fail-on, 1 findings (after --fix:\n"
		"findings left, or with --exit-non-zero-on-fix a changed file; with --diff:\n"
		"a file would change), 2 an input could not be processed or a fixed file\n"
		"could not be written, 3 usage or configuration error.\n",
		bc_reporter_names(), BC_MAX_BPF_STACK);
}

static const struct bc_cmd *find_cmd(const char *name)
{
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static bool is_list(enum bc_setting id)
{
	return id == BC_SET_SELECT || id == BC_SET_IGNORE || id == BC_SET_SEVERITY;
}

/* The configuration file first, then the command line's settings over it. */
static int apply_settings(struct bc_options *o, const struct cli_setting *cs, size_t n)
{
	bool cleared[BC_NR_SETTINGS] = { false };
	char *file = NULL, *err = NULL;
	int ret;

	if (o->config && o->no_config) {
		bc_err(o, "--config and --no-config exclude each other");
		return BC_EXIT_USAGE;
	}
	if (o->config)
		file = strdup(o->config);
	else if (!o->no_config && bc_config_find(o->paths, o->nr_paths, &file))
		return BC_EXIT_USAGE;
	if (file) {
		o->config_path = file;
		if (bc_config_load(o, file, stderr))
			return BC_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_list(cs[i].id) && !cleared[cs[i].id]) {
			bc_setting_clear(o, cs[i].id);	/* the command line's list replaces */
			cleared[cs[i].id] = true;
		}
		ret = bc_setting_set(o, cs[i].id, cs[i].value, "command line", cs[i].name, &err);
		if (ret) {
			bc_err(o, "%s", err ? err : strerror(-ret));
			free(err);
			return BC_EXIT_USAGE;
		}
	}
	return 0;
}

int bc_options_parse(struct bc_options *o, int argc, char **argv, const struct bc_cmd **cmd)
{
	struct cli_setting *cs;
	size_t ncs = 0;
	int c, first = 1, ret;

	bc_options_init(o);
	*cmd = &bc_cmds[0];
	if (argc > 1 && argv[1][0] != '-' && find_cmd(argv[1])) {
		*cmd = find_cmd(argv[1]);
		first = 2;
	}
	cs = calloc(argc + 1, sizeof(*cs));
	if (!cs) {
		bc_err(o, "out of memory");
		return BC_EXIT_USAGE;
	}
#define SETTING(i, v, n) (cs[ncs++] = (struct cli_setting){ (i), (v), (n) })
	optind = first;
	opterr = 0;
	ret = 0;
	while (!ret && (c = getopt_long(argc, argv, ":f:o:j:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			SETTING(BC_SET_FORMAT, optarg, "--format");
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'j':
			SETTING(BC_SET_JOBS, optarg, "--jobs");
			break;
		case OPT_SELECT:
			SETTING(BC_SET_SELECT, optarg, "--select");
			break;
		case OPT_IGNORE:
			SETTING(BC_SET_IGNORE, optarg, "--ignore");
			break;
		case OPT_SEVERITY:
			SETTING(BC_SET_SEVERITY, optarg, "--severity");
			break;
		case OPT_FAIL_ON:
			SETTING(BC_SET_FAIL_ON, optarg, "--fail-on");
			break;
		case OPT_KERNEL:
			SETTING(BC_SET_KERNEL, optarg, "--kernel");
			break;
		case OPT_BTF:
			SETTING(BC_SET_BTF, optarg, "--btf");
			break;
		case OPT_BPFTRACE:
			SETTING(BC_SET_BPFTRACE, optarg, "--bpftrace");
			break;
		case OPT_STACK_LIMIT:
			SETTING(BC_SET_STACK_LIMIT, optarg, "--stack-limit");
			break;
		case OPT_JIT:
			SETTING(BC_SET_JIT, "true", "--jit");
			break;
		case OPT_NO_JIT:
			SETTING(BC_SET_JIT, "false", "--no-jit");
			break;
		case OPT_COLOR:
			SETTING(BC_SET_COLOR, optarg ? optarg : "always", "--color");
			break;
		case OPT_UNSAFE_FIXES:
			SETTING(BC_SET_UNSAFE_FIXES, "true", "--unsafe-fixes");
			break;
		case OPT_EXIT_NON_ZERO_ON_FIX:
			SETTING(BC_SET_EXIT_NON_ZERO_ON_FIX, "true", "--exit-non-zero-on-fix");
			break;
		case OPT_FIX:
			o->fix = true;
			break;
		case OPT_DIFF:
			o->diff = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = true;
			break;
		case OPT_PRINT_CONFIG:
			o->print_config = true;
			break;
		case OPT_TRACEFS:
			o->tracefs = optarg;
			break;
		case OPT_TARGET:
			SETTING(BC_SET_TARGET, optarg, "--target");
			break;
		case OPT_ALLOW_MISSING_KERNEL:
			SETTING(BC_SET_ALLOW_MISSING_KERNEL, "true", "--allow-missing-kernel");
			break;
		case OPT_MODULES:
			o->modules = true;
			break;
		case OPT_NO_CACHE:
			free(o->target.cache_dir);
			o->target.cache_dir = NULL;
			break;
		case OPT_VERSION:
			printf("bpfcheck %s\n", BC_VERSION);
			ret = -1;
			break;
		case 'h':
			bc_usage(stdout);
			ret = -1;
			break;
		case ':':
			bc_err(o, "option '%s' needs an argument", argv[optind - 1]);
			ret = BC_EXIT_USAGE;
			break;
		default:
			bc_err(o, "unknown option '%s' (see 'bpfcheck --help')", argv[optind - 1]);
			ret = BC_EXIT_USAGE;
			break;
		}
	}
#undef SETTING
	if (!ret) {
		o->paths = &argv[optind];
		o->nr_paths = argc - optind;
		ret = apply_settings(o, cs, ncs);
	}
	free(cs);
	if (!ret) {
		char why[600];

		ret = bc_options_open_target(o, why, sizeof(why));
		if (ret)
			bc_err(o, "%s", why);
	}
	if (!ret && o->print_config) {
		bc_target_resolve_bpftrace(&o->target);
		bc_options_print(stdout, o);
		ret = -1;
	}
	return ret;
}

void bc_options_free(struct bc_options *o)
{
	bc_options_free_settings(o);
}
