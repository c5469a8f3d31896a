// SPDX-License-Identifier: Apache-2.0
/*
 * BPF helper calls, map references and the map/probe-read/output idioms of
 * bpftrace 0.17's IRBuilderBPF. Helper ids are the kernel's enum bpf_func_id.
 * Helper error reporting (`-k`, helper_check_level > 0) is not modelled:
 * bpftrace's default emits no check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "../base/array.h"
#include "irb_internal.h"

LLVMValueRef bc_irb_call_id(struct bc_irb *irb, int id, LLVMTypeRef ret, LLVMValueRef *args,
			    unsigned n, const char *name)
{
	LLVMTypeRef params[8];
	LLVMTypeRef fty;
	LLVMValueRef callee;

	if (n > 8 || id <= 0)
		return bc_irb_fail_null(irb, -EINVAL);
	for (unsigned i = 0; i < n; i++) {
		if (!args[i])
			return bc_irb_fail_null(irb, -EINVAL);
		params[i] = LLVMTypeOf(args[i]);
	}
	fty = LLVMFunctionType(ret, params, n, 0);
	callee = LLVMConstIntToPtr(LLVMConstInt(irb->i64, (unsigned long long)id, 0), irb->ptr);
	return LLVMBuildCall2(irb->cur, fty, callee, args, n, name ? name : "");
}

LLVMValueRef bc_irb_helper(struct bc_irb *irb, int func_id, LLVMTypeRef ret,
			   LLVMValueRef *args, unsigned n, const char *name)
{
	return bc_irb_call_id(irb, func_id, ret, args, n, name);
}

int bc_irb_map_id(struct bc_irb *irb, const char *name)
{
	size_t i;

	if (!name)
		return bc_irb_fail(irb, -EINVAL);
	if (bc_strindex_get(&irb->map_index, name, &i))
		return irb->maps[i].id;
	if (BC_GROW(irb->maps, irb->cap_maps, irb->nr_maps + 1))
		return bc_irb_fail(irb, -ENOMEM);
	irb->maps[irb->nr_maps].name = strdup(name);
	if (!irb->maps[irb->nr_maps].name)
		return bc_irb_fail(irb, -ENOMEM);
	if (bc_strindex_put(&irb->map_index, irb->maps[irb->nr_maps].name, irb->nr_maps)) {
		free(irb->maps[irb->nr_maps].name);
		return bc_irb_fail(irb, -ENOMEM);
	}
	irb->maps[irb->nr_maps].id = (int)irb->nr_maps;
	return (int)irb->nr_maps++;
}

LLVMValueRef bc_irb_map_fd(struct bc_irb *irb, int map_id)
{
	LLVMValueRef args[2] = {
		LLVMConstInt(irb->i64, BPF_PSEUDO_MAP_FD, 0),
		LLVMConstInt(irb->i64, (unsigned long long)map_id, 0),
	};

	if (map_id < 0)
		return bc_irb_fail_null(irb, -EINVAL);
	return LLVMBuildCall2(irb->cur, LLVMGlobalGetValueType(irb->pseudo_fn), irb->pseudo_fn,
			      args, 2, "pseudo");
}

LLVMValueRef bc_irb_map_lookup(struct bc_irb *irb, int map_id, LLVMValueRef key)
{
	LLVMValueRef args[2] = { bc_irb_map_fd(irb, map_id), key };

	if (!args[0])
		return NULL;
	return bc_irb_call_id(irb, BPF_FUNC_map_lookup_elem, irb->ptr, args, 2, "lookup_elem");
}

LLVMValueRef bc_irb_map_lookup_elem(struct bc_irb *irb, int map_id, LLVMValueRef key,
				    LLVMTypeRef value_ty, const struct bc_prov *prov)
{
	LLVMBasicBlockRef ok, fail, merge;
	LLVMValueRef call, val, cond, v;
	bool is_int;
	uint64_t size;

	if (!value_ty)
		return bc_irb_fail_null(irb, -EINVAL);
	call = bc_irb_map_lookup(irb, map_id, key);
	if (!call)
		return NULL;
	ok = bc_irb_block(irb, "lookup_success");
	fail = bc_irb_block(irb, "lookup_failure");
	merge = bc_irb_block(irb, "lookup_merge");
	val = bc_irb_alloca(irb, value_ty, "lookup_elem_val", prov);
	if (!val)
		return NULL;
	cond = LLVMBuildICmp(irb->cur, LLVMIntNE, call, LLVMConstNull(irb->ptr),
			     "map_lookup_cond");
	LLVMBuildCondBr(irb->cur, cond, ok, fail);

	/* needMemcpy(): aggregates are copied, integers loaded as i64 */
	is_int = LLVMGetTypeKind(value_ty) == LLVMIntegerTypeKind;
	size = bc_irb_sizeof(irb, value_ty);
	LLVMPositionBuilderAtEnd(irb->cur, ok);
	if (is_int) {
		/* bpftrace 0.17 casts the i8* to i64* here, a bitcast named
		 * "cast" that the load reads through; opaque pointers need no
		 * cast, so the load takes the name. LLVM then numbers every
		 * later name as in bpftrace's IR ("cast17", "get_pid_tgid19"). */
		LLVMValueRef ld = LLVMBuildLoad2(irb->cur, irb->i64, call, "cast");

		LLVMBuildStore(irb->cur, ld, val);
	} else
		bc_irb_memcpy(irb, val, call, size, 1);
	LLVMBuildBr(irb->cur, merge);

	LLVMPositionBuilderAtEnd(irb->cur, fail);
	if (is_int)
		LLVMBuildStore(irb->cur, LLVMConstInt(irb->i64, 0, 0), val);
	else
		bc_irb_memset(irb, val, 0, size, 1);
	LLVMBuildBr(irb->cur, merge);

	LLVMPositionBuilderAtEnd(irb->cur, merge);
	if (!is_int)
		return val;
	v = LLVMBuildLoad2(irb->cur, irb->i64, val, "");
	if (bc_irb_lifetime_end(irb, val))
		return NULL;
	return v;
}

LLVMValueRef bc_irb_map_update(struct bc_irb *irb, int map_id, LLVMValueRef key,
			       LLVMValueRef val)
{
	LLVMValueRef args[4] = { bc_irb_map_fd(irb, map_id), key, val,
				 LLVMConstInt(irb->i64, 0, 0) };

	if (!args[0])
		return NULL;
	return bc_irb_call_id(irb, BPF_FUNC_map_update_elem, irb->i64, args, 4, "update_elem");
}

LLVMValueRef bc_irb_map_delete(struct bc_irb *irb, int map_id, LLVMValueRef key)
{
	LLVMValueRef args[2] = { bc_irb_map_fd(irb, map_id), key };

	if (!args[0])
		return NULL;
	return bc_irb_call_id(irb, BPF_FUNC_map_delete_elem, irb->i64, args, 2, "delete_elem");
}

int bc_irb_probe_read_id(const struct bc_irb *irb, enum bc_addrspace as, bool str)
{
	/* selectProbeReadHelper: the kernel/user variants when the kernel has
	 * them and the address space is known */
	if (irb->opts.no_probe_read_kernel || as == BC_AS_NONE)
		return str ? BPF_FUNC_probe_read_str : BPF_FUNC_probe_read;
	if (as == BC_AS_USER)
		return str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user;
	return str ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel;
}

static const char *probe_read_name(int id)
{
	switch (id) {
	case BPF_FUNC_probe_read: return "probe_read";
	case BPF_FUNC_probe_read_str: return "probe_read_str";
	case BPF_FUNC_probe_read_user: return "probe_read_user";
	case BPF_FUNC_probe_read_user_str: return "probe_read_user_str";
	case BPF_FUNC_probe_read_kernel: return "probe_read_kernel";
	default: return "probe_read_kernel_str";
	}
}

/* bpftrace casts the size to i32 (zero-extending or truncating). */
static LLVMValueRef size_i32(struct bc_irb *irb, LLVMValueRef size)
{
	if (!size || LLVMGetTypeKind(LLVMTypeOf(size)) != LLVMIntegerTypeKind)
		return NULL;
	if (LLVMGetIntTypeWidth(LLVMTypeOf(size)) == 32)
		return size;
	return LLVMBuildIntCast2(irb->cur, size, irb->i32, 0, "");
}

static LLVMValueRef probe_read(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src, enum bc_addrspace as, bool str)
{
	int id = bc_irb_probe_read_id(irb, as, str);
	LLVMValueRef args[3] = { dst, size_i32(irb, size), src };

	if (!args[1])
		return bc_irb_fail_null(irb, -EINVAL);
	return bc_irb_call_id(irb, id, irb->i64, args, 3, probe_read_name(id));
}

LLVMValueRef bc_irb_probe_read(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef size,
			       LLVMValueRef src, enum bc_addrspace as)
{
	return probe_read(irb, dst, size, src, as, false);
}

LLVMValueRef bc_irb_probe_read_str(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef size,
				   LLVMValueRef src, enum bc_addrspace as)
{
	return probe_read(irb, dst, size, src, as, true);
}

LLVMValueRef bc_irb_memset_bpf(struct bc_irb *irb, LLVMValueRef ptr, uint64_t size)
{
	LLVMValueRef args[3];

	if (size <= 512)
		return bc_irb_memset(irb, ptr, 0, size, 1);
	/* reading from NULL fails and zeroes the destination in the kernel */
	args[0] = ptr;
	args[1] = LLVMConstInt(irb->i32, size, 0);
	args[2] = LLVMConstNull(irb->ptr);
	return bc_irb_call_id(irb, BPF_FUNC_probe_read_kernel, irb->i64, args, 3,
			      "probe_read_kernel");
}

LLVMValueRef bc_irb_memcpy_bpf(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef src,
			       uint64_t size)
{
	LLVMValueRef args[3];

	if (size <= 512)
		return bc_irb_memcpy(irb, dst, src, size, 1);
	/* both sides are BPF memory: the helper copies without failing */
	args[0] = dst;
	args[1] = LLVMConstInt(irb->i32, size, 0);
	args[2] = src;
	return bc_irb_call_id(irb, BPF_FUNC_probe_read_kernel, irb->i64, args, 3,
			      "probe_read_kernel");
}

LLVMValueRef bc_irb_get_current_comm(struct bc_irb *irb, LLVMValueRef buf, uint64_t size)
{
	LLVMValueRef args[2] = { buf, LLVMConstInt(irb->i64, size, 0) };

	return bc_irb_call_id(irb, BPF_FUNC_get_current_comm, irb->i64, args, 2, "get_comm");
}

LLVMValueRef bc_irb_get_ns(struct bc_irb *irb, bool boot)
{
	return bc_irb_call_id(irb, boot ? BPF_FUNC_ktime_get_boot_ns : BPF_FUNC_ktime_get_ns,
			      irb->i64, NULL, 0, "get_ns");
}

LLVMValueRef bc_irb_get_pid_tgid(struct bc_irb *irb)
{
	return bc_irb_call_id(irb, BPF_FUNC_get_current_pid_tgid, irb->i64, NULL, 0,
			      "get_pid_tgid");
}

LLVMValueRef bc_irb_get_cpu_id(struct bc_irb *irb)
{
	return bc_irb_call_id(irb, BPF_FUNC_get_smp_processor_id, irb->i64, NULL, 0,
			      "get_cpu_id");
}

LLVMValueRef bc_irb_perf_event_output(struct bc_irb *irb, int map_id, LLVMValueRef data,
				      uint64_t size)
{
	LLVMValueRef args[5];

	args[0] = bc_irb_ctx(irb);
	args[1] = bc_irb_map_fd(irb, map_id);
	args[2] = LLVMConstInt(irb->i64, BPF_F_CURRENT_CPU, 0);
	args[3] = data;
	args[4] = LLVMConstInt(irb->i64, size, 0);
	if (!args[0] || !args[1])
		return bc_irb_fail_null(irb, -EINVAL);
	return bc_irb_call_id(irb, BPF_FUNC_perf_event_output, irb->i64, args, 5,
			      "perf_event_output");
}

LLVMValueRef bc_irb_ringbuf_output(struct bc_irb *irb, int map_id, LLVMValueRef data,
				    uint64_t size)
{
	LLVMValueRef args[4];

	args[0] = bc_irb_map_fd(irb, map_id);
	args[1] = data;
	args[2] = LLVMConstInt(irb->i64, size, 0);
	args[3] = LLVMConstInt(irb->i64, 0, 0);
	if (!args[0])
		return bc_irb_fail_null(irb, -EINVAL);
	return bc_irb_call_id(irb, BPF_FUNC_ringbuf_output, irb->i64, args, 4, "ringbuf_output");
}

LLVMValueRef bc_irb_get_stackid(struct bc_irb *irb, int map_id, bool ustack)
{
	LLVMValueRef args[3];

	args[0] = bc_irb_ctx(irb);
	args[1] = bc_irb_map_fd(irb, map_id);
	args[2] = LLVMConstInt(irb->i64, ustack ? BPF_F_USER_STACK : 0, 0);
	if (!args[0] || !args[1])
		return bc_irb_fail_null(irb, -EINVAL);
	return bc_irb_call_id(irb, BPF_FUNC_get_stackid, irb->i64, args, 3, "get_stackid");
}

LLVMValueRef bc_irb_register_read(struct bc_irb *irb, int word, const char *name)
{
	LLVMValueRef idx = LLVMConstInt(irb->i64, (unsigned long long)word, 1);
	LLVMValueRef p, v;

	if (!irb->fn || word < 0)
		return bc_irb_fail_null(irb, -EINVAL);
	p = LLVMBuildGEP2(irb->cur, irb->i64, bc_irb_ctx(irb), &idx, 1, "");
	v = LLVMBuildLoad2(irb->cur, irb->i64, p, name ? name : "");
	/* every context access is volatile, so LLVM keeps its width */
	LLVMSetVolatile(v, 1);
	return v;
}

LLVMValueRef bc_irb_field_ptr(struct bc_irb *irb, LLVMTypeRef sty, LLVMValueRef base,
			      unsigned idx)
{
	LLVMValueRef ix[2] = { LLVMConstInt(irb->i32, 0, 0), LLVMConstInt(irb->i32, idx, 0) };

	if (!sty || !base)
		return bc_irb_fail_null(irb, -EINVAL);
	return LLVMBuildGEP2(irb->cur, sty, base, ix, 2, "");
}

LLVMValueRef bc_irb_struct_field_ptr(struct bc_irb *irb, LLVMTypeRef sty, LLVMValueRef base,
				     unsigned idx)
{
	LLVMValueRef ix[2] = { LLVMConstInt(irb->i64, 0, 0), LLVMConstInt(irb->i32, idx, 0) };

	if (!sty || !base)
		return bc_irb_fail_null(irb, -EINVAL);
	return LLVMBuildGEP2(irb->cur, sty, base, ix, 2, "");
}

LLVMValueRef bc_irb_usym(struct bc_irb *irb, LLVMValueRef val, const struct bc_prov *prov)
{
	LLVMTypeRef elems[2] = { irb->i64, irb->i64 };
	LLVMTypeRef ty = bc_irb_struct_type(irb, "usym_t", elems, 2, false);
	LLVMValueRef buf, pid, addr_p, pid_p;

	if (!ty || !val)
		return bc_irb_fail_null(irb, -EINVAL);
	buf = bc_irb_alloca(irb, ty, "usym", prov);
	if (!buf)
		return NULL;
	pid = LLVMBuildLShr(irb->cur, bc_irb_get_pid_tgid(irb), LLVMConstInt(irb->i64, 32, 0), "");
	addr_p = bc_irb_struct_field_ptr(irb, ty, buf, 0);
	pid_p = bc_irb_struct_field_ptr(irb, ty, buf, 1);
	LLVMBuildStore(irb->cur, val, addr_p);
	LLVMBuildStore(irb->cur, pid, pid_p);
	return buf;
}

LLVMValueRef bc_irb_fmt_args(struct bc_irb *irb, const char *call, uint64_t id,
			     LLVMTypeRef *args, unsigned n, const struct bc_prov *prov,
			     LLVMTypeRef *sty)
{
	LLVMTypeRef elems[65];
	char name[64];
	LLVMTypeRef st;
	LLVMValueRef buf;

	if (!call || n > 64 || strlen(call) > 48)
		return bc_irb_fail_null(irb, -EINVAL);
	elems[0] = irb->i64;
	for (unsigned i = 0; i < n; i++)
		elems[i + 1] = args[i];
	snprintf(name, sizeof(name), "%s_t", call);
	st = bc_irb_new_struct_type(irb, name, elems, n + 1, false);
	snprintf(name, sizeof(name), "%s_args", call);
	buf = bc_irb_alloca(irb, st, name, prov);
	if (!buf)
		return NULL;
	/* the struct is not packed: zero its padding too */
	bc_irb_memset(irb, buf, 0, bc_irb_sizeof(irb, st), 1);
	LLVMBuildStore(irb->cur, LLVMConstInt(irb->i64, id, 0),
		       bc_irb_field_ptr(irb, st, buf, 0));
	if (sty)
		*sty = st;
	return buf;
}
