/* sim/study/sweep_db.h — what sweeps need from results databases beyond writing
 * runs (sim/store/db.c does that): the sweep's identity in meta and
 * sweep_axes, reading an existing database's identity and run list
 * (for --resume and merge), copying runs from another database, and a
 * digest of one run's rows (merge compares duplicates with it).
 *
 * Every error names the file. Must not run simulations or print. */
#ifndef GMPSIM_SWEEP_DB_H
#define GMPSIM_SWEEP_DB_H
#include "db.h"
#include "sweep_plan.h"

/* An existing sweep database, read-only. */
struct sdb_info {
	char *path;
	char fingerprint[40], reps[24], models[160], seed[32], runs[32], reuse[8];
	int64_t n;              /* rows of runs */
	int64_t *numbers;       /* their run_number, ascending */
	unsigned char *complete;/* per row: status = 'complete' */
};

/* Writes meta's sweep_* facts and the sweep_axes rows of p into db. */
int sdb_write_meta(struct db *db, const struct sweep_plan *p, char *err, size_t errlen);

/* Opens path read-only and checks it: an SQLite file that passes
 * quick_check, meta schema_version 2, a sweep fingerprint, a run_number
 * on every run and none twice. Fills info (sdb_info_free it). Returns 0,
 * or -1 with "PATH: ..." in err ("not a gmpsim results database", ...). */
int sdb_read(const char *path, struct sdb_info *info, char *err, size_t errlen);
void sdb_info_free(struct sdb_info *info);

/* The fingerprint as stored in meta (16 hex digits). */
void sdb_fingerprint_text(uint64_t fp, char *buf, size_t len);

/* Why info's sweep differs from p ("reps 5 here, 3 in x.db"); for errors. */
void sdb_explain_mismatch(const struct sdb_info *info, const struct sweep_plan *p, char *buf, size_t len);

/* Copies every run of src with lo <= run_number < hi that db does not
 * hold yet, with all its rows, into db as run_id = run_number + 1, in
 * run-number order. */
int sdb_copy_runs(struct db *db, const char *src, int64_t lo, int64_t hi, char *err, size_t errlen);
/* In a resumed sweep's partial file (an interrupted sweep's): removes the
 * runs that are not complete, with all their rows, and the axes (written
 * again). */
int sdb_keep_complete(struct db *db, char *err, size_t errlen);
/* Copies src's sweep_* meta facts and sweep_axes rows into db. */
int sdb_copy_meta(struct db *db, const char *src, char *err, size_t errlen);

/* A 64-bit digest of run `number`'s rows in path: the runs row without
 * run_id, wall_s and created_at, and its params, metrics, histograms and
 * timeseries rows in order. */
int sdb_run_digest(const char *path, int64_t number, uint64_t *digest, char *err, size_t errlen);

#endif
