/* sim/core/tb.c — the names of a request's time-breakdown parts (tb.h). */
#include "tb.h"

const char *const tb_part_name[TB_COUNT] = {
	[TB_ACCEPT] = "accept", [TB_SCHED] = "sched", [TB_RUN] = "run", [TB_OVERHEAD] = "overhead",
	[TB_NET] = "net", [TB_SYSCALL] = "syscall", [TB_CHAN] = "chan", [TB_MUTEX] = "mutex",
	[TB_SLEEP] = "sleep", [TB_JOIN] = "join", [TB_GC] = "gc",
};
