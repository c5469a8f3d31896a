// SPDX-License-Identifier: Apache-2.0
/* LLVM's fatal errors turned into errors of one module (see llvm_guard.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "llvm_guard.h"

/* A fatal error abandons what LLVM allocated in the guarded step (the
 * frames it unwinds hold the only pointers), on purpose: LLVM's state after
 * a fatal error cannot be freed safely. In sanitizer builds that memory is
 * kept out of LeakSanitizer's report by not tracking the step's
 * allocations at all (per thread), and the module, context and target
 * machine made before the step and left behind are named to it
 * (bc_llvm_leak); everything else is checked as usual. */
#if defined(__SANITIZE_ADDRESS__)	/* gcc */
#define BC_LSAN 1
#elif defined(__has_feature)		/* clang */
#if __has_feature(address_sanitizer)
#define BC_LSAN 1
#endif
#endif
#ifdef BC_LSAN
#include <sanitizer/lsan_interface.h>
#define lsan_off()	__lsan_disable()
#define lsan_on()	__lsan_enable()
#define lsan_ignore(p)	__lsan_ignore_object(p)
#else
#define lsan_off()	((void)0)
#define lsan_on()	((void)0)
#define lsan_ignore(p)	((void)(p))
#endif

void bc_llvm_leak(const void *p)
{
	if (p)
		lsan_ignore(p);
}

struct guard {
	sigjmp_buf env;
	char *msg;
	size_t size;
	struct guard *outer;
};

static _Thread_local struct guard *current;

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The first line of SRC, without the node addresses SelectionDAG prints
 * ("Cannot select: 0x55d0...: ch = brind 0x55d0..., ..."), which differ
 * from run to run. */
static void copy_line(char *dst, size_t size, const char *src)
{
	size_t k = 0;

	if (!size)
		return;
	src = src ? src : "unknown LLVM error";
	while (*src && *src != '\n' && k + 1 < size) {
		if (src[0] == '0' && src[1] == 'x' && is_hex(src[2]) &&
		    (k == 0 || dst[k - 1] == ' ')) {
			const char *e = src + 2;

			while (is_hex(*e))
				e++;
			if (*e == ':' || *e == ',')
				e++;
			while (*e == ' ')
				e++;
			src = e;
			continue;
		}
		dst[k++] = *src++;
	}
	while (k && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
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
	if (sigsetjmp(g.env, 0)) {
		lsan_on();
		return -ECANCELED;	/* the handler restored `current` */
	}
	current = &g;
	lsan_off();
	ret = fn(arg);
	lsan_on();
	current = g.outer;
	return ret;
}
