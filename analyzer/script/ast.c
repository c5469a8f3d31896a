// SPDX-License-Identifier: Apache-2.0
/* Names and facts about AST enums: operators, providers, features. */
#include <stddef.h>

#include "ast.h"

const char *bc_op_str(enum bc_op op)
{
	switch (op) {
	case BC_OP_NONE: return "=";
	case BC_OP_LOR: return "||";
	case BC_OP_LAND: return "&&";
	case BC_OP_BOR: return "|";
	case BC_OP_BXOR: return "^";
	case BC_OP_BAND: return "&";
	case BC_OP_EQ: return "==";
	case BC_OP_NE: return "!=";
	case BC_OP_LT: return "<";
	case BC_OP_GT: return ">";
	case BC_OP_LE: return "<=";
	case BC_OP_GE: return ">=";
	case BC_OP_SHL: return "<<";
	case BC_OP_SHR: return ">>";
	case BC_OP_ADD: return "+";
	case BC_OP_SUB: return "-";
	case BC_OP_MUL: return "*";
	case BC_OP_DIV: return "/";
	case BC_OP_MOD: return "%";
	case BC_OP_NEG: return "-";
	case BC_OP_LNOT: return "!";
	case BC_OP_BNOT: return "~";
	case BC_OP_DEREF: return "*";
	case BC_OP_ADDR: return "&";
	case BC_OP_PREINC: case BC_OP_POSTINC: return "++";
	case BC_OP_PREDEC: case BC_OP_POSTDEC: return "--";
	}
	return "?";
}

int bc_op_prec(enum bc_op op)
{
	switch (op) {
	case BC_OP_LOR: return 1;
	case BC_OP_LAND: return 2;
	case BC_OP_BOR: return 3;
	case BC_OP_BXOR: return 4;
	case BC_OP_BAND: return 5;
	case BC_OP_EQ: case BC_OP_NE: return 6;
	case BC_OP_LT: case BC_OP_GT: case BC_OP_LE: case BC_OP_GE: return 7;
	case BC_OP_SHL: case BC_OP_SHR: return 8;
	case BC_OP_ADD: case BC_OP_SUB: return 9;
	case BC_OP_MUL: case BC_OP_DIV: case BC_OP_MOD: return 10;
	default: return 0;
	}
}

const char *bc_provider_name(enum bc_provider p)
{
	switch (p) {
	case BC_PROV_UNKNOWN: return "unknown";
	case BC_PROV_BEGIN: return "BEGIN";
	case BC_PROV_END: return "END";
	case BC_PROV_KPROBE: return "kprobe";
	case BC_PROV_KRETPROBE: return "kretprobe";
	case BC_PROV_UPROBE: return "uprobe";
	case BC_PROV_URETPROBE: return "uretprobe";
	case BC_PROV_USDT: return "usdt";
	case BC_PROV_TRACEPOINT: return "tracepoint";
	case BC_PROV_PROFILE: return "profile";
	case BC_PROV_INTERVAL: return "interval";
	case BC_PROV_SOFTWARE: return "software";
	case BC_PROV_HARDWARE: return "hardware";
	case BC_PROV_WATCHPOINT: return "watchpoint";
	case BC_PROV_ASYNCWATCHPOINT: return "asyncwatchpoint";
	case BC_PROV_KFUNC: return "kfunc";
	case BC_PROV_KRETFUNC: return "kretfunc";
	case BC_PROV_ITER: return "iter";
	case BC_PROV_RAWTRACEPOINT: return "rawtracepoint";
	case BC_PROV_FENTRY: return "fentry";
	case BC_PROV_FEXIT: return "fexit";
	case BC_PROV_SELF: return "self";
	}
	return "unknown";
}

static const struct {
	const char *name;
	int min_version;
} features[BC_FEAT__COUNT] = {
	[BC_FEAT_CONFIG] = { "config block", 2000 },
	[BC_FEAT_FN] = { "user-defined function (fn)", 2100 },
	[BC_FEAT_RETURN_VALUE] = { "return with a value", 2100 },
	[BC_FEAT_FOR_MAP] = { "for loop over a map", 2100 },
	[BC_FEAT_FOR_NO_PARENS] = { "for loop without parentheses", 2400 },
	[BC_FEAT_FOR_RANGE] = { "for loop over a range", 2400 },
	[BC_FEAT_LET] = { "let declaration", 2200 },
	[BC_FEAT_MAP_DECL] = { "map declaration", 2400 },
	[BC_FEAT_OFFSETOF] = { "offsetof()", 1800 },
	[BC_FEAT_SIZED_TYPE] = { "sized type (string[N], buffer[N], inet[N])", 1800 },
	[BC_FEAT_TYPE_SYNTAX] = { "type syntax (pointer depth above 2, arrays)", 1900 },
	[BC_FEAT_BOOL] = { "boolean literal", 2400 },
	[BC_FEAT_ADDR_OF] = { "address-of operator (&)", 2400 },
	[BC_FEAT_DURATION] = { "duration suffix on an integer", 2400 },
	[BC_FEAT_BLOCK_EXPR] = { "block expression", 2400 },
	[BC_FEAT_IMPORT] = { "import", 2400 },
	[BC_FEAT_MACRO] = { "macro definition", 2400 },
	[BC_FEAT_LOWERCASE_PROVIDER] = { "case-insensitive probe provider", 2400 },
	[BC_FEAT_RECORD] = { "record", 2500 },
	[BC_FEAT_SMALL_TUPLE] = { "empty, single-element or trailing-comma tuple", 2500 },
	[BC_FEAT_DISCARD] = { "discard assignment (_ = expr)", 2500 },
	[BC_FEAT_IF_EXPR] = { "if expression", 2500 },
	[BC_FEAT_NO_PARENS] = { "if/while/unroll without parentheses", 2500 },
	[BC_FEAT_PROBE_NAME] = { "named probe (name=)", 2500 },
	[BC_FEAT_TYPEOF] = { "typeof/typeinfo/comptime", 2500 },
	[BC_FEAT_TRAILING_COMMA] = { "trailing comma after attach points", 2500 },
	[BC_FEAT_ELVIS] = { "Elvis operator (?:)", 2600 },
	[BC_FEAT_SEMI_AFTER_IF] = { "';' after a block statement", 2600 },
	[BC_FEAT_RAWTRACEPOINT] = { "rawtracepoint probe", 1800 },
	[BC_FEAT_FENTRY] = { "fentry/fexit probe", 2000 },
	[BC_FEAT_SELF_PROBE] = { "self probe", 2200 },
	[BC_FEAT_MACRO_EXPANSION] = { "#define macro expansion", 0 },
};

const char *bc_feature_name(enum bc_feature f)
{
	if ((unsigned)f >= BC_FEAT__COUNT || !features[f].name)
		return "unknown";
	return features[f].name;
}

int bc_feature_min_version(enum bc_feature f)
{
	if ((unsigned)f >= BC_FEAT__COUNT)
		return 0;
	return features[f].min_version;
}
