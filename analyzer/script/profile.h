/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpftrace settings that decide sizes and placement, per target version:
 * string length, on-stack limit, exit printing. Built from the version, then
 * the environment (BPFTRACE_* variables, as that version names them), then
 * the script's `config = { ... }` block. Environment variables beat the
 * config block in every version that has one (0.20+, docs/bpftrace-codegen.md §2.2):
 * bpftrace applies the block only to settings still at their default or set
 * by an earlier script value.
 *
 *   version    strlen default / limit   env variable(s)                    on_stack_limit
 *   0.17-0.19  64 / 200                 BPFTRACE_STRLEN                    - (all on stack)
 *   0.20       64 / 200                 BPFTRACE_MAX_STRLEN (+ deprecated  -
 *                                       BPFTRACE_STRLEN, lower priority)
 *   0.21       64 / none                as 0.20                            -
 *   0.22       64 / none                as 0.20                            32 (config block only)
 *   0.23       1024 / none              as 0.20                            32 (config block only)
 *   0.24+      1024 / none              BPFTRACE_MAX_STRLEN                32, BPFTRACE_ON_STACK_LIMIT
 */
#ifndef BC_SCRIPT_PROFILE_H
#define BC_SCRIPT_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

enum bc_setting_source {
	BC_SET_DEFAULT = 0,
	BC_SET_ENV,
	BC_SET_CONFIG,		/* the script's config block */
};

struct bc_bt_profile {
	int version;			/* BC_BTV(...) */
	uint32_t max_strlen;		/* "strlen_" (0.17-0.19) / "max_strlen" */
	enum bc_setting_source max_strlen_source;
	uint32_t max_strlen_limit;	/* largest accepted value; 0 = unbounded */
	bool has_scratch;		/* 0.22+: big temporaries leave the BPF stack */
	uint32_t on_stack_limit;	/* meaningful when has_scratch */
	enum bc_setting_source on_stack_limit_source;
	bool print_maps_on_exit;	/* config key from 0.22; always true before */
	bool has_config_block;		/* 0.20+ */
	const char *strlen_env;		/* primary variable for the string length */
	const char *strlen_env_old;	/* deprecated alias still read (0.20-0.23), or NULL */
	const char *on_stack_env;	/* NULL before 0.24 */
	/* set when a value was refused (-EINVAL / -ERANGE / -ENOENT) */
	char error[192];
};

/* Defaults of bpftrace VERSION. 0, or -EINVAL for a version before 0.17. */
int bc_bt_profile_init(struct bc_bt_profile *p, int version);

/*
 * Reads the variables VERSION reads from ENVP (a NULL-terminated
 * "NAME=value" array as environ; NULL means environ). 0, or -EINVAL when a
 * value is not a number / -ERANGE when it exceeds the version's limit (p->error
 * says which); what bpftrace refuses to start with.
 */
int bc_bt_profile_apply_env(struct bc_bt_profile *p, char *const *envp);

/*
 * One `key = value` of the script's config block. Keys are matched as
 * bpftrace does (case-insensitive, optional "bpftrace_" prefix). A value for a
 * setting the environment already set is ignored (returns 0). -ENOENT: the
 * version has no config block or does not know KEY (0.24+ refuses the old
 * name "strlen": "renamed to max_strlen"); -EINVAL / -ERANGE: bad value.
 * Known keys this profile does not model are accepted.
 */
int bc_bt_profile_set_config(struct bc_bt_profile *p, const char *key, const char *value);

/* Bytes of a str()/path() buffer: max_strlen; HEAD pads to max_strlen + 1 below 1024. */
uint32_t bc_bt_profile_str_size(const struct bc_bt_profile *p);
/* Whether a temporary of SIZE bytes is an alloca (true) or a scratch slot (false). */
bool bc_bt_profile_on_stack(const struct bc_bt_profile *p, uint64_t size);

#endif
