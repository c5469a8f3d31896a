// SPDX-License-Identifier: Apache-2.0
/*
 * Settings and language level: the target profile (version defaults, then
 * the BPFTRACE_* environment as that version reads it, then the script's
 * config block, which the environment beats), and the newer constructs the
 * parser found (ast.h enum bc_feature) checked against the target version.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sema_impl.h"

static void config_block(struct sema_ctx *c, struct bc_bt_profile *p)
{
	const struct bc_config *cfg = c->s->config;

	if (!cfg || !p->has_config_block)
		return;		/* before 0.20 the block itself is the error (a feature) */
	for (size_t i = 0; i < cfg->n; i++) {
		const struct bc_config_entry *e = &cfg->entries[i];
		char num[32];
		const char *val = e->text;
		int err;

		if (e->kind == BC_CONFIG_BOOL) {
			val = e->value ? "true" : "false";
		} else if (e->kind == BC_CONFIG_INT && !val) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)e->value);
			val = num;
		}
		p->error[0] = 0;
		err = bc_bt_profile_set_config(p, e->key, val ? val : "");
		if (err == -ENOENT)
			sema_error(c, &e->span, "Unrecognized config variable: %s%s%s", e->key,
				   strstr(p->error, "renamed") ? " (" : "",
				   strstr(p->error, "renamed") ? "renamed to max_strlen)" : "");
		else if (err)
			sema_error(c, &e->value_span, "Invalid value for %s", p->error[0] ? p->error : val);
	}
}

int sema_profile(struct sema_ctx *c, struct bc_bt_profile *p)
{
	int err = bc_bt_profile_init(p, c->v);

	if (err) {
		/* a version before 0.17: analyse as 0.17 */
		c->v = BC_BT(17);
		c->r->version = c->v;
		err = bc_bt_profile_init(p, c->v);
		if (err)
			return err;
	}
	if (!c->o->no_env) {
		err = bc_bt_profile_apply_env(p, c->o->envp);
		if (err)
			sema_error(c, NULL, "environment: %s (bpftrace refuses to start)", p->error);
	}
	config_block(c, p);
	return 0;
}

void sema_features(struct sema_ctx *c)
{
	const struct bc_script *s = c->s;

	for (size_t i = 0; i < s->nr_features; i++) {
		const struct bc_feature_use *f = &s->features[i];

		if (!f->min_version || f->min_version <= c->v)
			continue;
		sema_error(c, &f->span, "%s needs bpftrace %d.%d or later (target is %d.%d)",
			   bc_feature_name(f->feature), f->min_version / 10000,
			   f->min_version / 100 % 100, c->v / 10000, c->v / 100 % 100);
	}
}
