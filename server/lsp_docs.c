// SPDX-License-Identifier: Apache-2.0
/*
 * Open documents and the analysis thread.
 *
 * The protocol thread only records a document's new text and bumps its
 * generation; the analysis thread takes the document whose last analysis
 * is oldest, analyses a copy of its text, and publishes the diagnostics if
 * the text has not changed meanwhile. A change to the document being
 * analysed sets the cancel flag the driver polls between its steps
 * (analysis.h), so the stale analysis stops early and the new text is
 * taken next. One thread analyses: the script front end keeps some
 * process-wide state (analyzer/script/sema.c), and one script's probes are
 * compiled in parallel already (--jobs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_impl.h"
#include "../analyzer/base/array.h"
#include "../analyzer/core/analysis.h"
#include "../analyzer/core/target.h"
#include "../analyzer/driver/driver.h"

struct lsp_doc *lsp_doc_find(struct bc_lsp_server *s, const char *uri)
{
	for (size_t i = 0; i < s->nr_docs; i++)
		if (!strcmp(s->docs[i]->uri, uri))
			return s->docs[i];
	return NULL;
}

struct lsp_doc *lsp_doc_analysed(struct bc_lsp_server *s, const char *uri,
				 struct bc_lsp_text *t)
{
	struct lsp_doc *d = lsp_doc_find(s, uri);

	if (!d || !d->unit || d->unit_gen != d->gen || !d->unit->line_starts)
		return NULL;
	lsp_unit_text(s, d->unit, t);
	return d;
}

void lsp_unit_text(const struct bc_lsp_server *s, const struct bc_unit *u, struct bc_lsp_text *t)
{
	static const uint32_t zero;

	t->s = u->data;
	t->n = u->size;
	t->lines = u->line_starts ? u->line_starts : &zero;
	t->nr_lines = u->line_starts ? u->nr_lines : 1;
	t->enc = s->enc;
}

static void unit_free(struct bc_unit *u)
{
	if (u) {
		bc_unit_free(u);
		free(u);
	}
}

static void doc_free(struct lsp_doc *d)
{
	free(d->uri);
	free(d->path);
	free(d->text);
	unit_free(d->unit);
	free(d);
}

void lsp_docs_free(struct bc_lsp_server *s)
{
	for (size_t i = 0; i < s->nr_docs; i++)
		doc_free(s->docs[i]);
	free(s->docs);
	s->docs = NULL;
	s->nr_docs = s->cap_docs = 0;
}

/* The document changed: analyse it again, and stop analysing its old text. */
static void touch(struct bc_lsp_server *s, struct lsp_doc *d)
{
	d->gen = ++s->next_gen;
	d->analysed = false;
	if (s->running_uri && !strcmp(s->running_uri, d->uri))
		atomic_store(&s->cancel, true);
	pthread_cond_signal(&s->wake);
}

const char *lsp_doc_uri(const json_t *params)
{
	return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

static int set_text(struct lsp_doc *d, const json_t *text)
{
	size_t n = json_string_length(text);
	char *copy = malloc(n + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, json_string_value(text), n);
	copy[n] = 0;
	free(d->text);
	d->text = copy;
	d->size = n;
	return 0;
}

void lsp_did_open(struct bc_lsp_server *s, const json_t *params)
{
	const json_t *td = json_object_get(params, "textDocument");
	const json_t *text = json_object_get(td, "text");
	const char *uri = lsp_doc_uri(params);
	struct lsp_doc *d;
	char *path;

	if (!uri || !json_is_string(text))
		return;
	path = lsp_uri_path(uri);
	pthread_mutex_lock(&s->lock);
	d = lsp_doc_find(s, uri);
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d || BC_GROW(s->docs, s->cap_docs, s->nr_docs + 1) ||
		    !(d->uri = strdup(uri))) {
			if (d)
				doc_free(d);
			goto out;
		}
		s->docs[s->nr_docs++] = d;
	}
	free(d->path);
	/* an unsaved buffer (untitled:...) is checked as if it were here */
	d->path = path ? path : strdup(uri);
	path = NULL;
	d->version = json_integer_value(json_object_get(td, "version"));
	if (!set_text(d, text))
		touch(s, d);
out:
	pthread_mutex_unlock(&s->lock);
	free(path);
}

void lsp_did_change(struct bc_lsp_server *s, const json_t *params)
{
	const json_t *changes = json_object_get(params, "contentChanges");
	const json_t *last = json_array_get(changes, json_array_size(changes) - 1);
	const json_t *text = json_object_get(last, "text");
	const char *uri = lsp_doc_uri(params);
	struct lsp_doc *d;

	/* full sync (initialize says so): the last change holds the whole text */
	if (!uri || !json_is_string(text) || json_object_get(last, "range"))
		return;
	pthread_mutex_lock(&s->lock);
	d = lsp_doc_find(s, uri);
	if (d && !set_text(d, text)) {
		d->version = json_integer_value(json_object_get(json_object_get(params, "textDocument"),
								"version"));
		touch(s, d);
	}
	pthread_mutex_unlock(&s->lock);
}

void lsp_did_save(struct bc_lsp_server *s, const json_t *params)
{
	const char *uri = lsp_doc_uri(params);
	struct lsp_doc *d;

	if (!uri)
		return;
	/* the text is the same, but a .bpfcheckrc beside it may not be */
	pthread_mutex_lock(&s->lock);
	d = lsp_doc_find(s, uri);
	if (d)
		touch(s, d);
	pthread_mutex_unlock(&s->lock);
}

void lsp_did_close(struct bc_lsp_server *s, const json_t *params)
{
	const char *uri = lsp_doc_uri(params);
	bool found = false;

	if (!uri)
		return;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nr_docs; i++) {
		struct lsp_doc *d = s->docs[i];

		if (strcmp(d->uri, uri))
			continue;
		if (s->running_uri && !strcmp(s->running_uri, uri))
			atomic_store(&s->cancel, true);
		doc_free(d);
		memmove(&s->docs[i], &s->docs[i + 1], (s->nr_docs - i - 1) * sizeof(*s->docs));
		s->nr_docs--;
		found = true;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	if (found)	/* a closed document shows no findings */
		lsp_send(s, json_pack("{s:s, s:s, s:{s:s, s:[]}}", "jsonrpc", "2.0", "method",
				      "textDocument/publishDiagnostics", "params", "uri", uri,
				      "diagnostics"));
}

void lsp_did_change_configuration(struct bc_lsp_server *s, const json_t *params)
{
	const json_t *settings = json_object_get(params, "settings");
	const json_t *b = json_object_get(settings, "bpfcheck");

	if (!json_is_object(b))
		b = json_is_object(settings) ? settings : NULL;
	pthread_mutex_lock(&s->lock);
	json_decref(s->settings);
	s->settings = b && json_object_size(b) ? json_deep_copy(b) : NULL;
	for (size_t i = 0; i < s->nr_docs; i++)
		touch(s, s->docs[i]);
	pthread_mutex_unlock(&s->lock);
}

/* The document to analyse next: the one whose text changed longest ago. */
static struct lsp_doc *next_doc(struct bc_lsp_server *s)
{
	struct lsp_doc *best = NULL;

	for (size_t i = 0; i < s->nr_docs; i++)
		if (!s->docs[i]->analysed && (!best || s->docs[i]->gen < best->gen))
			best = s->docs[i];
	return best;
}

/* A copy of what one analysis needs, taken under the lock. */
struct job {
	char *uri, *path, *text;
	size_t size;
	uint64_t gen;
	json_t *settings;
};

static void job_free(struct job *j)
{
	free(j->uri);
	free(j->path);
	free(j->text);
	json_decref(j->settings);
}

/* Analyses J's text: *U (NULL when the configuration failed: *WHY). */
static void analyse(struct bc_lsp_server *s, struct job *j, struct bc_unit **u, char **why,
		    uint32_t *bpftrace, int *limit)
{
	struct bc_analysis *a = NULL;
	int err;

	*u = NULL;
	err = s->host.analysis_for(s->host.ctx, j->path, j->settings, &a, why);
	if (err) {
		if (!*why)
			*why = strdup(strerror(-err));
		return;
	}
	a->cancel = &s->cancel;
	*bpftrace = a->target->bpftrace;
	*limit = a->target->stack_limit;
	*u = calloc(1, sizeof(**u));
	if (*u) {
		bc_unit_load_mem(*u, j->path, j->text, j->size);
		bc_analyze_unit(*u, a);
	}
	s->host.free_analysis(s->host.ctx, a);
}

static void *worker(void *arg)
{
	struct bc_lsp_server *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->quit) {
		struct lsp_doc *d = next_doc(s);
		struct bc_unit *u = NULL;
		struct job j = { 0 };
		uint32_t bpftrace = 0;
		int limit = 0;
		json_t *publish = NULL;
		char *why = NULL;

		if (!d) {
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		d->analysed = true;	/* this generation: taken */
		j.uri = strdup(d->uri);
		j.path = strdup(d->path);
		j.text = malloc(d->size + 1);
		j.size = d->size;
		j.gen = d->gen;
		j.settings = s->settings ? json_deep_copy(s->settings) : NULL;
		if (!j.uri || !j.path || !j.text) {
			job_free(&j);
			continue;
		}
		memcpy(j.text, d->text, d->size + 1);
		s->running_uri = j.uri;
		atomic_store(&s->cancel, false);
		pthread_mutex_unlock(&s->lock);

		analyse(s, &j, &u, &why, &bpftrace, &limit);

		pthread_mutex_lock(&s->lock);
		s->running_uri = NULL;
		d = lsp_doc_find(s, j.uri);
		if (d && d->gen == j.gen && !atomic_load(&s->cancel)) {
			unit_free(d->unit);
			d->unit = u;
			d->unit_gen = j.gen;
			d->unit_bpftrace = bpftrace;
			d->unit_limit = limit;
			u = NULL;
			if (d->unit && !d->unit->size) {
				publish = lsp_diagnostics(s, d->uri, NULL, NULL);	/* a new, empty file */
			} else {
				publish = lsp_diagnostics(s, d->uri, d->unit, why);
				if (publish)
					json_object_set_new(json_object_get(publish, "params"), "version",
							    json_integer(d->version));
			}
		}
		/* sent under the lock: a didClose's empty list cannot overtake it */
		lsp_send(s, publish);
		pthread_mutex_unlock(&s->lock);
		unit_free(u);
		free(why);
		job_free(&j);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int lsp_worker_start(struct bc_lsp_server *s)
{
	int err = pthread_create(&s->worker, NULL, worker, s);

	if (err)
		return -err;
	s->worker_started = true;
	return 0;
}

void lsp_worker_stop(struct bc_lsp_server *s)
{
	if (!s->worker_started)
		return;
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	atomic_store(&s->cancel, true);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->worker, NULL);
	s->worker_started = false;
}
