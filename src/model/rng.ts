/**
 * The sampler's random numbers: a counter-based hash of (seed, step), the same
 * 32-bit arithmetic as colab/sampling/sampler.py, so a seed means the same draws in both
 * languages and in any batch; candidateSeed gives each candidate line of a request its own seed.
 */

/** lowbias32: a 32-bit integer hash. */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The draw for (seed, step) in [0, 1), with 24 bits (exact in float32). */
export function uniform(seed: number, step: number): number {
  const x = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul((step + 1) >>> 0, 0x85ebca77)) >>> 0;
  return (hash32(hash32(x)) >>> 8) / 16777216;
}

/**
 * The seed of candidate `i` of a request whose sampling seed is `seed`: the seed itself for candidate 0 (so one
 * candidate is exactly the line of a request that asks for none), else hash32((seed + i · 0x9E3779B9) mod 2³²).
 * hash32 is a bijection, so candidates 1 to 4 never share a seed.
 */
export function candidateSeed(seed: number, i: number): number {
  if (i === 0) return seed >>> 0;
  return hash32((seed + Math.imul(i, 0x9e3779b9)) >>> 0);
}
