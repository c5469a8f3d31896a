/* SPDX-License-Identifier: Apache-2.0 */
/* Builtin lookups, result types, probe providers and map types (see builtins.h). */
#include "builtins.h"

#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "builtins_table.h"
#include "../base/version.h"

#define BT_MAX_STACK_LIMIT	1024	/* bpftrace MAX_STACK_SIZE */
#define BT_COMM_SIZE		16	/* COMM_SIZE */
#define BT_INET_SIZE		24	/* ntop(): {i64 af, [16 x i8]} */
#define BT_BUF_HEADER_OLD	1	/* buf(): u8 length, 0.17-0.21 */
#define BT_BUF_HEADER		4	/* AsyncEvent::Buf u32 length, 0.22+ (868b41ca1) */

/* ---- probe providers ---- */

static const struct provider {
	const char *name;
	const char *alias[2];
	enum bc_probe_type pt;
	int since, until;
} providers[] = {
	{ "kprobe", { "k" }, BC_PROBE_KPROBE, BC_BT(17), 0 },
	{ "kretprobe", { "kr" }, BC_PROBE_KRETPROBE, BC_BT(17), 0 },
	{ "uprobe", { "u" }, BC_PROBE_UPROBE, BC_BT(17), 0 },
	{ "uretprobe", { "ur" }, BC_PROBE_URETPROBE, BC_BT(17), 0 },
	{ "usdt", { "U" }, BC_PROBE_USDT, BC_BT(17), 0 },
	{ "BEGIN", { 0 }, BC_PROBE_BEGIN, BC_BT(17), BC_BT(24) },
	{ "END", { 0 }, BC_PROBE_END, BC_BT(17), BC_BT(24) },
	{ "begin", { 0 }, BC_PROBE_BEGIN, BC_BT(24), 0 },
	{ "end", { 0 }, BC_PROBE_END, BC_BT(24), 0 },
	{ "self", { 0 }, BC_PROBE_SELF, BC_BT(22), 0 },
	{ "test", { 0 }, BC_PROBE_TEST, BC_BT(25), 0 },
	{ "bench", { 0 }, BC_PROBE_BENCH, BC_BT(24), 0 },
	{ "tracepoint", { "t" }, BC_PROBE_TRACEPOINT, BC_BT(17), 0 },
	{ "rawtracepoint", { "rt" }, BC_PROBE_RAWTRACEPOINT, BC_BT(18), 0 },
	{ "profile", { "p" }, BC_PROBE_PROFILE, BC_BT(17), 0 },
	{ "interval", { "i" }, BC_PROBE_INTERVAL, BC_BT(17), 0 },
	{ "software", { "s" }, BC_PROBE_SOFTWARE, BC_BT(17), 0 },
	{ "hardware", { "h" }, BC_PROBE_HARDWARE, BC_BT(17), 0 },
	{ "watchpoint", { "w" }, BC_PROBE_WATCHPOINT, BC_BT(17), 0 },
	{ "asyncwatchpoint", { "aw" }, BC_PROBE_ASYNCWATCHPOINT, BC_BT(17), BC_BT(25) },
	{ "kfunc", { "f" }, BC_PROBE_KFUNC, BC_BT(17), BC_BT(20) },
	{ "kretfunc", { "fr" }, BC_PROBE_KRETFUNC, BC_BT(17), BC_BT(20) },
	{ "kfunc", { "f", "fentry" }, BC_PROBE_KFUNC, BC_BT(20), BC_BT(22) },
	{ "kretfunc", { "fr", "fexit" }, BC_PROBE_KRETFUNC, BC_BT(20), BC_BT(22) },
	{ "fentry", { "f", "kfunc" }, BC_PROBE_KFUNC, BC_BT(22), 0 },
	{ "fexit", { "fr", "kretfunc" }, BC_PROBE_KRETFUNC, BC_BT(22), 0 },
	{ "iter", { "it" }, BC_PROBE_ITER, BC_BT(17), 0 },
};

#define NPROVIDERS (sizeof(providers) / sizeof(providers[0]))

static bool in_range(int v, int since, int until)
{
	return v >= since && (!until || v < until);
}

static bool provider_matches(const struct provider *p, const char *s, bool fold)
{
	int (*cmp)(const char *, const char *) = fold ? strcasecmp : strcmp;

	if (!cmp(p->name, s))
		return true;
	for (size_t i = 0; i < 2; i++)
		if (p->alias[i] && !cmp(p->alias[i], s))
			return true;
	return false;
}

enum bc_probe_type bc_probe_type_parse(const char *provider, int version)
{
	if (!provider)
		return BC_PROBE_INVALID;
	/* exact spelling first ("U" is usdt, "u" uprobe), then 0.24+ case folding */
	for (size_t i = 0; i < NPROVIDERS; i++)
		if (in_range(version, providers[i].since, providers[i].until) &&
		    provider_matches(&providers[i], provider, false))
			return providers[i].pt;
	if (version >= BC_BT(24))
		for (size_t i = 0; i < NPROVIDERS; i++)
			if (in_range(version, providers[i].since, providers[i].until) &&
			    provider_matches(&providers[i], provider, true))
				return providers[i].pt;
	return BC_PROBE_INVALID;
}

const char *bc_probe_type_name(enum bc_probe_type pt, int version)
{
	for (size_t i = 0; i < NPROVIDERS; i++)
		if (providers[i].pt == pt && in_range(version, providers[i].since, providers[i].until))
			return providers[i].name;
	return "invalid";
}

enum bc_addrspace bc_probe_addrspace(enum bc_probe_type pt)
{
	switch (pt) {
	case BC_PROBE_KPROBE:
	case BC_PROBE_KRETPROBE:
	case BC_PROBE_KFUNC:
	case BC_PROBE_KRETFUNC:
	case BC_PROBE_TRACEPOINT:
	case BC_PROBE_RAWTRACEPOINT:
	case BC_PROBE_ITER:
		return BC_AS_KERNEL;
	case BC_PROBE_UPROBE:
	case BC_PROBE_URETPROBE:
	case BC_PROBE_USDT:
		return BC_AS_USER;
	default:
		return BC_AS_NONE;
	}
}

/* ---- lookups ---- */

/* "arg12" -> base "arg", number 12. False when NAME is not BASE + digits. */
static bool numbered_match(const char *name, const char *base, int version)
{
	size_t n = strlen(base), digits;

	if (strncmp(name, base, n))
		return false;
	digits = strspn(name + n, "0123456789");
	if (!digits || name[n + digits])
		return false;
	/* arg[0-9] before 0.24; arg[0-9]+ from 0.24 (sarg stays one digit) */
	if (digits > 1 && !(version >= BC_BT(24) && !strcmp(base, "arg")))
		return false;
	return true;
}

static bool row_name_matches(const struct bc_builtin *b, const char *name, int version)
{
	if (b->flags & BC_BIF_NUMBERED)
		return numbered_match(name, b->name, version);
	return !strcmp(b->name, name);
}

const struct bc_builtin *bc_builtin_find(const char *name, enum bc_builtin_kind kind, int version)
{
	const struct bc_builtin *var = NULL;

	if (!name)
		return NULL;
	for (size_t i = 0; i < bc_builtin_table_len; i++) {
		const struct bc_builtin *b = &bc_builtin_table[i];

		if (!in_range(version, b->since, b->until) || !row_name_matches(b, name, version))
			continue;
		if (b->kind == kind)
			return b;
		if (kind == BC_BI_FUNC && (b->flags & BC_BIF_ALSO_FUNC))
			var = b;
	}
	return var;	/* a variable that may also be called with no arguments */
}

static int version_distance(const struct bc_builtin *b, int version)
{
	if (version < b->since)
		return b->since - version;
	if (b->until && version >= b->until)
		return version - b->until + 1;
	return 0;
}

const struct bc_builtin *bc_builtin_find_any(const char *name, enum bc_builtin_kind kind,
					     int version)
{
	const struct bc_builtin *best = NULL;
	int best_d = 0;

	if (!name)
		return NULL;
	for (size_t i = 0; i < bc_builtin_table_len; i++) {
		const struct bc_builtin *b = &bc_builtin_table[i];
		int d;

		if (b->kind != kind || !row_name_matches(b, name, BC_BT_HEAD))
			continue;
		d = version_distance(b, version);
		if (!best || d < best_d) {
			best = b;
			best_d = d;
		}
	}
	return best;
}

size_t bc_builtins_count(void)
{
	return bc_builtin_table_len;
}

const struct bc_builtin *bc_builtin_at(size_t i)
{
	return i < bc_builtin_table_len ? &bc_builtin_table[i] : NULL;
}

bool bc_builtin_probe_allowed(const struct bc_builtin *b, enum bc_probe_type pt)
{
	if (!b || pt == BC_PROBE_INVALID)
		return false;
	return !b->probes || (b->probes & BC_PROBE_BIT(pt));
}

bool bc_builtin_arg_literal(const struct bc_builtin *b, size_t i)
{
	return b && i < 8 && (b->literal_mask & (1u << i));
}

enum bc_arg_kind bc_builtin_arg_kind(const struct bc_builtin *b, size_t i)
{
	size_t npos;

	if (!b || i >= b->max_args)
		return BC_ARG_ANY;
	npos = b->max_args < BC_BI_MAX_ARGSPEC ? b->max_args : BC_BI_MAX_ARGSPEC;
	/* positions past the table repeat the last one (printf's variadic tail) */
	return b->args[i < npos ? i : npos - 1];
}

int bc_builtin_check_nargs(const struct bc_builtin *b, size_t n)
{
	if (!b)
		return -EINVAL;
	return n >= b->min_args && n <= b->max_args ? 0 : -EINVAL;
}

/* ---- result types ---- */

static const struct bc_builtin_arg *use_arg(const struct bc_builtin_use *u, size_t i)
{
	return u && i < u->nargs && u->args ? &u->args[i] : NULL;
}

static struct bc_stype *fail(int err)
{
	errno = err;
	return NULL;
}

static struct bc_stype *stack_result(bool kernel, const struct bc_bt_profile *p,
				     const struct bc_builtin *b, const struct bc_builtin_use *u)
{
	enum bc_stack_mode mode = BC_STACK_BPFTRACE;
	uint32_t limit = 0;
	size_t n = b->kind == BC_BI_FUNC && u ? u->nargs : 0;

	for (size_t i = 0; i < n; i++) {
		const struct bc_builtin_arg *a = use_arg(u, i);

		if (a->sval) {
			if (!strcmp(a->sval, "bpftrace"))
				mode = BC_STACK_BPFTRACE;
			else if (!strcmp(a->sval, "perf"))
				mode = BC_STACK_PERF;
			else if (!strcmp(a->sval, "raw") && p->version >= BC_BT(21))
				mode = BC_STACK_RAW;
			else if (!strcmp(a->sval, "build_id") && p->version >= BC_BT(25))
				mode = BC_STACK_BUILD_ID;
			else
				return fail(EINVAL);
		} else if (a->has_int) {
			if (a->ival < 0 || a->ival > BT_MAX_STACK_LIMIT)
				return fail(EINVAL);
			limit = (uint32_t)a->ival;
		}
	}
	return bc_stype_stack(kernel, p->version, limit ? limit : 0, mode);
}

static struct bc_stype *str_result(const struct bc_bt_profile *p, const struct bc_builtin_use *u)
{
	const struct bc_builtin_arg *len = use_arg(u, 1);
	uint32_t size = bc_bt_profile_str_size(p);

	/* 0.22+: a literal length no larger than max_strlen sizes the string */
	if (p->version >= BC_BT(22) && len && len->has_int && len->ival >= 0 &&
	    (uint64_t)len->ival <= p->max_strlen)
		size = (uint32_t)len->ival;
	return bc_stype_with_script_dependent(
		bc_stype_with_as(bc_stype_string(size), BC_AS_KERNEL), true);
}

/* NamedParamPass (0.24+): the default's type names the option's; no
 * default or a bool one is a bool, a string one a string[max_strlen], an
 * integer uint64 (int64 when negative). */
static struct bc_stype *getopt_result(const struct bc_bt_profile *p,
				      const struct bc_builtin_use *u)
{
	const struct bc_builtin_arg *d = use_arg(u, 1);

	if (!d || !d->type || d->type->kind == BC_ST_BOOL)
		return bc_stype_bool();
	if (d->type->kind == BC_ST_STRING)
		return bc_stype_string((uint32_t)p->max_strlen);
	return bc_stype_int(8, d->has_int && d->ival < 0);
}

static struct bc_stype *buf_result(const struct bc_bt_profile *p, const struct bc_builtin_use *u)
{
	const struct bc_builtin_arg *data = use_arg(u, 0), *len = use_arg(u, 1);
	bool new_header = p->version >= BC_BT(22);
	uint32_t header = new_header ? BT_BUF_HEADER : BT_BUF_HEADER_OLD;
	uint64_t max = new_header ? (p->max_strlen > header ? p->max_strlen - header : 0)
				  : p->max_strlen;
	uint64_t size = max;

	if (len) {
		if (len->has_int) {
			if (len->ival < 0)
				return fail(EINVAL);
			size = (uint64_t)len->ival;
		}
	} else if (data && data->type && data->type->kind == BC_ST_ARRAY) {
		size = data->type->size;
	}
	if (size > max)
		size = max;	/* bpftrace warns and shortens */
	return bc_stype_with_script_dependent(
		bc_stype_with_as(bc_stype_buffer((uint32_t)size + header), BC_AS_KERNEL), true);
}

static struct bc_stype *pton_result(const struct bc_bt_profile *p, const struct bc_builtin_use *u)
{
	const struct bc_builtin_arg *a = use_arg(u, 0);
	uint32_t n;

	if (!a || !a->sval)
		return fail(EINVAL);
	if (strchr(a->sval, '.'))
		n = 4;
	else if (strchr(a->sval, ':'))
		n = 16;
	else
		return fail(EINVAL);
	return bc_stype_with_as(bc_stype_array(bc_stype_int(1, p->version >= BC_BT(25)), n),
				BC_AS_KERNEL);
}

static struct bc_stype *ctx_result(enum bc_probe_type pt)
{
	const char *name;

	switch (pt) {
	case BC_PROBE_KPROBE:
	case BC_PROBE_KRETPROBE:
	case BC_PROBE_UPROBE:
	case BC_PROBE_URETPROBE:
	case BC_PROBE_USDT:
	case BC_PROBE_BEGIN:
	case BC_PROBE_END:
		name = "struct pt_regs";
		break;
	case BC_PROBE_PROFILE:
	case BC_PROBE_INTERVAL:
	case BC_PROBE_SOFTWARE:
	case BC_PROBE_HARDWARE:
	case BC_PROBE_WATCHPOINT:
	case BC_PROBE_ASYNCWATCHPOINT:
		name = "struct bpf_perf_event_data";
		break;
	case BC_PROBE_ITER:
		return fail(ENODATA);	/* struct bpf_iter__<name>: the caller's */
	default:
		return fail(EINVAL);	/* tracepoints use args */
	}
	return bc_stype_pointer(bc_stype_cstruct(name, 0, false, NULL), BC_AS_KERNEL);
}

static bool arg_signed(const struct bc_builtin_use *u, size_t i)
{
	const struct bc_builtin_arg *a = use_arg(u, i);

	return a && a->type && a->type->is_signed;
}

static struct bc_stype *agg_result(const struct bc_builtin *b, const struct bc_bt_profile *p,
				   const struct bc_builtin_use *u)
{
	bool sign = false;

	switch (b->agg) {
	case BC_ST_COUNT:
		sign = p->version < BC_BT(24);	/* CreateCount(true) until 0.24 */
		break;
	case BC_ST_SUM:
	case BC_ST_MIN:
	case BC_ST_MAX:
		sign = arg_signed(u, 0);
		break;
	case BC_ST_AVG:
	case BC_ST_STATS:
		sign = p->version < BC_BT(24) ? true : arg_signed(u, 0);
		break;
	default:
		break;
	}
	return bc_stype_agg(b->agg, sign);
}

struct bc_stype *bc_builtin_result(const struct bc_builtin *b, const struct bc_bt_profile *p,
				   const struct bc_builtin_use *u)
{
	enum bc_probe_type pt = u ? u->probe : BC_PROBE_INVALID;
	const struct bc_builtin_arg *a0 = use_arg(u, 0);

	if (!b || !p)
		return fail(EINVAL);
	switch (b->result) {
	case BC_RES_NONE:
		return bc_stype_none();
	case BC_RES_U64:
		return bc_stype_int(8, false);
	case BC_RES_U32:
		return bc_stype_int(4, false);
	case BC_RES_U8:
		return bc_stype_int(1, false);
	case BC_RES_I64:
		return bc_stype_int(8, true);
	case BC_RES_BOOL:
		return p->version >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(1, false);
	case BC_RES_GETOPT:
		return getopt_result(p, u);
	case BC_RES_COMM:
		return bc_stype_with_as(bc_stype_string(BT_COMM_SIZE), BC_AS_KERNEL);
	case BC_RES_STR:
		return str_result(p, u);
	case BC_RES_PATH:
		return bc_stype_with_script_dependent(bc_stype_string(bc_bt_profile_str_size(p)),
						      true);
	case BC_RES_BUF:
		return buf_result(p, u);
	case BC_RES_INET:
		return bc_stype_inet(BT_INET_SIZE);
	case BC_RES_PTON:
		return pton_result(p, u);
	case BC_RES_KSYM:
		return bc_stype_ksym();
	case BC_RES_USYM:
		return bc_stype_usym();
	case BC_RES_FUNC:
		if (pt == BC_PROBE_UPROBE || pt == BC_PROBE_URETPROBE)
			return bc_stype_usym();
		return bc_stype_ksym();
	case BC_RES_KSTACK:
		return stack_result(true, p, b, u);
	case BC_RES_USTACK:
		return stack_result(false, p, b, u);
	case BC_RES_TIMESTAMP:
		return bc_stype_timestamp();
	case BC_RES_CGROUP_PATH:
		return bc_stype_cgroup_path();
	case BC_RES_MACADDR:
		return bc_stype_macaddr();
	case BC_RES_PROBE:
		if (p->version < BC_BT(23))
			return bc_stype_probe();
		if (!u || !u->probe_name)
			return fail(ENODATA);
		return bc_stype_string((uint32_t)strlen(u->probe_name) + 1);
	case BC_RES_USERNAME:
		return bc_stype_username();
	case BC_RES_STRERROR:
		return bc_stype_strerror();
	case BC_RES_CURTASK:
		return bc_stype_pointer(bc_stype_cstruct("struct task_struct", 0, false, NULL),
					BC_AS_KERNEL);
	case BC_RES_CTX:
		return ctx_result(pt);
	case BC_RES_PROBE_ARGS:
		return fail(ENODATA);
	case BC_RES_RETVAL:
		if (pt == BC_PROBE_KRETPROBE || pt == BC_PROBE_URETPROBE)
			return bc_stype_with_as(bc_stype_int(8, false), bc_probe_addrspace(pt));
		if (pt == BC_PROBE_KRETFUNC || pt == BC_PROBE_KFUNC)
			return fail(ENODATA);
		return fail(EINVAL);
	case BC_RES_ARGN:
		return bc_stype_with_as(bc_stype_int(8, false), bc_probe_addrspace(pt));
	case BC_RES_ARG0_TYPE:
		if (!a0 || !a0->type)
			return fail(ENODATA);
		if (strcmp(b->name, "kptr") && strcmp(b->name, "uptr"))
			return fail(ENODATA);
		return bc_stype_with_as(bc_stype_get(a0->type),
					b->name[0] == 'k' ? BC_AS_KERNEL : BC_AS_USER);
	case BC_RES_BSWAP:
		if (!a0 || !a0->type || !bc_stype_is_int_like(a0->type))
			return fail(EINVAL);
		return bc_stype_int(a0->type->size, false);
	case BC_RES_UADDR:
		return bc_stype_pointer(bc_stype_int(8, true), BC_AS_USER);
	case BC_RES_AGG:
		return agg_result(b, p, u);
	}
	return fail(EINVAL);
}

/* ---- maps ---- */

static bool is_agg_kind(enum bc_stype_kind k)
{
	return k >= BC_ST_COUNT && k <= BC_ST_TSERIES;
}

int bc_bpftrace_map_type(int version, bool keyless, enum bc_stype_kind value)
{
	if (value == BC_ST_COUNT && keyless && version < BC_BT(25))
		return BPF_MAP_TYPE_PERCPU_ARRAY;
	if (is_agg_kind(value))
		return BPF_MAP_TYPE_PERCPU_HASH;
	return BPF_MAP_TYPE_HASH;
}

bool bc_bpftrace_map_clearable(int version, bool keyless, enum bc_stype_kind value)
{
	int t = bc_bpftrace_map_type(version, keyless, value);

	return t != BPF_MAP_TYPE_ARRAY && t != BPF_MAP_TYPE_PERCPU_ARRAY;
}
