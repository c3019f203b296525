/* sim/study/sweep_plan.c — builds a sweep plan from the command line and the
 * scenario's sweep: section, checks every point with the scenario loader,
 * and maps run numbers to (point, model, rep, seed) and back to a loaded
 * scenario. See sweep_plan.h for the numbering. Must not run simulations,
 * print, or touch databases.
 *
 * Error positions. A file axis value is handed to the loader as the
 * override "KEY=\nVALUE": the newline puts the value on the override's
 * second line, so a loader error on line 1 is about the key and one on a
 * later line about the value; plan_finish rewrites either to the position
 * of the key or value in the scenario file. */
#include "sweep_plan.h"
#include "model.h"
#include "rng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_init(struct sweep_plan *p, const char *scenario)
{
	memset(p, 0, sizeof *p);
	p->scenario = strdup(scenario);
	p->reps = 1;
}

static void axis_free(struct plan_axis *a)
{
	for (int i = 0; a->sets && i < a->values.n; i++)
		free(a->sets[i]);
	free(a->sets);
	axis_values_free(&a->values);
	free(a->key);
	free(a->val_line);
	free(a->val_col);
	memset(a, 0, sizeof *a);
}

void plan_free(struct sweep_plan *p)
{
	for (int i = 0; i < p->naxes; i++)
		axis_free(&p->axes[i]);
	for (int i = 0; i < p->nsets; i++)
		free(p->sets[i]);
	for (int i = 0; i < p->nmodels; i++)
		free(p->models[i]);
	free(p->scenario);
	free(p->name);
	memset(p, 0, sizeof *p);
}

static int oom(char *err, size_t errlen)
{
	snprintf(err, errlen, "gmpsim: out of memory");
	return -1;
}

/* ---- axes ------------------------------------------------------------------ */

static int axis_index(const struct sweep_plan *p, const char *key)
{
	for (int i = 0; i < p->naxes; i++)
		if (strcmp(p->axes[i].key, key) == 0)
			return i;
	return -1;
}

static void remove_axis(struct sweep_plan *p, int i)
{
	axis_free(&p->axes[i]);
	memmove(&p->axes[i], &p->axes[i + 1], (size_t)(p->naxes - i - 1) * sizeof p->axes[0]);
	p->naxes--;
	memset(&p->axes[p->naxes], 0, sizeof p->axes[0]);
}

/* Makes the loader's override text for every value of a. */
static int make_sets(struct plan_axis *a)
{
	a->sets = calloc((size_t)a->values.n, sizeof *a->sets);
	if (!a->sets)
		return -1;
	for (int i = 0; i < a->values.n; i++) {
		size_t n = strlen(a->key) + strlen(a->values.v[i]) + 3;
		if (!(a->sets[i] = malloc(n)))
			return -1;
		snprintf(a->sets[i], n, "%s=%s%s", a->key, a->from_file ? "\n" : "", a->values.v[i]);
	}
	return 0;
}

static int check_key(const char *key, const char *where, char *err, size_t errlen)
{
	if (!*key) {
		snprintf(err, errlen, "%s: empty key", where);
		return -1;
	}
	if (strcmp(key, "seed") == 0) {
		snprintf(err, errlen, "%s: 'seed' cannot be swept; use --reps N (each repetition "
			 "derives its seed from the base seed)", where);
		return -1;
	}
	return 0;
}

int plan_add_set(struct sweep_plan *p, const char *text, bool allow_axes, char *err, size_t errlen)
{
	const char *eq = strchr(text, '=');
	if (!eq) {
		snprintf(err, errlen, "--set %s: expected KEY=VALUE", text);
		return -1;
	}
	char *key = strndup(text, (size_t)(eq - text));
	if (!key)
		return oom(err, errlen);
	int old = axis_index(p, key);
	if (!axis_is_sweep(eq + 1)) {
		free(key);
		if (p->nsets == PLAN_MAX_SETS) {
			snprintf(err, errlen, "--set %s: too many --set options", text);
			return -1;
		}
		if (old >= 0 && !p->axes[old].from_file) {
			snprintf(err, errlen, "--set %s: '%s' is already swept by an earlier --set", text,
				 p->axes[old].key);
			return -1;
		}
		if (old >= 0)
			remove_axis(p, old); /* a fixed value for a file axis */
		return (p->sets[p->nsets++] = strdup(text)) ? 0 : oom(err, errlen);
	}
	char where[300], why[256];
	snprintf(where, sizeof where, "--set %s", text);
	if (!allow_axes) {
		free(key);
		snprintf(err, errlen, "%s: a list or range sweeps: use 'gmpsim sweep'", where);
		return -1;
	}
	if (check_key(key, where, err, errlen)) {
		free(key);
		return -1;
	}
	if (old >= 0 && !p->axes[old].from_file) {
		snprintf(err, errlen, "%s: '%s' is already swept by an earlier --set", where, key);
		free(key);
		return -1;
	}
	struct plan_axis a = { .key = key };
	if (axis_parse(eq + 1, &a.values, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s", where, why);
		axis_free(&a);
		return -1;
	}
	if (make_sets(&a)) {
		axis_free(&a);
		return oom(err, errlen);
	}
	if (old >= 0) { /* replaces the file's axis in its place */
		axis_free(&p->axes[old]);
		p->axes[old] = a;
		return 0;
	}
	if (p->naxes == PLAN_MAX_AXES) {
		snprintf(err, errlen, "%s: more than %d axes", where, PLAN_MAX_AXES);
		axis_free(&a);
		return -1;
	}
	p->axes[p->naxes++] = a;
	return 0;
}

int plan_add_model(struct sweep_plan *p, const char *name, char *err, size_t errlen)
{
	if (!model_find(name)) {
		snprintf(err, errlen, "--model %s: unknown model (see gmpsim --help for the list)", name);
		return -1;
	}
	for (int i = 0; i < p->nmodels; i++)
		if (strcmp(p->models[i], name) == 0)
			return 0;
	if (p->nmodels == SC_MAX_MODELS) {
		snprintf(err, errlen, "--model %s: too many models", name);
		return -1;
	}
	return (p->models[p->nmodels++] = strdup(name)) ? 0 : oom(err, errlen);
}

/* ---- the scenario's sweep: section -------------------------------------------- */

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *b = realloc(buf, cap *= 2);
		if (!b)
			free(buf);
		buf = b;
	}
	if (!buf || ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(errno) : "out of memory");
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int node_line(const struct yt *t, int id) { return (int)yt_node(t, id)->start_mark.line + 1; }
static int node_col(const struct yt *t, int id) { return (int)yt_node(t, id)->start_mark.column + 1; }

/* Appends the values of one YAML node (a scalar spec, or a sequence
 * item) and remembers the node's position for each. */
static int add_node_values(struct yt *t, int id, struct plan_axis *a, bool spec, char *why, size_t len)
{
	int before = a->values.n, rc;
	const yaml_node_t *n = yt_node(t, id);
	bool plain = n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (plain && spec) {
		rc = axis_parse(yt_text(t, id), &a->values, why, len);
	} else {
		rc = plain ? axis_parse_range(yt_text(t, id), &a->values, why, len) : 1;
		if (rc == 1) { /* one value: the node as flow YAML */
			char *text = axis_node_text(t, id);
			rc = text ? axis_values_add(&a->values, text, why, len) : -1;
			if (!text)
				snprintf(why, len, "out of memory");
			free(text);
		}
	}
	if (rc)
		return -1;
	int *l = realloc(a->val_line, (size_t)a->values.n * sizeof *l);
	if (l)
		a->val_line = l;
	int *c = realloc(a->val_col, (size_t)a->values.n * sizeof *c);
	if (c)
		a->val_col = c;
	if (!l || !c) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (int i = before; i < a->values.n; i++) {
		a->val_line[i] = node_line(t, id);
		a->val_col[i] = node_col(t, id);
	}
	return 0;
}

static int file_reps(struct sweep_plan *p, struct yt *t, int v)
{
	char *end;
	const char *s = yt_text(t, v);
	errno = 0;
	long r = yt_is_scalar(t, v) ? strtol(s, &end, 10) : 0;
	if (!yt_is_scalar(t, v) || errno || end == s || *end || r < 1 || r > 1000000)
		return yt_fail(t, v, "sweep.reps: expected an integer from 1 to 1000000");
	p->reps = (int)r;
	return 0;
}

static int file_axis(struct sweep_plan *p, struct yt *t, int k, int v)
{
	char where[128], why[256];
	snprintf(where, sizeof where, "%s:%d:%d", p->scenario, node_line(t, k), node_col(t, k));
	if (check_key(yt_text(t, k), where, t->err, t->errlen))
		return -1;
	if (p->naxes == PLAN_MAX_AXES)
		return yt_fail(t, k, "sweep: more than %d axes", PLAN_MAX_AXES);
	struct plan_axis a = { .from_file = true, .key_line = node_line(t, k), .key_col = node_col(t, k) };
	if (!(a.key = strdup(yt_text(t, k))))
		return yt_fail(t, k, "out of memory");
	int rc = 0;
	if (yt_is_sequence(t, v)) {
		if (yt_len(t, v) == 0)
			rc = yt_fail(t, v, "sweep.%s: empty list", a.key);
		for (int i = 0; rc == 0 && i < yt_len(t, v); i++)
			if (add_node_values(t, yt_item(t, v, i), &a, false, why, sizeof why))
				rc = yt_fail(t, yt_item(t, v, i), "sweep.%s: %s", a.key, why);
	} else if (add_node_values(t, v, &a, true, why, sizeof why)) {
		rc = yt_fail(t, v, "sweep.%s: %s", a.key, why);
	}
	if (rc == 0 && make_sets(&a))
		rc = yt_fail(t, v, "out of memory");
	if (rc) {
		axis_free(&a);
		return -1;
	}
	p->axes[p->naxes++] = a;
	return 0;
}

static int read_section(struct sweep_plan *p, struct yt *t)
{
	int root = yt_root(t);
	int sw = yt_is_mapping(t, root) ? yt_get(t, root, "sweep") : 0;
	if (!sw || yt_is_null(t, sw))
		return 0; /* the loader reports a document that is not a mapping */
	if (!yt_is_mapping(t, sw))
		return yt_fail_type(t, sw, "a mapping of KEY: VALUES (and reps: N)");
	if (yt_check_unique(t, sw))
		return -1;
	for (int i = 0; i < yt_len(t, sw); i++) {
		int k = yt_key(t, sw, i), v = yt_value(t, sw, i);
		int rc = strcmp(yt_text(t, k), "reps") == 0 ? file_reps(p, t, v) : file_axis(p, t, k, v);
		if (rc)
			return -1;
	}
	return 0;
}

int plan_read_file(struct sweep_plan *p, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = slurp(p->scenario, &len, err, errlen);
	if (!text)
		return -1;
	struct yt t;
	int rc = yt_open(&t, p->scenario, text, len, err, errlen);
	if (rc == 0)
		rc = read_section(p, &t);
	yt_close(&t);
	free(text);
	return rc;
}

/* ---- numbering ----------------------------------------------------------------- */

uint64_t plan_seed(uint64_t base, int rep)
{
	return rep == 0 ? base : rng_mix(rng_mix(base, rng_name("rep")), (uint64_t)rep);
}

int plan_value_index(const struct sweep_plan *p, int64_t point, int axis)
{
	for (int i = p->naxes - 1; i > axis; i--)
		point /= p->axes[i].values.n;
	return (int)(point % p->axes[axis].values.n);
}

void plan_run_of(const struct sweep_plan *p, int64_t number, struct plan_run *r)
{
	r->number = number;
	r->rep = (int)(number % p->reps);
	r->model = (int)(number / p->reps % p->nmodels);
	r->point = number / p->reps / p->nmodels;
	r->seed = plan_seed(p->base_seed, r->rep);
}

/* Whether axis key configures only a model other than model. */
static bool axis_other_model(const char *key, const char *model)
{
	if (strncmp(key, "models.", 7) != 0)
		return false;
	const char *y = key + 7, *dot = strchr(y, '.');
	size_t n = dot ? (size_t)(dot - y) : strlen(y);
	return !(strlen(model) == n && strncmp(y, model, n) == 0);
}

int64_t plan_shared_with(const struct sweep_plan *p, int64_t number)
{
	if (p->no_reuse)
		return -1;
	struct plan_run r;
	plan_run_of(p, number, &r);
	int64_t point = 0;
	for (int i = 0; i < p->naxes; i++) {
		int v = axis_other_model(p->axes[i].key, p->models[r.model]) ? 0 : plan_value_index(p, r.point, i);
		point = point * p->axes[i].values.n + v;
	}
	if (point == r.point)
		return -1;
	return (point * p->nmodels + r.model) * p->reps + r.rep;
}

const char *plan_point_text(const struct sweep_plan *p, int64_t point, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < p->naxes && n < len; i++) {
		const struct plan_axis *a = &p->axes[i];
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", i ? " " : "", a->key,
				      a->values.v[plan_value_index(p, point, i)]);
	}
	return buf;
}

/* The loader's overrides for (point, seed); seedbuf holds the seed's. */
static int point_sets(const struct sweep_plan *p, int64_t point, const char **sets, char *seedbuf,
		      size_t seedlen, uint64_t seed, bool with_seed)
{
	int n = 0;
	for (int i = 0; i < p->nsets; i++)
		sets[n++] = p->sets[i];
	for (int i = 0; i < p->naxes; i++)
		sets[n++] = p->axes[i].sets[plan_value_index(p, point, i)];
	if (with_seed) {
		snprintf(seedbuf, seedlen, "seed=%lld", (long long)seed);
		sets[n++] = seedbuf;
	}
	return n;
}

int plan_load(const struct sweep_plan *p, const struct plan_run *r, struct scenario *sc,
	      char *err, size_t errlen)
{
	const char *sets[PLAN_MAX_SETS + PLAN_MAX_AXES + 1];
	char seed[40];
	int n = point_sets(p, r->point, sets, seed, sizeof seed, r->seed, true);
	struct sc_sources src = { p->profile, sets, n };
	return sc_load_from(p->scenario, &src, sc, err, errlen);
}

/* ---- checking every point ---------------------------------------------------------- */

/* Rewrites a loader error about a file axis's override to the position of
 * its key or value in the scenario file. */
static void map_error(const struct sweep_plan *p, int64_t point, char *err, size_t errlen)
{
	for (int i = 0; i < p->naxes; i++) {
		const struct plan_axis *a = &p->axes[i];
		int v = plan_value_index(p, point, i);
		char prefix[1024];
		int n = snprintf(prefix, sizeof prefix, "--set %s:", a->sets[v]);
		if (!a->from_file || n >= (int)sizeof prefix || strncmp(err, prefix, (size_t)n) != 0)
			continue;
		int line, col, used = 0;
		if (sscanf(err + n, "%d:%d: %n", &line, &col, &used) != 2 || !used)
			return;
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", err + n + used);
		if (line == 1)
			snprintf(err, errlen, "%s:%d:%d: %s", p->scenario, a->key_line, a->key_col + col - 1, msg);
		else
			snprintf(err, errlen, "%s:%d:%d: sweep value for %s: %s", p->scenario, a->val_line[v],
				 a->val_col[v], a->key, msg);
		return;
	}
}

static int check_models(const struct sweep_plan *p, const struct scenario *sc, int64_t point,
			char *err, size_t errlen)
{
	for (int m = 0; m < p->nmodels; m++) {
		if (sc_model_index(sc, p->models[m]) >= 0)
			continue;
		char pt[512];
		snprintf(err, errlen, "%s: model '%s' is not enabled at sweep point %lld%s%s%s",
			 p->scenario, p->models[m], (long long)point, p->naxes ? " (" : "",
			 plan_point_text(p, point, pt, sizeof pt), p->naxes ? ")" : "");
		return -1;
	}
	return 0;
}

/* Point 0 fixes the name, the models (unless --model), the base seed and
 * the fingerprint's scenario part. */
static int take_point0(struct sweep_plan *p, const struct scenario *sc)
{
	if (!(p->name = strdup(sc->name)))
		return -1;
	p->base_seed = sc->seed;
	if (p->nmodels == 0)
		for (int i = 0; i < sc->nmodels; i++)
			if (!(p->models[p->nmodels++] = strdup(sc->models[i])))
				return -1;
	return 0;
}

static void hash_str(uint64_t *h, const char *s)
{
	for (; *s; s++) {
		*h ^= (unsigned char)*s;
		*h *= 0x100000001b3ULL;
	}
	*h ^= 0x1f; /* separator */
	*h *= 0x100000001b3ULL;
}

static uint64_t fingerprint(const struct sweep_plan *p, const struct scenario *sc0)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[64];
	hash_str(&h, "gmpsim sweep 1");
	hash_str(&h, GMPSIM_VERSION);
	for (int i = 0; i < sc0->nparams; i++) {
		hash_str(&h, sc0->params[i].key);
		hash_str(&h, sc0->params[i].value);
	}
	for (int i = 0; i < p->naxes; i++) {
		hash_str(&h, "axis");
		hash_str(&h, p->axes[i].key);
		for (int v = 0; v < p->axes[i].values.n; v++)
			hash_str(&h, p->axes[i].values.v[v]);
	}
	for (int m = 0; m < p->nmodels; m++)
		hash_str(&h, p->models[m]);
	snprintf(buf, sizeof buf, "reps %d seed %llu", p->reps, (unsigned long long)p->base_seed);
	hash_str(&h, buf);
	if (p->no_reuse) /* the shared runs' marker rows differ: another database */
		hash_str(&h, "no-reuse");
	return h;
}

/* The points are the product of the axes' lengths; more than
 * PLAN_MAX_POINTS is refused before any is loaded (the product counted in
 * double: it cannot overflow). */
static int count_points(struct sweep_plan *p, char *err, size_t errlen)
{
	double n = 1;
	char shape[256] = "";
	size_t k = 0;
	for (int i = 0; i < p->naxes; i++) {
		n *= p->axes[i].values.n;
		if (k < sizeof shape)
			k += (size_t)snprintf(shape + k, sizeof shape - k, "%s%d", i ? " x " : "", p->axes[i].values.n);
	}
	if (n <= PLAN_MAX_POINTS) {
		p->npoints = (int64_t)n;
		return 0;
	}
	snprintf(err, errlen, "%s: the sweep has %.0f points (%s), more than %lld: sweep fewer values "
		 "per axis, or split it into sweeps of fewer axes", p->scenario, n, shape, PLAN_MAX_POINTS);
	return -1;
}

int plan_finish(struct sweep_plan *p, char *err, size_t errlen)
{
	if (!p->scenario || count_points(p, err, errlen))
		return p->scenario ? -1 : oom(err, errlen);
	for (int64_t pt = 0; pt < p->npoints; pt++) {
		const char *sets[PLAN_MAX_SETS + PLAN_MAX_AXES + 1];
		struct scenario sc;
		int n = point_sets(p, pt, sets, NULL, 0, 0, false);
		struct sc_sources src = { p->profile, sets, n };
		if (sc_load_from(p->scenario, &src, &sc, err, errlen)) {
			map_error(p, pt, err, errlen);
			return -1;
		}
		int rc = pt == 0 && take_point0(p, &sc) ? oom(err, errlen) : 0;
		if (rc == 0)
			rc = check_models(p, &sc, pt, err, errlen);
		if (rc == 0 && pt == 0)
			p->fingerprint = fingerprint(p, &sc);
		sc_free(&sc);
		if (rc)
			return -1;
	}
	p->nruns = p->npoints * p->nmodels * p->reps;
	if (p->nruns > PLAN_MAX_RUNS) {
		snprintf(err, errlen, "%s: the sweep has %lld runs (at most %lld)", p->scenario,
			 (long long)p->nruns, PLAN_MAX_RUNS);
		return -1;
	}
	return 0;
}

/* ---- --run ----------------------------------------------------------------------- */

static int bad_spec(const struct sweep_plan *p, const char *spec, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "--run %s: %s (this sweep has %lld runs: 1-%lld)", spec, why,
		 (long long)p->nruns, (long long)p->nruns);
	return -1;
}

/* A run as the user numbers it: run_id, from 1. */
static int parse_run_number(const char *s, char **end, long long *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoll(s, end, 10);
	return errno ? -1 : 0;
}

int plan_select(const struct sweep_plan *p, const char *spec, unsigned char *sel, char *err, size_t errlen)
{
	const char *s = spec;
	memset(sel, 0, (size_t)p->nruns);
	for (;;) {
		long long lo, hi;
		char *end;
		if (parse_run_number(s, &end, &lo))
			return bad_spec(p, spec, "expected N, N-M or a comma-separated list of them", err, errlen);
		hi = lo;
		if (*end == '-' && parse_run_number(end + 1, &end, &hi))
			return bad_spec(p, spec, "expected a number after '-'", err, errlen);
		if (hi < lo)
			return bad_spec(p, spec, "a range must not run backwards", err, errlen);
		if (lo < 1 || hi > p->nruns) {
			char why[96];
			snprintf(why, sizeof why, "run %lld is out of range (runs are numbered from 1)", lo < 1 ? lo : hi);
			return bad_spec(p, spec, why, err, errlen);
		}
		memset(sel + lo - 1, 1, (size_t)(hi - lo + 1));
		if (*end == 0)
			return 0;
		if (*end != ',')
			return bad_spec(p, spec, "expected N, N-M or a comma-separated list of them", err, errlen);
		s = end + 1;
	}
}
