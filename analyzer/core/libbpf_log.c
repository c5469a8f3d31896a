// SPDX-License-Identifier: Apache-2.0
/* libbpf's messages captured per thread (see libbpf_log.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "libbpf_log.h"

/* The capture of this thread, or NULL. */
static __thread struct bc_libbpf_log *cur_log;
static pthread_once_t hook_once = PTHREAD_ONCE_INIT;

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct bc_libbpf_log *l = cur_log;
	char *msg;
	size_t n;

	(void)level;
	if (!l || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	if (!strncmp(msg, "libbpf: ", 8))
		memmove(msg, msg + 8, strlen(msg + 8) + 1);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	if (n && !l->first)
		l->first = msg;	/* the first message says what went wrong */
	else
		free(msg);
	return 0;
}

static void install(void)
{
	libbpf_set_print(print_cb);
}

void bc_libbpf_log_begin(struct bc_libbpf_log *l)
{
	pthread_once(&hook_once, install);
	memset(l, 0, sizeof(*l));
	l->prev = cur_log;
	cur_log = l;
}

char *bc_libbpf_log_end(struct bc_libbpf_log *l)
{
	cur_log = l->prev;
	return l->first;
}
