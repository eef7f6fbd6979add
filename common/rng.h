/*
 * rng: a seeded, deterministic pseudo-random generator.
 *
 * xoshiro256** seeded through splitmix64: the same seed gives the same
 * sequence on every machine and compiler (only fixed-width unsigned arithmetic
 * is used), which is what makes the mock's ids, outcomes and faults
 * reproducible. Not for secrets: gk_rng_random_seed() draws a seed from the
 * operating system (libsodium) when the user gives none.
 *
 * Thread-safety: a struct gk_rng is plain state; guard it if shared.
 */
#ifndef GK_RNG_H
#define GK_RNG_H

#include <stdint.h>

struct gk_rng {
    uint64_t s[4];
};

/* Seeds r; any seed, 0 included, gives a well-mixed state. */
void gk_rng_init(struct gk_rng *r, uint64_t seed);
/* Next 64 uniformly distributed bits. */
uint64_t gk_rng_next(struct gk_rng *r);
/* Uniform in [0, n) without modulo bias; 0 when n is 0. */
uint64_t gk_rng_below(struct gk_rng *r, uint64_t n);
/* Uniform in [lo, hi] (inclusive); lo when hi <= lo. */
int64_t gk_rng_range(struct gk_rng *r, int64_t lo, int64_t hi);
/* Uniform double in [0, 1) with 53 random bits. */
double gk_rng_uniform(struct gk_rng *r);
/* Standard normal deviate (Box-Muller; one draw of two uniforms per call). */
double gk_rng_normal(struct gk_rng *r);
/* True with probability p (p <= 0 never, p >= 1 always). */
int gk_rng_chance(struct gk_rng *r, double p);
/*
 * Derives an independent child seed from a parent seed and a label, so that
 * e.g. each message gets its own stream: gk_rng_init(&m, gk_rng_derive(seed, key)).
 * Stable across runs and machines.
 */
uint64_t gk_rng_derive(uint64_t seed, const char *label);
/* A seed from the operating system's entropy source (libsodium). */
uint64_t gk_rng_random_seed(void);

#endif
