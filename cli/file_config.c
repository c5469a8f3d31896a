// SPDX-License-Identifier: Apache-2.0
/* Per-file settings: the nearest .bpfcheckrc of each input (file_config.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "file_config.h"
#include "file_select.h"
#include "../analyzer/base/array.h"
#include "../analyzer/core/analysis.h"

struct file_config {
	char *config;		/* the .bpfcheckrc, as bc_config_find names it; NULL = none */
	struct bc_options o;
	struct bc_analysis a;
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void config_free(struct file_config *c)
{
	bc_options_free_settings(&c->o);
	free(c->config);
	free(c);
}

/* The run's command line over FILE (found for PATH), as a new entry. */
static int build(struct bc_options *base, const struct bc_analysis *base_a, const char *path,
		 char *file, struct file_config **out)
{
	struct file_config *c = calloc(1, sizeof(*c));
	char *errors = NULL;
	int ret;

	if (!c) {
		free(file);
		return -ENOMEM;
	}
	c->config = file;
	ret = bc_options_for_path(base, path, file, NULL, 0, stderr, &c->o, &errors);
	if (ret) {
		if (errors)
			bc_err(base, "%s", errors);
		free(errors);
		free(c->config);
		free(c);
		return BC_EXIT_USAGE;
	}
	ret = bc_options_analysis(&c->o, &c->a);
	if (!ret)
		c->a.result_cache = base_a->result_cache;
	if (ret) {
		config_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

/* A's copy for PATH when OPTS has per-file-ignores that match it. */
static int per_file(struct bc_file_configs *fc, const struct bc_options *opts, const char *path,
		    const struct bc_analysis **a)
{
	struct bc_analysis *own;

	if (!opts->nr_per_file_ignores)
		return 0;
	if (BC_GROW(fc->own, fc->cap_own, fc->nr_own + 1) || !(own = malloc(sizeof(*own))))
		return -ENOMEM;
	*own = **a;
	if (!bc_per_file_ignores_apply(opts, path, own)) {
		free(own);
		return 0;
	}
	fc->own[fc->nr_own++] = own;
	*a = own;
	return 0;
}

static int config_analysis(struct bc_file_configs *fc, struct bc_options *base,
			   const struct bc_analysis *base_a, const char *path,
			   const struct bc_analysis **out, const struct bc_options **opts);

int bc_file_config_analysis(struct bc_file_configs *fc, struct bc_options *base,
			    const struct bc_analysis *base_a, const char *path,
			    const struct bc_analysis **out)
{
	const struct bc_options *opts = base;
	int ret = config_analysis(fc, base, base_a, path, out, &opts);

	return ret ? ret : per_file(fc, opts, path, out);
}

static int config_analysis(struct bc_file_configs *fc, struct bc_options *base,
			   const struct bc_analysis *base_a, const char *path,
			   const struct bc_analysis **out, const struct bc_options **opts)
{
	char *paths[] = { (char *)path, NULL };
	struct file_config *c;
	char *file = NULL;
	int ret;

	*out = base_a;
	if (base->config || base->no_config)
		return 0;
	ret = bc_config_find(paths, 1, &file);
	if (ret)
		return ret;
	if (same(file, base->config_path)) {
		free(file);
		return 0;
	}
	for (size_t i = 0; i < fc->n; i++)
		if (same(fc->v[i]->config, file)) {
			free(file);
			*out = &fc->v[i]->a;
			*opts = &fc->v[i]->o;
			return 0;
		}
	if (BC_GROW(fc->v, fc->cap, fc->n + 1)) {
		free(file);
		return -ENOMEM;
	}
	ret = build(base, base_a, path, file, &c);
	if (ret)
		return ret;
	fc->v[fc->n++] = c;
	*out = &c->a;
	*opts = &c->o;
	return 0;
}

void bc_file_configs_free(struct bc_file_configs *fc)
{
	for (size_t i = 0; i < fc->n; i++)
		config_free(fc->v[i]);
	free(fc->v);
	for (size_t i = 0; i < fc->nr_own; i++)
		free(fc->own[i]);
	free(fc->own);
	memset(fc, 0, sizeof(*fc));
}
