/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Code generation against bpftrace 0.17 itself, on the real tools installed
 * in /usr/sbin (every .bt): for every probe function, the frame LLVM 19's BPF
 * backend lays out for our IR (O3 as bpftrace runs it, then code
 * generation) against the frame of bpftrace 0.17's own IR, captured with
 * `bpftrace -dd` on this machine (its BTF, its tracefs), through the same
 * backend:
 *
 *  - "opt":   bpftrace's optimised IR (LLVM 14's O3), code generation only;
 *  - "unopt": bpftrace's unoptimised IR through our O3 and code generation
 *             (the same optimiser as ours: differences are code generation).
 *
 * Then the construct scripts (tests/golden/codegen, fixtures/scripts/codegen)
 * instruction by instruction: opcode, value name (LLVM's uniquing digits
 * dropped), callee and constant arguments, alloca sizes, load/store types,
 * comparison predicates, block labels; bitcasts, which opaque pointers no
 * longer need, are skipped.
 *
 * Needs root, bpftrace and the kernel's BTF; skipped otherwise. The IR
 * bpftrace prints is cached in $BC_BUILD/codegen-ref (delete to refresh).
 * Every difference must be listed in known_diffs[] with its reason, so a
 * change in either model fails the test; BC_CODEGEN_FIDELITY_VERBOSE=1
 * prints the whole table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "analyzer/llvm/backend.h"
#include "analyzer/codegen/codegen.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/script/parser.h"
#include "analyzer/base/sbuf.h"
#include "analyzer/script/sema.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/core/unit.h"
#include "support/script_support.h"

#define TOOLS_DIR "/usr/sbin"

/* A probe whose frame differs, and why (kept short: each is explained). */
struct known_diff {
	const char *tool;
	const char *function;	/* bpftrace's function name */
	const char *reason;
};

static const struct known_diff known_diffs[] = {
	/* AF_INET/AF_INET6 are macros of <sys/socket.h>, which bpftrace reads
	 * with clang and bpfcheck does not (BC101): with their values (2, 10)
	 * written in, our frame is bpftrace's 200 */
	{ "tcplife", "kprobe:tcp_set_state", "header macros AF_INET/AF_INET6 unknown" },
	{ NULL, NULL, NULL },
};

struct frames {
	char **names;
	int64_t *bytes;
	size_t n;
};

static void frames_free(struct frames *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->bytes);
	memset(f, 0, sizeof(*f));
}

/* Frames of the probe functions of M (not log2/linear), in module order. */
static int module_frames(struct bc_ir_module *m, bool optimize, struct frames *out)
{
	struct bc_backend be;
	struct bc_backend_result r;
	int err;

	memset(out, 0, sizeof(*out));
	err = bc_backend_init(&be, m, NULL);
	if (!err && optimize)
		err = bc_backend_optimize(&be, m, NULL);
	if (!err)
		err = bc_backend_emit(&be, m, &r);
	bc_backend_fini(&be);
	if (err)
		return err;
	for (LLVMValueRef fn = LLVMGetFirstFunction(m->mod); fn; fn = LLVMGetNextFunction(fn)) {
		size_t len;
		const char *name = LLVMGetValueName2(fn, &len);

		if (LLVMIsDeclaration(fn) || LLVMGetLinkage(fn) == LLVMInternalLinkage)
			continue;
		out->names = realloc(out->names, (out->n + 1) * sizeof(*out->names));
		out->bytes = realloc(out->bytes, (out->n + 1) * sizeof(*out->bytes));
		out->names[out->n] = strndup(name, len);
		out->bytes[out->n] = bc_backend_frame_bytes(&r, out->names[out->n]);
		out->n++;
	}
	bc_backend_result_free(&r);
	return 0;
}

/* ---- bpftrace's IR ---- */

static char *cache_dir(void)
{
	const char *b = getenv("BC_BUILD");
	char *d;

	if (asprintf(&d, "%s/codegen-ref", b ? b : "build") < 0)
		return NULL;
	mkdir(d, 0755);
	return d;
}

/* Runs `bpftrace -dd TOOL` into OUT (a dry run that prints the IR). */
static bool run_bpftrace(const char *tool, const char *out)
{
	char cmd[8192];
	int st;

	/* --unsafe: the construct scripts call system(), signal(), ... */
	snprintf(cmd, sizeof(cmd), "timeout 120 bpftrace --unsafe -dd '%s' >'%s' 2>/dev/null",
		 tool, out);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The module between HEADER ("Before optimization") and the next one. */
static char *extract(const char *dump, const char *header)
{
	const char *p = strstr(dump, header), *e;

	if (!p)
		return NULL;
	p = strstr(p, "; ModuleID");
	if (!p)
		return NULL;
	e = strstr(p, "\nAfter optimization");
	if (!e)
		e = p + strlen(p);
	return strndup(p, (size_t)(e - p));
}

/* bpftrace's IR of TOOL, before or after its optimiser; NULL when bpftrace
 * could not compile the tool on this machine. */
static struct bc_ir_module *reference(const char *tool, const char *name, bool opt)
{
	char *dir = cache_dir(), path[4096], *dump, *ir;
	struct bc_ir_module *m = NULL;
	struct stat st;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.dd", dir, name);
	free(dir);
	if (stat(path, &st) && !run_bpftrace(tool, path)) {
		/* keep the failure: an empty cache entry */
		FILE *f = fopen(path, "w");

		if (f)
			fclose(f);
		return NULL;
	}
	dump = bc_test_read_file(path, NULL);
	if (!dump)
		return NULL;
	ir = extract(dump, opt ? "After optimization" : "Before optimization");
	if (ir) {
		m = bc_ir_parse(ir, strlen(ir), NULL);
		free(ir);
	}
	free(dump);
	return m;
}

/* ---- ours ---- */

/* Our module for TOOL (0.17, this machine's BTF and tracefs). */
static struct bc_ir_module *our_module(const char *tool, char *why, size_t whylen, int *errp)
{
	struct bc_unit u;
	struct bc_parse_opts po = { .bpftrace = 1700 };
	struct bc_sema_opts so = { .bpftrace = 1700, .btf_path = BC_BTF_VMLINUX };
	struct bc_codegen_status st;
	struct bc_codegen_opts co = { .status = &st };
	struct bc_script *s = NULL;
	struct bc_sema *sema = NULL;
	struct bc_ir_module *m = NULL;
	size_t len;
	char *text = bc_test_read_file(tool, &len);
	int err;

	memset(&u, 0, sizeof(u));
	if (!text) {
		*errp = -ENOENT;
		return NULL;
	}
	bc_unit_load_mem(&u, tool, text, len);
	err = bc_script_parse(&u, &po, &s);
	if (!err)
		err = bc_sema_run(&u, s, &so, &sema);
	if (!err && bc_sema_nr_errors(sema)) {
		snprintf(why, whylen, "semantic errors");
		err = -EINVAL;
	} else if (!err) {
		err = bc_codegen(s, sema, &co, &m, NULL);
		if (err)
			snprintf(why, whylen, "%u:%u %s", st.span.line, st.span.col, st.message);
	}
	bc_sema_free(sema);
	bc_unit_free(&u);
	bc_script_free(s);
	free(text);
	*errp = err;
	return m;
}

static int ours(const char *tool, struct frames *out, char *why, size_t whylen)
{
	int err;
	struct bc_ir_module *m = our_module(tool, why, whylen, &err);

	memset(out, 0, sizeof(*out));
	if (!err)
		err = module_frames(m, true, out);
	bc_ir_module_free(m);
	return err;
}

/* ---- instruction signatures ---- */

/* NAME without LLVM's uniquing digits ("str5" -> "str"). A name the
 * irbuilder moved from bpftrace's bitcast to its load ("cast") is dropped:
 * opaque pointers have no cast to carry it. */
static void sig_name(struct bc_sbuf *b, LLVMValueRef v)
{
	size_t len;
	const char *n = LLVMGetValueName2(v, &len);

	while (len && n[len - 1] >= '0' && n[len - 1] <= '9')
		len--;
	if (LLVMIsALoadInst(v) && len == 4 && !strncmp(n, "cast", 4))
		len = 0;
	bc_sbuf_printf(b, " %.*s", (int)len, n);
}

static void sig_call(struct bc_sbuf *b, LLVMValueRef call)
{
	static const char *const intrinsics[] = { "llvm.lifetime.start", "llvm.lifetime.end",
						  "llvm.memset", "llvm.memcpy", "llvm.bpf.pseudo",
						  "llvm.bswap" };
	LLVMValueRef c = LLVMGetCalledValue(call);
	size_t len;

	if (LLVMIsAFunction(c)) {
		const char *n = LLVMGetValueName2(c, &len);

		for (size_t i = 0; i < sizeof(intrinsics) / sizeof(intrinsics[0]); i++)
			if (!strncmp(n, intrinsics[i], strlen(intrinsics[i])))
				n = intrinsics[i];
		bc_sbuf_printf(b, " %s", n);
	} else if (LLVMIsAConstantExpr(c)) {
		bc_sbuf_printf(b, " helper#%llu", LLVMConstIntGetZExtValue(LLVMGetOperand(c, 0)));
	}
	for (unsigned i = 0; i + 1 < (unsigned)LLVMGetNumOperands(call); i++) {
		LLVMValueRef a = LLVMGetOperand(call, i);

		if (LLVMIsAConstantInt(a))
			bc_sbuf_printf(b, " %lld", LLVMConstIntGetSExtValue(a));
		else
			bc_sbuf_printf(b, " v");
	}
}

static char *type_str(LLVMTypeRef t)
{
	/* typed-pointer IR upgraded by LLVM 19 has opaque pointers too */
	return LLVMPrintTypeToString(t);
}

static char *fn_sig(LLVMModuleRef mod, LLVMValueRef fn)
{
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(mod);
	struct bc_sbuf b = { 0 };

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		bc_sbuf_printf(&b, "%s:\n", LLVMGetBasicBlockName(bb));
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			LLVMOpcode op = LLVMGetInstructionOpcode(i);

			if (op == LLVMBitCast)
				continue;
			bc_sbuf_printf(&b, "  op%d", (int)op);
			sig_name(&b, i);
			if (op == LLVMAlloca)
				bc_sbuf_printf(&b, " %llu", LLVMABISizeOfType(td, LLVMGetAllocatedType(i)));
			if (op == LLVMCall)
				sig_call(&b, i);
			if (op == LLVMICmp)
				bc_sbuf_printf(&b, " p%d", (int)LLVMGetICmpPredicate(i));
			if (op == LLVMLoad || op == LLVMStore) {
				char *t = type_str(op == LLVMLoad ? LLVMTypeOf(i) :
							 LLVMTypeOf(LLVMGetOperand(i, 0)));

				bc_sbuf_printf(&b, " %s%s", t, LLVMGetVolatile(i) ? " volatile" : "");
				LLVMDisposeMessage(t);
			}
			bc_sbuf_printf(&b, "\n");
		}
	}
	return bc_sbuf_finish(&b);
}

/* The first line where A and B differ, for the failure message. */
static void first_diff(const char *a, const char *b, char *out, size_t n)
{
	size_t line = 1;
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	snprintf(out, n, "line %zu: ours \"%.*s\", bpftrace \"%.*s\"", line,
		 (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

static const struct known_diff *known(const char *tool, const char *fn)
{
	for (size_t i = 0; known_diffs[i].tool; i++)
		if (!strcmp(known_diffs[i].tool, tool) && !strcmp(known_diffs[i].function, fn))
			return &known_diffs[i];
	return NULL;
}

static bool can_run(void)
{
	if (geteuid() != 0 || access(BC_BTF_VMLINUX, R_OK))
		return false;
	return system("command -v bpftrace >/dev/null 2>&1") == 0;
}

static void test_tools_frames(void **state)
{
	char **names;
	size_t probes = 0, exact_opt = 0, exact_unopt = 0, unexplained = 0, tools = 0;
	int64_t maxdiff = 0;
	bool verbose = getenv("BC_CODEGEN_FIDELITY_VERBOSE") != NULL;

	(void)state;
	if (!can_run())
		skip();
	names = bc_test_list_dir(TOOLS_DIR, ".bt");
	if (!names || !names[0]) {
		bc_test_free_names(names);
		skip();
	}
	for (size_t i = 0; names[i]; i++) {
		char tool[4096], name[256], why[256] = "";
		struct bc_ir_module *ro, *ru;
		struct frames fo = { 0 }, fu = { 0 }, fm = { 0 };
		int err;

		snprintf(tool, sizeof(tool), "%s/%s", TOOLS_DIR, names[i]);
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(names[i]) - 3), names[i]);
		ro = reference(tool, name, true);
		ru = reference(tool, name, false);
		if (!ro || !ru) {
			if (verbose)
				fprintf(stderr, "%-14s bpftrace cannot compile it here\n", name);
			bc_ir_module_free(ro);
			bc_ir_module_free(ru);
			continue;
		}
		tools++;
		assert_int_equal(module_frames(ro, false, &fo), 0);
		assert_int_equal(module_frames(ru, true, &fu), 0);
		assert_int_equal(fo.n, fu.n);
		err = ours(tool, &fm, why, sizeof(why));
		if (err) {
			fprintf(stderr, "%-14s our code generation failed (%s): %s\n", name,
				strerror(-err), why);
			unexplained += fo.n;
			probes += fo.n;
		}
		for (size_t k = 0; !err && k < fo.n; k++) {
			int64_t m = k < fm.n ? fm.bytes[k] : -1;
			const struct known_diff *kd = known(name, fo.names[k]);
			bool same = m == fu.bytes[k];

			probes++;
			exact_opt += m == fo.bytes[k];
			exact_unopt += same;
			if (m >= 0 && llabs(m - fu.bytes[k]) > maxdiff)
				maxdiff = llabs(m - fu.bytes[k]);
			if (!same && !kd)
				unexplained++;
			if (verbose || (!same && !kd))
				fprintf(stderr, "%-14s %-60.60s ours %4lld  bpftrace unopt %4lld opt %4lld%s%s\n",
					name, fo.names[k], (long long)m, (long long)fu.bytes[k],
					(long long)fo.bytes[k], kd ? "  known: " : "",
					kd ? kd->reason : "");
		}
		if (!err && fm.n != fo.n) {
			fprintf(stderr, "%-14s %zu functions, bpftrace has %zu\n", name, fm.n, fo.n);
			unexplained++;
		}
		frames_free(&fo);
		frames_free(&fu);
		frames_free(&fm);
		bc_ir_module_free(ro);
		bc_ir_module_free(ru);
	}
	fprintf(stderr,
		"codegen fidelity: %zu tools, %zu probes; equal to bpftrace's IR through the "
		"same O3: %zu, to its LLVM 14-optimised IR: %zu; max diff %lld; unexplained %zu\n",
		tools, probes, exact_unopt, exact_opt, (long long)maxdiff, unexplained);
	bc_test_free_names(names);
	assert_true(tools > 0);
	assert_int_equal(unexplained, 0);
}

/* Every function of SCRIPT instruction by instruction; 0 when equal. */
static int compare_ir(const char *script, const char *name)
{
	struct bc_ir_module *theirs = reference(script, name, false), *m;
	char why[256] = "";
	int err, bad = 0;

	if (!theirs) {
		fprintf(stderr, "%s: bpftrace cannot compile it here\n", name);
		return 0;
	}
	m = our_module(script, why, sizeof(why), &err);
	if (err) {
		fprintf(stderr, "%s: our code generation failed (%s): %s\n", name, strerror(-err),
			why);
		bc_ir_module_free(theirs);
		return 1;
	}
	for (LLVMValueRef fn = LLVMGetFirstFunction(theirs->mod); fn; fn = LLVMGetNextFunction(fn)) {
		size_t len;
		const char *fname = LLVMGetValueName2(fn, &len);
		LLVMValueRef o;
		char *a, *b, d[512];

		if (LLVMIsDeclaration(fn))
			continue;
		o = LLVMGetNamedFunction(m->mod, fname);
		if (!o) {
			fprintf(stderr, "%s: no function %s\n", name, fname);
			bad++;
			continue;
		}
		a = fn_sig(m->mod, o);
		b = fn_sig(theirs->mod, fn);
		if (strcmp(a, b)) {
			first_diff(a, b, d, sizeof(d));
			fprintf(stderr, "%s: %s differs at %s\n", name, fname, d);
			bad++;
		}
		free(a);
		free(b);
	}
	bc_ir_module_free(m);
	bc_ir_module_free(theirs);
	return bad;
}

static void test_construct_scripts_ir(void **state)
{
	static const char *const dirs[] = { "tests/golden/codegen", "fixtures/scripts/codegen" };
	int bad = 0, scripts = 0;

	(void)state;
	if (!can_run())
		skip();
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char *dir = bc_test_src_path(dirs[d]);
		char **names = bc_test_list_dir(dir, ".bt");

		for (size_t i = 0; names && names[i]; i++) {
			char path[4096], name[512];

			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			snprintf(name, sizeof(name), "%.*s", (int)(strlen(names[i]) - 3), names[i]);
			bad += compare_ir(path, name);
			scripts++;
		}
		bc_test_free_names(names);
		free(dir);
	}
	fprintf(stderr, "construct scripts: %d compared, %d functions differ\n", scripts, bad);
	assert_true(scripts > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tools_frames),
		cmocka_unit_test(test_construct_scripts_ir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
