/* sim/core/tb.c — the names of a request's time-breakdown parts and their
 * compact encoding (tb.h). */
#include "tb.h"

const char *const tb_part_name[TB_COUNT] = {
	[TB_ACCEPT] = "accept", [TB_SCHED] = "sched", [TB_RUN] = "run", [TB_OVERHEAD] = "overhead",
	[TB_NET] = "net", [TB_SYSCALL] = "syscall", [TB_CHAN] = "chan", [TB_MUTEX] = "mutex",
	[TB_SLEEP] = "sleep", [TB_JOIN] = "join", [TB_GC] = "gc",
};

size_t tb_encode(const sim_ns part[TB_COUNT], uint8_t *out)
{
	size_t n = 0;
	for (int i = 0; i < TB_COUNT; i++) {
		uint64_t v = (uint64_t)part[i];  /* parts are >= 0 */
		while (v >= 0x80) {
			out[n++] = (uint8_t)(v | 0x80);
			v >>= 7;
		}
		out[n++] = (uint8_t)v;
	}
	return n;
}

size_t tb_decode(const uint8_t *in, sim_ns part[TB_COUNT])
{
	size_t n = 0;
	for (int i = 0; i < TB_COUNT; i++) {
		uint64_t v = 0;
		int shift = 0;
		uint8_t b;
		do {
			b = in[n++];
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
		} while (b & 0x80);
		part[i] = (sim_ns)v;
	}
	return n;
}
