/* tests/testqueue.h — queueing-theory formulas the model-level suites
 * compare the simulator with (M/M/c). Expectations only: must not call
 * the simulator. */
#ifndef GMPSIM_TESTQUEUE_H
#define GMPSIM_TESTQUEUE_H

/* Erlang C: the probability that an arrival waits in M/M/c at load a = λs. */
static inline double erlang_c(int c, double a)
{
	double term = 1, sum = 0;
	for (int k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term / (1 - a / c);
	return top / (sum + top);
}

#endif
