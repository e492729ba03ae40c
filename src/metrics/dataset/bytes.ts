/**
 * Byte-level helpers for the dataset reader: numbers parsed straight from bytes, and a dictionary
 * that maps a value's bytes to a small integer without building a string per row.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The UTF-8 text of `buf[s, e)`. */
export const decodeUtf8 = (buf: Uint8Array, s: number, e: number): string => utf8.decode(buf.subarray(s, e));

/**
 * Parses a decimal number from `buf[s, e)`. Returns `NaN` when the bytes are not a finite decimal
 * number (empty, `nan`, `inf`, hex, words).
 *
 * The fast path handles `[-+]digits[.digits]` with at most 15 significant digits: the mantissa is
 * then an exact integer and one division by an exact power of ten is correctly rounded, so the
 * result equals `Number(text)` bit for bit. Anything else takes the slow path through `Number`.
 */
export const parseNumberBytes = (buf: Uint8Array, s: number, e: number): number => {
  let i = s;
  let neg = false;
  const first = buf[i];
  if (first === 45 /* - */) {
    neg = true;
    i++;
  } else if (first === 43 /* + */) {
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if (d >= 0 && d <= 9) {
      mant = mant * 10 + d;
      digits++;
      if (dot) frac++;
    } else if (d === -2 /* . */ && !dot) {
      dot = true;
    } else {
      return parseNumberSlow(buf, s, e);
    }
  }
  if (digits === 0 || digits > 15) return parseNumberSlow(buf, s, e);
  const v = frac === 0 ? mant : mant / POW10[frac]!;
  return neg ? -v : v;
};

const parseNumberSlow = (buf: Uint8Array, s: number, e: number): number => {
  const text = latin1.decode(buf.subarray(s, e));
  if (!NUMBER.test(text)) return Number.NaN;
  const v = Number(text);
  return Number.isFinite(v) ? v : Number.NaN;
};

/** FNV-1a over `buf[s, e)`; the seed and step are FNV_SEED and FNV_PRIME. */
export const FNV_SEED = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
export const hashBytes = (buf: Uint8Array, s: number, e: number): number => {
  let h = FNV_SEED;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h;
};

/** 10^k for k ≤ 15: exact doubles. */
export const POW10_EXACT: readonly number[] = POW10;

/** Thrown by ByteDictionary when a column has more distinct values than allowed. */
export class TooManyValuesError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} distinct values`);
    this.name = 'TooManyValuesError';
  }
}

/**
 * Maps byte strings to dense codes (0, 1, 2, ... in order of first appearance) with an
 * open-addressing hash table over a byte arena. A value's string is decoded once, when it is first
 * seen; after that a row costs a hash and a byte comparison.
 */
export class ByteDictionary {
  readonly values: string[] = [];
  private arena = new Uint8Array(4096);
  private used = 0;
  private offsets = new Int32Array(64);
  private lengths = new Int32Array(64);
  private hashes = new Int32Array(64);
  private table = new Int32Array(128).fill(-1);
  private mask = 127;

  constructor(private readonly maxDistinct = 100_000) {}

  get size(): number {
    return this.values.length;
  }

  /** The code of `buf[s, e)`, adding the value when it is new. */
  code(buf: Uint8Array, s: number, e: number): number {
    return this.codeHashed(buf, s, e, hashBytes(buf, s, e));
  }

  /** As `code`, with `h = hashBytes(buf, s, e)` already computed (the CSV parser hashes while it scans). */
  codeHashed(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    if (len <= 3) {
      // Short values (labels, flags, codes) are packed into one integer: no byte comparison.
      const key = (len << 24) | (len > 0 ? buf[s]! << 16 : 0) | (len > 1 ? buf[s + 1]! << 8 : 0) | (len > 2 ? buf[s + 2]! : 0);
      let slot = Math.imul(key, 0x9e3779b1) >>> 24;
      for (;;) {
        const k = this.shortKeys[slot]!;
        if (k === key) return this.shortIds[slot]!;
        if (k === -1) {
          const id = this.lookup(buf, s, e, h);
          // Half full at most, so that probes stay short and always end at an empty slot.
          if (this.shortCount < 128) {
            this.shortKeys[slot] = key;
            this.shortIds[slot] = id;
            this.shortCount++;
          }
          return id;
        }
        slot = (slot + 1) & 255;
      }
    }
    return this.lookup(buf, s, e, h);
  }

  /** A small table in front of the general one, for the first 128 distinct values of at most 3 bytes. */
  private readonly shortKeys = new Int32Array(256).fill(-1);
  private readonly shortIds = new Int32Array(256);
  private shortCount = 0;

  private lookup(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[slot]!;
      if (id < 0) return this.insert(buf, s, e, h, slot);
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, buf, s, len)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private same(id: number, buf: Uint8Array, s: number, len: number): boolean {
    const off = this.offsets[id]!;
    const arena = this.arena;
    for (let i = 0; i < len; i++) if (arena[off + i] !== buf[s + i]) return false;
    return true;
  }

  private insert(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const id = this.values.length;
    if (id >= this.maxDistinct) throw new TooManyValuesError(this.maxDistinct);
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    if (id >= this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
      this.hashes = grow(this.hashes);
    }
    this.arena.set(buf.subarray(s, e), this.used);
    this.offsets[id] = this.used;
    this.lengths[id] = len;
    this.hashes[id] = h;
    this.used += len;
    this.values.push(decodeUtf8(buf, s, e));
    this.table[slot] = id;
    // Keep the load factor under one half so probes stay short.
    if ((id + 1) * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.values.length; id++) {
      let slot = this.hashes[id]! & this.mask;
      while (this.table[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}

const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
};
