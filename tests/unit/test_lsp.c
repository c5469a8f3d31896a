// SPDX-License-Identifier: Apache-2.0
/*
 * The language server end to end: `bpfcheck server` spawned over pipes.
 *
 * - the recorded exchanges of tests/lsp/NAME.lsp (tests/lsp/README.md says
 *   how they are written), malformed input included;
 * - Neovim's built-in LSP client driven headless (tests/editors/nvim.lua):
 *   it opens a script, waits for bpfcheck's diagnostics, applies a fix
 *   through a code action, and the buffer is checked. Skipped when nvim is
 *   not installed (tests/install-deps.sh installs it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "support/shell.h"

#define LSP_DIR "tests/lsp"
#define WAIT_MS 20000

static const char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return b && *b ? b : "build";
}

static char *bin_path(void)
{
	static char p[2 * PATH_MAX + 16];
	char cwd[PATH_MAX];
	const char *b = build_dir();

	if (b[0] == '/')
		snprintf(p, sizeof(p), "%s/bpfcheck", b);
	else
		snprintf(p, sizeof(p), "%s/%s/bpfcheck", getcwd(cwd, sizeof(cwd)) ? cwd : ".", b);
	return p;
}

struct server {
	pid_t pid;
	int in, out;		/* we write to in, read from out */
	char *buf;
	size_t len, cap;
	json_t *seen;		/* every message read */
};

/* ARGS: the server's options (NULL: --no-config and the default target). */
static void spawn(struct server *s, char *args)
{
	char *argv[32] = { "bpfcheck", "server" }, *save = NULL, *t;
	int to[2], from[2], n = 2;

	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (!s->pid) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		setenv("BPFCHECK_BPFTRACE", "0.17", 1);
		if (!args)
			args = strdup("--no-config --bpftrace 0.17 --kernel 6.18");
		for (t = strtok_r(args, " ", &save); t && n < 31; t = strtok_r(NULL, " ", &save))
			argv[n++] = t;
		execv(bin_path(), argv);
		_exit(127);
	}
	free(args);	/* the child has its copy */
	close(to[0]);
	close(from[1]);
	s->in = to[1];
	s->out = from[0];
	s->seen = json_array();
	s->buf = NULL;
	s->len = s->cap = 0;
}

static void send_raw(struct server *s, const char *data, size_t n)
{
	while (n) {
		ssize_t k = write(s->in, data, n);

		assert_true(k > 0);
		data += k;
		n -= (size_t)k;
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next message from the server; NULL on timeout or end of output. */
static json_t *next_message(struct server *s, long deadline)
{
	for (;;) {
		char *h = s->len ? memmem(s->buf, s->len, "\r\n\r\n", 4) : NULL;
		struct pollfd p = { s->out, POLLIN, 0 };
		char chunk[65536];
		ssize_t k;
		int left;

		if (h) {
			size_t hl = (size_t)(h - s->buf) + 4, bl;

			assert_true(sscanf(s->buf, "Content-Length: %zu", &bl) == 1);
			if (s->len >= hl + bl) {
				json_error_t e;
				json_t *m = json_loadb(s->buf + hl, bl, 0, &e);

				assert_non_null(m);
				memmove(s->buf, s->buf + hl + bl, s->len - hl - bl);
				s->len -= hl + bl;
				json_array_append(s->seen, m);
				return m;
			}
		}
		left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return NULL;
		k = read(s->out, chunk, sizeof(chunk));
		if (k <= 0)
			return NULL;
		if (s->len + (size_t)k + 1 > s->cap) {
			s->cap = (s->len + (size_t)k + 1) * 2;
			s->buf = realloc(s->buf, s->cap);
			assert_non_null(s->buf);
		}
		memcpy(s->buf + s->len, chunk, (size_t)k);
		s->len += (size_t)k;
	}
}

static int finish(struct server *s)
{
	long deadline = now_ms() + WAIT_MS;
	int st = 0;

	close(s->in);
	while (waitpid(s->pid, &st, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	close(s->out);
	free(s->buf);
	json_decref(s->seen);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the .lsp files ---- */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *t = NULL;
	size_t n = 0;
	long len;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		t = malloc((size_t)len + 1);
		if (t)
			n = fread(t, 1, (size_t)len, f);
		if (t)
			t[n] = 0;
	}
	fclose(f);
	return t;
}

/* "@text:PATH" and "@uri:PATH" in the strings of V (see tests/lsp/README.md). */
static json_t *substitute(json_t *v)
{
	const char *key;
	json_t *x, *out;
	size_t i;

	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach(v, key, x) {
			json_t *k = json_string(key), *nk = substitute(k);

			json_object_set_new(out, json_string_value(nk), substitute(x));
			json_decref(k);
			json_decref(nk);
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, x)
			json_array_append_new(out, substitute(x));
		return out;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v), *u;

		if (!strncmp(s, "@text:", 6)) {
			char *t = read_text(s + 6);

			assert_non_null(t);
			out = json_string(t);
			free(t);
			return out;
		}
		u = strstr(s, "@uri:");
		if (u) {
			char cwd[PATH_MAX], *r;

			assert_non_null(getcwd(cwd, sizeof(cwd)));
			assert_true(asprintf(&r, "%.*sfile://%s/%s", (int)(u - s), s, cwd, u + 5) > 0);
			out = json_string(r);
			free(r);
			return out;
		}
	}
	return json_incref(v);
}

/* Does M have everything pattern P has? */
static bool matches(const json_t *p, const json_t *m)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_string(p) && !strcmp(json_string_value(p), "*"))
		return m != NULL;
	if (!m)
		return false;
	if (json_is_object(p)) {
		if (!json_is_object(m))
			return false;
		json_object_foreach((json_t *)p, key, x)
			if (!matches(x, json_object_get(m, key)))
				return false;
		return true;
	}
	if (json_is_array(p)) {
		if (!json_is_array(m) || json_array_size(p) != json_array_size(m))
			return false;
		json_array_foreach((json_t *)p, i, x)
			if (!matches(x, json_array_get(m, i)))
				return false;
		return true;
	}
	return json_equal((json_t *)p, (json_t *)m);
}

static json_t *parse_line(const char *file, int lineno, const char *text)
{
	json_error_t e;
	json_t *raw = json_loads(text, 0, &e), *v;

	if (!raw)
		fail_msg("%s:%d: not JSON: %s", file, lineno, e.text);
	v = substitute(raw);
	json_decref(raw);
	return v;
}

/* ">raw" escapes: \r \n \\. */
static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	for (; *in && *in != '\n'; in++) {
		if (*in == '\\' && in[1]) {
			in++;
			out[n++] = *in == 'r' ? '\r' : *in == 'n' ? '\n' : *in;
		} else {
			out[n++] = *in;
		}
	}
	return n;
}

static void flush(struct server *s, char **pending, size_t *np)
{
	if (*np)
		send_raw(s, *pending, *np);
	*np = 0;
}

static void run_case(void **state)
{
	const char *name = *state;
	char path[PATH_MAX], *text, *line, *save = NULL, *pending = NULL;
	size_t np = 0, cap = 0;
	struct server s;
	int lineno = 0;

	snprintf(path, sizeof(path), LSP_DIR "/%s", name);
	text = read_text(path);
	assert_non_null(text);
	spawn(&s, !strncmp(text, "$ ", 2) ? strndup(text + 2, strcspn(text + 2, "\n")) : NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;	/* counts non-empty lines: messages name them by content too */
		if (!*line || *line == '#' || *line == '$')
			continue;
		if (!strncmp(line, ">raw ", 5) || !strncmp(line, "> ", 2)) {
			char *add;
			size_t n;

			if (line[1] == 'r') {
				add = malloc(strlen(line));
				n = unescape(line + 5, add);
			} else {
				json_t *m = parse_line(path, lineno, line + 2);
				char *body = json_dumps(m, JSON_COMPACT);

				assert_true(asprintf(&add, "Content-Length: %zu\r\n\r\n%s", strlen(body),
						     body) > 0);
				n = strlen(add);
				free(body);
				json_decref(m);
			}
			/* consecutive messages go out in one write (a burst of edits) */
			if (np + n > cap) {
				cap = (np + n) * 2;
				pending = realloc(pending, cap);
			}
			memcpy(pending + np, add, n);
			np += n;
			free(add);
		} else if (!strncmp(line, "< ", 2)) {
			json_t *p = parse_line(path, lineno, line + 2), *m;
			long deadline = now_ms() + WAIT_MS;

			flush(&s, &pending, &np);
			while ((m = next_message(&s, deadline)) && !matches(p, m))
				json_decref(m);
			if (!m) {
				char *want = json_dumps(p, JSON_COMPACT), *got = json_dumps(s.seen, 0);

				fail_msg("%s: expected %s; the server sent: %s", path, want, got);
			}
			json_decref(m);
			json_decref(p);
		} else if (!strncmp(line, "<! ", 3)) {
			json_t *p = parse_line(path, lineno, line + 3), *x;
			size_t i;

			json_array_foreach(s.seen, i, x)
				if (matches(p, x))
					fail_msg("%s: unexpected %s", path, json_dumps(x, JSON_COMPACT));
			json_decref(p);
		} else if (line[0] == '=') {
			flush(&s, &pending, &np);
			assert_int_equal(finish(&s), atoi(line + 1));
			s.pid = 0;
		} else {
			fail_msg("%s: cannot read '%s'", path, line);
		}
	}
	if (s.pid)
		finish(&s);
	free(pending);
	free(text);
}

/* ---- Neovim ---- */

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void test_neovim(void **state)
{
	char dir[] = "/tmp/bpfcheck-nvim-XXXXXX", cmd[4 * PATH_MAX], file[PATH_MAX + 32];
	char cwd[PATH_MAX], *text, *out, *ms;
	int rc;

	(void)state;
	if (!have("nvim")) {
		fprintf(stderr, "nvim not installed (tests/install-deps.sh): skipped\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(cmd, sizeof(cmd), "cp examples/clear-count.bt %s/ && cd %s && "
		 "BPFCHECK=%s BPFCHECK_BPFTRACE=0.17 timeout 60 nvim --headless --clean "
		 "-c 'luafile %s/tests/editors/nvim.lua' clear-count.bt 2>&1",
		 dir, dir, bin_path(), cwd);
	rc = bc_test_shell(cmd, &out);
	fprintf(stderr, "%s", out);
	assert_non_null(strstr(out, "diagnostics: BC302"));
	/* shown within a second of starting the server on the file */
	ms = strstr(out, " ms after start");
	assert_non_null(ms);
	while (ms > out && ms[-1] >= '0' && ms[-1] <= '9')
		ms--;
	assert_true(atoi(ms) < 1000);
	assert_non_null(strstr(out, "applied: replace count() with sum(1)"));
	assert_int_equal(rc, 0);
	snprintf(file, sizeof(file), "%s/clear-count.bt", dir);
	text = read_text(file);
	assert_non_null(text);
	/* the fix, written by the editor */
	assert_non_null(strstr(text, "@opens = sum(1);"));
	assert_null(strstr(text, "= count()"));
	free(text);
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const char *src = getenv("BC_SRCDIR");
	const char *cases[] = { "lifecycle.lsp", "malformed.lsp", "diagnostics.lsp", "stack.lsp",
				"config.lsp" };
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t n = sizeof(cases) / sizeof(cases[0]);

	signal(SIGPIPE, SIG_IGN);
	if (src && chdir(src)) {
		fprintf(stderr, "cannot enter %s: %s\n", src, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ cases[i], run_case, NULL, NULL, (void *)cases[i] };
	tests[n] = (struct CMUnitTest){ "neovim", test_neovim, NULL, NULL, NULL };
	return _cmocka_run_group_tests("lsp", tests, n + 1, NULL, NULL);
}
