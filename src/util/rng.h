/* util/rng.h - a small deterministic pseudo-random number generator
 * (internal to libampel).
 *
 * xoshiro256** 1.0 (David Blackman and Sebastiano Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4), 2021; public-domain
 * description at https://prng.di.unimi.it/), seeded from one 64-bit seed by
 * splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), as the authors recommend. Written from the
 * published description.
 *
 * The sequence depends only on the seed, never on the platform, so results
 * that use it (sensitivity runs) are reproducible. Not for cryptography.
 * The state lives in a caller-owned struct: no globals, reentrant.
 */
#ifndef AMPEL_UTIL_RNG_H
#define AMPEL_UTIL_RNG_H

#include <stdint.h>

typedef struct ampel_rng {
  uint64_t s[4];
} ampel_rng;

/* One splitmix64 step: advances *state by 0x9e3779b97f4a7c15 and returns
 * the mixed value. splitmix64 from state 0 yields 0xe220a8397b1dcdaf,
 * 0x6e789e6aa1b965f4, 0x06c45d188009454f, ... */
uint64_t ampel_splitmix64(uint64_t *state);

/* Seeds the four state words with four splitmix64 outputs from `seed`
 * (never all zero, which xoshiro forbids). */
void ampel_rng_seed(ampel_rng *r, uint64_t seed);

/* Next 64 random bits (xoshiro256**). */
uint64_t ampel_rng_next(ampel_rng *r);

/* Uniform double in [0, 1): the top 53 bits of the next output times
 * 2^-53. */
double ampel_rng_uniform(ampel_rng *r);

#endif
