/* models/onethread/jvmgc.h — a JVM-style young-generation collector for the 1:1
 * models (threads, pool): allocations fill eden; an allocation that does
 * not fit requests a safepoint, and its thread waits for the collection;
 * once every running Java thread has reached a safepoint poll the world
 * stops (kern_stop_world) and the parallel GC threads scan every
 * thread's stack roots and copy the survivors; then the world restarts.
 * Pause = time to safepoint (longer with more threads, and with threads
 * waiting for a core) + that work / GC threads, so it grows with the
 * number of threads. Off (plain malloc, no collector) with
 * gc.jvm.enabled: false. Not modelled: old-generation and full
 * collections, TLABs, promotion (objects larger than eden go to the old
 * generation uncollected). */
#ifndef GMPSIM_JVMGC_H
#define GMPSIM_JVMGC_H
#include "types.h"

struct run;
struct task;

/* Creates the GC threads when gc.jvm.enabled (r->jgc stays NULL when
 * not). Returns 0, or -1 with err. */
int jgc_init(struct run *r, char *err, size_t errlen);
void jgc_free(struct run *r);
/* Task t (running on its thread, in step()) allocates bytes. Returns
 * true when eden is full: the thread must block (kern_block) until the
 * collection is over; it is woken when its allocation fits. Objects larger
 * than eden go straight to the old generation. */
bool jgc_alloc(struct run *r, struct task *t, int64_t bytes, bool temp);

#endif
