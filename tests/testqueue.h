/* tests/testqueue.h — queueing-theory formulas the model-level suites
 * compare the simulator with (M/M/c, the finite-source M/M/c//N).
 * Expectations only: must not call the simulator. */
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

/* M/M/c FCFS mean response time with mean service s at arrival rate
 * lambda (< c/s): s + C(c, λs) / (c/s - λ). */
static inline double mmc_response(int c, double s, double lambda)
{
	return s + erlang_c(c, lambda * s) / (c / s - lambda);
}

/* The closed loop of n clients, each thinking a mean z between a response
 * and its next request, served FCFS by c servers with exponential service
 * of mean s (the machine-repairman model M/M/c//n; the think time's
 * distribution does not matter, only its mean). The birth-death chain on
 * the number of requests at the servers, k, has rates (n - k)/z up and
 * min(k, c)/s down; its throughput X = sum p_k min(k, c)/s. The response
 * time follows from the response-time law, R = n/X - z. O(n). */
static inline double repairman_throughput(int n, int c, double s, double z)
{
	double p = 1, sum = 1, busy = 0;
	for (int k = 1; k <= n; k++) {
		p *= (double)(n - k + 1) / z / ((double)(k < c ? k : c) / s);
		sum += p;
		busy += p * (k < c ? k : c);
		if (p > 1e200) {  /* rescale: only the ratio busy / sum matters */
			p *= 1e-200;
			sum *= 1e-200;
			busy *= 1e-200;
		}
	}
	return busy / sum / s;
}

#endif
