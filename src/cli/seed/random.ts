/**
 * Deterministic pseudo-random numbers for the seed data set. Every entity draws from its own
 * stream, keyed by (seed, stream name, index): the data set does not depend on the order in which
 * creates complete, nor on the concurrency.
 */

/** 32-bit string hash (FNV-1a). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Finalizer of murmur3: mixes 32 bits well. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small fast generator (mulberry32) with the helpers the data set needs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The stream of entity `index` of kind `stream` for data set `seed`. */
  static for(seed: number, stream: string, index = 0): Rng {
    return new Rng(fmix(fmix(seed + 0x9e3779b9) ^ hashString(stream)) ^ fmix(index + 0x632be5ab));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with the given (non-negative, not all zero) weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A value drawn from `[value, weight]` pairs. */
  weighted<T>(table: ReadonlyArray<readonly [T, number]>): T {
    return table[this.weightedIndex(table.map((e) => e[1]))]![0];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `k` distinct items of `items` (k clamped to its length), in drawing order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = items.slice();
    const out: T[] = [];
    for (let i = 0; i < k && pool.length > 0; i++) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
}

/**
 * A bijection of [0, modulus) (affine permutation), used to turn an entity's index into a unique
 * but random-looking number (identifiers never collide within a data set).
 */
export class Permutation {
  private readonly a: number;
  private readonly b: number;

  constructor(
    private readonly modulus: number,
    seed: number,
    stream: string,
  ) {
    const rng = Rng.for(seed, `perm:${stream}`);
    let a = Math.floor(modulus * (0.3 + 0.4 * rng.next())) | 1;
    while (gcd(a, modulus) !== 1) a += 2;
    this.a = a;
    this.b = Math.floor(rng.next() * modulus);
  }

  map(i: number): number {
    return (mulMod(this.a, i % this.modulus, this.modulus) + this.b) % this.modulus;
  }
}

/** (a * b) mod m without leaving the exact integer range of doubles (m < 2^31). */
function mulMod(a: number, b: number, m: number): number {
  const high = Math.floor(b / 65536);
  const low = b % 65536;
  return (((a * high) % m) * 65536 + a * low) % m;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
