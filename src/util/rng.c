/* xoshiro256** seeded by splitmix64 (see rng.h for the sources). */
#include "util/rng.h"

uint64_t ampel_splitmix64(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void ampel_rng_seed(ampel_rng *r, uint64_t seed) {
  uint64_t st = seed;
  for (int i = 0; i < 4; i++)
    r->s[i] = ampel_splitmix64(&st);
  /* splitmix64 is a bijection of distinct counters, so four consecutive
   * outputs are never all zero; keep the guard for clarity anyway. */
  if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
    r->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ampel_rng_next(ampel_rng *r) {
  uint64_t *s = r->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double ampel_rng_uniform(ampel_rng *r) {
  return (double)(ampel_rng_next(r) >> 11) * 0x1.0p-53;
}
