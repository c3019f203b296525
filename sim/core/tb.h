/* sim/core/tb.h — a request's time breakdown (issue 15, `gmpsim explain`).
 *
 * Every instant of a task's life is in exactly one part: off a CPU it is in
 * the part its owner (or the kernel) last named with tb_off; on a CPU the
 * kernel adds each nanosecond it charges to the task's carrier thread to
 * the part of that CPU category (tb_cpu_part). So the parts always add up
 * to the time since tb_start, exactly, in integer ns.
 * Must not know about models, threads or the kernel: plain bookkeeping.
 */
#ifndef GMPSIM_TB_H
#define GMPSIM_TB_H
#include "types.h"

enum tb_part {
	TB_ACCEPT,    /* arrived, not yet given to its thread / goroutine (backlog, pool queue, Thread.start) */
	TB_SCHED,     /* runnable, not running (a G in a run queue, a thread in the kernel's, an idle core's exit) */
	TB_RUN,       /* running its own code (CPU category task) */
	TB_OVERHEAD,  /* on a CPU for runtime or kernel work on its behalf (switches, syscalls' CPU, scheduling) */
	TB_NET,       /* blocked on the network (netpoller or a blocking read) */
	TB_SYSCALL,   /* blocked in a syscall */
	TB_CHAN,      /* blocked on a channel (a blocking queue) */
	TB_MUTEX,     /* blocked on a mutex, or spinning for it */
	TB_SLEEP,     /* asleep (a timer) */
	TB_JOIN,      /* waiting for the children it spawned */
	TB_GC,        /* stopped or slowed by the collector (a stop-the-world, a safepoint, an assist) */
	TB_COUNT
};

struct tb_acct {
	sim_ns part[TB_COUNT];
	sim_ns since;     /* off a CPU: when the current part began */
	uint8_t cur;      /* off a CPU: enum tb_part it is in */
	uint8_t on;       /* on a CPU: its carrier thread is being charged */
	uint8_t block;    /* the part kern_block puts it in (its owner sets it first) */
};

/* The parts' names as stored (metrics tb_<name>_...). */
extern const char *const tb_part_name[TB_COUNT];

static inline void tb_start(struct tb_acct *a, enum tb_part p, sim_ns now)
{
	for (int i = 0; i < TB_COUNT; i++)
		a->part[i] = 0;
	a->since = now;
	a->cur = (uint8_t)p;
	a->on = 0;
	a->block = TB_SYSCALL;
}

/* Leaves the CPU (or changes part while off it) at now, into part p. */
static inline void tb_off(struct tb_acct *a, enum tb_part p, sim_ns now)
{
	if (!a->on)
		a->part[a->cur] += now - a->since;
	a->on = 0;
	a->cur = (uint8_t)p;
	a->since = now;
}

/* Goes on a CPU at now: from here the kernel's charges count. */
static inline void tb_on(struct tb_acct *a, sim_ns now)
{
	if (a->on)
		return;
	a->part[a->cur] += now - a->since;
	a->on = 1;
}

/* A breakdown in at most TB_MAX_ENCODED bytes (LEB128 varints: a request's
 * few non-zero parts take 2-4 bytes each, its zeros one): the completed
 * requests' breakdowns are kept until the run ends, compactly. */
#define TB_MAX_ENCODED (TB_COUNT * 10)
size_t tb_encode(const sim_ns part[TB_COUNT], uint8_t *out);
/* Decodes one breakdown at in; returns the bytes read. */
size_t tb_decode(const uint8_t *in, sim_ns part[TB_COUNT]);

/* A completed request's record: its breakdown's total (the parts' sum, a
 * varint), the encoded parts' length (one byte) and tb_encode's parts, so
 * a reader that wants the parts of a few requests only (the tail's) takes
 * each total and skips the rest without decoding it. */
#define TB_MAX_RECORD (10 + 1 + TB_MAX_ENCODED)
size_t tb_record(sim_ns total, const sim_ns part[TB_COUNT], uint8_t *out);
/* Reads the record at in: its total, and its parts unless part is NULL;
 * returns the record's length. */
size_t tb_record_read(const uint8_t *in, sim_ns *total, sim_ns part[TB_COUNT]);

/* Closes the breakdown at now; returns the sum of the parts. */
static inline sim_ns tb_close(struct tb_acct *a, sim_ns now)
{
	if (!a->on)
		a->part[a->cur] += now - a->since;
	a->on = 1;
	sim_ns sum = 0;
	for (int i = 0; i < TB_COUNT; i++)
		sum += a->part[i];
	return sum;
}

#endif
