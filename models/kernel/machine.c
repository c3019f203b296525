/* models/kernel/machine.c — the machine's topology and the NUMA slowdown rule.
 * Must not hold simulation state. */
#include "machine.h"
#include "scenario.h"
#include <stdlib.h>
#include <string.h>

int mach_init(struct machine *m, const struct machine_cfg *cfg)
{
	m->ncores = cfg->cores;
	m->nnodes = cfg->numa_nodes;
	m->cores_per_node = cfg->cores_per_node;
	size_t n = (size_t)m->nnodes * (size_t)m->nnodes;
	m->distance = malloc(n * sizeof *m->distance);
	if (!m->distance)
		return -1;
	memcpy(m->distance, cfg->distance, n * sizeof *m->distance);
	return 0;
}

void mach_free(struct machine *m)
{
	free(m->distance);
	m->distance = NULL;
}

double mach_slowdown(const struct machine *m, int home, int node, double mem)
{
	if (mem <= 0 || home < 0 || home == node)
		return 1.0;
	double local = m->distance[home * m->nnodes + home];
	double remote = m->distance[home * m->nnodes + node];
	return 1.0 + mem * (remote / local - 1.0);
}

double mach_slowdown_spread(const struct machine *m, uint64_t mask, int node, double mem)
{
	double sum = 0;
	int k = 0;
	for (int n = 0; n < m->nnodes && n < 64; n++)
		if (mask >> n & 1) {
			sum += mach_slowdown(m, n, node, mem);
			k++;
		}
	return k ? sum / k : 1.0;
}

double mach_remote_share(const struct machine *m, int home, uint64_t mask, int node)
{
	if (home != MACH_HOME_INTERLEAVE)
		return home >= 0 && home != node ? 1.0 : 0.0;
	int k = 0, local = 0;
	for (int n = 0; n < m->nnodes && n < 64; n++)
		if (mask >> n & 1) {
			k++;
			local += n == node;
		}
	return k ? (double)(k - local) / k : 0.0;
}
