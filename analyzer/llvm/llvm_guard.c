// SPDX-License-Identifier: Apache-2.0
/* LLVM's fatal errors turned into errors of one module (see llvm_guard.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "llvm_guard.h"

struct guard {
	sigjmp_buf env;
	char *msg;
	size_t size;
	struct guard *outer;
};

static _Thread_local struct guard *current;

static void copy_line(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!size)
		return;
	src = src ? src : "unknown LLVM error";
	n = strcspn(src, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void bc_llvm_fatal_handler(const char *reason)
{
	static const char head[] = "bpfcheck: LLVM fatal error: ";
	struct guard *g = current;

	if (g) {
		copy_line(g->msg, g->size, reason);
		current = g->outer;
		siglongjmp(g->env, 1);
	}
	/* Outside any guard: the process cannot go on, but it ends as a file
	 * that could not be processed does, not with an abort. */
	if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0 ||
	    (reason && write(STDERR_FILENO, reason, strlen(reason)) < 0) ||
	    write(STDERR_FILENO, "\n", 1) < 0)
		_exit(2);
	_exit(2);
}

int bc_llvm_guard(int (*fn)(void *arg), void *arg, char *msg, size_t size)
{
	struct guard g = { .msg = msg, .size = size, .outer = current };
	int ret;

	if (size)
		msg[0] = '\0';
	if (sigsetjmp(g.env, 0))
		return -ECANCELED;	/* the handler restored `current` */
	current = &g;
	ret = fn(arg);
	current = g.outer;
	return ret;
}
