/* sim/study/sweep_axis.h — the values of one sweep axis, from the text a user
 * wrote: a list ("1,2,4,8"), an arithmetic range ("1..64 step 4", step 1
 * when absent), a geometric range ("1..64 *2"), or a mix ("1,2,8..32 *2").
 * Also tells a sweep value from an ordinary --set value, and turns a YAML
 * node of the scenario's sweep: section into the text of a --set value.
 *
 * Values are YAML texts, handed to the scenario loader as --set KEY=VALUE:
 * this module never checks that a value suits its key (the loader does).
 * Must not know about scenarios, runs or databases. */
#ifndef GMPSIM_SWEEP_AXIS_H
#define GMPSIM_SWEEP_AXIS_H
#include <stdbool.h>
#include <stddef.h>
#include "yamltree.h"

#define AXIS_MAX_VALUES 100000 /* one axis; a larger grid is surely a typo */

/* A growable list of owned value texts. */
struct axis_values {
	int n, cap;
	char **v;
};

void axis_values_free(struct axis_values *a);
/* Appends a copy of s; -1 with why when out of memory or full. */
int axis_values_add(struct axis_values *a, const char *s, char *why, size_t whylen);

/* True when text is a sweep (a comma outside brackets, braces and quotes,
 * or a range "LO..HI ...") rather than one plain value. */
bool axis_is_sweep(const char *text);

/* Appends the values of text (list items, each a plain value or a range)
 * to out. Returns 0, or -1 with a reason (no position) in why: an empty
 * item, an empty range ("1..0"), step 0, a factor <= 1, ends with
 * different units, too many values. */
int axis_parse(const char *text, struct axis_values *out, char *why, size_t whylen);

/* Expands one range "LO..HI", "LO..HI step S" or "LO..HI *F". Numbers
 * may carry one unit suffix shared by LO, HI and S ("100us..1ms" is an
 * error, "100us..900us step 100us" is not). Integers stay exact; decimals
 * are computed as LO + i*S (no accumulated error) and printed with 15
 * significant digits. Returns 0, 1 when text is not a range (nothing
 * appended), or -1 with why. */
int axis_parse_range(const char *text, struct axis_values *out, char *why, size_t whylen);

/* The YAML text of node id as a flow value ("8", "'a b'", "{poisson:
 * 5000/s}"), malloc'd; NULL when out of memory or nested too deeply. */
char *axis_node_text(const struct yt *t, int id);

#endif
