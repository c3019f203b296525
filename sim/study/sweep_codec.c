/* sim/study/sweep_codec.c — run_result <-> bytes for the sweep's worker pipes.
 * Layout: fixed fields, then counted arrays; integers little- or big-endian
 * as the machine has them (both ends are the same binary on the same
 * host); strings as a u32 length (UINT32_MAX = NULL) and the bytes. Must
 * not allocate anything the caller does not free. */
#include "sweep_codec.h"
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct enc {
	unsigned char *b;
	size_t n, cap;
	int bad;
};

static void put(struct enc *e, const void *p, size_t len)
{
	if (e->bad)
		return;
	bool ok;
	GROW_TRY(e->b, e->n + len, e->cap, 256, ok);
	if (!ok) {
		e->bad = 1;
		return;
	}
	memcpy(e->b + e->n, p, len);
	e->n += len;
}

static void put_u64(struct enc *e, uint64_t v) { put(e, &v, sizeof v); }
static void put_f64(struct enc *e, double v) { put(e, &v, sizeof v); }

static void put_str(struct enc *e, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	put(e, &n, sizeof n);
	if (s)
		put(e, s, n);
}

unsigned char *codec_encode(const struct run_result *r, size_t *len)
{
	struct enc e = { 0 };
	put_str(&e, r->scenario);
	put_str(&e, r->model);
	put_str(&e, r->status);
	put_str(&e, r->error);
	put_u64(&e, r->seed);
	put_u64(&e, (uint64_t)(int64_t)r->rep);
	put_u64(&e, (uint64_t)(int64_t)r->point_id);
	put_u64(&e, (uint64_t)r->run_number);
	put_u64(&e, (uint64_t)r->sim_ns_run);
	put_u64(&e, r->events);
	put_f64(&e, r->wall_s);
	put_u64(&e, (uint64_t)r->nparams);
	for (int i = 0; i < r->nparams; i++) {
		put_str(&e, r->params[i].key);
		put_str(&e, r->params[i].value);
	}
	put_u64(&e, (uint64_t)r->nmetrics);
	for (int i = 0; i < r->nmetrics; i++) {
		put_str(&e, r->metrics[i].name);
		put_f64(&e, r->metrics[i].value);
		put_str(&e, r->metrics[i].unit);
	}
	put_u64(&e, (uint64_t)r->nbuckets);
	for (int i = 0; i < r->nbuckets; i++) {
		put_str(&e, r->buckets[i].name);
		put_f64(&e, r->buckets[i].lo);
		put_f64(&e, r->buckets[i].hi);
		put_u64(&e, (uint64_t)r->buckets[i].count);
	}
	put_u64(&e, (uint64_t)r->nseries_names);
	for (int i = 0; i < r->nseries_names; i++)
		put_str(&e, r->series_names[i]);
	put_u64(&e, (uint64_t)r->nsamples);
	for (int i = 0; i < r->nsamples; i++) {
		put_u64(&e, (uint64_t)r->samples[i].t);
		put_u64(&e, (uint64_t)(int64_t)r->samples[i].name);
		put_f64(&e, r->samples[i].value);
	}
	if (e.bad) {
		free(e.b);
		return NULL;
	}
	*len = e.n;
	return e.b;
}

/* ---- decoding ---------------------------------------------------------------- */

struct dec {
	const unsigned char *b;
	size_t n, pos;
	int bad;
	char *strs[3]; /* the last strings read, owned until the next get_str into the slot */
};

static void get(struct dec *d, void *p, size_t len)
{
	if (d->bad || d->n - d->pos < len) {
		d->bad = 1;
		memset(p, 0, len);
		return;
	}
	memcpy(p, d->b + d->pos, len);
	d->pos += len;
}

static uint64_t get_u64(struct dec *d) { uint64_t v; get(d, &v, sizeof v); return v; }
static double get_f64(struct dec *d) { double v; get(d, &v, sizeof v); return v; }

/* The next string into slot (NULL for a NULL string or an error). */
static const char *get_str(struct dec *d, int slot)
{
	uint32_t n;
	get(d, &n, sizeof n);
	free(d->strs[slot]);
	d->strs[slot] = NULL;
	if (d->bad || n == UINT32_MAX)
		return NULL;
	if (d->n - d->pos < n) {
		d->bad = 1;
		return NULL;
	}
	d->strs[slot] = strndup((const char *)d->b + d->pos, n);
	if (!d->strs[slot])
		d->bad = 1;
	d->pos += n;
	return d->strs[slot];
}

/* A count that fits in what is left (each item takes at least min bytes). */
static int64_t get_count(struct dec *d, size_t min)
{
	uint64_t n = get_u64(d);
	if (d->bad || n > (d->n - d->pos) / min || n > INT32_MAX) {
		d->bad = 1;
		return 0;
	}
	return (int64_t)n;
}

static void decode_arrays(struct dec *d, struct run_result *r)
{
	for (int64_t i = 0, n = get_count(d, 8); i < n && !d->bad; i++) {
		const char *k = get_str(d, 0), *v = get_str(d, 1);
		if (!d->bad && k)
			res_param(r, k, v);
	}
	for (int64_t i = 0, n = get_count(d, 16); i < n && !d->bad; i++) {
		const char *name = get_str(d, 0);
		double v = get_f64(d);
		const char *unit = get_str(d, 1);
		if (!d->bad && name)
			res_metric(r, name, v, unit);
	}
	for (int64_t i = 0, n = get_count(d, 28); i < n && !d->bad; i++) {
		const char *name = get_str(d, 0);
		double lo = get_f64(d), hi = get_f64(d);
		int64_t count = (int64_t)get_u64(d);
		if (!d->bad && name)
			res_bucket(r, name, lo, hi, count);
	}
	for (int64_t i = 0, n = get_count(d, 4); i < n && !d->bad; i++) {
		const char *name = get_str(d, 0);
		if (!d->bad && name && res_series(r, name) != i)
			d->bad = 1; /* duplicate series name */
	}
	for (int64_t i = 0, n = get_count(d, 24); i < n && !d->bad; i++) {
		sim_ns t = (sim_ns)get_u64(d);
		int name = (int)(int64_t)get_u64(d);
		double v = get_f64(d);
		if (!d->bad)
			res_sample(r, t, name, v);
	}
}

int codec_decode(const unsigned char *buf, size_t len, struct run_result *r)
{
	struct dec d = { .b = buf, .n = len };
	const char *scenario = get_str(&d, 0), *model = get_str(&d, 1);
	bool named = scenario && model;
	res_init(r, scenario ? scenario : "", model ? model : "", 0);
	const char *status = get_str(&d, 0), *error = get_str(&d, 1);
	res_set_status(r, status ? status : "incomplete", error);
	r->seed = get_u64(&d);
	r->rep = (int)(int64_t)get_u64(&d);
	r->point_id = (int)(int64_t)get_u64(&d);
	r->run_number = (int64_t)get_u64(&d);
	r->sim_ns_run = (sim_ns)get_u64(&d);
	r->events = get_u64(&d);
	r->wall_s = get_f64(&d);
	decode_arrays(&d, r);
	for (int i = 0; i < 3; i++)
		free(d.strs[i]);
	if (d.bad || d.pos != d.n || !named) {
		res_free(r);
		return -1;
	}
	return 0;
}
