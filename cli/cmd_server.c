// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck server: the language server on stdin/stdout (server/lsp.h,
 * docs/editors.md). This file only says which analysis a document gets:
 * the settings the command line would use for that file
 * (bc_options_for_path: its .bpfcheckrc, the editor's settings, this
 * command line over them).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../analyzer/base/array.h"
#include "../server/lsp.h"

/* A document's settings and the analysis built from them (which borrows
 * the settings' target). */
struct doc_analysis {
	struct bc_options o;
	struct bc_analysis a;
};

/* The editor's settings list: strings the bc_cli_settings point into. */
struct editor_settings {
	struct bc_cli_setting *v;
	size_t n, cap;
	char **strs;
	size_t nr_strs, cap_strs;
};

static void editor_settings_free(struct editor_settings *e)
{
	for (size_t i = 0; i < e->nr_strs; i++)
		free(e->strs[i]);
	free(e->strs);
	free(e->v);
}

static int add_setting(struct editor_settings *e, enum bc_setting id, char *value)
{
	if (!value)
		return -ENOMEM;
	if (BC_GROW(e->strs, e->cap_strs, e->nr_strs + 1) || BC_GROW(e->v, e->cap, e->n + 1)) {
		free(value);
		return -ENOMEM;
	}
	e->strs[e->nr_strs++] = value;
	e->v[e->n++] = (struct bc_cli_setting){ id, value, bc_option_descs[id].name };
	return 0;
}

/* One JSON scalar as a setting's text; NULL when it is not a scalar. */
static char *scalar(const json_t *v)
{
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "true" : "false");
	if (json_is_integer(v))
		return bc_strdup_printf("%lld", (long long)json_integer_value(v));
	return NULL;
}

/* A .bpfcheckrc key, or the bare name of a per-rule list ("severity"). */
static int find_key(const char *key, enum bc_setting *id, const char **arg)
{
	if (!bc_setting_find(key, id, arg))
		return 0;
	for (int i = 0; i < BC_NR_SETTINGS; i++)
		if (bc_option_descs[i].kind == BC_OPT_RULE_LIST && !strcmp(bc_option_descs[i].name, key)) {
			*id = i;
			*arg = NULL;
			return 0;
		}
	return -ENOENT;
}

/*
 * The editor's settings ({"select": ["BC2*"], "kernel": "6.6",
 * "severity": {"BC204": "error"}, ...}: .bpfcheckrc keys; a list as an
 * array, a per-rule list as an object) as settings. 0, or -EINVAL with *WHY.
 */
static int editor_settings(const json_t *j, struct editor_settings *e, char **why)
{
	const char *key;
	json_t *v;
	int err = 0;

	json_object_foreach((json_t *)j, key, v) {
		enum bc_setting id;
		const char *arg;
		const char *rule;
		json_t *x;
		size_t i;

		if (find_key(key, &id, &arg) ||
		    json_is_object(v) != (bc_option_descs[id].kind == BC_OPT_RULE_LIST && !arg)) {
			*why = bc_strdup_printf("editor setting '%s': not a .bpfcheckrc key", key);
			return -EINVAL;
		}
		if (arg) {	/* "severity.BC204": "error" */
			char *s = scalar(v);

			err = s ? add_setting(e, id, bc_strdup_printf("%s=%s", arg, s)) : -EINVAL;
			free(s);
		} else if (json_is_object(v)) {	/* "severity": {"BC204": "error"} */
			json_object_foreach(v, rule, x) {
				char *s = scalar(x);

				err = s ? add_setting(e, id, bc_strdup_printf("%s=%s", rule, s)) : -EINVAL;
				free(s);
				if (err)
					break;
			}
		} else if (json_is_array(v)) {
			json_array_foreach(v, i, x) {
				if ((err = add_setting(e, id, scalar(x))))
					break;
			}
		} else {
			err = add_setting(e, id, scalar(v));
		}
		if (err) {
			if (err == -EINVAL)
				*why = bc_strdup_printf("editor setting '%s': not a value bpfcheck takes",
							key);
			return err;
		}
	}
	return 0;
}

/* The one place the server turns a file into its settings. */
static int analysis_for(void *ctx, const char *path, const json_t *settings,
			struct bc_analysis **out, char **why)
{
	const struct bc_options *base = ctx;
	struct editor_settings e = { 0 };
	struct doc_analysis *d = calloc(1, sizeof(*d));
	int err;

	*why = NULL;
	if (!d)
		return -ENOMEM;
	err = settings ? editor_settings(settings, &e, why) : 0;
	if (!err)
		err = bc_options_for_path(base, path, NULL, e.v, e.n, NULL, &d->o, why);
	editor_settings_free(&e);
	if (err) {
		if (*why)	/* the editor shows one line: the first error */
			(*why)[strcspn(*why, "\n")] = '\0';
		free(d);
		return err;
	}
	err = bc_options_analysis(&d->o, &d->a);
	if (err) {
		bc_options_free_settings(&d->o);
		free(d);
		return err;
	}
	*out = &d->a;
	return 0;
}

static void free_analysis(void *ctx, struct bc_analysis *a)
{
	struct doc_analysis *d = (struct doc_analysis *)((char *)a - offsetof(struct doc_analysis, a));

	bc_options_free_settings(&d->o);
	free(d);
}

int bc_cmd_server(struct bc_options *o)
{
	struct bc_lsp_host host = { analysis_for, free_analysis, o };

	if (o->nr_paths) {
		bc_err(o, "server takes no paths: the editor sends the documents");
		return BC_EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "bpfcheck: server speaks the Language Server Protocol on stdin and "
				"stdout; start it from an editor (docs/editors.md)\n");
	bc_target_resolve_bpftrace(&o->target);
	return bc_lsp_serve(&host, STDIN_FILENO, STDOUT_FILENO);
}
