/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program's stack frame as an SVG picture (the html and svg formats).
 *
 * The frame is drawn from offset 0 (the frame pointer, r10) down to the
 * limit and past it when the program is over: 1 pixel per byte.
 *
 *   - the left column is the frame at its peak: the slots live there,
 *     largest first from offset 0 (the order of the stack table), and at
 *     the bottom of the frame a grey block for the bytes no named slot
 *     accounts for (the JSON report's unattributed_bytes: spills, backend
 *     temporaries);
 *     an object without attribution is one grey block of its frame;
 *   - below it, for a call chain on the program stack (chain_bytes not
 *     0; a chain on a private stack is not drawn), each callee's frame
 *     (its rounded size, as in the JSON report's chain_frames) stacked
 *     under its caller's, from the root's rounded frame down;
 *   - the right column holds the slots that are not live at the peak
 *     (they share the frame's bytes at other points), drawn faded, largest
 *     first from offset 0;
 *   - a red line marks the limit; script-dependent slots are hatched.
 *
 * Every block is one <rect class="block"> with data-offset (its lowest
 * byte, negative, from the frame pointer), data-bytes, data-construct,
 * data-name, data-live ("true"/"false"), data-source (path:line:col) and
 * data-origin (the chain of copies, " <- " between records, newest first),
 * so that tests and scripts can read the picture; a <title> inside
 * carries the same for a viewer's tooltip. Slots in scratch buffers take
 * no stack and are not drawn.
 */
#ifndef BC_REPORTERS_STACK_SVG_H
#define BC_REPORTERS_STACK_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "source.h"

struct bc_func;
struct bc_unit;
struct bc_target;

/* Does the program have a frame to draw (any stack bytes)? */
bool bc_stack_svg_wanted(const struct bc_func *f);

/*
 * Writes F's picture as one <svg> element (STANDALONE: with the XML
 * namespace, for a file of its own). ID makes element ids unique within a
 * page. 0 or -EIO.
 */
int bc_stack_svg(FILE *out, struct bc_sources *src, const struct bc_unit *u,
		 const struct bc_func *f, const struct bc_target *t, int id, bool standalone);

/* Writes S[0..N) escaped for XML/HTML text and attribute values. */
void bc_xml_escape(FILE *out, const char *s, size_t n);

#endif
