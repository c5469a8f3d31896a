/* SPDX-License-Identifier: Apache-2.0 */
/* The language server's state, shared by its files. Internal to server/. */
#ifndef BC_SERVER_LSP_IMPL_H
#define BC_SERVER_LSP_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "lsp.h"
#include "position.h"
#include "rpc.h"
#include "../analyzer/core/unit.h"

/* An open document: the client's text, and what the last analysis of it found. */
struct lsp_doc {
	char *uri;
	char *path;		/* the file the URI names (config lookup, messages) */
	char *text;
	size_t size;
	json_int_t version;	/* the client's */
	uint64_t gen;		/* bumped by every change (server-wide counter) */
	/* the last finished analysis, of the text at generation unit_gen */
	struct bc_unit *unit;	/* NULL: none yet, or the configuration failed */
	uint64_t unit_gen;
	uint32_t unit_bpftrace;	/* the bpftrace version it was checked against */
	int unit_limit;		/* and the stack limit */
	bool analysed;		/* unit_gen is the last generation analysed */
};

struct bc_lsp_server {
	struct bc_lsp_host host;
	struct bc_rpc_writer out;
	bool analyze;
	enum bc_lsp_encoding enc;
	bool initialized, shutdown, exited;
	/* the rest is shared with the analysis thread, under LOCK */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	json_t *settings;	/* the client's "bpfcheck" settings; NULL: none */
	struct lsp_doc **docs;
	size_t nr_docs, cap_docs;
	uint64_t next_gen;
	bool quit;
	pthread_t worker;
	bool worker_started;
	char *running_uri;	/* the document being analysed; NULL: none */
	atomic_bool cancel;	/* the running analysis is no longer wanted */
};

/* Under LOCK. */
struct lsp_doc *lsp_doc_find(struct bc_lsp_server *s, const char *uri);
/* Under LOCK: the document URI when its last analysis is of its current
 * text, with T set to that text; NULL when nothing is analysed for it yet. */
struct lsp_doc *lsp_doc_analysed(struct bc_lsp_server *s, const char *uri,
				 struct bc_lsp_text *t);
/* params.textDocument.uri of a request or notification, or NULL. */
const char *lsp_doc_uri(const json_t *params);
/* The text of the document's last analysis, for positions. */
void lsp_unit_text(const struct bc_lsp_server *s, const struct bc_unit *u,
		   struct bc_lsp_text *t);

/* Messages out. */
void lsp_send(struct bc_lsp_server *s, json_t *msg);	/* takes MSG */
void lsp_reply(struct bc_lsp_server *s, const json_t *id, json_t *result);
void lsp_error(struct bc_lsp_server *s, const json_t *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Documents and the analysis thread (lsp_docs.c). */
int lsp_worker_start(struct bc_lsp_server *s);
void lsp_worker_stop(struct bc_lsp_server *s);
void lsp_did_open(struct bc_lsp_server *s, const json_t *params);
void lsp_did_change(struct bc_lsp_server *s, const json_t *params);
void lsp_did_save(struct bc_lsp_server *s, const json_t *params);
void lsp_did_close(struct bc_lsp_server *s, const json_t *params);
void lsp_did_change_configuration(struct bc_lsp_server *s, const json_t *params);
void lsp_docs_free(struct bc_lsp_server *s);

/* A unit's reported diagnostics as an LSP publishDiagnostics (lsp_diag.c). */
json_t *lsp_diagnostics(const struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
			const char *config_error);
/* One diagnostic as LSP shows it. */
json_t *lsp_diagnostic(const struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
		       const struct bc_diag *d);
/* Is D about U's own text (not a file its debug info names)? */
bool lsp_diag_in_unit(const struct bc_unit *u, const struct bc_diag *d);

/* textDocument/codeAction and textDocument/hover (lsp_actions.c, lsp_hover.c). */
json_t *lsp_code_actions(struct bc_lsp_server *s, const json_t *params, int *err);
json_t *lsp_hover(struct bc_lsp_server *s, const json_t *params, int *err);

/* "file:///a%20b.bt" -> "/a b.bt" (heap); other URIs: NULL. */
char *lsp_uri_path(const char *uri);

#endif
