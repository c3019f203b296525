/* models/kernel/mempolicy.c — the service's memory policy: which node a
 * first touch homes memory on, and what a footprint spread over homes
 * costs a memory-bound burst (see mempolicy.h). Must not hold simulation
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

/* ---- footprints ----------------------------------------------------------------- */

void memf_clear(struct memfoot *f)
{
	for (int i = 0; i < MEMF_SLOTS; i++) {
		f->home[i] = -1;
		f->kib[i] = 0;
	}
}

static uint32_t kib_sat(int64_t have, int64_t add)
{
	int64_t v = have + add;
	return v > (int64_t)UINT32_MAX ? UINT32_MAX : v < 0 ? 0 : (uint32_t)v;
}

void memf_stack(struct memfoot *f, int home, int64_t kib)
{
	f->home[0] = (int8_t)home;
	f->kib[0] = kib_sat(0, kib);
}

void memf_heap(struct memfoot *f, int home, int64_t kib)
{
	int i = 1;
	while (i < MEMF_SLOTS - 1 && f->home[i] != home && f->home[i] != -1)
		i++;
	if (f->home[i] == -1)
		f->home[i] = (int8_t)home;
	f->kib[i] = kib_sat(f->kib[i], kib);
}

/* mach_slowdown for one piece of f (interleaved: spread over mask). */
static double piece_slowdown(const struct machine *m, uint64_t mask, int home, int node, double mem)
{
	if (home == MACH_HOME_INTERLEAVE)
		return mach_slowdown_spread(m, mask, node, mem);
	return mach_slowdown(m, home, node, mem);
}

double memf_slowdown(const struct machine *m, uint64_t mask, const struct memfoot *f, int node, double mem)
{
	double extra = 0, total = 0;
	for (int i = 0; i < MEMF_SLOTS; i++) {
		if (f->home[i] == -1 || f->kib[i] == 0)
			continue;
		total += f->kib[i];
		extra += f->kib[i] * (piece_slowdown(m, mask, f->home[i], node, mem) - 1.0);
	}
	return total > 0 ? 1.0 + extra / total : 1.0;
}

double memf_remote_share(const struct machine *m, uint64_t mask, const struct memfoot *f, int node)
{
	double remote = 0, total = 0;
	for (int i = 0; i < MEMF_SLOTS; i++) {
		if (f->home[i] == -1 || f->kib[i] == 0)
			continue;
		total += f->kib[i];
		remote += f->kib[i] * mach_remote_share(m, f->home[i], mask, node);
	}
	return total > 0 ? remote / total : 0.0;
}
