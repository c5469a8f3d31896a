/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The language server (`bpfcheck server`, docs/editors.md): LSP over a pair
 * of file descriptors. Documents are analysed by the driver on one thread
 * of their own, never on the thread that reads the protocol; a newer edit
 * of a document cancels the analysis of its older text.
 *
 * The server knows nothing of the command line or of .bpfcheckrc: its host
 * (cli/cmd_server.c) says which analysis a document gets.
 */
#ifndef BC_SERVER_LSP_H
#define BC_SERVER_LSP_H

#include <jansson.h>
#include <stdbool.h>

struct bc_analysis;

struct bc_lsp_host {
	/*
	 * The analysis for the document at PATH: its configuration with
	 * SETTINGS over it (the client's "bpfcheck" settings, .bpfcheckrc keys
	 * to values; NULL: none). *A stays valid until free_analysis. On an
	 * error returns a negative errno and *WHY (heap) says what is wrong.
	 * Called on the analysis thread only, one call at a time.
	 */
	int (*analysis_for)(void *ctx, const char *path, const json_t *settings,
			    struct bc_analysis **a, char **why);
	void (*free_analysis)(void *ctx, struct bc_analysis *a);
	void *ctx;
};

struct bc_lsp_server;

/* A server writing to OUT_FD. Without ANALYZE, documents are kept but
 * never analysed (the protocol alone, for fuzzing). 0 or -errno. */
int bc_lsp_server_new(const struct bc_lsp_host *host, int out_fd, bool analyze,
		      struct bc_lsp_server **out);
/* Handles one message (a JSON object; not consumed). */
void bc_lsp_handle(struct bc_lsp_server *s, const json_t *msg);
/* Answers bytes that were not a message (rpc.h) with an error response. */
void bc_lsp_bad_message(struct bc_lsp_server *s, int code, const char *why);
/* Has the client sent `exit`? *CODE: 0 after `shutdown`, else 1. */
bool bc_lsp_exited(const struct bc_lsp_server *s, int *code);
/* Stops the analysis thread and frees everything. */
void bc_lsp_server_free(struct bc_lsp_server *s);

/* Serves IN_FD/OUT_FD until `exit` or the end of the input; the exit
 * code: 0 after shutdown and exit, 1 otherwise (as the protocol says). */
int bc_lsp_serve(const struct bc_lsp_host *host, int in_fd, int out_fd);

#endif
