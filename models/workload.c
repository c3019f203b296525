/* models/workload.c — arrivals, program walking with common random numbers,
 * and completion bookkeeping (see workload.h). Must not schedule threads or
 * charge CPU: that is the model's and the kernel's business. */
#include "bigarr.h"
#include "budget.h"
#include "check.h"
#include "workload.h"
#include "grow.h"
#include "run.h"
#include "rng.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TASK_CHUNK = 4096 };

/* ---- task storage ------------------------------------------------------- */

/* A new zeroed task, counted in st (the service's or the co-located
 * classes' figures). */
static struct task *task_alloc(struct wl *w, struct wl_stats *st)
{
	struct task *t = w->free_list;
	if (t) {
		w->free_list = t->next;
	} else {
		if (w->nchunks == 0 || w->chunk_used == TASK_CHUNK) {
			GROW(w->chunks, w->nchunks + 1, w->capchunks, 16, "tasks");
			struct task *chunk = bud_malloc(sizeof *chunk * TASK_CHUNK, "tasks");
			w->chunks[w->nchunks++] = chunk;
			w->chunk_used = 0;
		}
		t = &w->chunks[w->nchunks - 1][w->chunk_used++];
	}
	memset(t, 0, sizeof *t);
	t->home_node = -1;
	memf_clear(&t->foot);
	st->created++;
	st->live++;
	if (st == &w->st && w->st.live > w->peak_live)
		w->peak_live = w->st.live;
	return t;
}

bool wl_colocated(const struct wl *w, const struct task *t)
{
	return t->cls >= 0 && w->sc->classes[t->cls].colocated;
}

static struct wl_stats *stats_of(struct wl *w, const struct task *t)
{
	return wl_colocated(w, t) ? &w->colo : &w->st;
}

struct tb_acct *wl_tb_new(struct wl *w, struct task *t)
{
	if (w->ntb_free)
		t->tb = w->tb_free[--w->ntb_free];
	else if (!(t->tb = malloc(sizeof *t->tb))) {
		fprintf(stderr, "gmpsim: out of memory (time breakdowns)\n");
		abort();
	}
	tb_start(t->tb, TB_ACCEPT, t->t_arrive);
	return t->tb;
}

static void task_release(struct wl *w, struct task *t)
{
	HOT_ASSERT(!eq_pending(&t->ev));
	if (t->tb) {
		GROW(w->tb_free, w->ntb_free + 1, w->captb_free, 1024, "time breakdowns");
		w->tb_free[w->ntb_free++] = t->tb;
		t->tb = NULL;
	}
	stats_of(w, t)->live--;
	w->heap_reachable -= (int64_t)t->heap_kib * 1024;  /* its allocations become garbage */
	t->next = w->free_list;
	w->free_list = t;
}

/* ---- keys (the scheme is documented in sim/core/rng.h) ------------------------- */

/* K(class, index) = mix(mix(mix(seed, H("task")), H(class)), index), its
 * class's part computed once (wl_init). */
static uint64_t task_key(const struct wl_class_state *cs, uint64_t index)
{
	return rng_mix(cs->task_base, index);
}

static struct task *new_arrival(struct wl *w, int cls, uint64_t index)
{
	struct task *t = task_alloc(w, w->sc->classes[cls].colocated ? &w->colo : &w->st);
	t->key = task_key(&w->classes[cls], index);
	t->cls = cls;
	t->prog = w->sc->classes[cls].program;
	t->t_arrive = w->run->sim.now;
	if (t->t_arrive >= w->sc->warmup)
		stats_of(w, t)->top_arrived++;
	return t;
}

/* Arrivals that come whatever the system does (a Poisson or constant-rate
 * stream of connections). */
static bool open_loop_kind(enum arrival_kind k) { return k == ARR_POISSON || k == ARR_CONSTANT; }

/* Counts arrivals still to come from outside the service (checkdead's
 * concern): a co-located class's are not. */
static void arm_arrivals(struct wl *w, int cls, int64_t n)
{
	if (!w->sc->classes[cls].colocated)
		w->arrivals_armed += n;
}

/* Hands an arrival to the model: a co-located class's to the native
 * executor (w->colocated), open-loop arrivals through the server's accept
 * loop when the run has one (w->admit; both wired by models/run.c),
 * directly otherwise. */
static void submit(struct wl *w, struct task *t)
{
	struct run *r = w->run;
	if (w->sc->classes[t->cls].colocated) {
		w->colocated(r, t);
		return;
	}
	if (w->admit && open_loop_kind(w->sc->classes[t->cls].arrival.kind)) {
		w->admit(r, t);
		return;
	}
	r->model->start(r, t, NULL);
}

/* ---- arrival processes ------------------------------------------------------ */

/* The time from arrival next_index - 1 to arrival next_index: an
 * exponential draw (Poisson), or exactly 1/rate with the instants
 * computed from the index so that rounding never drifts (constant). */
static sim_ns poisson_gap(const struct wl *w, const struct wl_class_state *cs)
{
	double rate = w->sc->classes[cs->cls].arrival.rate;
	if (w->sc->classes[cs->cls].arrival.kind == ARR_CONSTANT) {
		double i = (double)cs->next_index;
		return rng_round_pos((i + 1) * 1e9 / rate) - rng_round_pos(i * 1e9 / rate);
	}
	uint64_t bits = rng_mix(cs->arrival_base, cs->next_index);
	double gap = -log(rng_u01(bits)) * 1e9 / rate;
	return gap > 4e18 ? (sim_ns)4e18 : rng_round_pos(gap);
}

static void poisson_fire(struct sim *sim, struct eq_event *ev)
{
	struct wl_class_state *cs = (struct wl_class_state *)ev;
	struct wl *w = &cs->run->wl;
	struct task *t = new_arrival(w, cs->cls, cs->next_index++);
	sim_after(sim, ev, poisson_gap(w, cs));
	submit(w, t);
}

static void batch_fire(struct sim *sim, struct eq_event *ev)
{
	(void)sim;
	struct wl_class_state *cs = (struct wl_class_state *)ev;
	struct wl *w = &cs->run->wl;
	arm_arrivals(w, cs->cls, -1);
	int64_t n = w->sc->classes[cs->cls].arrival.count;
	for (int64_t i = 0; i < n; i++)
		submit(w, new_arrival(w, cs->cls, cs->next_index++));
}

static void client_fire(struct sim *sim, struct eq_event *ev)
{
	(void)sim;
	struct wl_client *c = (struct wl_client *)ev;
	struct wl *w = &c->run->wl;
	arm_arrivals(w, c->cls, -1);
	struct task *t = new_arrival(w, c->cls, ((uint64_t)c->id << 32) | c->cycle);
	t->client = c->id;
	t->cycle = c->cycle;
	submit(w, t);
}

/* True (and the run failed, naming the class) when the class's clients
 * keep getting responses at one instant: virtual time cannot advance. */
static bool client_stuck(struct wl *w, int cls)
{
	struct wl_class_state *cs = &w->classes[cls];
	sim_ns now = w->run->sim.now;
	if (now != cs->stuck_at) {
		cs->stuck_at = now;
		cs->stuck_n = 0;
	}
	const struct task_class *tc = &w->sc->classes[cls];
	if (++cs->stuck_n <= WL_STUCK_BASE + WL_STUCK_PER_CLIENT * tc->arrival.clients)
		return false;
	run_fail(w->run, "no progress: virtual time is stuck at %lld ns: the %lld closed-loop client(s) of "
		 "class '%s' got %lld responses at that instant and ask again at once (think time 0, and "
		 "requests that fail or finish without taking time, e.g. a thread limit or a full queue); "
		 "give workload.%s.arrival.closed.think a positive time", (long long)now,
		 (long long)tc->arrival.clients, tc->name, (long long)cs->stuck_n, tc->name);
	return true;
}

/* The client got its response (or failure): think, then ask again. */
static void client_next(struct wl *w, const struct task *t)
{
	struct wl_class_state *cs = &w->classes[t->cls];
	struct wl_client *c = &cs->clients[t->client];
	const struct dist *think = &w->sc->classes[t->cls].arrival.think;
	uint64_t ckey = task_key(cs, (uint64_t)c->id << 32 | 0xffffffffu);
	double u = rng_u01(rng_mix(rng_mix(ckey, rng_name("think")), c->cycle));
	c->cycle++;
	if (client_stuck(w, t->cls))
		return;
	arm_arrivals(w, t->cls, 1);
	sim_after(&w->run->sim, &c->ev, dist_quantile_ns(think, u));
}

/* ---- lifecycle ----------------------------------------------------------------- */

int wl_max_depth(const struct scenario *sc)
{
	int maxd = 0;
	for (int p = 0; p < sc->nprograms; p++) {
		const struct program *pr = &sc->programs[p];
		int ends[64], d = 0;
		for (int i = 0; i < pr->nops; i++) {
			while (d > 0 && i >= ends[d - 1])
				d--;
			if (pr->ops[i].kind == OP_REPEAT) {
				if (d < 64)
					ends[d] = i + 1 + pr->ops[i].body_len;
				d++;
				if (d > maxd)
					maxd = d;
			}
		}
	}
	return maxd;
}

int wl_init(struct wl *w, struct run *r, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->run = r;
	w->sc = r->sc;
	for (int p = 0; p < w->sc->nprograms; p++)
		for (int i = 0; i < w->sc->programs[p].nops; i++) {
			const struct op *op = &w->sc->programs[p].ops[i];
			if (op->kind == OP_SPAWN && op->count > INT32_MAX) {
				snprintf(err, errlen, "%s:%d:%d: spawn count %lld is more than %d",
					 w->sc->path ? w->sc->path : w->sc->name, op->line, op->col,
					 (long long)op->count, INT32_MAX);
				return -1;
			}
		}
	if (wl_max_depth(w->sc) > WL_MAX_DEPTH) {
		snprintf(err, errlen, "%s: repeat nested %d deep; at most %d levels are supported",
			 w->sc->path ? w->sc->path : w->sc->name, wl_max_depth(w->sc), WL_MAX_DEPTH);
		return -1;
	}
	w->classes = calloc((size_t)w->sc->nclasses, sizeof *w->classes);
	w->chans = calloc((size_t)w->sc->nchannels + 1, sizeof *w->chans);
	w->mutexes = calloc((size_t)w->sc->nmutexes + 1, sizeof *w->mutexes);
	if (!w->classes || !w->chans || !w->mutexes)
		return -1;
	for (int i = 0; i < w->sc->nmutexes; i++)
		w->mutexes[i].last_core = -1;
	for (int i = 0; i < w->sc->nchannels; i++)
		w->chans[i].cap = w->sc->channels[i].capacity;
	for (int c = 0; c < w->sc->nclasses; c++) {
		struct wl_class_state *cs = &w->classes[c];
		cs->run = r;
		cs->cls = c;
		cs->class_hash = rng_name(w->sc->classes[c].name);
		cs->task_base = rng_mix(rng_mix(r->seed, rng_name("task")), cs->class_hash);
		cs->arrival_base = rng_mix(rng_mix(r->seed, rng_name("arrival")), cs->class_hash);
	}
	return 0;
}

static void start_class(struct wl *w, struct wl_class_state *cs)
{
	const struct arrival *a = &w->sc->classes[cs->cls].arrival;
	switch (a->kind) {
	case ARR_POISSON:
	case ARR_CONSTANT:
		eq_event_init(&cs->ev, poisson_fire);
		arm_arrivals(w, cs->cls, 1);  /* re-armed by each arrival: always pending */
		sim_at(&w->run->sim, &cs->ev, poisson_gap(w, cs));
		break;
	case ARR_BATCH:
		eq_event_init(&cs->ev, batch_fire);
		arm_arrivals(w, cs->cls, 1);
		sim_at(&w->run->sim, &cs->ev, a->at);
		break;
	case ARR_CLOSED:
		/* clients are connected from outside (a server reads their
		 * sockets): arrivals are always to come, as with Poisson */
		arm_arrivals(w, cs->cls, 1);
		cs->clients = bud_calloc((size_t)a->clients, sizeof *cs->clients, "closed-loop clients");
		for (int64_t i = 0; i < a->clients; i++) {
			struct wl_client *c = &cs->clients[i];
			eq_event_init(&c->ev, client_fire);
			c->run = w->run;
			c->cls = cs->cls;
			c->id = (uint32_t)i;
			arm_arrivals(w, cs->cls, 1);
			sim_at(&w->run->sim, &c->ev, 0);
		}
		break;
	}
}

void wl_start(struct wl *w)
{
	for (int c = 0; c < w->sc->nclasses; c++)
		start_class(w, &w->classes[c]);
}

void wl_free(struct wl *w)
{
	if (w->classes)
		for (int c = 0; c < w->sc->nclasses; c++)
			free(w->classes[c].clients);
	free(w->classes);
	free(w->chans);
	free(w->mutexes);
	for (int i = 0; i < w->nchunks; i++) {
		int used = i == w->nchunks - 1 ? w->chunk_used : TASK_CHUNK;
		for (int j = 0; j < used; j++)
			free(w->chunks[i][j].tb);  /* tasks still live at the end */
		free(w->chunks[i]);
	}
	free(w->chunks);
	for (int64_t i = 0; i < w->ntb_free; i++)
		free(w->tb_free[i]);
	free(w->tb_free);
	BIG_FREE(w->st.lat, w->st.caplat);
	BIG_FREE(w->st.tb, w->st.captb);
	BIG_FREE(w->colo.lat, w->colo.caplat);
	memset(w, 0, sizeof *w);
}

/* ---- program walking ------------------------------------------------------------ */

/* Closes finished repeat bodies: the next iteration, or leaving the loop. */
static void close_loops(const struct program *p, struct task *t)
{
	while (t->depth > 0) {
		int lo = t->loop_op[t->depth - 1];
		int end = lo + 1 + p->ops[lo].body_len;
		if (t->pc < end)
			return;
		if (--t->loop_left[t->depth - 1] > 0) {
			t->pc = lo + 1;
			return;
		}
		t->depth--;
	}
}

bool wl_next(struct wl *w, struct task *t, struct wl_step *s)
{
	const struct program *p = &w->sc->programs[t->prog];
	for (;;) {
		close_loops(p, t);
		if (t->pc >= p->nops)
			return false;
		const struct op *op = &p->ops[t->pc];
		if (op->kind == OP_REPEAT) {
			if (op->count == 0 || op->body_len == 0) {
				t->pc += 1 + op->body_len;
				continue;
			}
			t->loop_op[t->depth] = t->pc;
			t->loop_left[t->depth] = (uint32_t)op->count;
			t->depth++;
			t->pc++;
			continue;
		}
		s->kind = op->kind;
		s->mem = op->mem;
		s->program = op->program;
		s->count = op->count;
		s->wait = op->wait;
		s->temp = op->temp;
		s->opseq = t->opseq++;
		s->dur = 0;
		if (op->kind != OP_SPAWN && op->kind != OP_YIELD && op->kind != OP_SEND &&
		    op->kind != OP_RECV && op->kind != OP_CLOSE && op->kind != OP_STACK &&
		    op->kind != OP_LOCK_OS_THREAD && op->kind != OP_UNLOCK_OS_THREAD &&
		    op->kind != OP_ALLOC) {
			double u = rng_u01(rng_mix(rng_mix(t->key, s->opseq), 0));
			s->dur = dist_quantile_ns(&op->d, u);
		}
		t->pc++;
		return true;
	}
}

int wl_peek(struct wl *w, const struct task *t)
{
	struct task copy = *t;  /* wl_next only moves the task's own cursor */
	struct wl_step s;
	return wl_next(w, &copy, &s) ? (int)s.kind : -1;
}

void wl_for_each_slot(struct wl *w, void (*fn)(struct task *t, void *ctx), void *ctx)
{
	for (int c = 0; c < w->nchunks; c++) {
		int used = c == w->nchunks - 1 ? w->chunk_used : TASK_CHUNK;
		for (int i = 0; i < used; i++)
			fn(&w->chunks[c][i], ctx);
	}
}

void wl_alloc(struct wl *w, struct task *t, int64_t bytes, bool temp)
{
	w->heap_allocated += bytes;
	if (temp)
		return;
	int64_t kib = (bytes + 1023) / 1024;
	if (kib > (int64_t)UINT32_MAX - t->heap_kib)
		kib = (int64_t)UINT32_MAX - t->heap_kib;  /* 4 TiB per task: saturates */
	t->heap_kib += (uint32_t)kib;
	w->heap_reachable += kib * 1024;
}

struct task *wl_new_child(struct wl *w, struct task *parent, int program, int64_t j)
{
	struct task *t = task_alloc(w, &w->st);
	uint64_t k = rng_mix(rng_mix(parent->key, rng_name("spawn")), parent->spawn_seq);
	t->key = rng_mix(k, (uint64_t)j);
	t->cls = -1;
	t->prog = program;
	t->parent = parent;
	t->t_arrive = w->run->sim.now;
	parent->children_left++;
	return t;
}

/* ---- completions ------------------------------------------------------------------ */

static bool in_window(const struct wl *w)
{
	return w->run->sim.now >= w->sc->warmup;
}

static void record_latency(struct wl_stats *st, sim_ns lat)
{
	GROW_BIG(st->lat, st->nlat + 1, st->caplat, 4096, "latencies");
	st->lat[st->nlat++] = lat;
}

/* A completed request's breakdown (total: the parts' sum), beside its
 * latency (the service's only); the parts' sums as they come. */
static void record_breakdown(struct wl *w, struct wl_stats *st, const struct task *t, sim_ns total)
{
	if (st != &w->st)
		return;
	GROW_BIG(st->tb, st->tblen + TB_MAX_RECORD, st->captb, 65536, "time breakdowns");
	st->tblen += (int64_t)tb_record(total, t->tb->part, st->tb + st->tblen);
	for (int p = 0; p < TB_COUNT; p++)
		st->tb_sum[p] += t->tb->part[p];
}

/* A child ended (done or failed): the parent may resume. */
static bool notify_parent(struct wl *w, struct task *t, int core)
{
	struct task *p = t->parent;
	if (!p)
		return false;
	p->children_left--;
	if (p->children_left == 0 && p->waiting) {
		p->waiting = 0;
		w->run->model->resume(w->run, p, core);
		return true;
	}
	return false;
}

static void finish(struct wl *w, struct task *t)
{
	if (t->cls >= 0 && w->sc->classes[t->cls].arrival.kind == ARR_CLOSED)
		client_next(w, t);
	task_release(w, t);
}

bool wl_task_done(struct wl *w, struct task *t, int core)
{
	struct wl_stats *st = stats_of(w, t);
	st->completed++;
	struct tb_acct *tb = wl_tb(w, t);
	HOT_ASSERT(!t->kt || t->kt->tb != tb);  /* no thread carries it any more */
	sim_ns lat = w->run->sim.now - t->t_arrive;
	sim_ns tbsum = tb_close(tb, w->run->sim.now);
	if (tbsum != lat && st == &w->st)
		st->tb_unbalanced++;
	if (in_window(w)) {
		if (t->cls >= 0) {
			st->top_completed++;
			if (t->t_arrive >= w->sc->warmup) {
				record_latency(st, lat);
				record_breakdown(w, st, t, tbsum);
			}
		} else {
			st->child_completed++;
		}
	}
	bool woke = notify_parent(w, t, core);
	finish(w, t);
	return woke;
}

void wl_task_failed(struct wl *w, struct task *t, int core)
{
	struct wl_stats *st = stats_of(w, t);
	st->failed++;
	if (in_window(w)) {
		if (t->cls >= 0)
			st->top_failed++;
		else
			st->child_failed++;
	}
	notify_parent(w, t, core);
	finish(w, t);
}

void wl_reset_window(struct wl *w)
{
	w->st.top_completed = w->st.top_failed = 0;
	w->st.child_completed = w->st.child_failed = 0;
	w->st.nlat = 0;
	w->st.tblen = 0;
	memset(w->st.tb_sum, 0, sizeof w->st.tb_sum);
	w->st.top_arrived = w->colo.top_arrived = 0;
	w->colo.top_completed = w->colo.top_failed = 0;
	w->colo.nlat = 0;
	w->peak_live = w->st.live;
}

/* ---- channels (runtime/chan.go's logic, no timing) ------------------------ */

enum chan_result wl_chan_send(struct wl *w, int ch, struct task *t, struct task **wake)
{
	struct wl_chan *c = &w->chans[ch];
	*wake = NULL;
	if (c->closed)
		return CH_PANIC;
	if ((*wake = tq_pop(&c->recvq)))
		return CH_DONE;
	if (c->count < c->cap) {
		c->count++;
		return CH_DONE;
	}
	tq_push(&c->sendq, t);
	return CH_BLOCK;
}

enum chan_result wl_chan_recv(struct wl *w, int ch, struct task *t, struct task **wake)
{
	struct wl_chan *c = &w->chans[ch];
	*wake = NULL;
	if (c->count > 0) {
		c->count--;
		if ((*wake = tq_pop(&c->sendq)))  /* the sender's value takes the freed slot */
			c->count++;
		return CH_DONE;
	}
	if ((*wake = tq_pop(&c->sendq)))
		return CH_DONE;
	if (c->closed)
		return CH_DONE;
	tq_push(&c->recvq, t);
	return CH_BLOCK;
}

enum chan_result wl_chan_close(struct wl *w, int ch, struct task_fifo *out)
{
	struct wl_chan *c = &w->chans[ch];
	if (c->closed)
		return CH_PANIC;
	c->closed = true;
	struct task *t;
	while ((t = tq_pop(&c->recvq)))
		tq_push(out, t);
	while ((t = tq_pop(&c->sendq))) {
		t->chan_panic = 1;
		tq_push(out, t);
	}
	return CH_DONE;
}

int64_t wl_chan_parked(const struct wl *w)
{
	int64_t n = 0;
	for (int i = 0; i < w->sc->nchannels; i++)
		n += w->chans[i].sendq.len + w->chans[i].recvq.len;
	return n;
}

/* ---- mutexes (sync/mutex.go's state, a futex lock's; no timing) --------------- */

bool wl_mutex_try(struct wl *w, int mi, struct task *t)
{
	struct wl_mutex *x = &w->mutexes[mi];
	if (x->owner || (x->starving && x->waiters.len > 0))
		return false;
	x->owner = t;
	x->acquisitions++;
	return true;
}

void wl_mutex_wait(struct wl *w, int mi, struct task *t, bool front)
{
	struct wl_mutex *x = &w->mutexes[mi];
	x->contended++;
	if (front)
		tq_push_front(&x->waiters, t);
	else
		tq_push(&x->waiters, t);
}

struct task *wl_mutex_unlock(struct wl *w, int mi, struct task *t, bool *handoff)
{
	struct wl_mutex *x = &w->mutexes[mi];
	(void)t;
	x->owner = NULL;
	*handoff = false;
	struct task *next = tq_pop(&x->waiters);
	if (next && x->starving) {
		x->owner = next;
		x->acquisitions++;
		x->handoffs++;
		*handoff = true;
	}
	return next;
}

void wl_mutex_release(struct wl *w, int mi)
{
	w->mutexes[mi].owner = NULL;
}

void wl_mutex_spin(struct wl *w, int mi, struct task *t)
{
	tq_push(&w->mutexes[mi].spinners, t);
}

void wl_mutex_spin_end(struct wl *w, int mi, struct task *t)
{
	tq_remove(&w->mutexes[mi].spinners, t);
}

struct task *wl_mutex_spinner(struct wl *w, int mi)
{
	struct task_fifo *q = &w->mutexes[mi].spinners;
	for (struct task *t = q->head; t; t = t->next)
		if (t->kt->state == KT_RUNNING) {
			tq_remove(q, t);
			return t;
		}
	return NULL;
}

sim_ns wl_mutex_line(struct wl *w, int mi, int core)
{
	struct wl_mutex *x = &w->mutexes[mi];
	const struct machine_cfg *mc = &w->sc->machine;
	sim_ns cost = 0;
	if (x->last_core >= 0 && x->last_core != core)
		cost = x->last_core / mc->cores_per_node == core / mc->cores_per_node ? mc->line_local : mc->line_remote;
	x->last_core = core;
	return cost;
}

bool wl_uses_acceptor(const struct scenario *sc)
{
	if (!sc->acceptor.enabled)
		return false;
	for (int i = 0; i < sc->nclasses; i++)
		if (!sc->classes[i].colocated && open_loop_kind(sc->classes[i].arrival.kind))
			return true;
	return false;
}

bool wl_has_colocated(const struct scenario *sc)
{
	for (int i = 0; i < sc->nclasses; i++)
		if (sc->classes[i].colocated)
			return true;
	return false;
}
