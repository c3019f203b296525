/* sim/core/check.h — invariant checks on the per-event path (a burst's start
 * and end, a step, an event's push): HOT_ASSERT is assert() in the test and
 * sanitizer builds, and compiles to nothing in the release gmpsim (built
 * with -DGMPSIM_RELEASE, Makefile), where these checks cost about 2.5 % of
 * a run's instructions. The condition is never evaluated there, so it must
 * have no side effects. Checks off the per-event path keep plain assert(). */
#ifndef GMPSIM_CHECK_H
#define GMPSIM_CHECK_H
#include <assert.h>

#ifdef GMPSIM_RELEASE
#define HOT_ASSERT(cond) ((void)sizeof(!(cond)))
#else
#define HOT_ASSERT(cond) assert(cond)
#endif

#endif
