/*
 * rng: xoshiro256** (Blackman and Vigna, public domain algorithm) with the
 * state filled by splitmix64, as its authors recommend. gk_rng_derive hashes
 * a label with FNV-1a and mixes it with splitmix64's finaliser.
 */
#include "common/rng.h"

#include <math.h>
#include <sodium.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void gk_rng_init(struct gk_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t gk_rng_next(struct gk_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t gk_rng_below(struct gk_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Reject the top sliver that would make some residues more likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = gk_rng_next(r);
    while (x >= limit);
    return x % n;
}

int64_t gk_rng_range(struct gk_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX)
        return (int64_t)gk_rng_next(r);
    return (int64_t)((uint64_t)lo + gk_rng_below(r, span + 1));
}

double gk_rng_uniform(struct gk_rng *r)
{
    return (double)(gk_rng_next(r) >> 11) * 0x1.0p-53;
}

double gk_rng_normal(struct gk_rng *r)
{
    double u1 = 1.0 - gk_rng_uniform(r); /* (0, 1]: log(0) cannot happen */
    double u2 = gk_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int gk_rng_chance(struct gk_rng *r, double p)
{
    if (!(p > 0.0))
        return 0;
    if (p >= 1.0)
        return 1;
    return gk_rng_uniform(r) < p;
}

uint64_t gk_rng_derive(uint64_t seed, const char *label)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)label; p && *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    uint64_t x = seed ^ h;
    return splitmix64(&x);
}

uint64_t gk_rng_random_seed(void)
{
    uint64_t seed;
    /* sodium_init is idempotent and thread-safe: 0 the first time, 1 after,
     * -1 when the system has no entropy source; then the best left is a
     * weak seed from an address (still a working, if guessable, seed). */
    if (sodium_init() < 0)
        return splitmix64(&(uint64_t){(uint64_t)(uintptr_t)&seed});
    randombytes_buf(&seed, sizeof seed);
    return seed;
}
