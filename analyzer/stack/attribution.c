// SPDX-License-Identifier: Apache-2.0
/* bpftrace alloca names -> constructs (docs/bpftrace-codegen.md §1.2, §1.3, §5.2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attribution.h"

/* A slot bigger than a register holds an aggregate whose size the script
 * chose (a string, a tuple, a multi-key): that is what "script-dependent"
 * flags. Scalars in the same constructs cannot grow. */
#define BC_SCALAR_BYTES 8

struct base {
	const char *base;
	const char *construct;
	bool dependent;		/* size follows the script's types (§1.2) */
};

/* Names bpftrace passes to CreateAllocaBPF[Init] (v0.17 and HEAD). The name
 * may be followed by LLVM's uniquing counter. */
static const struct base bases[] = {
	/* v0.17 (§1.2) */
	{ "str", "str", true },
	{ "strlen", "strlen", false },
	{ "elapsed_key", "elapsed", false },
	{ "comm", "comm", false },
	{ "usym", "usym", false },
	{ "sarg", "stack-arg", false },
	{ "arg", "probe-arg", false },
	{ "buffer", "buf", true },
	{ "path", "path", true },
	{ "join_r0", "join", false },
	{ "key", "join", false },
	{ "inet", "ntop", false },
	{ "addr4", "pton", false },
	{ "addr6", "pton", false },
	{ "data", "iter-printf-data", true },
	{ "perfdata", "exit", false },
	{ "cgroup_path_args", "cgroup-path", false },
	{ "time_t", "time", false },
	{ "strftime_args", "strftime", false },
	{ "macaddr", "macaddr", false },
	{ "unwatch", "unwatch", false },
	{ "hdr", "skboutput", false },
	{ "lookup_elem_val", "map-read", true },
	{ "deref", "deref", false },
	{ "result", "ternary-result", true },
	{ "buf", "ternary-buffer", true },
	{ "array_access", "field-read", true },
	{ "tuple", "tuple", true },
	{ "&&_result", "logical-and", false },
	{ "||_result", "logical-or", false },
	{ "printf_args", "printf-args", true },
	{ "system_args", "system-args", true },
	{ "cat_args", "cat-args", true },
	{ "watchpoint", "watchpoint", false },
	{ "strcmp.result", "strcmp", false },
	{ "strcontains.result", "strcontains", false },
	{ "arraycmp.result", "arraycmp", false },
	{ "v1", "arraycmp", false },
	{ "v2", "arraycmp", false },
	{ "i", "counter", false },
	{ "n", "counter", false },
	{ "helper_error_t", "helper-error", false },
	/* HEAD (§1.3) */
	{ "record", "record", true },
	{ "errorf_args", "printf-args", true },
	{ "warnf_args", "printf-args", true },
	{ "__builtin_comm", "comm", false },
	{ "mm_struct", "min-max", false },
	{ "avg_struct", "avg", false },
	{ "initial_value", "map-initial-value", false },
	{ "ts_struct_ptr", "tseries", false },
	{ "ts_struct", "tseries", false },
	{ "key_exists", "tseries", false },
	{ "dummy_ts_map_key", "tseries", false },
	{ "exit", "exit", false },
	{ "lookup_key", "recursion-guard", false },
	{ "bpf_pidns_info", "pidns", false },
	{ "runtime_error_t", "runtime-error", false },
	{ "op_result", "op-result", false },
	{ "val_1", "percpu-read", false },
	{ "val_2", "percpu-read", false },
	{ "ret", "percpu-read", false },
	{ "ctx", "for-context", true },
};

/* "@m_<suffix>" map allocations (§1.2). */
static const struct base map_suffixes[] = {
	{ "key", "map-key", true },
	{ "val", "map-value", true },
	{ "ptr", "map-value", true },
	{ "zero", "map-zero", true },
	{ "num", "map-count", false },
	{ "newval", "map-increment", false },
};

/* "<prefix>@m": asynchronous events on a whole map. */
static const struct base map_prefixes[] = {
	{ "clear_", "clear", false },
	{ "zero_", "zero", false },
	{ "print_", "print-map", false },
};

/* Call-stack buffers of HEAD: "kstack_<mode>_<limit>", "ustack_...". */
static const struct base stack_prefixes[] = {
	{ "kstack_", "kstack", true },
	{ "ustack_", "ustack", true },
	{ "dw_ustack_", "ustack", true },
};

struct scratch {
	const char *global;
	const char *construct;
};

/* HEAD's scratch buffers (globalvars.h) and what createAllocation puts there. */
static const struct scratch scratch_globals[] = {
	{ "__bt__get_str_buf", "str" },
	{ "__bt__fmt_str_buf", "printf-args" },
	{ "__bt__anon_struct_buf", "tuple" },
	{ "__bt__call_stack_buf", "kstack" },
	{ "__bt__read_map_val_buf", "map-read" },
	{ "__bt__write_map_val_buf", "map-value" },
	{ "__bt__var_buf", "variable" },
	{ "__bt__map_key_buf", "map-key" },
	{ "__bt__join_buf", "join" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static size_t digits_at_end(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[n - 1 - k] >= '0' && s[n - 1 - k] <= '9')
		k++;
	return k;
}

/* Length of NAME without optimiser suffixes (".sroa.N..." from SROA). */
static size_t core_length(const char *name)
{
	const char *sroa = strstr(name, ".sroa.");

	return sroa ? (size_t)(sroa - name) : strlen(name);
}

/* NAME[0..n) minus a trailing counter, when the stripped name is a sibling. */
static size_t strip_counter_if_sibling(const char *name, size_t n, const char *const *sib,
				       size_t nr_sib)
{
	size_t k = digits_at_end(name, n);

	if (!k || k == n)
		return n;
	for (size_t i = 0; i < nr_sib; i++) {
		const char *s = sib[i];

		if (s && core_length(s) == n - k && !strncmp(s, name, n - k))
			return n - k;
	}
	return n;
}

static int fill(struct bc_ir_attr *out, const char *construct, const char *name, size_t n,
		bool known, bool dependent, uint64_t bytes)
{
	out->construct = construct;
	out->known = known;
	out->script_dependent = dependent && bytes > BC_SCALAR_BYTES;
	out->placement = BC_PLACE_STACK;
	out->name = strndup(name, n);
	return out->name ? 0 : -ENOMEM;
}

/* "@m_key20" -> map "@m", suffix "key". */
static bool match_map(const char *name, size_t n, const struct base **which, size_t *map_len)
{
	for (size_t i = n; i-- > 1;) {
		if (name[i] != '_')
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(map_suffixes); k++) {
			size_t sl = strlen(map_suffixes[k].base);

			if (i + 1 + sl <= n && !strncmp(name + i + 1, map_suffixes[k].base, sl) &&
			    all_digits(name + i + 1 + sl, n - (i + 1 + sl))) {
				*which = &map_suffixes[k];
				*map_len = i;
				return true;
			}
		}
	}
	return false;
}

/* "print_string_64_t3" -> "string_64": print(expr) of a value (§1.2). */
static bool match_print_value(const char *name, size_t n, size_t *off, size_t *len)
{
	size_t k;

	if (n < 9 || strncmp(name, "print_", 6) || name[6] == '@')
		return false;
	k = digits_at_end(name, n);
	if (n - k < 8 || strncmp(name + n - k - 2, "_t", 2))
		return false;
	*off = 6;
	*len = n - k - 2 - 6;
	return *len > 0;
}

int bc_ir_attribute(const char *name, uint64_t bytes, const char *const *siblings,
		    size_t nr_siblings, struct bc_ir_attr *out)
{
	const struct base *best = NULL;
	size_t n, best_len = 0, off, len;

	memset(out, 0, sizeof(*out));
	if (!name)
		name = "";
	n = core_length(name);

	if (n > 1 && name[0] == '@') {
		const struct base *suffix;

		if (match_map(name, n, &suffix, &len))
			return fill(out, suffix->construct, name, len, true, suffix->dependent,
				    bytes);
		return fill(out, "map", name, n, true, true, bytes);
	}
	if (n > 1 && name[0] == '$')
		return fill(out, "variable", name, n, true, true, bytes);
	for (size_t i = 0; i < ARRAY_SIZE(map_prefixes); i++) {
		size_t pl = strlen(map_prefixes[i].base);

		if (n > pl && !strncmp(name, map_prefixes[i].base, pl) && name[pl] == '@') {
			len = strip_counter_if_sibling(name, n, siblings, nr_siblings);
			return fill(out, map_prefixes[i].construct, name + pl, len - pl, true,
				    false, bytes);
		}
	}
	if ((!strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6)) &&
	    memchr(name, '.', n)) {
		len = strip_counter_if_sibling(name, n, siblings, nr_siblings);
		return fill(out, "field-read", name, len, true, true, bytes);
	}
	if (match_print_value(name, n, &off, &len))
		return fill(out, "print-value", name + off, len, true, bytes > 2 * BC_SCALAR_BYTES,
			    bytes - 2 * BC_SCALAR_BYTES);
	for (size_t i = 0; i < ARRAY_SIZE(stack_prefixes); i++)
		if (!strncmp(name, stack_prefixes[i].base, strlen(stack_prefixes[i].base)))
			return fill(out, stack_prefixes[i].construct, name, n, true,
				    stack_prefixes[i].dependent, bytes);
	/* The longest base such that the rest is a (possibly empty) counter. */
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		size_t bl = strlen(bases[i].base);

		if (bl <= n && bl > best_len && !strncmp(name, bases[i].base, bl) &&
		    all_digits(name + bl, n - bl)) {
			best = &bases[i];
			best_len = bl;
		}
	}
	if (best) {
		/* sargN / argN keep their number: it names the argument. */
		if (!strcmp(best->base, "sarg") || !strcmp(best->base, "arg"))
			best_len = n;
		return fill(out, best->construct, name, best_len, true, best->dependent, bytes);
	}
	len = strip_counter_if_sibling(name, n, siblings, nr_siblings);
	return fill(out, BC_CONSTRUCT_ALLOCA, name, len, false, false, bytes);
}

int bc_ir_attribute_plain(const char *name, uint64_t bytes, struct bc_ir_attr *out)
{
	memset(out, 0, sizeof(*out));
	if (!name)
		name = "";
	return fill(out, BC_CONSTRUCT_ALLOCA, name, core_length(name), false, false, bytes);
}

static const struct scratch *find_scratch(const char *global)
{
	if (!global)
		return NULL;
	if (*global == '@')
		global++;
	for (size_t i = 0; i < ARRAY_SIZE(scratch_globals); i++)
		if (!strcmp(global, scratch_globals[i].global))
			return &scratch_globals[i];
	return NULL;
}

bool bc_ir_is_scratch_global(const char *global)
{
	return find_scratch(global) != NULL;
}

int bc_ir_attribute_scratch(const char *global, uint64_t slot_bytes, struct bc_ir_attr *out)
{
	const struct scratch *s = find_scratch(global);
	int err;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -ENOENT;
	if (*global == '@')
		global++;
	err = fill(out, s->construct, global, strlen(global), true, true, slot_bytes);
	out->placement = BC_PLACE_SCRATCH;
	return err;
}

void bc_ir_attr_free(struct bc_ir_attr *a)
{
	if (!a)
		return;
	free(a->name);
	a->name = NULL;
}
