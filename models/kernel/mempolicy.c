/* models/kernel/mempolicy.c — the service's memory policy: which node a
 * first touch homes memory on (see mempolicy.h). Must not hold simulation
 * state beyond the interleave cursor and the page counts. */
#include "mempolicy.h"
#include <string.h>

void mpol_init(struct mpol *p, const struct machine *m, const struct numactl_cfg *cfg)
{
	memset(p, 0, sizeof *p);
	p->m = m;
	p->policy = cfg ? cfg->policy : MEMPOL_DEFAULT;
	p->nodes = cfg ? cfg->mem_nodes : 0;
	for (int n = 0; n < m->nnodes && n < MPOL_MAX_NODES; n++)
		p->nnodes_set += (int)(p->nodes >> n & 1);
	p->il_next = 0;
	while (p->policy == MEMPOL_INTERLEAVE && !(p->nodes >> p->il_next & 1))
		p->il_next++;
}

/* The node of the mask nearest to `from` (lowest distance, then lowest id). */
static int nearest_in(const struct mpol *p, int from)
{
	int best = -1;
	for (int n = 0; n < p->m->nnodes; n++) {
		if (!(p->nodes >> n & 1))
			continue;
		if (best < 0 || p->m->distance[from * p->m->nnodes + n] < p->m->distance[from * p->m->nnodes + best])
			best = n;
	}
	return best;
}

int mpol_home(const struct mpol *p, int core)
{
	int local = mach_node_of(p->m, core);
	switch (p->policy) {
	case MEMPOL_BIND:
		return p->nodes >> local & 1 ? local : nearest_in(p, local);
	case MEMPOL_PREFERRED:
		return nearest_in(p, local);  /* the mask holds exactly one node */
	case MEMPOL_INTERLEAVE:
		return MACH_HOME_INTERLEAVE;
	default:
		return local;
	}
}

/* mempolicy.c: interleave_nodes — the next node of the mask after il_next. */
static int interleave_next(struct mpol *p)
{
	int n = p->il_next;
	do
		p->il_next = (p->il_next + 1) % p->m->nnodes;
	while (!(p->nodes >> p->il_next & 1));
	return n;
}

void mpol_place_pages(struct mpol *p, int core, int64_t pages)
{
	if (p->policy != MEMPOL_INTERLEAVE) {
		p->pages[mpol_home(p, core)] += pages;
		return;
	}
	for (int64_t i = 0; i < pages; i++)
		p->pages[interleave_next(p)]++;
}
