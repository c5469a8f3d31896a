// SPDX-License-Identifier: Apache-2.0
/* .bpfcheckrc discovery and parsing; values go through the settings table. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "options.h"

/* The absolute, resolved directory an input lives in; NULL when unknown. */
static char *input_dir(const char *path)
{
	struct stat st;
	char *copy, *dir;

	if (!strcmp(path, "-"))
		return realpath(".", NULL);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return realpath(path, NULL);
	copy = strdup(path);
	if (!copy)
		return NULL;
	dir = realpath(dirname(copy), NULL);
	free(copy);
	return dir;
}

/* Cuts A down to the longest directory prefix it shares with B. */
static void common_dir(char *a, const char *b)
{
	size_t i = 0, last = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i;
		i++;
	}
	if ((!a[i] || a[i] == '/') && (!b[i] || b[i] == '/'))
		last = i;	/* one is a prefix of the other at a component boundary */
	a[last ? last : 1] = 0;	/* keep "/" for the root */
}

static bool exists(const char *dir, const char *name, bool want_reg)
{
	char p[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", name) >= sizeof(p))
		return false;
	if (stat(p, &st))
		return false;
	return !want_reg || S_ISREG(st.st_mode);
}

/* DIR as reports show it: relative when it is the current directory or
 * below it ("" for the current directory itself), else absolute. */
static const char *relative_to_cwd(const char *dir, char *cwd)
{
	size_t n;

	if (!realpath(".", cwd))
		return dir;
	n = strlen(cwd);
	if (!strcmp(dir, cwd))
		return "";
	if (!strncmp(dir, cwd, n) && dir[n] == '/' && n > 1)
		return dir + n + 1;
	return dir;
}

int bc_config_find(char *const *paths, size_t nr_paths, char **found)
{
	char *dir = NULL;

	*found = NULL;
	for (size_t i = 0; i < nr_paths || (!nr_paths && !i); i++) {
		char *d = input_dir(nr_paths ? paths[i] : "-");

		if (!d)
			continue;	/* unreadable input: reported when it is loaded */
		if (!dir) {
			dir = d;
		} else {
			common_dir(dir, d);
			free(d);
		}
	}
	if (!dir)
		return 0;
	for (;;) {
		if (exists(dir, BC_CONFIG_NAME, true)) {
			char cwd[PATH_MAX];
			const char *shown = relative_to_cwd(dir, cwd);

			if (asprintf(found, "%s%s%s", shown, *shown ? "/" : "", BC_CONFIG_NAME) < 0) {
				*found = NULL;
				free(dir);
				return -ENOMEM;
			}
			break;
		}
		if (exists(dir, ".git", false) || !strcmp(dir, "/"))
			break;
		*strrchr(dir, '/') = 0;
		if (!*dir)
			strcpy(dir, "/");
	}
	free(dir);
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

static int load_line(struct bc_options *o, char *line, const char *origin, char **err)
{
	char *eq, *key, *value, *hash, *sev = NULL;
	enum bc_setting id;
	const char *arg;
	int ret;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	for (hash = line; (hash = strchr(hash, '#')); hash++)
		if (hash > line && (hash[-1] == ' ' || hash[-1] == '\t')) {
			*hash = 0;
			break;
		}
	eq = strchr(line, '=');
	if (!eq) {
		*err = bc_strdup_printf("expected 'key = value', not '%s'", trim(line));
		return -EINVAL;
	}
	*eq = 0;
	key = trim(line);
	value = trim(eq + 1);
	if (bc_setting_find(key, &id, &arg)) {
		char *keys = bc_setting_keys();

		*err = bc_strdup_printf("unknown key '%s' (keys: %s)", key, keys ? keys : "...");
		free(keys);
		return -EINVAL;
	}
	if (!*value) {
		if (bc_option_descs[id].kind == BC_OPT_LIST) {
			bc_setting_clear(o, id);	/* "ignore =": an empty list */
			return bc_setting_set(o, id, "", origin, key, err);
		}
		*err = bc_strdup_printf("'%s' needs a value", key);
		return -EINVAL;
	}
	if (arg) {	/* NAME.RULE = V is --NAME RULE=V */
		sev = bc_strdup_printf("%s=%s", arg, value);
		if (!sev)
			return -ENOMEM;
		value = sev;
	}
	ret = bc_setting_set(o, id, value, origin, key, err);
	free(sev);
	return ret;
}

int bc_config_load(struct bc_options *o, const char *file, FILE *errs)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *origin = NULL, *err = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int ret = 0;

	if (!f) {
		ret = -errno;
		fprintf(errs, "%s: error: cannot read the configuration: %s\n", file, strerror(errno));
		return ret;
	}
	while (!ret && getline(&line, &cap, f) >= 0) {
		lineno++;
		free(origin);
		origin = bc_strdup_printf("%s:%u", file, lineno);
		if (!origin) {
			ret = -ENOMEM;
			break;
		}
		ret = load_line(o, line, origin, &err);
		if (ret)
			fprintf(errs, "%s:%u: error: %s\n", file, lineno, err ? err : strerror(-ret));
		free(err);
		err = NULL;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		fprintf(errs, "%s: error: reading the configuration failed\n", file);
	}
	free(origin);
	free(line);
	fclose(f);
	return ret;
}
