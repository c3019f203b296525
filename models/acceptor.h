/* models/acceptor.h — the server's accept loop: a kernel thread that takes
 * open-loop arrivals from the listen backlog, pays the accept cost and the
 * model's cost of starting a request (a thread creation, a queue put plus a
 * wake-up, a newproc), then starts it. A model whose start-up cost is high
 * saturates here, as a thread-per-request server does. With
 * acceptor.listeners > 1, one such thread per SO_REUSEPORT listening socket.
 * Must not know which model it serves beyond the model_ops calls. */
#ifndef GMPSIM_ACCEPTOR_H
#define GMPSIM_ACCEPTOR_H
#include "types.h"

struct run;
struct task;

struct acceptor *acc_create(struct run *r);
void acc_destroy(struct acceptor *a);
/* A connection arrives: queue it in the next listener's backlog (round robin) and wake its thread. */
void acc_put(struct acceptor *a, struct task *t);
/* Connections waiting in the backlogs. */
int64_t acc_backlog(const struct acceptor *a);

#endif
