/* sim/store/overwrite.h — when a new results database may replace an
 * existing one (issue 11 point 3: results are never destroyed silently).
 *
 * The rule: a missing or empty target is written. A target that holds
 * runs is replaced only by the same study writing at least as many runs:
 * a run (`gmpsim S.yaml -o X.db`) replaces a database of runs of the same
 * scenario name, not a sweep's, holding at most as many runs as it
 * writes; a sweep replaces a database of the same sweep (fingerprint)
 * holding at most as many runs as it writes. Anything else — another
 * scenario's or sweep's runs, more runs, a file that is not a gmpsim
 * results database — is refused unless --force. Either way, replacing a
 * database that held runs is said in one line. Must not write anything. */
#ifndef GMPSIM_OVERWRITE_H
#define GMPSIM_OVERWRITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is about to be written. */
struct ovw_new {
	const char *scenario;     /* the scenario's name */
	const char *fingerprint;  /* a sweep's fingerprint (meta sweep_fingerprint), NULL for a run */
	int64_t nruns;            /* runs the new database will hold */
	bool force;               /* --force: replace whatever it is */
};

/* 0 when target may be replaced by n, with the one line to say in said
 * ("replacing X.db: 4 runs of scenario 'a'"; "" when nothing is
 * replaced); -1 with the refusal in err. */
int ovw_check(const char *target, const struct ovw_new *n, char *said, size_t saidlen, char *err, size_t errlen);

#endif
