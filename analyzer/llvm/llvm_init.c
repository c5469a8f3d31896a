// SPDX-License-Identifier: Apache-2.0
/* Process-wide LLVM set-up: the BPF target and the backend options. */
#include <errno.h>
#include <pthread.h>

#include <llvm-c/Core.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "llvm_guard.h"
#include "llvm_init.h"

#define STR2(x) #x
#define STR(x) STR2(x)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;

static void init_llvm(void)
{
	static const char *const argv[] = {
		"bpfcheck",
		("-bpf-stack-size=" STR(BC_BACKEND_STACK_CEILING)),
		"-pass-remarks-analysis=prologepilog",
		"-disable-auto-upgrade-debug-info",
	};
	LLVMTargetRef target;
	char *msg = NULL;

	LLVMInstallFatalErrorHandler(bc_llvm_fatal_handler);
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	/* inline asm in BPF C (asm volatile("r0 = 1")) is parsed by it */
	LLVMInitializeBPFAsmParser();
	/* Options LLVM does not know are ignored (errors go to a null stream);
	 * the backend tests check that the stack ceiling took effect. */
	LLVMParseCommandLineOptions((int)(sizeof(argv) / sizeof(argv[0])), argv,
				    "bpfcheck");
	if (LLVMGetTargetFromTriple("bpfel", &target, &msg)) {
		LLVMDisposeMessage(msg);
		init_status = -ENOENT;
	}
}

int bc_llvm_init(void)
{
	int err = pthread_once(&init_once, init_llvm);

	return err ? -err : init_status;
}
