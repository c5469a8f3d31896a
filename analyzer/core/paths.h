/* SPDX-License-Identifier: Apache-2.0 */
/* Paths as users see them: relative to the working directory when under it. */
#ifndef BC_PATHS_H
#define BC_PATHS_H

/* PATH relative to directory CWD when it lies under it, without leading
 * "./" (a pointer into PATH); other paths unchanged. */
const char *bc_path_relative(const char *path, const char *cwd);
/* A heap copy of PATH for display: made relative to the current working
 * directory when it lies under it (debug info records absolute paths,
 * which differ between checkouts). NULL on ENOMEM. */
char *bc_path_display(const char *path);

#endif
