/* sim/scenario/scenario_numactl.c — the numactl: section: numactl(8)'s node
 * and CPU lists ("all", "N", "N-M", comma-separated) read against the
 * machine's shape, into the service's allowed-core mask and its memory
 * policy (scenario.h: struct numactl_cfg).
 *
 * numactl's own rules kept here: -N/--cpunodebind and -C/--physcpubind
 * both set the CPU affinity (given both, the model refuses rather than
 * guess which wins); membind, interleave, preferred and localalloc are one
 * memory policy each, and numactl refuses two ("Conflicting policies").
 * --preferred takes exactly one node. numactl's relative ("+N") and
 * negated ("!N") forms are not supported and say so.
 *
 * Must not: know how the kernel places threads or memory; only what the
 * lists mean. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

/* Parses one "N" or "N-M" item at *p (advancing it) into [*lo, *hi];
 * -1 with the reason in why. */
static int list_item(const char **p, long *lo, long *hi, char *why, size_t len)
{
	char *end;
	if (**p == '\0') {
		snprintf(why, len, "expected a number at the end");
		return -1;
	}
	if (**p < '0' || **p > '9') {
		snprintf(why, len, "expected a number at '%s' (numactl's '+' and '!' forms are not supported)", *p);
		return -1;
	}
	errno = 0;
	*lo = *hi = strtol(*p, &end, 10);
	if (*end == '-') {
		const char *q = end + 1;
		if (*q < '0' || *q > '9') {
			snprintf(why, len, "expected a number after '-' at '%s'", end);
			return -1;
		}
		*hi = strtol(q, &end, 10);
		if (errno == ERANGE) {
			snprintf(why, len, "number too large at '%s'", *p);
			return -1;
		}
		if (*hi < *lo) {
			snprintf(why, len, "range %ld-%ld runs backwards", *lo, *hi);
			return -1;
		}
	}
	if (errno == ERANGE) {
		snprintf(why, len, "number too large at '%s'", *p);
		return -1;
	}
	*p = end;
	return 0;
}

/* Fills mask[0..n) from a numactl list over ids 0..n-1 ("all" = every
 * one) of `what` ("node", "core"); returns how many are set, or -1 with
 * the reason in why. */
static int parse_list(const char *text, int n, const char *what, uint8_t *mask, char *why, size_t len)
{
	memset(mask, 0, (size_t)n);
	if (strcmp(text, "all") == 0) {
		memset(mask, 1, (size_t)n);
		return n;
	}
	const char *p = text;
	for (;;) {
		long lo, hi;
		if (list_item(&p, &lo, &hi, why, len))
			return -1;
		if (hi >= n) {
			snprintf(why, len, "%s %ld does not exist (the machine has %ss 0-%d)", what, hi, what, n - 1);
			return -1;
		}
		for (long i = lo; i <= hi; i++)
			mask[i] = 1;
		if (*p == '\0')
			break;
		if (*p != ',') {
			snprintf(why, len, "expected ',' or the end at '%s'", p);
			return -1;
		}
		p++;
	}
	int count = 0;
	for (int i = 0; i < n; i++)
		count += mask[i];
	return count;
}

/* The row's value node, for positioned errors (the section's when the row
 * came from a default). */
static int row_pos(struct loader *ld, const char *key)
{
	int node = sc__row_node(ld, key);
	return node ? node : 0;
}

static int list_error(struct loader *ld, const char *key, const char *why)
{
	return yt_fail(ld->t, row_pos(ld, key), "%s: %s", key, why);
}

/* Sets cfg->cpus from the nodes' cores. */
static int load_cpunodebind(struct loader *ld, struct numactl_cfg *cfg)
{
	const struct machine_cfg *m = &ld->sc->machine;
	uint8_t nodes[64];
	char why[160];
	if (parse_list(cfg->cpunodebind, m->numa_nodes, "node", nodes, why, sizeof why) < 0)
		return list_error(ld, "numactl.cpunodebind", why);
	for (int c = 0; c < m->cores; c++)
		cfg->cpus[c] = nodes[c / m->cores_per_node];
	return 0;
}

/* The CPU affinity: NULL mask when neither list is given. */
static int load_cpus(struct loader *ld, struct numactl_cfg *cfg)
{
	const struct machine_cfg *m = &ld->sc->machine;
	bool by_node = *cfg->cpunodebind, by_cpu = *cfg->physcpubind;
	cfg->ncpus = m->cores;
	if (!by_node && !by_cpu)
		return 0;
	if (by_node && by_cpu)
		return yt_fail(ld->t, row_pos(ld, "numactl.physcpubind"),
			       "numactl.physcpubind and numactl.cpunodebind both set the CPU binding: give one");
	cfg->cpus = calloc((size_t)m->cores, 1);
	if (!cfg->cpus)
		return sc__oom(ld, 0);
	char why[160];
	if (by_node && load_cpunodebind(ld, cfg))
		return -1;
	if (by_cpu && parse_list(cfg->physcpubind, m->cores, "core", cfg->cpus, why, sizeof why) < 0)
		return list_error(ld, "numactl.physcpubind", why);
	cfg->ncpus = 0;
	for (int c = 0; c < m->cores; c++)
		cfg->ncpus += cfg->cpus[c];
	return 0;
}

/* One memory-policy option given: its policy and node mask. */
static int load_policy_nodes(struct loader *ld, struct numactl_cfg *cfg, const char *key,
			     const char *text, enum mem_policy policy)
{
	uint8_t nodes[64];
	char why[160];
	int n = parse_list(text, ld->sc->machine.numa_nodes, "node", nodes, why, sizeof why);
	if (n < 0)
		return list_error(ld, key, why);
	if (policy == MEMPOL_PREFERRED && n != 1)
		return yt_fail(ld->t, row_pos(ld, key), "%s takes one node, got '%s'", key, text);
	cfg->policy = policy;
	cfg->mem_nodes = 0;
	for (int i = 0; i < ld->sc->machine.numa_nodes; i++)
		if (nodes[i])
			cfg->mem_nodes |= (uint64_t)1 << i;
	return 0;
}

int sc__load_numactl(struct loader *ld)
{
	struct numactl_cfg *cfg = &ld->sc->numactl;
	if (load_cpus(ld, cfg))
		return -1;
	static const char *const keys[] = { "numactl.membind", "numactl.interleave", "numactl.preferred",
					    "numactl.localalloc" };
	const char *texts[] = { cfg->membind, cfg->interleave, cfg->preferred, NULL };
	static const enum mem_policy policies[] = { MEMPOL_BIND, MEMPOL_INTERLEAVE, MEMPOL_PREFERRED };
	const char *given = NULL;
	cfg->policy = MEMPOL_DEFAULT;
	for (int i = 0; i < NELEMS(keys); i++) {
		bool set = texts[i] ? *texts[i] != '\0' : cfg->localalloc;
		if (!set)
			continue;
		if (given)
			return yt_fail(ld->t, row_pos(ld, keys[i]),
				       "%s conflicts with %s: numactl takes one memory policy", keys[i], given);
		given = keys[i];
		if (!texts[i])
			cfg->policy = MEMPOL_LOCAL;
		else if (load_policy_nodes(ld, cfg, keys[i], texts[i], policies[i]))
			return -1;
	}
	return 0;
}
