// SPDX-License-Identifier: Apache-2.0
/* What a directory walk checks, and per-file ignores (file_select.h). */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file_select.h"
#include "options.h"
#include "../analyzer/core/analysis.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/object/object.h"
#include "../rules/registry.h"

extern char **environ;

/* GLOB against a name, a path below the root, or the path as given. */
static bool glob_hits(const char *glob, const char *path, const char *rel, const char *name)
{
	return !fnmatch(glob, name, 0) || (rel && !fnmatch(glob, rel, 0)) ||
	       !fnmatch(glob, path, 0);
}

bool bc_walk_excluded(const struct bc_options *o, const char *path, const char *rel,
		      const char *name)
{
	for (size_t i = 0; i < o->nr_exclude; i++)
		if (glob_hits(o->exclude[i], path, rel, name))
			return true;
	for (size_t i = 0; i < o->nr_extend_exclude; i++)
		if (glob_hits(o->extend_exclude[i], path, rel, name))
			return true;
	return false;
}

/* Runs `git check-ignore --stdin -z` with IN as its input; its output in
 * *OUT (heap, *LEN bytes). -1 when git could not run or answer. */
static int check_ignore(int in, char **out, size_t *len)
{
	char *argv[] = { "git", "check-ignore", "--no-index", "--stdin", "-z", NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, ret = -1;
	FILE *m;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	m = open_memstream(out, len);
	if (m) {
		char buf[4096];
		ssize_t r;

		while ((r = read(pipefd[0], buf, sizeof(buf))) > 0)
			fwrite(buf, 1, r, m);
		fclose(m);
	}
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1))
		ret = 0;	/* 0: some are ignored, 1: none is */
	if (ret || !m) {
		free(m ? *out : NULL);
		*out = NULL;
		return -1;
	}
	return 0;
}

int bc_walk_gitignored(char *const *paths, size_t n, bool *ignored)
{
	char **abs = calloc(n + 1, sizeof(*abs));
	char *out = NULL;
	size_t len = 0;
	int fd, ret = 0;

	if (!abs)
		return -ENOMEM;
	fd = memfd_create("bpfcheck-walk", MFD_CLOEXEC);
	for (size_t i = 0; i < n && fd >= 0; i++) {
		abs[i] = realpath(paths[i], NULL);	/* git answers for any cwd */
		if (abs[i] && write(fd, abs[i], strlen(abs[i]) + 1) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && !check_ignore(fd, &out, &len)) {
		for (size_t off = 0; off < len; off += strlen(out + off) + 1)
			for (size_t i = 0; i < n; i++)
				if (abs[i] && !strcmp(abs[i], out + off))
					ignored[i] = true;
	}
	if (fd >= 0)
		close(fd);
	free(out);
	for (size_t i = 0; i < n; i++)
		free(abs[i]);
	free(abs);
	return ret;
}

bool bc_walk_is_bpf_input(const struct bc_unit *u)
{
	if (u->kind == BC_KIND_UNKNOWN)
		return false;	/* empty, or binary data of no kind bpfcheck reads */
	if (u->kind == BC_KIND_OBJECT)
		return bc_object_is_bpf_elf(u->data, u->size);
	return true;
}

bool bc_per_file_ignores_apply(const struct bc_options *o, const char *path,
			       struct bc_analysis *a)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *rel = !strncmp(path, "./", 2) ? path + 2 : path;
	bool hit = false;

	for (size_t i = 0; i < o->nr_per_file_ignores; i++) {
		const char *entry = o->per_file_ignores[i], *colon = strrchr(entry, ':');
		char *glob = strndup(entry, colon - entry), *rules, *save = NULL, *tok;

		if (!glob)
			continue;
		if (!glob_hits(glob, path, rel, name)) {
			free(glob);
			continue;
		}
		free(glob);
		rules = strdup(colon + 1);
		for (tok = rules ? strtok_r(rules, ",", &save) : NULL; tok;
		     tok = strtok_r(NULL, ",", &save)) {
			char *end = tok + strlen(tok);

			while (*tok == ' ')
				tok++;
			while (end > tok && end[-1] == ' ')
				*--end = 0;
			for (size_t r = 0; bc_rules[r]; r++)
				if (bc_rule_matches(bc_rules[r], tok)) {
					a->rules[bc_rules[r]->id].disabled = true;
					hit = true;
				}
		}
		free(rules);
	}
	return hit;
}
