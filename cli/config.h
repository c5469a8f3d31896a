/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .bpfcheckrc: finding it and reading it (docs/configuration.md).
 *
 * Format: one `key = value` per line; blank lines and lines starting with
 * `#` are ignored, and ` #` after a value starts a comment. Keys are the
 * settings of cli/settings.def, named as their long options (format, select,
 * ...), a per-rule list as NAME.RULE (`severity.RULE = error|warning|note`).
 * A list key given twice adds to the list; any other key given twice keeps
 * the last value.
 *
 * Discovery: the search starts in the deepest directory that contains every
 * input given (a file's directory, a directory itself, the current directory
 * for '-' or when there are no inputs) and goes up through the parents; the
 * first .bpfcheckrc found is used. It stops after the first directory
 * holding .git (the repository root) or at /. The run's own file is found
 * for all inputs; each input's analysis uses the one found for it alone
 * (cli/file_config.h).
 */
#ifndef BC_CONFIG_H
#define BC_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct bc_options;

#define BC_CONFIG_NAME ".bpfcheckrc"

/* *FOUND: the file for these inputs (heap string), or NULL. 0 or -ENOMEM. */
int bc_config_find(char *const *paths, size_t nr_paths, char **found);

/*
 * Reads FILE into O, each value recorded as coming from FILE:LINE. On a bad
 * line prints "FILE:LINE: error: ..." to ERRS and returns -EINVAL; an
 * unreadable file gives "FILE: error: ..." and a negative errno.
 */
int bc_config_load(struct bc_options *o, const char *file, FILE *errs);

#endif
