/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Front ends of the AOT type data (docs/manifest.md): a manifest is read
 * into a struct bc_manifest (analyzer/manifest/manifest.h) kept on the unit
 * (u->manifest) for the manifest rules (BC401-BC403); a bpftrace --aot blob
 * is decoded (analyzer/manifest/aot_blob.h) into the same manifest, and its
 * programs are analysed as a BPF object for the stack rules.
 */
#ifndef BC_MANIFEST_FRONTEND_H
#define BC_MANIFEST_FRONTEND_H

struct bc_unit;
struct bc_analysis;

int bc_manifest_frontend(struct bc_unit *u, const struct bc_analysis *a);
int bc_aot_frontend(struct bc_unit *u, const struct bc_analysis *a);

#endif
