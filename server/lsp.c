// SPDX-License-Identifier: Apache-2.0
/*
 * The language server's protocol thread: lifecycle (initialize, shutdown,
 * exit), dispatch of requests and notifications, and the read loop.
 * Documents and their analyses: lsp_docs.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_impl.h"
#include "../analyzer/base/str.h"

void lsp_send(struct bc_lsp_server *s, json_t *msg)
{
	if (!msg)
		return;
	bc_rpc_write(&s->out, msg);
	json_decref(msg);
}

void lsp_reply(struct bc_lsp_server *s, const json_t *id, json_t *result)
{
	lsp_send(s, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(),
			      "result", result ? result : json_null()));
}

void lsp_error(struct bc_lsp_server *s, const json_t *id, int code, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	lsp_send(s, json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
			      id ? id : json_null(), "error", "code", code, "message",
			      m ? m : "out of memory"));
	free(m);
}

void bc_lsp_bad_message(struct bc_lsp_server *s, int code, const char *why)
{
	lsp_error(s, NULL, code, "%s", why);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *lsp_uri_path(const char *uri)
{
	const char *p;
	char *out, *o;

	if (strncmp(uri, "file://", 7))
		return NULL;
	p = uri + 7;
	if (*p != '/')
		return NULL;	/* file://host/...: not a local file */
	out = o = malloc(strlen(p) + 1);
	if (!out)
		return NULL;
	for (; *p; p++) {
		int hi, lo;

		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
	if (strlen(out) != (size_t)(o - out)) {
		free(out);	/* %00 */
		return NULL;
	}
	return out;
}

/* The client's position encodings: UTF-8 when it offers it. */
static void pick_encoding(struct bc_lsp_server *s, const json_t *params)
{
	json_t *encs = json_object_get(json_object_get(json_object_get(params, "capabilities"),
						       "general"), "positionEncodings");
	size_t i;
	json_t *e;

	s->enc = BC_LSP_UTF16;
	json_array_foreach(encs, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), "utf-8"))
			s->enc = BC_LSP_UTF8;
}

static json_t *initialize(struct bc_lsp_server *s, const json_t *params)
{
	json_t *opts = json_object_get(params, "initializationOptions");

	pick_encoding(s, params);
	if (json_is_object(opts)) {
		json_t *b = json_object_get(opts, "bpfcheck");

		pthread_mutex_lock(&s->lock);
		json_decref(s->settings);
		s->settings = json_deep_copy(json_is_object(b) ? b : opts);
		pthread_mutex_unlock(&s->lock);
	}
	s->initialized = true;
	return json_pack("{s:{s:s, s:{s:b, s:i, s:{s:b}}, s:{s:[s]}, s:b}, s:{s:s, s:s}}",
			 "capabilities",
			 "positionEncoding", s->enc == BC_LSP_UTF8 ? "utf-8" : "utf-16",
			 "textDocumentSync", "openClose", 1, "change", 1 /* full text */,
			 "save", "includeText", 0,
			 "codeActionProvider", "codeActionKinds", "quickfix",
			 "hoverProvider", 1,
			 "serverInfo", "name", "bpfcheck", "version", BC_VERSION);
}

typedef void (*notify_fn)(struct bc_lsp_server *s, const json_t *params);
typedef json_t *(*request_fn)(struct bc_lsp_server *s, const json_t *params, int *err);

static const struct {
	const char *method;
	notify_fn fn;
} notifications[] = {
	{ "textDocument/didOpen", lsp_did_open },
	{ "textDocument/didChange", lsp_did_change },
	{ "textDocument/didSave", lsp_did_save },
	{ "textDocument/didClose", lsp_did_close },
	{ "workspace/didChangeConfiguration", lsp_did_change_configuration },
};

static const struct {
	const char *method;
	request_fn fn;
} requests[] = {
	{ "textDocument/codeAction", lsp_code_actions },
	{ "textDocument/hover", lsp_hover },
};

static void request(struct bc_lsp_server *s, const char *method, const json_t *id,
		    const json_t *params)
{
	int err = 0;
	json_t *r;

	if (!strcmp(method, "initialize")) {
		if (s->initialized)
			lsp_error(s, id, BC_RPC_INVALID_REQUEST, "initialize was already received");
		else if (params && !json_is_object(params))
			lsp_error(s, id, BC_RPC_INVALID_PARAMS, "initialize: params must be an object");
		else
			lsp_reply(s, id, initialize(s, params));
		return;
	}
	if (!s->initialized) {
		lsp_error(s, id, BC_RPC_SERVER_NOT_INITIALIZED, "%s before initialize", method);
		return;
	}
	if (!strcmp(method, "shutdown")) {
		s->shutdown = true;
		lsp_worker_stop(s);
		lsp_reply(s, id, json_null());
		return;
	}
	if (s->shutdown) {
		lsp_error(s, id, BC_RPC_INVALID_REQUEST, "%s after shutdown", method);
		return;
	}
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		if (strcmp(method, requests[i].method))
			continue;
		r = requests[i].fn(s, params, &err);
		if (err == -EINVAL)
			lsp_error(s, id, BC_RPC_INVALID_PARAMS, "%s: invalid params", method);
		else if (err)
			lsp_error(s, id, BC_RPC_INTERNAL_ERROR, "%s: %s", method, strerror(-err));
		else
			lsp_reply(s, id, r);
		return;
	}
	lsp_error(s, id, BC_RPC_METHOD_NOT_FOUND, "unknown method '%s'", method);
}

static void notification(struct bc_lsp_server *s, const char *method, const json_t *params)
{
	if (!strcmp(method, "exit")) {
		s->exited = true;
		return;
	}
	/* before initialize and after shutdown, notifications are dropped */
	if (!s->initialized || s->shutdown)
		return;
	for (size_t i = 0; i < sizeof(notifications) / sizeof(notifications[0]); i++)
		if (!strcmp(method, notifications[i].method)) {
			if (json_is_object(params))
				notifications[i].fn(s, params);
			return;
		}
	/* unknown notifications ($/cancelRequest, $/setTrace, ...) are ignored */
}

void bc_lsp_handle(struct bc_lsp_server *s, const json_t *msg)
{
	json_t *id = json_object_get(msg, "id"), *jm = json_object_get(msg, "method");
	json_t *params = json_object_get(msg, "params");
	const char *method = json_string_value(jm);

	if (s->exited)
		return;
	if (id && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id)) {
		lsp_error(s, NULL, BC_RPC_INVALID_REQUEST, "id must be a number or a string");
		return;
	}
	if (!method) {
		/* a response to a request of ours (we send none) or garbage */
		if (!json_object_get(msg, "result") && !json_object_get(msg, "error"))
			lsp_error(s, id, BC_RPC_INVALID_REQUEST, "a message needs a method");
		return;
	}
	if (params && !json_is_object(params) && !json_is_array(params)) {
		if (id)
			lsp_error(s, id, BC_RPC_INVALID_PARAMS, "params must be an object or an array");
		return;
	}
	if (id)
		request(s, method, id, params);
	else
		notification(s, method, params);
}

int bc_lsp_server_new(const struct bc_lsp_host *host, int out_fd, bool analyze,
		      struct bc_lsp_server **out)
{
	struct bc_lsp_server *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->host = *host;
	s->analyze = analyze;
	bc_rpc_writer_init(&s->out, out_fd);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	atomic_init(&s->cancel, false);
	if (analyze && (err = lsp_worker_start(s))) {
		bc_lsp_server_free(s);
		return err;
	}
	*out = s;
	return 0;
}

bool bc_lsp_exited(const struct bc_lsp_server *s, int *code)
{
	*code = s->shutdown ? 0 : 1;
	return s->exited;
}

void bc_lsp_server_free(struct bc_lsp_server *s)
{
	if (!s)
		return;
	lsp_worker_stop(s);
	lsp_docs_free(s);
	json_decref(s->settings);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	bc_rpc_writer_destroy(&s->out);
	free(s);
}

int bc_lsp_serve(const struct bc_lsp_host *host, int in_fd, int out_fd)
{
	struct bc_rpc_reader r = { 0 };
	struct bc_lsp_server *s;
	char buf[65536];
	int code = 1;

	if (bc_lsp_server_new(host, out_fd, true, &s))
		return 1;
	while (!bc_lsp_exited(s, &code)) {
		ssize_t n = read(in_fd, buf, sizeof(buf));
		enum bc_rpc_status st;
		const char *why;
		json_t *msg;
		int ecode;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || bc_rpc_feed(&r, buf, (size_t)n))
			break;	/* the client went away */
		while (!bc_lsp_exited(s, &code) &&
		       (st = bc_rpc_next(&r, &msg, &ecode, &why)) != BC_RPC_MORE) {
			if (st == BC_RPC_BAD) {
				bc_lsp_bad_message(s, ecode, why);
				continue;
			}
			bc_lsp_handle(s, msg);
			json_decref(msg);
		}
	}
	bc_lsp_exited(s, &code);
	bc_rpc_reader_free(&r);
	bc_lsp_server_free(s);
	return code;
}
