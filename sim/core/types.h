/* sim/core/types.h — the few types every layer shares: virtual time.
 * Must not grow into a grab-bag: module types live in their module's header. */
#ifndef GMPSIM_TYPES_H
#define GMPSIM_TYPES_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Virtual time and durations, in nanoseconds. Never floating point. */
typedef int64_t sim_ns;

#define SIM_NS_PER_US 1000LL
#define SIM_NS_PER_MS 1000000LL
#define SIM_NS_PER_S 1000000000LL
#define SIM_NS_MAX INT64_MAX

#define GMPSIM_VERSION "0.2.0"

#endif
