// SPDX-License-Identifier: Apache-2.0
// clang's front end in process, behind the C API of clang_shim.h.
#include <mutex>
#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticLex.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/RecordLayout.h>
#include <clang/Basic/DiagnosticSema.h>
#include <clang/AST/DeclGroup.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/Utils.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include "clang_shim.h"

namespace {

// Collects clang's diagnostics with their locations.
class Collector : public clang::DiagnosticConsumer {
public:
	std::vector<bc_clang_diag> diags;
	bool oom = false;

	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &info) override
	{
		clang::DiagnosticConsumer::HandleDiagnostic(level, info);
		if (level == clang::DiagnosticsEngine::Ignored || level == clang::DiagnosticsEngine::Remark)
			return;
		llvm::SmallString<256> msg;
		info.FormatDiagnostic(msg);
		bc_clang_diag d = {};
		d.level = level == clang::DiagnosticsEngine::Note ? 1 :
			  level == clang::DiagnosticsEngine::Warning ? 2 : 3;
		d.message = strndup(msg.data(), msg.size());
		if (info.getLocation().isValid() && info.hasSourceManager()) {
			clang::PresumedLoc p = info.getSourceManager().getPresumedLoc(info.getLocation());
			if (p.isValid()) {
				d.file = strdup(p.getFilename());
				d.line = p.getLine();
				d.col = p.getColumn();
			}
		}
		if (!d.message)
			oom = true;
		diags.push_back(d);
	}
};

} // namespace

extern "C" int bc_clang_abi(void)
{
	return BC_CLANG_SHIM_ABI;
}

extern "C" int bc_clang_compile(const char *path, const char *source, size_t size,
				const char *const *args, size_t nr_args, const char *resource_dir,
				struct bc_clang_result *out)
{
	static std::once_flag targets_once;	/* C files compile on several threads */

	memset(out, 0, sizeof(*out));
	std::call_once(targets_once, [] {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
	});

	std::vector<const char *> argv;
	argv.push_back("clang");
	for (size_t i = 0; i < nr_args; i++)
		argv.push_back(args[i]);
	std::string rd = std::string("-resource-dir=") + resource_dir;
	argv.push_back(rd.c_str());
	argv.push_back("-fsyntax-only");	/* the driver builds one cc1 job; the action decides */
	argv.push_back(path);

	Collector collector;
	auto diag_opts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
	auto engine = clang::CompilerInstance::createDiagnostics(diag_opts.get(), &collector, false);
	clang::CreateInvocationOptions copts;
	copts.Diags = engine;
	copts.ProbePrecompiled = false;
	std::shared_ptr<clang::CompilerInvocation> inv = clang::createInvocation(argv, copts);
	if (!inv) {
		std::string why = "clang refused the arguments";
		for (auto &d : collector.diags)
			if (d.level == 3 && d.message) {
				why += ": ";
				why += d.message;
				break;
			}
		out->error = strdup(why.c_str());
	} else {
		/* the source comes from memory, under its own name */
		inv->getPreprocessorOpts().addRemappedFile(
			path, llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(source, size), path).release());
		inv->getFrontendOpts().ProgramAction = clang::frontend::EmitLLVMOnly;
		inv->getFrontendOpts().DisableFree = false;
		/* no "N errors generated." on stderr: the caller reports */
		inv->getDiagnosticOpts().ShowCarets = false;

		clang::CompilerInstance ci;
		ci.setInvocation(inv);
		ci.createDiagnostics(&collector, false);
		llvm::LLVMContext ctx;
		clang::EmitLLVMOnlyAction action(&ctx);
		if (ci.ExecuteAction(action)) {
			std::unique_ptr<llvm::Module> mod = action.takeModule();
			if (mod) {
				llvm::SmallVector<char, 0> buf;
				llvm::raw_svector_ostream os(buf);
				llvm::WriteBitcodeToFile(*mod, os);
				out->bitcode = malloc(buf.size() ? buf.size() : 1);
				if (out->bitcode) {
					memcpy(out->bitcode, buf.data(), buf.size());
					out->bitcode_size = buf.size();
				} else {
					collector.oom = true;
				}
			}
		}
	}
	out->diags = (bc_clang_diag *)calloc(collector.diags.size() + 1, sizeof(*out->diags));
	if (!out->diags)
		collector.oom = true;
	else
		for (auto &d : collector.diags)
			out->diags[out->nr_diags++] = d;
	return collector.oom ? -ENOMEM : 0;
}

namespace {

/* What a parse of the definitions reported: headers an #include did not
 * find (err_pp_file_not_found), unknown type names, and the other errors
 * with the line of the main file's #include they came through. */
class ParseDiags : public clang::DiagnosticConsumer {
public:
	std::string main_file;
	std::vector<std::pair<std::string, unsigned>> missing;
	std::vector<std::string> unknown_types;
	std::vector<bc_clang_diag> errors;
	bool oom = false;

	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &info) override
	{
		clang::DiagnosticConsumer::HandleDiagnostic(level, info);
		if (level < clang::DiagnosticsEngine::Error)
			return;
		unsigned line = 0;
		clang::PresumedLoc p;
		if (info.hasSourceManager() && info.getLocation().isValid()) {
			p = info.getSourceManager().getPresumedLoc(info.getLocation());
			if (p.isValid() && main_file == p.getFilename())
				line = p.getLine();
		}
		if (info.getID() == clang::diag::err_pp_file_not_found && info.getNumArgs()) {
			std::string name = info.getArgKind(0) == clang::DiagnosticsEngine::ak_std_string ?
						   info.getArgStdStr(0) :
						   std::string(info.getArgCStr(0));
			missing.emplace_back(name, line);
			return;
		}
		if (info.getID() == clang::diag::err_unknown_typename && info.getNumArgs() &&
		    info.getArgKind(0) == clang::DiagnosticsEngine::ak_identifierinfo &&
		    info.getArgIdentifier(0))
			unknown_types.push_back(info.getArgIdentifier(0)->getName().str());
		llvm::SmallString<256> msg;
		info.FormatDiagnostic(msg);
		bc_clang_diag d = {};
		d.level = 3;
		d.message = strndup(msg.data(), msg.size());
		if (p.isValid()) {
			d.file = strdup(p.getFilename());
			d.line = p.getLine();
			d.col = p.getColumn();
			/* the main file's line that included it */
			const clang::SourceManager &sm = info.getSourceManager();
			clang::PresumedLoc q = p;
			d.include_line = line;
			while (q.isValid() && main_file != q.getFilename() && q.getIncludeLoc().isValid()) {
				q = sm.getPresumedLoc(q.getIncludeLoc());
				if (q.isValid() && main_file == q.getFilename())
					d.include_line = q.getLine();
			}
		}
		if (!d.message)
			oom = true;
		errors.push_back(d);
	}
};

/* The type table of the answer: records by declaration, each once. */
class TypeTable {
public:
	clang::ASTContext &ctx;
	std::vector<bc_clang_type> types;
	std::vector<bc_clang_field> fields;
	std::map<const clang::RecordDecl *, long> records;
	bool oom = false;
	/* kernel headers reach thousands of records through pointers: past
	 * this many, records are listed by name and size only */
	static constexpr size_t max_types = 8192;

	explicit TypeTable(clang::ASTContext &c) : ctx(c) {}

	long add(clang::QualType qt, int depth = 0)
	{
		if (qt.isNull())
			return -1;
		qt = qt.getCanonicalType().getUnqualifiedType();
		const clang::Type *t = qt.getTypePtr();
		bc_clang_type e = {};
		e.elem = -1;
		if (const auto *rt = t->getAs<clang::RecordType>())
			return add_record(rt->getDecl(), depth);
		if (!t->isIncompleteType() && !t->isFunctionType() && !t->isVoidType()) {
			e.size = ctx.getTypeSize(qt) / 8;
			e.align = ctx.getTypeAlign(qt) / 8;
		}
		if (t->isVoidType()) {
			e.kind = BC_CT_VOID;
		} else if (t->isBooleanType()) {
			e.kind = BC_CT_BOOL;
		} else if (const auto *et = t->getAs<clang::EnumType>()) {
			e.kind = BC_CT_ENUM;
			e.is_signed = t->isSignedIntegerOrEnumerationType();
			if (!et->getDecl()->getName().empty())
				e.name = strdup(et->getDecl()->getName().str().c_str());
		} else if (t->isIntegerType()) {
			e.kind = BC_CT_INT;
			e.is_signed = t->isSignedIntegerType();
			e.is_char = t->isSpecificBuiltinType(clang::BuiltinType::Char_S) ||
				    t->isSpecificBuiltinType(clang::BuiltinType::Char_U);
		} else if (t->isPointerType()) {
			e.kind = BC_CT_PTR;
			e.elem = add(t->getPointeeType(), depth + 1);
		} else if (const auto *at = ctx.getAsArrayType(qt)) {
			e.kind = BC_CT_ARRAY;
			if (const auto *ca = llvm::dyn_cast<clang::ConstantArrayType>(at))
				e.nelems = ca->getSize().getZExtValue();
			e.elem = add(at->getElementType(), depth + 1);
		} else if (t->isFunctionType()) {
			e.kind = BC_CT_FUNC;
		} else {
			e.kind = BC_CT_OTHER;
		}
		types.push_back(e);
		return (long)types.size() - 1;
	}

	long add_record(const clang::RecordDecl *rd, int depth)
	{
		const clang::RecordDecl *def = rd->getDefinition();
		const clang::RecordDecl *key = def ? def : llvm::cast<clang::RecordDecl>(rd->getFirstDecl());
		auto it = records.find(key);
		if (it != records.end())
			return it->second;
		bc_clang_type e = {};
		e.elem = -1;
		e.kind = BC_CT_RECORD;
		e.is_union = rd->isUnion();
		if (!rd->getName().empty()) {
			std::string n = std::string(rd->isUnion() ? "union " : "struct ") +
					rd->getName().str();
			if (!(e.name = strdup(n.c_str())))
				oom = true;
		} else if (const clang::TypedefNameDecl *td = rd->getTypedefNameForAnonDecl()) {
			/* typedef struct { ... } foo_t: known by the typedef's name */
			if (!(e.name = strdup(td->getName().str().c_str())))
				oom = true;
		}
		long idx = (long)types.size();
		types.push_back(e);
		records[key] = idx;
		if (!def || def->isInvalidDecl())
			return idx;
		const clang::ASTRecordLayout &l = ctx.getASTRecordLayout(def);
		types[idx].size = (unsigned long long)l.getSize().getQuantity();
		types[idx].align = (unsigned)l.getAlignment().getQuantity();
		if (types.size() > max_types)
			return idx;
		std::vector<bc_clang_field> own;
		unsigned i = 0;
		for (const clang::FieldDecl *fd : def->fields()) {
			bc_clang_field f = {};
			f.bit_offset = l.getFieldOffset(i++);
			if (!fd->getName().empty() && !(f.name = strdup(fd->getName().str().c_str())))
				oom = true;
			if (fd->isBitField())
				f.bit_width = fd->getBitWidthValue(ctx);
			f.type = add(fd->getType(), depth + 1);
			own.push_back(f);
		}
		types[idx].complete = 1;
		types[idx].first_field = fields.size();
		types[idx].nr_fields = own.size();
		fields.insert(fields.end(), own.begin(), own.end());
		return idx;
	}
};

/* Evaluates the __bc_v_<i> variables as the parser sees them, and looks
 * the records up once the translation unit is complete. */
class Evaluator : public clang::ASTConsumer {
public:
	struct bc_clang_defs *out;
	size_t n;
	const char *const *records;
	size_t nr_records;
	std::unique_ptr<TypeTable> *table;	/* the caller's: the consumer dies with the action */

	bool HandleTopLevelDecl(clang::DeclGroupRef g) override
	{
		for (clang::Decl *d : g) {
			auto *vd = llvm::dyn_cast<clang::VarDecl>(d);
			if (!vd || vd->isInvalidDecl() || !vd->getInit())
				continue;
			llvm::StringRef name = vd->getName();
			if (!name.consume_front("__bc_v_"))
				continue;
			size_t i;
			if (name.getAsInteger(10, i) || i >= n)
				continue;
			clang::Expr::EvalResult r;
			if (vd->getInit()->isValueDependent() ||
			    !vd->getInit()->EvaluateAsInt(r, vd->getASTContext()))
				continue;
			out->values[i] = r.Val.getInt().getExtValue();
			out->found[i] = 1;
		}
		return true;
	}

	void HandleTranslationUnit(clang::ASTContext &ctx) override
	{
		*table = std::make_unique<TypeTable>(ctx);
		clang::TranslationUnitDecl *tu = ctx.getTranslationUnitDecl();
		for (size_t i = 0; i < nr_records; i++) {
			llvm::StringRef want(records[i]);
			int kind = 0;	/* 0 any, 1 struct, 2 union */
			if (want.consume_front("struct "))
				kind = 1;
			else if (want.consume_front("union "))
				kind = 2;
			want = want.trim();
			out->records[i] = -1;
			auto res = tu->lookup(clang::DeclarationName(&ctx.Idents.get(want)));
			for (clang::NamedDecl *nd : res) {
				if (auto *rd = llvm::dyn_cast<clang::RecordDecl>(nd)) {
					if ((kind == 1 && rd->isUnion()) || (kind == 2 && !rd->isUnion()))
						continue;
					out->records[i] = (*table)->add_record(rd, 0);
				} else if (auto *td = llvm::dyn_cast<clang::TypedefNameDecl>(nd)) {
					if (kind || !td->getUnderlyingType()->getAs<clang::RecordType>())
						continue;
					out->records[i] = (*table)->add(td->getUnderlyingType());
				}
				if (out->records[i] >= 0)
					break;
			}
		}
	}
};

class EvalAction : public clang::ASTFrontendAction {
public:
	std::unique_ptr<TypeTable> *table;
	struct bc_clang_defs *out;
	size_t n;
	const char *const *records;
	size_t nr_records;

	std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &,
							      llvm::StringRef) override
	{
		auto c = std::make_unique<Evaluator>();
		c->out = out;
		c->n = n;
		c->records = records;
		c->nr_records = nr_records;
		c->table = table;
		return c;
	}
};

void free_diags(std::vector<bc_clang_diag> &v)
{
	for (auto &d : v) {
		free(d.file);
		free(d.message);
	}
	v.clear();
}

std::vector<std::string> split_lines(const char *text)
{
	std::vector<std::string> lines;
	std::string line;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			lines.push_back(line);
			line.clear();
		} else {
			line += *p;
		}
	}
	lines.push_back(line);
	return lines;
}

} // namespace

extern "C" int bc_clang_eval_defs(const char *prologue, const char *preamble,
				  const char *const *names, size_t n, const char *const *records,
				  size_t nr_records, const char *const *args, size_t nr_args,
				  const char *resource_dir, bc_clang_typedefs_fn typedefs,
				  void *typedefs_ctx, struct bc_clang_defs *out)
{
	static const char path[] = "<bpftrace-definitions>.c";
	std::vector<std::string> lines = split_lines(preamble);
	std::vector<std::string> missing, asked;
	std::string btf_defs;
	std::vector<bc_clang_diag> errors;
	std::unique_ptr<TypeTable> table;
	bool oom = false;

	memset(out, 0, sizeof(*out));
	out->values = (long long *)calloc(n + 1, sizeof(*out->values));
	out->found = (unsigned char *)calloc(n + 1, 1);
	out->records = (long *)calloc(nr_records + 1, sizeof(*out->records));
	if (!out->values || !out->found || !out->records)
		return -ENOMEM;
	for (int attempt = 0; attempt < 32; attempt++) {
		/* bpftrace's order: its forced includes and the generated BTF
		 * header, then the script's definitions, which keep their lines */
		std::string src = prologue ? prologue : "";
		src += "\n" + btf_defs + "\n# 1 \"" + std::string(path) + "\"\n";
		for (auto &l : lines)
			src += l + "\n";
		for (size_t i = 0; i < n; i++)
			src += "static const long long __bc_v_" + std::to_string(i) + " = (" + names[i] + ");\n";

		std::vector<const char *> argv = { "clang" };
		for (size_t i = 0; i < nr_args; i++)
			argv.push_back(args[i]);
		std::string rd = std::string("-resource-dir=") + resource_dir;
		argv.push_back(rd.c_str());
		argv.push_back("-fsyntax-only");
		argv.push_back("-w");
		argv.push_back("-ferror-limit=0");
		argv.push_back(path);

		ParseDiags diags;
		diags.main_file = path;
		auto diag_opts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
		auto engine = clang::CompilerInstance::createDiagnostics(diag_opts.get(), &diags, false);
		clang::CreateInvocationOptions copts;
		copts.Diags = engine;
		copts.ProbePrecompiled = false;
		std::shared_ptr<clang::CompilerInvocation> inv = clang::createInvocation(argv, copts);
		if (!inv) {
			free_diags(diags.errors);
			out->error = strdup("clang refused the arguments");
			return out->error ? 0 : -ENOMEM;
		}
		inv->getPreprocessorOpts().addRemappedFile(
			path, llvm::MemoryBuffer::getMemBufferCopy(src, path).release());
		inv->getFrontendOpts().DisableFree = false;
		inv->getDiagnosticOpts().ShowCarets = false;
		clang::CompilerInstance ci;
		ci.setInvocation(inv);
		ci.createDiagnostics(&diags, false);
		EvalAction action;
		action.out = out;
		action.n = n;
		action.records = records;
		action.nr_records = nr_records;
		action.table = &table;
		table.reset();
		memset(out->found, 0, n);
		for (size_t i = 0; i < nr_records; i++)
			out->records[i] = -1;
		ci.ExecuteAction(action);
		oom |= diags.oom;
		/* a missing header is fatal: drop its #include and parse again */
		bool retry = false;
		for (auto &m : diags.missing)
			if (m.second >= 1 && m.second <= lines.size() &&
			    lines[m.second - 1].find("include") != std::string::npos) {
				lines[m.second - 1].clear();
				missing.push_back(m.first);
				retry = true;
			}
		/* unknown type names: the kernel BTF's typedefs, as bpftrace adds
		 * them, until no new name appears */
		std::vector<std::string> fresh;
		for (auto &u : diags.unknown_types)
			if (std::find(asked.begin(), asked.end(), u) == asked.end() &&
			    std::find(fresh.begin(), fresh.end(), u) == fresh.end())
				fresh.push_back(u);
		if (typedefs && !fresh.empty()) {
			asked.insert(asked.end(), fresh.begin(), fresh.end());
			std::vector<const char *> v;
			for (auto &a : asked)
				v.push_back(a.c_str());
			char *defs = typedefs(typedefs_ctx, v.data(), v.size());
			if (defs) {
				std::string nd(defs);
				free(defs);
				retry |= nd != btf_defs;
				btf_defs = nd;
			}
		}
		/* the probe lines below the definitions are ours, not bpftrace's */
		free_diags(errors);
		for (auto &e : diags.errors) {
			if (e.file && path == std::string(e.file) && e.line > lines.size()) {
				free(e.file);
				free(e.message);
				continue;
			}
			errors.push_back(e);
		}
		diags.errors.clear();
		if (!retry)
			break;
	}
	out->missing = (char **)calloc(missing.size() + 1, sizeof(*out->missing));
	out->errors = (bc_clang_diag *)calloc(errors.size() + 1, sizeof(*out->errors));
	if (!out->missing || !out->errors) {
		free_diags(errors);
		return -ENOMEM;
	}
	for (auto &e : errors)
		out->errors[out->nr_errors++] = e;
	errors.clear();
	for (auto &m : missing)
		if (!(out->missing[out->nr_missing++] = strdup(m.c_str())))
			return -ENOMEM;
	if (table) {
		oom |= table->oom;
		out->types = (bc_clang_type *)calloc(table->types.size() + 1, sizeof(*out->types));
		out->fields = (bc_clang_field *)calloc(table->fields.size() + 1, sizeof(*out->fields));
		if (!out->types || !out->fields)
			return -ENOMEM;
		for (auto &t : table->types)
			out->types[out->nr_types++] = t;
		for (auto &f : table->fields)
			out->fields[out->nr_fields++] = f;
	}
	return oom ? -ENOMEM : 0;
}
