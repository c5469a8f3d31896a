/* SPDX-License-Identifier: Apache-2.0 */
/* bpftrace string/stack settings per version (see profile.h). */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzer/types/stype.h"

extern char **environ;

#define BT_STRLEN_DEFAULT	64	/* src/main.cpp, config.cpp */
#define BT_STRLEN_DEFAULT_023	1024	/* d6e019910, v0.23.0 */
#define BT_STRLEN_LIMIT_OLD	200	/* refused above this until 0.21 (2d62caf4c) */
#define BT_ON_STACK_LIMIT	32	/* #3513, v0.22.0 */
#define BT_PAD_STRLEN_BELOW	1024	/* Config::pad_max_strlen, HEAD */

int bc_bt_profile_init(struct bc_bt_profile *p, int version)
{
	if (!p || version < BC_BTV(0, 17, 0))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->version = version;
	p->max_strlen = version >= BC_BTV(0, 23, 0) ? BT_STRLEN_DEFAULT_023 : BT_STRLEN_DEFAULT;
	p->max_strlen_limit = version < BC_BTV(0, 21, 0) ? BT_STRLEN_LIMIT_OLD : 0;
	p->has_scratch = version >= BC_BTV(0, 22, 0);
	p->on_stack_limit = p->has_scratch ? BT_ON_STACK_LIMIT : 0;
	p->print_maps_on_exit = true;
	p->has_config_block = version >= BC_BTV(0, 20, 0);
	if (version < BC_BTV(0, 20, 0)) {
		p->strlen_env = "BPFTRACE_STRLEN";
	} else {
		p->strlen_env = "BPFTRACE_MAX_STRLEN";
		if (version < BC_BTV(0, 24, 0))
			p->strlen_env_old = "BPFTRACE_STRLEN";
	}
	if (version >= BC_BTV(0, 24, 0))
		p->on_stack_env = "BPFTRACE_ON_STACK_LIMIT";
	return 0;
}

static int parse_u32(struct bc_bt_profile *p, const char *what, const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	while (s && isspace((unsigned char)*s))
		s++;
	if (!s || !isdigit((unsigned char)*s)) {
		snprintf(p->error, sizeof(p->error), "%s: '%s' is not a valid uint64", what,
			 s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || v > UINT32_MAX) {
		snprintf(p->error, sizeof(p->error), "%s: '%s' is not a valid size", what, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int set_strlen(struct bc_bt_profile *p, const char *what, const char *value,
		      enum bc_setting_source src)
{
	uint32_t v;
	int err = parse_u32(p, what, value, &v);

	if (err)
		return err;
	if (p->max_strlen_limit && v > p->max_strlen_limit) {
		snprintf(p->error, sizeof(p->error),
			 "'%s' %u exceeds the current maximum of %u bytes", what, v,
			 p->max_strlen_limit);
		return -ERANGE;
	}
	p->max_strlen = v;
	p->max_strlen_source = src;
	return 0;
}

static const char *env_lookup(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

int bc_bt_profile_apply_env(struct bc_bt_profile *p, char *const *envp)
{
	const char *v;
	int err;

	if (!p)
		return -EINVAL;
	if (!envp)
		envp = environ;
	/* The primary name first; an old alias cannot override it (Config::can_set). */
	if ((v = env_lookup(envp, p->strlen_env))) {
		if ((err = set_strlen(p, p->strlen_env, v, BC_SET_ENV)))
			return err;
	}
	if (p->strlen_env_old && p->max_strlen_source != BC_SET_ENV &&
	    (v = env_lookup(envp, p->strlen_env_old))) {
		if ((err = set_strlen(p, p->strlen_env_old, v, BC_SET_ENV)))
			return err;
	}
	if (p->on_stack_env && (v = env_lookup(envp, p->on_stack_env))) {
		if ((err = parse_u32(p, p->on_stack_env, v, &p->on_stack_limit)))
			return err;
		p->on_stack_limit_source = BC_SET_ENV;
	}
	return 0;
}

/* Config keys each version accepts (src/config.h / config.cpp CONFIG_KEY_MAP). */
static const struct config_key {
	const char *name;
	int since, until;	/* until: first version without it; 0 = still there */
} config_keys[] = {
	{ "cache_user_symbols", BC_BTV(0, 20, 0), 0 },
	{ "cpp_demangle", BC_BTV(0, 20, 0), 0 },
	{ "lazy_symbolication", BC_BTV(0, 21, 0), 0 },
	{ "license", BC_BTV(0, 24, 0), 0 },
	{ "log_size", BC_BTV(0, 20, 0), 0 },
	{ "max_bpf_progs", BC_BTV(0, 20, 0), 0 },
	{ "max_cat_bytes", BC_BTV(0, 20, 0), 0 },
	{ "max_map_keys", BC_BTV(0, 20, 0), 0 },
	{ "max_probes", BC_BTV(0, 20, 0), 0 },
	{ "max_strlen", BC_BTV(0, 20, 0), 0 },
	{ "max_type_res_iterations", BC_BTV(0, 20, 0), BC_BTV(0, 24, 0) },
	{ "missing_probes", BC_BTV(0, 21, 0), 0 },
	{ "on_stack_limit", BC_BTV(0, 22, 0), 0 },
	{ "perf_rb_pages", BC_BTV(0, 20, 0), 0 },
	{ "print_maps_on_exit", BC_BTV(0, 22, 0), 0 },
	{ "probe_inline", BC_BTV(0, 21, 0), BC_BTV(0, 24, 0) },
	{ "show_debug_info", BC_BTV(0, 24, 0), 0 },
	{ "stack_mode", BC_BTV(0, 20, 0), 0 },
	{ "str_trunc_trailer", BC_BTV(0, 20, 0), 0 },
	{ "symbol_source", BC_BTV(0, 22, 0), BC_BTV(0, 24, 0) },
	{ "use_blazesym", BC_BTV(0, 23, 0), 0 },
};

static bool key_known(int v, const char *key)
{
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
		const struct config_key *k = &config_keys[i];

		if (!strcmp(k->name, key) && v >= k->since && (!k->until || v < k->until))
			return true;
	}
	return false;
}

static int parse_bool(struct bc_bt_profile *p, const char *key, const char *s, bool *out)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcmp(s, "0")) {
		*out = false;
		return 0;
	}
	snprintf(p->error, sizeof(p->error), "%s: '%s' is not a boolean", key, s);
	return -EINVAL;
}

int bc_bt_profile_set_config(struct bc_bt_profile *p, const char *key, const char *value)
{
	char k[64];
	size_t n;

	if (!p || !key || !value)
		return -EINVAL;
	if (!p->has_config_block) {
		snprintf(p->error, sizeof(p->error), "bpftrace %d.%d has no config block",
			 p->version / 10000, p->version / 100 % 100);
		return -ENOENT;
	}
	n = strlen(key);
	if (n >= sizeof(k)) {
		snprintf(p->error, sizeof(p->error), "not a known configuration option");
		return -ENOENT;
	}
	for (size_t i = 0; i <= n; i++)
		k[i] = (char)tolower((unsigned char)key[i]);
	if (!strncmp(k, "bpftrace_", 9))
		memmove(k, k + 9, strlen(k + 9) + 1);
	if (!key_known(p->version, k)) {
		if (!strcmp(k, "strlen") && p->version >= BC_BTV(0, 24, 0))
			snprintf(p->error, sizeof(p->error), "%s: renamed to max_strlen", key);
		else
			snprintf(p->error, sizeof(p->error), "%s: not a known configuration option",
				 key);
		return -ENOENT;
	}
	if (!strcmp(k, "max_strlen")) {
		if (p->max_strlen_source == BC_SET_ENV)
			return 0;
		return set_strlen(p, key, value, BC_SET_CONFIG);
	}
	if (!strcmp(k, "on_stack_limit")) {
		uint32_t v;
		int err;

		if (p->on_stack_limit_source == BC_SET_ENV)
			return 0;
		if ((err = parse_u32(p, key, value, &v)))
			return err;
		p->on_stack_limit = v;
		p->on_stack_limit_source = BC_SET_CONFIG;
		return 0;
	}
	if (!strcmp(k, "print_maps_on_exit"))
		return parse_bool(p, key, value, &p->print_maps_on_exit);
	return 0;
}

uint32_t bc_bt_profile_str_size(const struct bc_bt_profile *p)
{
	if (p->version >= BC_BT_HEAD && p->max_strlen < BT_PAD_STRLEN_BELOW)
		return p->max_strlen + 1;
	return p->max_strlen;
}

bool bc_bt_profile_on_stack(const struct bc_bt_profile *p, uint64_t size)
{
	return !p->has_scratch || size <= p->on_stack_limit;
}
