// SPDX-License-Identifier: Apache-2.0
// clang's front end in process, behind the C API of clang_shim.h.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
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
	memset(out, 0, sizeof(*out));
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();

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
