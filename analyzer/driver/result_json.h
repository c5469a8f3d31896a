/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A unit's results as JSON and back, for the result cache
 * (result_cache.h): every diagnostic (notes, fixes, suppression) and every
 * fact (functions, slots, live sets, chains and their issues, counting
 * loops), field for field, so that a unit restored from it reports exactly
 * what the analysis reported.
 */
#ifndef BC_DRIVER_RESULT_JSON_H
#define BC_DRIVER_RESULT_JSON_H

#include <jansson.h>

#include "../core/diag.h"
#include "../core/facts.h"

/* D and F as one JSON object, NULL on ENOMEM. */
json_t *bc_result_to_json(const struct bc_diags *d, const struct bc_facts *f);
/*
 * Reads what bc_result_to_json wrote into *D and *F (zeroed first). Any
 * field missing or of the wrong type, a span or index out of range: -EINVAL,
 * and nothing is kept. 0, -EINVAL or -ENOMEM.
 */
int bc_result_from_json(const json_t *j, struct bc_diags *d, struct bc_facts *f);

#endif
