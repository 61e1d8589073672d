/**
 * The sampler's random numbers: a counter-based hash of (seed, step), the same
 * 32-bit arithmetic as colab/sampling/sampler.py, so a seed means the same draws in both
 * languages and in any batch.
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
