// SPDX-License-Identifier: Apache-2.0
/*
 * Loading LLVM IR and bitcode from memory: good modules, syntax errors with
 * their line:col, truncated text and bitcode, modules the verifier refuses,
 * and typed-pointer IR from bpftrace 0.17 (LLVM 14), which LLVM 19 upgrades.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>

#include "analyzer/llvm/ir_load.h"
#include "analyzer/core/unit.h"
#include "support/script_support.h"

static const char good_ir[] =
	"target triple = \"bpfel\"\n"
	"declare void @use(ptr)\n"
	"define i64 @f(ptr %ctx) {\n"
	"entry:\n"
	"  %a = alloca [16 x i8], align 1\n"
	"  call void @use(ptr %a)\n"
	"  ret i64 0\n"
	"}\n";

static size_t count_definitions(LLVMModuleRef m)
{
	size_t n = 0;

	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		n += !LLVMIsDeclaration(f);
	return n;
}

static char *fixture(const char *rel, size_t *len)
{
	char *path = bc_test_src_path(rel), *text = bc_test_read_file(path, len);

	free(path);
	if (!text)
		fail_msg("cannot read %s", rel);
	return text;
}

static void test_good_text(void **state)
{
	struct bc_ir_error err;
	/* no NUL terminator needed: pass the length without it */
	struct bc_ir_module *m = bc_ir_parse(good_ir, sizeof(good_ir) - 1, &err);

	(void)state;
	assert_non_null(m);
	assert_null(err.message);
	assert_false(m->is_bitcode);
	assert_int_equal(count_definitions(m->mod), 1);
	assert_non_null(LLVMGetNamedFunction(m->mod, "f"));
	bc_ir_module_free(m);
}

static void test_syntax_error_position(void **state)
{
	static const char bad[] =
		"target triple = \"bpfel\"\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %x = add i64 1, \n"
		"  ret i64 %x\n"
		"}\n";
	struct bc_ir_error err;

	(void)state;
	assert_null(bc_ir_parse(bad, sizeof(bad) - 1, &err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(err.message);
	assert_int_equal(err.line, 5);	/* the operand is missing: LLVM sees "ret" */
	assert_true(err.col > 0);
	assert_null(strchr(err.message, '\n'));
	assert_null(strstr(err.message, "ir:"));	/* position prefix removed */
	bc_ir_error_free(&err);
}

static void test_truncated_text(void **state)
{
	size_t len;
	char *text = fixture("fixtures/ir/bt017_mixed.ll", &len);
	struct bc_ir_error err;

	(void)state;
	/* cut inside the first function body */
	const char *cut = strstr(text, "define ");
	assert_non_null(cut);
	cut = strchr(cut, '\n');
	assert_non_null(cut);
	assert_null(bc_ir_parse(text, (size_t)(cut - text) + 1, &err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(err.message);
	assert_true(err.line > 0);
	bc_ir_error_free(&err);
	free(text);
}

static void test_verifier_rejects(void **state)
{
	/* parses, but a use does not follow its definition */
	static const char bad[] =
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %a = add i64 %b, 1\n"
		"  %b = add i64 2, 1\n"
		"  ret i64 %a\n"
		"}\n";
	struct bc_ir_error err;

	(void)state;
	assert_null(bc_ir_parse(bad, sizeof(bad) - 1, &err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(err.message);
	assert_non_null(strstr(err.message, "invalid IR"));
	bc_ir_error_free(&err);
}

static void test_empty_and_garbage(void **state)
{
	struct bc_ir_error err;
	static const char garbage[] = "BC\xc0\xde\x01\x02\x03\x04\x05\x06\x07\x08";

	(void)state;
	/* empty text is a valid (empty) module */
	struct bc_ir_module *m = bc_ir_parse("", 0, &err);
	assert_non_null(m);
	assert_int_equal(count_definitions(m->mod), 0);
	bc_ir_module_free(m);

	assert_null(bc_ir_parse(garbage, sizeof(garbage) - 1, &err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(err.message);
	bc_ir_error_free(&err);

	assert_null(bc_ir_parse("\x01\x02 not ir", 10, NULL));
	assert_int_equal(errno, EINVAL);
}

/* Bitcode of the good module, written by LLVM itself. */
static LLVMMemoryBufferRef make_bitcode(void)
{
	struct bc_ir_module *m = bc_ir_parse(good_ir, sizeof(good_ir) - 1, NULL);
	LLVMMemoryBufferRef buf;

	assert_non_null(m);
	buf = LLVMWriteBitcodeToMemoryBuffer(m->mod);
	bc_ir_module_free(m);
	assert_non_null(buf);
	return buf;
}

static void test_bitcode(void **state)
{
	LLVMMemoryBufferRef buf = make_bitcode();
	const char *data = LLVMGetBufferStart(buf);
	size_t size = LLVMGetBufferSize(buf);
	struct bc_ir_error err;
	struct bc_ir_module *m;

	(void)state;
	assert_true(bc_ir_is_bitcode(data, size));
	m = bc_ir_parse(data, size, &err);
	assert_non_null(m);
	assert_true(m->is_bitcode);
	assert_non_null(LLVMGetNamedFunction(m->mod, "f"));
	bc_ir_module_free(m);

	/* truncated: an error from the bitcode reader, not a crash or exit */
	assert_null(bc_ir_parse(data, size / 2, &err));
	assert_int_equal(errno, EINVAL);
	assert_non_null(err.message);
	assert_int_equal(err.line, 0);
	bc_ir_error_free(&err);
	LLVMDisposeMemoryBuffer(buf);
}

static void test_typed_pointer_ir(void **state)
{
	size_t len;
	char *text = fixture("fixtures/ir/bt017_mixed.ll", &len);
	struct bc_ir_error err;
	struct bc_ir_module *m;
	LLVMValueRef f;

	(void)state;
	assert_non_null(strstr(text, "i8*"));	/* really typed pointers */
	m = bc_ir_parse(text, len, &err);
	assert_non_null(m);
	f = LLVMGetNamedFunction(m->mod, "kretprobe:vfs_read");
	assert_non_null(f);
	assert_false(LLVMIsDeclaration(f));
	/* upgraded: the probe's argument is now an opaque pointer */
	assert_int_equal(LLVMGetTypeKind(LLVMTypeOf(LLVMGetParam(f, 0))), LLVMPointerTypeKind);
	assert_int_equal(count_definitions(m->mod), 3);
	bc_ir_module_free(m);
	free(text);
}

static void test_unit_failure(void **state)
{
	static const char bad[] = "; a comment\n"
				  "define i64 @f() {\n"
				  "  ret i32 0\n"
				  "}\n";
	struct bc_unit u;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "bad.ll", bad, sizeof(bad) - 1), 0);
	assert_int_equal(u.kind, BC_KIND_LLVM_IR);
	assert_null(bc_ir_load(&u));
	assert_int_equal(u.status, -EINVAL);
	assert_non_null(u.error);
	assert_non_null(strstr(u.error, "cannot parse LLVM IR"));
	assert_int_equal(u.error_span.line, 3);
	assert_true(u.error_span.col > 1);
	/* the byte offset agrees with the line:col */
	assert_int_equal(u.error_span.start, u.line_starts[2] + u.error_span.col - 1);
	bc_unit_free(&u);
}

static void test_unit_ok(void **state)
{
	struct bc_unit u;
	struct bc_ir_module *m;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "good.ll", good_ir, sizeof(good_ir) - 1), 0);
	m = bc_ir_load(&u);
	assert_non_null(m);
	assert_int_equal(u.status, 0);
	bc_ir_module_free(m);
	bc_unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_text),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_truncated_text),
		cmocka_unit_test(test_verifier_rejects),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_bitcode),
		cmocka_unit_test(test_typed_pointer_ir),
		cmocka_unit_test(test_unit_failure),
		cmocka_unit_test(test_unit_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
