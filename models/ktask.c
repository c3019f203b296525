/* models/ktask.c — a task on a kernel thread of its own (see ktask.h). */
#include "ktask.h"

static void ktask_timer_fire(struct sim *sim, struct eq_event *ev)
{
	struct task *t = (struct task *)((char *)ev - offsetof(struct task, ev));
	struct run *r = sim->ctx;
	kern_wake(&r->kern, t->kt, -1);
}

void ktask_begin(struct task *t, struct kthread *kt, int phase)
{
	t->kt = kt;
	t->phase = (uint8_t)phase;
	eq_event_init(&t->ev, ktask_timer_fire);
}
