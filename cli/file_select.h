/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which files a directory walk checks (docs/configuration.md, "Directory
 * walks"): not those an exclude or extend-exclude glob names, not those
 * git ignores, and not those that turn out not to be BPF inputs (a host
 * `.o` beside the scripts): those are counted as skipped. A path named on
 * the command line is always checked, strictly. And per-file-ignores: the
 * rules a glob turns off for the files it matches, named or walked.
 */
#ifndef BC_CLI_FILE_SELECT_H
#define BC_CLI_FILE_SELECT_H

#include <stdbool.h>
#include <stddef.h>

struct bc_analysis;
struct bc_options;
struct bc_unit;

/* Does an exclude or extend-exclude glob of O match the walked entry PATH
 * (named NAME, REL below the walk's root)? */
bool bc_walk_excluded(const struct bc_options *o, const char *path, const char *rel,
		      const char *name);
/* Sets IGNORED[i] for each of PATHS that git ignores (.gitignore files,
 * .git/info/exclude, core.excludesFile), as `git check-ignore --no-index`
 * says (tracked files too, as ruff does); none
 * outside a repository or without git. 0 or -ENOMEM. */
int bc_walk_gitignored(char *const *paths, size_t n, bool *ignored);
/* Is U, loaded during a walk, a BPF input (a script, LLVM IR, a BPF ELF
 * object) rather than something to skip? */
bool bc_walk_is_bpf_input(const struct bc_unit *u);
/* Whether a per-file-ignores entry of O matches PATH: then the rules it
 * names are disabled in A. */
bool bc_per_file_ignores_apply(const struct bc_options *o, const char *path,
			       struct bc_analysis *a);

#endif
