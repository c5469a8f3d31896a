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
#include "../reporters/reporter.h"
#include "../analyzer/base/array.h"
#include "../analyzer/base/str.h"

/*
 * getopt's codes: the letter of a short option, OPT_BASE + ID for a long
 * one; an alias that sets its own value has its own code after those (one
 * that does not shares its option's, so that an abbreviation both match,
 * --col for --color and --colour, is not ambiguous).
 */
#define OPT_BASE 256
#define ALIAS_BASE (OPT_BASE + BC_NR_SETTINGS)

static struct option long_opts[BC_NR_SETTINGS + BC_NR_OPTION_ALIASES + 1];
/* ':' first, then each short letter with ':' (argument) or '::' (optional) */
static char short_opts[1 + 3 * BC_NR_SETTINGS + 1];

static void build_getopt(void)
{
	size_t n = 0, k = 0;

	short_opts[k++] = ':';
	for (int i = 0; i < BC_NR_SETTINGS; i++) {
		const struct bc_option_desc *d = &bc_option_descs[i];

		long_opts[n++] = (struct option){ d->name, d->arg, NULL, OPT_BASE + i };
		if (!d->short_opt)
			continue;
		short_opts[k++] = d->short_opt;
		if (d->arg != no_argument)
			short_opts[k++] = ':';
		if (d->arg == optional_argument)
			short_opts[k++] = ':';
	}
	short_opts[k] = 0;
	for (size_t i = 0; i < BC_NR_OPTION_ALIASES; i++) {
		const struct bc_option_alias *a = &bc_option_aliases[i];

		long_opts[n++] = (struct option){
			a->name, bc_option_descs[a->id].arg, NULL,
			a->value ? ALIAS_BASE + (int)i : OPT_BASE + (int)a->id,
		};
	}
	long_opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* The option getopt returned C for: its id, what it sets without an
 * argument, and its name for messages. False for an unknown C. */
static bool option_of(int c, enum bc_setting *id, const char **value, const char **name)
{
	const struct bc_option_desc *d = NULL;

	if (c >= ALIAS_BASE && c - ALIAS_BASE < BC_NR_OPTION_ALIASES) {
		const struct bc_option_alias *a = &bc_option_aliases[c - ALIAS_BASE];

		*id = a->id;
		*value = a->value;
		*name = a->dashed;
		return true;
	}
	if (c >= OPT_BASE && c < ALIAS_BASE) {
		d = &bc_option_descs[c - OPT_BASE];
	} else if (c > 0 && c < OPT_BASE) {
		for (int i = 0; i < BC_NR_SETTINGS && !d; i++)
			if (bc_option_descs[i].short_opt == c)
				d = &bc_option_descs[i];
	}
	if (!d)
		return false;
	*id = (enum bc_setting)(d - bc_option_descs);
	*value = d->value;
	*name = d->dashed;
	return true;
}

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

/* Where the --help text of an option starts: after its names, at least two
 * spaces and at least this column. */
#define HELP_COLUMN 25

/* One option's --help lines ("  -f, --format FMT       output format: ..."). */
void bc_usage_option(FILE *out, enum bc_setting id)
{
	const struct bc_option_desc *d = &bc_option_descs[id];
	char *help = bc_strdup_printf(d->help, bc_reporter_names()), *line, *next;
	int w;

	if (!help)
		return;

	w = d->short_opt ? fprintf(out, "  -%c, %s", d->short_opt, d->dashed)
			 : fprintf(out, "      %s", d->dashed);
	for (size_t i = 0; i < BC_NR_OPTION_ALIASES; i++)
		if (bc_option_aliases[i].id == id && bc_option_aliases[i].shown)
			w += fprintf(out, ", %s", bc_option_aliases[i].dashed);
	if (d->metavar)
		w += fprintf(out, d->arg == optional_argument ? "[=%s]" : " %s", d->metavar);
	for (line = help; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		fprintf(out, "%*s%s\n", w + 2 < HELP_COLUMN ? HELP_COLUMN - w : 2, "", line);
		w = 0;
	}
	free(help);
}

void bc_usage(FILE *out)
{
	fprintf(out,
		"Usage: bpfcheck [COMMAND] [OPTIONS] PATH...\n"
		"\n"
		"Static analyzer and linter for BPF tracing code: bpftrace scripts, LLVM IR\n"
		"and BPF ELF objects. PATH may be a directory (recursed) or '-' for standard\n"
		"input; the input kind is detected from its content.\n"
		"\n"
		"Commands:\n");
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		fprintf(out, "  %-8s %-18s %s\n", c->name, c->args, c->help);
	fputs("\nOptions:\n", out);
	for (int sec = 0; sec < BC_NR_SECTIONS; sec++)
		for (int i = 0; i < BC_NR_SETTINGS; i++)
			if (bc_option_descs[i].section == (enum bc_option_section)sec)
				bc_usage_option(out, i);
	fprintf(out,
		"\n"
		"Exit status: 0 no findings at or above --fail-on, 1 findings (after --fix:\n"
		"findings left, or with --exit-non-zero-on-fix a changed file; with --diff:\n"
		"a file would change), 2 an input could not be processed or a fixed file\n"
		"could not be written, 3 usage or configuration error.\n");
}

static const struct bc_cmd *find_cmd(const char *name)
{
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* The configuration file first, then the command line's settings over it. */
static int apply_settings(struct bc_options *o, struct bc_cli_setting *cs, size_t n)
{
	char *file = NULL;

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
	o->cli = (struct bc_cli_setting *)cs;
	o->nr_cli = n;
	return bc_options_apply_cli(o);
}

/*
 * Applies the settings V over what O holds (a list given again replaces the
 * one before it), recording ORIGIN. 0, or the error with *MSG saying why
 * (the caller frees it).
 */
static int apply_list(struct bc_options *o, const struct bc_cli_setting *v, size_t n,
		      const char *origin, char **msg)
{
	bool cleared[BC_NR_SETTINGS] = { false };
	char *err = NULL;
	int ret;

	*msg = NULL;
	for (size_t i = 0; i < n; i++) {
		if (bc_setting_is_list(v[i].id) && !cleared[v[i].id]) {
			bc_setting_clear(o, v[i].id);	/* the later list replaces */
			cleared[v[i].id] = true;
		}
		ret = bc_setting_set(o, v[i].id, v[i].value, origin, v[i].name, &err);
		if (ret) {
			*msg = err ? err : strdup(strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int bc_options_apply_cli(struct bc_options *o)
{
	char *err;

	if (!apply_list(o, o->cli, o->nr_cli, "command line", &err))
		return 0;
	bc_err(o, "%s", err ? err : "out of memory");
	free(err);
	return BC_EXIT_USAGE;
}

/* The command named before the options, for its --help; NULL = none. */
static const struct bc_cmd *help_cmd;

/* A command-line-only option (cli/settings.def), as it is parsed: 0, -1
 * when it answered the run (--help, --version), or BC_EXIT_USAGE. */
static int parse_option(struct bc_options *o, enum bc_setting id, const char *arg)
{
	switch (id) {
	case BC_SET_OUTPUT:
		o->output = arg;
		break;
	case BC_SET_QUIET:
		o->quiet = true;
		break;
	case BC_SET_STATISTICS:
		o->statistics = true;
		break;
	case BC_SET_STDIN_FILENAME:
		o->stdin_filename = arg;
		break;
	case BC_SET_TRACEFS:
		o->tracefs = arg;
		break;
	case BC_SET_INCLUDE_DIR:
	case BC_SET_DEFINE:
	case BC_SET_CLANG_ARG: {
		char *a = bc_strdup_printf("%s%s", id == BC_SET_INCLUDE_DIR ? "-I" :
						  id == BC_SET_DEFINE ? "-D" : "", arg);

		if (!a || BC_GROW(o->clang_args, o->cap_clang_args, o->nr_clang_args + 1)) {
			free(a);
			bc_err(o, "out of memory");
			return BC_EXIT_USAGE;
		}
		o->clang_args[o->nr_clang_args++] = a;
		break;
	}
	case BC_SET_FIX:
		o->fix = true;
		break;
	case BC_SET_DIFF:
		o->diff = true;
		break;
	case BC_SET_CONFIG:
		o->config = arg;
		break;
	case BC_SET_NO_CONFIG:
		o->no_config = true;
		break;
	case BC_SET_NO_CACHE:
		free(o->target.cache_dir);
		o->target.cache_dir = NULL;
		break;
	case BC_SET_PRINT_CONFIG:
		o->print_config = true;
		break;
	case BC_SET_WRITE_BASELINE:
		o->write_baseline = arg;
		break;
	case BC_SET_PRUNE_BASELINE:
		o->prune_baseline = true;
		break;
	case BC_SET_FAIL_ON_GROWTH: {
		char *end;

		errno = 0;
		o->fail_on_growth = strtoll(arg, &end, 10);
		if (errno || end == arg || *end || o->fail_on_growth < 0) {
			bc_err(o, "--fail-on-growth takes a byte count (0 or more), not '%s'", arg);
			return BC_EXIT_USAGE;
		}
		break;
	}
	case BC_SET_MODULES:
		o->modules = true;
		break;
	case BC_SET_EMIT_LLVM:
		o->emit_llvm = arg;
		break;
	case BC_SET_SCRATCH:
		o->scratch = arg;
		break;
	case BC_SET_IR_OPTIMIZE:
		if (!strcmp(arg, "auto")) {
			o->target.ir_optimize = -1;
		} else if (!strcmp(arg, "always") || !strcmp(arg, "never")) {
			o->target.ir_optimize = !strcmp(arg, "always");
		} else {
			bc_err(o, "--ir-optimize takes auto, always or never, not '%s'", arg);
			return BC_EXIT_USAGE;
		}
		break;
	case BC_SET_SCRATCH_THRESHOLD:
		o->scratch_threshold = arg;
		break;
	case BC_SET_VERSION:
		printf("bpfcheck %s\n", BC_VERSION);
		return -1;
	case BC_SET_HELP:
		if (help_cmd)	/* bpfcheck COMMAND --help */
			bc_usage_cmd(stdout, help_cmd);
		else
			bc_usage(stdout);
		return -1;
	default:
		break;	/* settings: cli/settings.c */
	}
	return 0;
}

int bc_options_parse(struct bc_options *o, int argc, char **argv, const struct bc_cmd **cmd)
{
	struct bc_cli_setting *cs;
	size_t ncs = 0;
	int c, first = 1, ret;

	bc_options_init(o);
	*cmd = &bc_cmds[0];
	if (argc > 1 && argv[1][0] != '-' && find_cmd(argv[1])) {
		*cmd = find_cmd(argv[1]);
		help_cmd = *cmd;
		first = 2;
	}
	cs = calloc(argc + 1, sizeof(*cs));
	if (!cs) {
		bc_err(o, "out of memory");
		return BC_EXIT_USAGE;
	}
	build_getopt();
	optind = first;
	opterr = 0;
	ret = 0;
	while (!ret && (c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		enum bc_setting id;
		const char *value, *name;

		if (c == ':') {
			bc_err(o, "option '%s' needs an argument", argv[optind - 1]);
			ret = BC_EXIT_USAGE;
		} else if (c == '?' || !option_of(c, &id, &value, &name)) {
			bc_err(o, "unknown option '%s' (see 'bpfcheck --help')", argv[optind - 1]);
			ret = BC_EXIT_USAGE;
		} else if (bc_setting_in_file(id)) {
			/* applied after the configuration file */
			if (optarg && bc_option_descs[id].arg != no_argument)
				value = optarg;
			cs[ncs++] = (struct bc_cli_setting){ id, value, name };
		} else {
			ret = parse_option(o, id, optarg);
		}
	}
	if (!ret) {
		o->paths = &argv[optind];
		o->nr_paths = argc - optind;
		ret = apply_settings(o, cs, ncs);	/* keeps CS in O */
	}
	if (o->cli != cs)
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
	for (size_t i = 0; i < o->nr_clang_args; i++)
		free(o->clang_args[i]);
	free(o->clang_args);
	o->clang_args = NULL;
	o->nr_clang_args = o->cap_clang_args = 0;
	bc_options_free_settings(o);
	free(o->cli);
	o->cli = NULL;
	o->nr_cli = 0;
}

/* Appends LINE to the error text *ALL (heap, lines joined by '\n'). */
static void add_error(char **all, const char *line)
{
	char *joined;

	if (!line || !*line)
		return;
	joined = *all ? bc_strdup_printf("%s\n%s", *all, line) : strdup(line);
	if (joined) {
		free(*all);
		*all = joined;
	}
}

int bc_options_for_path(const struct bc_options *base, const char *path, const char *config,
			const struct bc_cli_setting *extra, size_t nr_extra, FILE *config_errs,
			struct bc_options *out, char **errors)
{
	char *file = NULL, *buf = NULL, *err = NULL, *paths[] = { (char *)path };
	size_t len = 0;
	FILE *errs;
	int ret;

	*errors = NULL;
	ret = bc_options_init(out);
	if (ret)
		return ret;
	errs = config_errs ? config_errs : open_memstream(&buf, &len);
	if (!errs) {
		bc_options_free_settings(out);
		return -ENOMEM;
	}
	out->tracefs = base->tracefs;
	out->config = base->config;
	out->no_config = base->no_config;
	if (!base->target.cache_dir) {
		free(out->target.cache_dir);	/* --no-cache */
		out->target.cache_dir = NULL;
	}
	if (config)
		file = strdup(config);
	else if (base->config)
		file = strdup(base->config);
	else if (!base->no_config)
		ret = bc_config_find(paths, 1, &file);
	if (!ret && file) {
		out->config_path = file;
		ret = bc_config_load(out, file, errs);
	}
	if (!ret)
		ret = apply_list(out, extra, nr_extra, "editor settings", &err);
	if (!ret)
		ret = apply_list(out, base->cli, base->nr_cli, "command line", &err);
	if (errs != config_errs)
		fclose(errs);
	while (buf && len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	add_error(errors, buf);
	add_error(errors, err);
	free(buf);
	free(err);
	if (!ret) {
		char why[600];

		/* the target this file is checked against: its --target, else
		 * the running system */
		if (bc_options_open_target(out, why, sizeof(why))) {
			add_error(errors, why);
			ret = -EINVAL;
		}
	}
	/* the installed bpftrace, when this file's settings do not name one:
	 * the one the run already asked when both look at the same target,
	 * else the one of this file's target (asked when a script needs it) */
	if (!ret && !out->target.bpftrace_explicit && base->target.bpftrace_explicit &&
	    (out->target_file == base->target_file ||
	     (out->target_file && base->target_file &&
	      !strcmp(out->target_file, base->target_file))))
		bc_target_set_bpftrace(&out->target, base->target.bpftrace_str);
	if (ret) {
		if (!*errors && !config_errs)
			*errors = strdup(strerror(ret < 0 ? -ret : EINVAL));
		bc_options_free_settings(out);
	}
	return ret;
}
