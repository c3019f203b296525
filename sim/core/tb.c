/* sim/core/tb.c — the names of a request's time-breakdown parts and their
 * compact encoding (tb.h). */
#include "tb.h"

const char *const tb_part_name[TB_COUNT] = {
	[TB_ACCEPT] = "accept", [TB_SCHED] = "sched", [TB_RUN] = "run", [TB_OVERHEAD] = "overhead",
	[TB_NET] = "net", [TB_SYSCALL] = "syscall", [TB_CHAN] = "chan", [TB_MUTEX] = "mutex",
	[TB_SLEEP] = "sleep", [TB_JOIN] = "join", [TB_GC] = "gc",
};

/* One LEB128 varint of v (>= 0) at out; returns its length. */
static size_t put_varint(uint64_t v, uint8_t *out)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static size_t get_varint(const uint8_t *in, uint64_t *v)
{
	size_t n = 0;
	int shift = 0;
	uint8_t b;
	*v = 0;
	do {
		b = in[n++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return n;
}

size_t tb_encode(const sim_ns part[TB_COUNT], uint8_t *out)
{
	size_t n = 0;
	for (int i = 0; i < TB_COUNT; i++)
		n += put_varint((uint64_t)part[i], out + n);  /* parts are >= 0 */
	return n;
}

size_t tb_decode(const uint8_t *in, sim_ns part[TB_COUNT])
{
	size_t n = 0;
	for (int i = 0; i < TB_COUNT; i++) {
		uint64_t v;
		n += get_varint(in + n, &v);
		part[i] = (sim_ns)v;
	}
	return n;
}

size_t tb_record(sim_ns total, const sim_ns part[TB_COUNT], uint8_t *out)
{
	size_t n = put_varint((uint64_t)total, out);
	size_t len = tb_encode(part, out + n + 1);  /* <= TB_MAX_ENCODED: one byte */
	out[n] = (uint8_t)len;
	return n + 1 + len;
}

size_t tb_record_read(const uint8_t *in, sim_ns *total, sim_ns part[TB_COUNT])
{
	uint64_t v;
	size_t n = get_varint(in, &v);
	*total = (sim_ns)v;
	size_t len = in[n++];
	if (part)
		tb_decode(in + n, part);
	return n + len;
}
