// SPDX-License-Identifier: Apache-2.0
// clang's front end in process, behind the C API of clang_shim.h.
#include <mutex>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticLex.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
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

/* Headers an #include did not find (err_pp_file_not_found), with the line. */
class MissingHeaders : public clang::DiagnosticConsumer {
public:
	std::vector<std::pair<std::string, unsigned>> missing;

	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &info) override
	{
		clang::DiagnosticConsumer::HandleDiagnostic(level, info);
		if (info.getID() != clang::diag::err_pp_file_not_found || !info.getNumArgs())
			return;
		unsigned line = 0;
		if (info.hasSourceManager() && info.getLocation().isValid())
			line = info.getSourceManager().getPresumedLoc(info.getLocation()).getLine();
		std::string name = info.getArgKind(0) == clang::DiagnosticsEngine::ak_std_string ?
					   info.getArgStdStr(0) :
					   std::string(info.getArgCStr(0));
		missing.emplace_back(name, line);
	}
};

/* Evaluates the __bc_v_<i> variables as the parser sees them. */
class Evaluator : public clang::ASTConsumer {
public:
	struct bc_clang_ints *out;
	size_t n;

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
};

class EvalAction : public clang::ASTFrontendAction {
public:
	struct bc_clang_ints *out;
	size_t n;

	std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &,
							      llvm::StringRef) override
	{
		auto c = std::make_unique<Evaluator>();
		c->out = out;
		c->n = n;
		return c;
	}
};

} // namespace

extern "C" int bc_clang_eval_ints(const char *preamble, const char *const *names, size_t n,
				  const char *const *args, size_t nr_args, const char *resource_dir,
				  struct bc_clang_ints *out)
{
	static const char path[] = "<bpftrace-definitions>.c";
	std::vector<std::string> lines;
	std::vector<std::string> missing;

	memset(out, 0, sizeof(*out));
	out->values = (long long *)calloc(n + 1, sizeof(*out->values));
	out->found = (unsigned char *)calloc(n + 1, 1);
	if (!out->values || !out->found)
		return -ENOMEM;
	{
		std::string all(preamble), line;
		for (char ch : all) {
			if (ch == '\n') {
				lines.push_back(line);
				line.clear();
			} else {
				line += ch;
			}
		}
		lines.push_back(line);
	}
	for (int attempt = 0; attempt < 32; attempt++) {
		std::string src;
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

		MissingHeaders diags;
		auto diag_opts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
		auto engine = clang::CompilerInstance::createDiagnostics(diag_opts.get(), &diags, false);
		clang::CreateInvocationOptions copts;
		copts.Diags = engine;
		copts.ProbePrecompiled = false;
		std::shared_ptr<clang::CompilerInvocation> inv = clang::createInvocation(argv, copts);
		if (!inv) {
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
		memset(out->found, 0, n);
		ci.ExecuteAction(action);
		/* a missing header is fatal: drop its #include and parse again */
		bool retry = false;
		for (auto &m : diags.missing)
			if (m.second >= 1 && m.second <= lines.size() &&
			    lines[m.second - 1].find("include") != std::string::npos) {
				lines[m.second - 1].clear();
				missing.push_back(m.first);
				retry = true;
			}
		if (!retry)
			break;
	}
	out->missing = (char **)calloc(missing.size() + 1, sizeof(*out->missing));
	if (!out->missing)
		return -ENOMEM;
	for (auto &m : missing)
		if (!(out->missing[out->nr_missing++] = strdup(m.c_str())))
			return -ENOMEM;
	return 0;
}
