/* sim/study/sweep_exec.c — the sweep's worker processes. The parent keeps every
 * worker busy with one run at a time (a run number down the worker's
 * command pipe), reads each result back as a length-prefixed sweep_codec
 * message on the worker's result pipe, and hands results to the writer in
 * run-number order. Runs are dispatched in ascending order and at most
 * WINDOW ahead of the oldest unwritten one, so the results waiting to be
 * written stay few. Workers are plain fork()ed copies: no exec, no shared
 * memory, no threads. Must not write databases. */
#include "sweep_exec.h"
#include "run.h"
#include "sweep_codec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_WORKERS = 256, EXIT_INTERRUPTED = 130 };

/* ---- signals ------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;
static const char *temp_to_remove;

static void on_signal(int sig)
{
	(void)sig;
	if (interrupted) { /* a second Ctrl-C: give up at once */
		if (temp_to_remove)
			unlink(temp_to_remove);
		_exit(EXIT_INTERRUPTED);
	}
	interrupted = 1;
}

void exec_catch_signals(const char *temp_path)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	temp_to_remove = temp_path;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool exec_interrupted(void) { return interrupted != 0; }

/* ---- pipes ---------------------------------------------------------------------- */

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- results that did not come from a finished run ------------------------------ */

void exec_stub_result(const struct sweep_plan *p, int64_t number, const char *status,
		      const char *error, struct run_result *out)
{
	struct plan_run r;
	struct scenario sc;
	char err[512];
	plan_run_of(p, number, &r);
	const char *model = p->models[r.model];
	res_init(out, p->name, model, r.seed);
	if (plan_load(p, &r, &sc, err, sizeof err) == 0) {
		for (int i = 0; i < sc.nparams; i++)
			res_param(out, sc.params[i].key, sc.params[i].value);
		res_param(out, "model", model);
		sc_free(&sc);
	}
	out->rep = r.rep;
	out->point_id = (int)r.point;
	out->run_number = number;
	res_set_status(out, status, error);
}

void plan_mark_shared(const struct sweep_plan *p, int64_t number, struct run_result *res)
{
	int64_t with = plan_shared_with(p, number);
	char id[32];
	if (with < 0)
		return;
	snprintf(id, sizeof id, "%lld", (long long)with + 1);
	res_param(res, PLAN_SHARED_KEY, id);
}

void exec_copy_shared(const struct sweep_plan *p, int64_t number, const struct run_result *from,
		      struct run_result *out)
{
	exec_stub_result(p, number, from->status, from->error, out);
	plan_mark_shared(p, number, out);
	out->seed = from->seed;
	out->sim_ns_run = from->sim_ns_run;
	out->events = from->events;
	out->wall_s = 0;
	for (int i = 0; i < from->nmetrics; i++)
		res_metric(out, from->metrics[i].name, from->metrics[i].value, from->metrics[i].unit);
	for (int i = 0; i < from->nbuckets; i++)
		res_bucket(out, from->buckets[i].name, from->buckets[i].lo, from->buckets[i].hi, from->buckets[i].count);
	for (int i = 0; i < from->nseries_names; i++)
		res_series(out, from->series_names[i]);
	for (int i = 0; i < from->nsamples; i++)
		res_sample(out, from->samples[i].t, from->samples[i].name, from->samples[i].value);
}

/* ---- the worker ------------------------------------------------------------------ */

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void worker_run(const struct sweep_plan *p, int64_t number, struct run_result *res)
{
	struct plan_run r;
	struct scenario sc;
	char err[1024];
	double t0 = wall_now();
	plan_run_of(p, number, &r);
	if (plan_load(p, &r, &sc, err, sizeof err) != 0) {
		exec_stub_result(p, number, "failed", err, res);
		return;
	}
	run_model(&sc, p->models[r.model], res, err, sizeof err);
	sc_free(&sc);
	plan_mark_shared(p, number, res);
	res->rep = r.rep;
	res->point_id = (int)r.point;
	res->run_number = number;
	res->wall_s = wall_now() - t0;
}

static void worker_main(const struct sweep_plan *p, int cmd, int out, pid_t parent)
{
	signal(SIGINT, SIG_IGN); /* the parent decides; it stops us with SIGTERM */
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	int64_t number;
	while (read_full(cmd, &number, sizeof number) == 0) {
		struct run_result res;
		size_t len = 0;
		worker_run(p, number, &res);
		unsigned char *buf = codec_encode(&res, &len);
		uint64_t n = len;
		if (!buf || write_full(out, &n, sizeof n) || write_full(out, buf, len))
			_exit(3);
		free(buf);
		res_free(&res);
	}
	_exit(0);
}

/* ---- the parent's side of a worker ------------------------------------------------ */

struct worker {
	pid_t pid;
	int cmd, res;      /* parent's ends: write commands, read results; -1 when closed */
	int64_t idx;       /* index into job->runs in progress, -1 when idle */
	unsigned char *buf;
	size_t n, cap;
};

struct pool {
	const struct exec_job *job;
	struct worker w[MAX_WORKERS];
	int nw;
	struct pending { int64_t idx; struct run_result r; } *pend;
	int npend, cappend;
	int64_t next_dispatch, next_write, received;
	struct exec_stats *st;
	double t0;
	char *err;
	size_t errlen;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int spawn(struct pool *pl, struct worker *w)
{
	int cmd[2], res[2];
	if (pipe(cmd))
		return -1;
	if (pipe(res)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		for (int i = 0; i < pl->nw; i++) { /* the other workers' pipes stay theirs */
			close_fd(&pl->w[i].cmd);
			close_fd(&pl->w[i].res);
		}
		close(cmd[1]);
		close(res[0]);
		if (pl->job->close_in_workers > STDERR_FILENO)
			close(pl->job->close_in_workers);
		worker_main(pl->job->plan, cmd[0], res[1], parent);
	}
	close(cmd[0]);
	close(res[1]);
	if (pid < 0) {
		close(cmd[1]);
		close(res[0]);
		return -1;
	}
	fcntl(res[0], F_SETFL, fcntl(res[0], F_GETFL) | O_NONBLOCK);
	fcntl(res[0], F_SETFD, FD_CLOEXEC);
	fcntl(cmd[1], F_SETFD, FD_CLOEXEC);
	*w = (struct worker){ .pid = pid, .cmd = cmd[1], .res = res[0], .idx = -1 };
	return 0;
}

static void add_pending(struct pool *pl, int64_t idx, struct run_result *r)
{
	if (pl->npend == pl->cappend) {
		int cap = pl->cappend ? 2 * pl->cappend : 16;
		struct pending *p = realloc(pl->pend, (size_t)cap * sizeof *p);
		if (!p) {
			fprintf(stderr, "gmpsim: out of memory\n");
			exit(2);  /* out of memory: a clear exit, not abort() */
		}
		pl->pend = p;
		pl->cappend = cap;
	}
	pl->pend[pl->npend].idx = idx;
	pl->pend[pl->npend].r = *r;
	pl->npend++;
	if (strcmp(r->status, "interrupted") != 0)
		pl->received++;
}

/* A worker that died or garbled its result: its run fails, it is reaped. */
static void worker_lost(struct pool *pl, struct worker *w, const char *why)
{
	int status = 0;
	char msg[160];
	close_fd(&w->cmd);
	close_fd(&w->res);
	if (w->pid > 0 && waitpid(w->pid, &status, 0) > 0 && WIFSIGNALED(status))
		snprintf(msg, sizeof msg, "worker process died (signal %d) during the run", WTERMSIG(status));
	else
		snprintf(msg, sizeof msg, "worker process %s", why);
	w->pid = 0;
	if (w->idx >= 0) {
		struct run_result r;
		exec_stub_result(pl->job->plan, pl->job->runs[w->idx], "failed", msg, &r);
		add_pending(pl, w->idx, &r);
	}
	w->idx = -1;
	w->n = 0;
}

/* Reads what w has sent; takes a whole message when there is one. */
static void drain(struct pool *pl, struct worker *w)
{
	for (;;) {
		if (w->cap - w->n < 65536) {
			size_t cap = w->cap * 2 + 65536;
			unsigned char *b = realloc(w->buf, cap);
			if (!b)
				return worker_lost(pl, w, "result too large for memory");
			w->buf = b;
			w->cap = cap;
		}
		ssize_t got = read(w->res, w->buf + w->n, w->cap - w->n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			break;
		if (got <= 0)
			return worker_lost(pl, w, "exited during the run");
		w->n += (size_t)got;
	}
	uint64_t len;
	if (w->n < sizeof len)
		return;
	memcpy(&len, w->buf, sizeof len);
	if (w->n < sizeof len + len)
		return;
	struct run_result r;
	if (w->idx < 0 || w->n != sizeof len + len || codec_decode(w->buf + sizeof len, len, &r))
		return worker_lost(pl, w, "sent a malformed result");
	add_pending(pl, w->idx, &r);
	w->idx = -1;
	w->n = 0;
}

/* Hands pending results to the writer while the next one in order is there. */
static int flush(struct pool *pl)
{
	for (bool found = true; found;) {
		found = false;
		for (int i = 0; i < pl->npend; i++) {
			if (pl->pend[i].idx != pl->next_write)
				continue;
			struct run_result r = pl->pend[i].r;
			pl->pend[i] = pl->pend[--pl->npend];
			int rc = pl->job->write(pl->job->ctx, &r, pl->err, pl->errlen);
			const char *s = r.status;
			pl->st->complete += strcmp(s, "complete") == 0;
			pl->st->interrupted += strcmp(s, "interrupted") == 0;
			pl->st->failed += strcmp(s, "complete") && strcmp(s, "interrupted");
			res_free(&r);
			pl->next_write++;
			if (rc)
				return -1;
			found = true;
			break;
		}
	}
	return 0;
}

static int64_t window(const struct pool *pl) { return pl->nw * 4 > 64 ? pl->nw * 4 : 64; }

static void dispatch(struct pool *pl)
{
	for (int i = 0; i < pl->nw; i++) {
		struct worker *w = &pl->w[i];
		if (pl->next_dispatch >= pl->job->nruns || pl->next_dispatch >= pl->next_write + window(pl))
			return;
		if (w->pid <= 0 && spawn(pl, w) != 0)
			continue;
		if (w->idx >= 0)
			continue;
		int64_t number = pl->job->runs[pl->next_dispatch];
		w->idx = pl->next_dispatch;
		if (write_full(w->cmd, &number, sizeof number) != 0) {
			w->idx = -1; /* not started: the next round gives it to a new worker */
			worker_lost(pl, w, "did not take a run");
			return;
		}
		pl->next_dispatch++;
	}
}

/* ---- progress ---------------------------------------------------------------------- */

static void fmt_eta(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%lds", t);
}

static void draw(const struct pool *pl, bool last)
{
	if (!pl->job->progress)
		return;
	int64_t total = pl->job->nruns, done = pl->received;
	char bar[31], eta[32] = "?";
	int fill = total ? (int)(30 * done / total) : 30;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	double el = wall_now() - pl->t0;
	if (done > 0)
		fmt_eta(el / (double)done * (double)(total - done), eta, sizeof eta);
	int64_t failed = pl->st->failed;
	fprintf(stderr, "\r\033[K[%s] %lld/%lld runs, %lld failed, ETA %s%s", bar, (long long)done,
		(long long)total, (long long)failed, eta, last ? "\n" : "");
	fflush(stderr);
}

/* ---- the loop ------------------------------------------------------------------------ */

static void poll_workers(struct pool *pl)
{
	struct pollfd fds[MAX_WORKERS];
	int map[MAX_WORKERS], n = 0;
	for (int i = 0; i < pl->nw; i++) {
		if (pl->w[i].res < 0 || pl->w[i].idx < 0)
			continue;
		fds[n] = (struct pollfd){ .fd = pl->w[i].res, .events = POLLIN };
		map[n++] = i;
	}
	if (n == 0)
		return;
	int rc = poll(fds, (nfds_t)n, pl->job->progress ? 500 : 5000);
	for (int k = 0; rc > 0 && k < n; k++)
		if (fds[k].revents)
			drain(pl, &pl->w[map[k]]);
}

/* After an interruption or a writer error: take the results already sent,
 * stop the workers, and mark the runs they held as interrupted. */
static void stop_all(struct pool *pl, bool mark_interrupted)
{
	for (int i = 0; i < pl->nw; i++)
		if (pl->w[i].res >= 0 && pl->w[i].idx >= 0)
			drain(pl, &pl->w[i]);
	for (int i = 0; i < pl->nw; i++) {
		struct worker *w = &pl->w[i];
		if (w->pid > 0 && w->idx >= 0)
			kill(w->pid, SIGTERM);
		close_fd(&w->cmd); /* an idle worker exits on EOF */
		close_fd(&w->res);
		if (w->pid > 0)
			waitpid(w->pid, NULL, 0);
		w->pid = 0;
		if (w->idx >= 0 && mark_interrupted) {
			struct run_result r;
			exec_stub_result(pl->job->plan, pl->job->runs[w->idx], "interrupted", NULL, &r);
			add_pending(pl, w->idx, &r);
		}
		w->idx = -1;
		free(w->buf);
		w->buf = NULL;
	}
}

int exec_run(const struct exec_job *job, struct exec_stats *st, char *err, size_t errlen)
{
	struct pool pl = { .job = job, .st = st, .err = err, .errlen = errlen, .t0 = wall_now() };
	memset(st, 0, sizeof *st);
	pl.nw = job->workers < 1 ? 1 : job->workers > MAX_WORKERS ? MAX_WORKERS : job->workers;
	if (pl.nw > job->nruns)
		pl.nw = job->nruns > 0 ? (int)job->nruns : 1;
	for (int i = 0; i < pl.nw; i++)
		pl.w[i] = (struct worker){ .cmd = -1, .res = -1, .idx = -1 };
	int rc = 0;
	while (pl.next_write < job->nruns && !interrupted) {
		dispatch(&pl);
		if (pl.next_dispatch == pl.next_write && pl.npend == 0) {
			snprintf(err, errlen, "cannot start worker processes: %s", strerror(errno));
			rc = -1;
			break;
		}
		poll_workers(&pl);
		if (flush(&pl)) {
			rc = -1;
			break;
		}
		draw(&pl, false);
	}
	bool cut = interrupted && pl.next_write < job->nruns;
	stop_all(&pl, rc == 0);
	if (rc == 0 && flush(&pl))
		rc = -1;
	draw(&pl, true);
	for (int i = 0; i < pl.npend; i++)
		res_free(&pl.pend[i].r);
	free(pl.pend);
	st->not_started = job->nruns - pl.next_write;
	return rc ? -1 : cut ? 1 : 0;
}
