// SPDX-License-Identifier: Apache-2.0
/* The settings table (cli/settings.def): what --options and .bpfcheckrc
 * keys set, their defaults, their validation, and --print-config. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "options.h"
#include "../analyzer/base/array.h"
#include "../analyzer/base/str.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/target/source.h"
#include "../reporters/reporter.h"
#include "../rules/registry.h"

const struct bc_option_desc bc_option_descs[BC_NR_SETTINGS] = {
#define BC_OPTION(id, name, short_opt, arg, value, kind, section, metavar, help) \
	[BC_SET_##id] = { name, "--" name, short_opt, arg, value, BC_OPT_##kind, \
			  BC_SECTION_##section, metavar, help },
#include "settings.def"
};

const struct bc_option_alias bc_option_aliases[BC_NR_OPTION_ALIASES] = {
#define BC_OPTION(...)
#define BC_ALIAS(name, id, value, shown) { name, "--" name, BC_SET_##id, value, shown },
#include "settings.def"
};

bool bc_setting_in_file(enum bc_setting id)
{
	return (unsigned)id < BC_NR_SETTINGS && bc_option_descs[id].kind != BC_OPT_CLI;
}

bool bc_setting_is_list(enum bc_setting id)
{
	return bc_setting_in_file(id) && bc_option_descs[id].kind != BC_OPT_SETTING;
}

const char *bc_setting_key(enum bc_setting id)
{
	return bc_setting_in_file(id) ? bc_option_descs[id].name : NULL;
}

int bc_setting_find(const char *key, enum bc_setting *id, const char **arg)
{
	*arg = NULL;
	for (int i = 0; i < BC_NR_SETTINGS; i++) {
		const struct bc_option_desc *d = &bc_option_descs[i];
		size_t n = strlen(d->name);

		if (d->kind == BC_OPT_CLI)
			continue;
		if (d->kind == BC_OPT_RULE_LIST) {
			/* NAME.RULE */
			if (!strncmp(key, d->name, n) && key[n] == '.' && key[n + 1]) {
				*id = i;
				*arg = key + n + 1;
				return 0;
			}
		} else if (!strcmp(d->name, key)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

char *bc_setting_keys(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	bool first = true;

	if (!m)
		return NULL;
	for (int i = 0; i < BC_NR_SETTINGS; i++) {
		if (!bc_setting_in_file(i))
			continue;
		fprintf(m, "%s%s%s", first ? "" : ", ", bc_option_descs[i].name,
			bc_option_descs[i].kind == BC_OPT_RULE_LIST ? ".RULE" : "");
		first = false;
	}
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int bc_options_init(struct bc_options *o)
{
	memset(o, 0, sizeof(*o));
	o->format = "text";
	o->fail_on = BC_SEV_WARNING;
	o->fail_on_growth = -1;
	bc_target_init_defaults(&o->target);
	return 0;
}

static int bad(char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	return -EINVAL;
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

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Appends the comma-separated rule patterns of ARG to *LIST. */
static int add_patterns(char ***list, size_t *n, size_t *cap, const char *arg, const char *name,
			char **err)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (!*tok)
			continue;
		if (!bc_rule_pattern_valid(tok)) {
			ret = bad(err, "%s: unknown rule '%s' (see 'bpfcheck rules')", name, tok);
			break;
		}
		ret = bc_strv_push(list, n, cap, tok);
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

/* exclude, extend-exclude: comma-separated globs (cli/file_select.c). */
static int add_globs(char ***list, size_t *n, size_t *cap, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (*tok)
			ret = bc_strv_push(list, n, cap, tok);
	}
	free(copy);
	return ret;
}

/* per-file-ignores: "GLOB:RULES" entries separated by white space, the
 * rules checked now. */
static int add_per_file_ignore(struct bc_options *o, const char *value, const char *name,
			       char **err)
{
	char *copy = strdup(value), *save = NULL, *entry;
	int ret = copy ? 0 : -ENOMEM;

	for (entry = copy ? strtok_r(copy, " \t", &save) : NULL; entry && !ret;
	     entry = strtok_r(NULL, " \t", &save)) {
		const char *colon = strrchr(entry, ':');
		char **rules = NULL;
		size_t nr = 0, cap = 0;

		if (!colon || colon == entry || !colon[1]) {
			ret = bad(err, "%s takes GLOB:RULES (tests/*.bt:BC210,BC211), not '%s'",
				  name, entry);
			break;
		}
		ret = add_patterns(&rules, &nr, &cap, colon + 1, name, err);
		for (size_t i = 0; i < nr; i++)
			free(rules[i]);
		free(rules);
		if (!ret)
			ret = bc_strv_push(&o->per_file_ignores, &o->nr_per_file_ignores,
					   &o->cap_per_file_ignores, entry);
	}
	free(copy);
	return ret;
}

static void clear_list(char ***list, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
	*cap = 0;
}

static int add_severity(struct bc_options *o, const char *value, const char *origin,
			const char *name, char **err)
{
	const char *eq = strchr(value, '=');
	struct bc_severity_override *ov;
	enum bc_severity sev;
	char *pattern;

	if (!eq || eq == value)
		return bad(err, "%s takes RULE=SEVERITY (e.g. BC204=error), not '%s'", name, value);
	pattern = strndup(value, eq - value);
	if (!pattern)
		return -ENOMEM;
	if (!bc_rule_pattern_valid(pattern)) {
		bad(err, "%s: unknown rule '%s' (see 'bpfcheck rules')", name, pattern);
		free(pattern);
		return -EINVAL;
	}
	if (bc_severity_parse(eq + 1, &sev) || sev == BC_SEV_NONE) {
		bad(err, "%s takes error, warning or note for '%s', not '%s' "
			 "(turn a rule off with ignore)", name, pattern, eq + 1);
		free(pattern);
		return -EINVAL;
	}
	if (BC_GROW(o->severity, o->cap_severity, o->nr_severity + 1)) {
		free(pattern);
		return -ENOMEM;
	}
	ov = &o->severity[o->nr_severity];
	ov->pattern = pattern;
	ov->severity = sev;
	ov->origin = strdup(origin ? origin : "default");
	if (!ov->origin) {
		free(pattern);
		return -ENOMEM;
	}
	o->nr_severity++;
	return 0;
}

static int set_format(struct bc_options *o, const char *value, const char *name, char **err)
{
	const struct bc_reporter *r = bc_reporter_find(value);

	if (!r)
		return bad(err, "%s: unknown format '%s' (one of: %s)", name, value,
			   bc_reporter_names());
	o->format = r->name;
	return 0;
}

const char *bc_options_format(const struct bc_options *o)
{
	return o->diff ? "diff" : o->format;
}

static int set_value(struct bc_options *o, enum bc_setting id, const char *value,
		     const char *origin, const char *name, char **err)
{
	bool b;

	switch (id) {
	case BC_SET_FORMAT:
		return set_format(o, value, name, err);
	case BC_SET_SELECT:
		return add_patterns(&o->select, &o->nr_select, &o->cap_select, value, name, err);
	case BC_SET_IGNORE:
		return add_patterns(&o->ignore, &o->nr_ignore, &o->cap_ignore, value, name, err);
	case BC_SET_PER_FILE_IGNORES:
		return add_per_file_ignore(o, value, name, err);
	case BC_SET_EXCLUDE:
		return add_globs(&o->exclude, &o->nr_exclude, &o->cap_exclude, value);
	case BC_SET_EXTEND_EXCLUDE:
		return add_globs(&o->extend_exclude, &o->nr_extend_exclude, &o->cap_extend_exclude,
				 value);
	case BC_SET_SEVERITY:
		return add_severity(o, value, origin, name, err);
	case BC_SET_FAIL_ON:
		if (bc_severity_parse(value, &o->fail_on))
			return bad(err, "%s takes error, warning, note or never, not '%s'", name, value);
		return 0;
	case BC_SET_KERNEL:
		if (bc_target_set_kernel(&o->target, value))
			return bad(err, "%s takes a version such as 6.6, not '%s'", name, value);
		return 0;
	case BC_SET_BTF:
		free(o->target.btf_path);
		o->target.btf_path = NULL;
		o->target.btf_none = !strcmp(value, "none");
		if (o->target.btf_none)
			return 0;	/* no kernel BTF: sizes from the script alone */
		o->target.btf_path = strdup(value);
		return o->target.btf_path ? 0 : -ENOMEM;
	case BC_SET_BPFTRACE:
		switch (bc_target_set_bpftrace(&o->target, value)) {
		case 0:
			return 0;
		case -ERANGE:
			return bad(err, "%s: bpftrace %s is not modelled; supported: %s", name, value,
				   BC_BT_SUPPORTED);
		default:
			return bad(err, "%s takes a version such as 0.17 or 0.22.1, not '%s'", name,
				   value);
		}
	case BC_SET_STACK_LIMIT:
		if (parse_int(value, 8, 1 << 20, &o->target.stack_limit))
			return bad(err, "%s takes a byte count from 8 to 1048576, not '%s'", name,
				   value);
		return 0;
	case BC_SET_JIT:
	case BC_SET_AOT:
	case BC_SET_UNSAFE_FIXES:
	case BC_SET_EXIT_NON_ZERO_ON_FIX:
	case BC_SET_ALLOW_MISSING_KERNEL:
		if (parse_bool(value, &b))
			return bad(err, "%s takes true or false, not '%s'", name, value);
		if (id == BC_SET_JIT) {
			o->target.jit = b;
			o->target.jit_explicit = true;
		} else if (id == BC_SET_AOT) {
			o->aot = b;
		} else if (id == BC_SET_UNSAFE_FIXES) {
			o->unsafe_fixes = b;
		} else if (id == BC_SET_ALLOW_MISSING_KERNEL) {
			o->allow_missing_kernel = b;
		} else {
			o->exit_non_zero_on_fix = b;
		}
		return 0;
	case BC_SET_COLOR:
		if (!strcmp(value, "always"))
			o->color = BC_COLOR_ALWAYS;
		else if (!strcmp(value, "never"))
			o->color = BC_COLOR_NEVER;
		else if (!strcmp(value, "auto"))
			o->color = BC_COLOR_AUTO;
		else
			return bad(err, "%s takes auto, always or never, not '%s'", name, value);
		return 0;
	case BC_SET_JOBS:
		if (parse_int(value, 0, 1024, &o->target.jobs))
			return bad(err, "%s takes a number from 0 to 1024, not '%s'", name, value);
		return 0;
	case BC_SET_TIMEOUT: {
		char *end;
		double t;

		errno = 0;
		t = strtod(value, &end);
		if (errno || end == value || *end || !(t >= 0 && t <= 1e6))
			return bad(err, "%s takes seconds from 0 (no limit) to 1000000, not '%s'",
				   name, value);
		o->timeout = t;
		return 0;
	}
	case BC_SET_BASELINE:
		if (!*value)
			return bad(err, "%s takes a file name", name);
		free(o->baseline);
		o->baseline = strdup(value);
		return o->baseline ? 0 : -ENOMEM;
	case BC_SET_TARGET:
		free(o->target_file);
		o->target_file = *value ? strdup(value) : NULL;	/* "": the running system */
		return *value && !o->target_file ? -ENOMEM : 0;
	default:
		break;	/* command line only: cli/options.c */
	}
	return -EINVAL;
}

int bc_setting_set(struct bc_options *o, enum bc_setting id, const char *value,
		   const char *origin, const char *name, char **err)
{
	int ret;

	*err = NULL;
	if (!bc_setting_in_file(id))
		return -EINVAL;
	ret = set_value(o, id, value, origin, name, err);
	if (ret)
		return ret;
	if (id == BC_SET_SEVERITY)
		return 0;	/* each override keeps its own origin */
	free(o->origin[id]);
	o->origin[id] = origin ? strdup(origin) : NULL;
	return origin && !o->origin[id] ? -ENOMEM : 0;
}

void bc_setting_clear(struct bc_options *o, enum bc_setting id)
{
	switch (id) {
	case BC_SET_PER_FILE_IGNORES:
		clear_list(&o->per_file_ignores, &o->nr_per_file_ignores, &o->cap_per_file_ignores);
		break;
	case BC_SET_EXCLUDE:
		clear_list(&o->exclude, &o->nr_exclude, &o->cap_exclude);
		break;
	case BC_SET_EXTEND_EXCLUDE:
		clear_list(&o->extend_exclude, &o->nr_extend_exclude, &o->cap_extend_exclude);
		break;
	case BC_SET_SELECT:
		clear_list(&o->select, &o->nr_select, &o->cap_select);
		break;
	case BC_SET_IGNORE:
		clear_list(&o->ignore, &o->nr_ignore, &o->cap_ignore);
		break;
	case BC_SET_SEVERITY:
		for (size_t i = 0; i < o->nr_severity; i++) {
			free(o->severity[i].pattern);
			free(o->severity[i].origin);
		}
		free(o->severity);
		o->severity = NULL;
		o->nr_severity = 0;
		o->cap_severity = 0;
		break;
	default:
		return;
	}
	free(o->origin[id]);
	o->origin[id] = NULL;
}

void bc_options_free_settings(struct bc_options *o)
{
	for (int i = 0; i < BC_NR_SETTINGS; i++)
		if (bc_setting_is_list(i))
			bc_setting_clear(o, i);
	for (int i = 0; i < BC_NR_SETTINGS; i++) {
		free(o->origin[i]);
		o->origin[i] = NULL;
	}
	free(o->config_path);
	o->config_path = NULL;
	free(o->baseline);
	o->baseline = NULL;
	free(o->target_file);
	o->target_file = NULL;
	bc_target_free(&o->target);
}

int bc_options_open_target(struct bc_options *o, char *err, size_t errlen)
{
	struct bc_source *s = NULL;
	char why[512] = "";
	int ret;

	if (!o->target_file) {
		s = bc_source_live(o->tracefs);
		if (!s) {
			snprintf(err, errlen, "out of memory");
			return BC_EXIT_USAGE;
		}
		bc_target_use_source(&o->target, s);
		return 0;
	}
	if (o->tracefs) {
		snprintf(err, errlen, "--tracefs and --target exclude each other: the target file "
			 "has the tracepoint formats");
		return BC_EXIT_USAGE;
	}
	ret = bc_source_file(o->target_file, &s, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "target file '%s': %s", o->target_file,
			 why[0] ? why : strerror(-ret));
		/* a file that is not there is a setting's mistake; one that is
		 * there but cannot be used is an input that cannot be processed */
		return ret == -EINVAL || ret == -EPROTONOSUPPORT ? BC_EXIT_INPUT : BC_EXIT_USAGE;
	}
	bc_target_use_source(&o->target, s);
	return 0;
}

/* Is R selected (--select, or every rule) and not ignored? */
static bool rule_selected(const struct bc_options *o, const struct bc_rule *r)
{
	bool on = !o->nr_select;

	for (size_t i = 0; i < o->nr_select && !on; i++)
		on = bc_rule_matches(r, o->select[i]);
	for (size_t i = 0; i < o->nr_ignore && on; i++)
		on = !bc_rule_matches(r, o->ignore[i]);
	return on;
}

int bc_options_analysis(const struct bc_options *o, struct bc_analysis *a)
{
	bool stack_facts = false;

	bc_analysis_init(a, &o->target);
	a->allow_missing_kernel = o->allow_missing_kernel;
	a->clang_args = (const char *const *)o->clang_args;
	a->nr_clang_args = o->nr_clang_args;
	a->aot = o->aot;
	for (size_t i = 0; bc_rules[i]; i++) {
		const struct bc_rule *r = bc_rules[i];
		struct bc_rule_choice *c = &a->rules[r->id];

		c->disabled = !rule_selected(o, r);
		/* the last override that matches wins */
		for (size_t k = 0; k < o->nr_severity; k++)
			if (bc_rule_matches(r, o->severity[k].pattern))
				c->severity = o->severity[k].severity;
		stack_facts |= r->needs_stack_facts && !c->disabled;
	}
	a->skip_stack_facts = !stack_facts;
	return 0;
}

/* ---- --print-config ---- */

static void print_list(FILE *out, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? "," : "", v[i]);
}

static void print_btf(FILE *m, const struct bc_target *t)
{
	struct bc_btf_blob b;

	if (t->btf_path)
		fputs(t->btf_path, m);
	else if (!t->btf_none && bc_source_btf(t->source, NULL, &b) == 0)
		fputs(b.path ? b.path : b.name, m);
	else
		fputs("none", m);
}

static void print_line(FILE *out, const char *key, const char *value, const char *origin)
{
	int w = fprintf(out, "%s = %s", key, value);

	fprintf(out, "%*s# %s\n", w < 34 ? 34 - w : 1, "", origin);
}

void bc_options_print(FILE *out, const struct bc_options *o)
{
	static const char *const colors[] = { "auto", "always", "never" };
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	fprintf(out, "# bpfcheck %s: effective settings and where each comes from\n", BC_VERSION);
	fprintf(out, "# configuration file: %s\n", o->config_path ? o->config_path : "none");
	for (int id = 0; id < BC_NR_SETTINGS; id++) {
		const char *origin = o->origin[id] ? o->origin[id] : "default";

		if (!bc_setting_in_file(id))
			continue;	/* command line only */
		if (id == BC_SET_SEVERITY) {
			for (size_t i = 0; i < o->nr_severity; i++) {
				char key[256];

				snprintf(key, sizeof(key), "%s.%s", bc_option_descs[id].name,
					 o->severity[i].pattern);
				print_line(out, key, bc_severity_name(o->severity[i].severity),
					   o->severity[i].origin);
			}
			continue;
		}
		if (id == BC_SET_TARGET && !o->target_file)
			continue;	/* the running system: nothing to set */
		m = open_memstream(&buf, &len);
		if (!m)
			return;
		switch ((enum bc_setting)id) {
		case BC_SET_FORMAT:
			fputs(o->format, m);
			break;
		case BC_SET_SELECT:
			if (o->nr_select)
				print_list(m, o->select, o->nr_select);
			else
				fputs("all", m);
			break;
		case BC_SET_IGNORE:
			print_list(m, o->ignore, o->nr_ignore);
			break;
		case BC_SET_PER_FILE_IGNORES:
			for (size_t i = 0; i < o->nr_per_file_ignores; i++)
				fprintf(m, "%s%s", i ? " " : "", o->per_file_ignores[i]);
			break;
		case BC_SET_EXCLUDE:
			print_list(m, o->exclude, o->nr_exclude);
			break;
		case BC_SET_EXTEND_EXCLUDE:
			print_list(m, o->extend_exclude, o->nr_extend_exclude);
			break;
		case BC_SET_FAIL_ON:
			fputs(o->fail_on == BC_SEV_NONE ? "never" : bc_severity_name(o->fail_on), m);
			break;
		case BC_SET_KERNEL:
			fputs(o->target.kernel_str, m);
			if (!o->origin[id] && o->target.kernel_from_host)
				origin = bc_source_is_file(o->target.source) ? "default (the target file)"
									     : "default (the running kernel)";
			break;
		case BC_SET_BTF:
			print_btf(m, &o->target);
			break;
		case BC_SET_BPFTRACE:
			fputs(o->target.bpftrace_str, m);
			break;
		case BC_SET_STACK_LIMIT:
			fprintf(m, "%d", o->target.stack_limit);
			break;
		case BC_SET_JIT:
			fputs(o->target.jit ? "true" : "false", m);
			break;
		case BC_SET_AOT:
			fputs(o->aot ? "true" : "false", m);
			break;
		case BC_SET_COLOR:
			fputs(colors[o->color], m);
			break;
		case BC_SET_UNSAFE_FIXES:
			fputs(o->unsafe_fixes ? "true" : "false", m);
			break;
		case BC_SET_EXIT_NON_ZERO_ON_FIX:
			fputs(o->exit_non_zero_on_fix ? "true" : "false", m);
			break;
		case BC_SET_JOBS:
			fprintf(m, "%d", o->target.jobs);
			break;
		case BC_SET_TIMEOUT:
			fprintf(m, "%g", o->timeout);
			break;
		case BC_SET_BASELINE:
			fputs(o->baseline ? o->baseline : "none", m);
			break;
		case BC_SET_TARGET:
			fputs(o->target_file, m);
			break;
		case BC_SET_ALLOW_MISSING_KERNEL:
			fputs(o->allow_missing_kernel ? "true" : "false", m);
			break;
		default:
			break;
		}
		fclose(m);
		print_line(out, bc_option_descs[id].name, buf, origin);
		free(buf);
		buf = NULL;
	}
}
