/**
 * The one reader for untrusted JSON (evidence reports, model package files, the local registry's
 * files, HTTP bodies). On top of `JSON.parse` it
 * - refuses duplicate keys in any object, naming the key, its line and column and its JSON path
 *   (`JSON.parse` keeps the last one silently: a report with a bad `auc` first and a good one last
 *   would pass);
 * - accepts, when asked, the bare `NaN`, `Infinity` and `-Infinity` that Python's `json.dumps`
 *   writes, as the strings `"NaN"` etc. (see `toNumber` in tolerant-json.ts);
 * - reports every syntax error as a line, a column and a short reason that never quotes the
 *   document: a secret in a file must not travel into a run's reasons, logs or HTTP responses.
 *
 * Objects come from `JSON.parse`, which defines every key as an own data property: a key named
 * `__proto__`, `constructor` or `prototype` is plain data and never reaches or changes a prototype.
 *
 * Speed: valid JSON is parsed once natively; duplicate keys are then found by a scan that jumps
 * between structural characters with native regex and `indexOf` (bench/strict-json.ts measures
 * the cost against `JSON.parse` alone). The character-by-character scanner runs only on a
 * document that did not parse, to say where.
 */
import { InvalidInputError } from './errors.js';

/** What to do with bare `NaN`, `Infinity` and `-Infinity` tokens (not JSON, but written by Python). */
export type NonFinitePolicy = 'tolerate' | 'reject';

export interface StrictJsonOptions {
  /** Default `'tolerate'`: the tokens become the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
  nonFinite?: NonFinitePolicy;
}

/** Where a JSON text goes wrong. */
export interface JsonErrorPosition {
  /** 0-based offset into the text (UTF-16 code units). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the line. */
  column: number;
  /** Short, and never a quote of the document (structural characters such as `}` excepted). */
  reason: string;
}

/**
 * A document that is not (strict) JSON. An InvalidInputError, so every entry point already maps it
 * to bad input (CLI exit 64, HTTP 400); `detail` is the message without `where`, for callers that
 * wrap it in their own error (evidence: EvidenceError).
 */
export class StrictJsonError extends InvalidInputError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly reason: string;
  /** The JSON path (RFC 6901 pointer) of a duplicate key; absent for syntax errors. */
  readonly path?: string;
  /** e.g. `is not valid JSON at line 3, column 5: unexpected end of input`. */
  readonly detail: string;
  constructor(where: string, detail: string, position: JsonErrorPosition, path?: string) {
    super(detail, where);
    this.name = 'StrictJsonError';
    this.detail = detail;
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
    this.reason = position.reason;
    if (path !== undefined) this.path = path;
  }
}

// --- positions -------------------------------------------------------------------------------

/** Converts an offset to a 1-based line and column (`\r\n`, `\n` and `\r` each end a line). */
export const lineColumnAt = (text: string, offset: number): { line: number; column: number } => {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
};

// --- the validating scanner (error positions) ------------------------------------------------

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null|NaN|Infinity|-Infinity/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const STRUCTURAL = '{}[],:"\\';

/** Names the offending character without quoting the document: only JSON's own punctuation is shown. */
const describe = (text: string, i: number): string => {
  if (i >= text.length) return 'unexpected end of input';
  const ch = text[i]!;
  if (STRUCTURAL.includes(ch)) return `unexpected ${JSON.stringify(ch)}`;
  if (/[0-9+\-.]/.test(ch)) return 'unexpected digit or sign';
  if (/\p{L}/u.test(ch)) return 'unexpected letter';
  return 'unexpected character';
};

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after-value';

/** Scans a string literal starting at the opening quote; returns the offset after it or an error. */
const scanString = (text: string, i: number): number | { offset: number; reason: string } => {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return { offset: j, reason: 'control character in string (escape it)' };
    if (c === 92) {
      const e = text[j + 1];
      if (e === 'u') {
        HEX4.lastIndex = j + 2;
        if (!HEX4.test(text)) return { offset: j, reason: 'bad \\u escape (expected 4 hex digits)' };
        j += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) return { offset: j, reason: 'bad escape in string' };
      j += 2;
      continue;
    }
    j++;
  }
  return { offset: text.length, reason: 'unterminated string' };
};

/**
 * The first position at which `text` stops being JSON (plus bare `NaN`, `Infinity`, `-Infinity`),
 * or `null` when it is valid. Iterative, so deeply nested input cannot overflow the stack. Used
 * only once a parse has failed.
 */
export const locateJsonError = (text: string): JsonErrorPosition | null => {
  const at = (offset: number, reason: string): JsonErrorPosition => ({ offset, ...lineColumnAt(text, offset), reason });
  const stack: Array<'[' | '{'> = [];
  let expect: Expect = 'value';
  let i = 0;
  const skipWs = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  for (;;) {
    skipWs();
    const ch = text[i];
    switch (expect) {
      case 'value':
      case 'value-or-close': {
        if (expect === 'value-or-close' && ch === ']') {
          stack.pop();
          i++;
          expect = 'after-value';
          break;
        }
        if (ch === '{') {
          stack.push('{');
          i++;
          expect = 'key-or-close';
          break;
        }
        if (ch === '[') {
          stack.push('[');
          i++;
          expect = 'value-or-close';
          break;
        }
        if (ch === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return at(end.offset, end.reason);
          i = end;
          expect = 'after-value';
          break;
        }
        LITERAL.lastIndex = i;
        const lit = LITERAL.exec(text);
        NUMBER.lastIndex = i;
        const num = lit ? null : NUMBER.exec(text);
        const token = lit ?? num;
        if (!token) return at(i, `${describe(text, i)} (expected a value)`);
        i += token[0].length;
        expect = 'after-value';
        break;
      }
      case 'key':
      case 'key-or-close': {
        if (expect === 'key-or-close' && ch === '}') {
          stack.pop();
          i++;
          expect = 'after-value';
          break;
        }
        if (ch !== '"') return at(i, `${describe(text, i)} (expected a double-quoted property name)`);
        const end = scanString(text, i);
        if (typeof end !== 'number') return at(end.offset, end.reason);
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (ch !== ':') return at(i, `${describe(text, i)} (expected ':' after a property name)`);
        i++;
        expect = 'value';
        break;
      case 'after-value': {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          return i >= text.length ? null : at(i, `${describe(text, i)} (expected the end of the document)`);
        }
        const close = top === '[' ? ']' : '}';
        if (ch === ',') {
          i++;
          expect = top === '[' ? 'value' : 'key';
        } else if (ch === close) {
          stack.pop();
          i++;
        } else {
          return at(i, `${describe(text, i)} (expected ',' or '${close}')`);
        }
        break;
      }
    }
  }
};

// --- bare NaN / Infinity ---------------------------------------------------------------------

const BARE = /NaN|-?Infinity/y;

/**
 * The offsets and lengths of bare `NaN`/`Infinity`/`-Infinity` tokens outside strings. Only called
 * on a text that `locateJsonError` found valid, so strings are well formed.
 */
const bareTokens = (text: string): Array<[offset: number, length: number]> => {
  const found: Array<[number, number]> = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      continue;
    }
    if (c === 78 /* N */ || c === 73 /* I */ || c === 45 /* - */) {
      BARE.lastIndex = i;
      const m = BARE.exec(text);
      if (m) {
        found.push([i, m[0].length]);
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return found;
};

const quoteTokens = (text: string, tokens: ReadonlyArray<[number, number]>): string => {
  let out = '';
  let last = 0;
  for (const [offset, length] of tokens) {
    out += `${text.slice(last, offset)}"${text.slice(offset, offset + length)}"`;
    last = offset + length;
  }
  return out + text.slice(last);
};

// --- duplicate keys --------------------------------------------------------------------------

interface Duplicate {
  key: string;
  offset: number;
  firstOffset: number;
  path: string;
}

const pointerSegment = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

// `"` opens a string; braces open and close objects. Arrays, numbers and commas need no visit:
// a key always belongs to the innermost open object, whatever arrays lie between.
const NEXT_STRUCTURAL = /["{}]/g;

/** The offset of the closing quote of the string opening at `i` (a valid document's). */
const stringEnd = (text: string, i: number): number => {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    // Count the backslashes right before the quote: an odd number escapes it.
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    j = q + 1;
  }
};

/**
 * The first duplicate key of a VALID document (it has parsed), or null. Jumps from one quote or
 * brace to the next with a native regex and `indexOf`; a string followed by `:` is a key of the
 * innermost open object. Keys are compared decoded, so `"a"` and `"\u0061"` are the same key, as
 * they are to `JSON.parse`.
 */
const findDuplicateKey = (text: string): Omit<Duplicate, 'path'> | null => {
  // The keys of every open object on one flat stack (no allocation per object): an object's keys
  // start at its frame's index; a Map indexes them once an object has many.
  const keys: string[] = [];
  const offsets: number[] = [];
  const frameStart: number[] = [];
  const frameIndex: Array<Map<string, number> | null> = [];
  const re = NEXT_STRUCTURAL;
  re.lastIndex = 0;
  // test() rather than exec(): no match array is allocated per structural character.
  while (re.test(text)) {
    const i = re.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      frameStart.push(keys.length);
      frameIndex.push(null);
      continue;
    }
    if (c === 125 /* } */) {
      const start = frameStart.pop() ?? 0;
      keys.length = start;
      offsets.length = start;
      frameIndex.pop();
      continue;
    }
    const j = stringEnd(text, i);
    re.lastIndex = j + 1;
    const top = frameStart.length - 1;
    if (top < 0) continue;
    // A string inside an object is a key when a ':' follows it.
    let k = j + 1;
    let w = text.charCodeAt(k);
    while (w === 32 || w === 9 || w === 10 || w === 13) w = text.charCodeAt(++k);
    if (w !== 58 /* : */) continue;
    re.lastIndex = k + 1;
    const raw = text.slice(i + 1, j);
    const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    const start = frameStart[top]!;
    let index = frameIndex[top]!;
    if (index) {
      const first = index.get(key);
      if (first !== undefined) return { key, offset: i, firstOffset: first };
      index.set(key, i);
    } else {
      for (let n = start; n < keys.length; n++) if (keys[n] === key) return { key, offset: i, firstOffset: offsets[n]! };
      if (keys.length - start >= 16) {
        index = new Map();
        for (let n = start; n < keys.length; n++) index.set(keys[n]!, offsets[n]!);
        index.set(key, i);
        frameIndex[top] = index;
      }
    }
    keys.push(key);
    offsets.push(i);
  }
  return null;
};

/**
 * The JSON path (RFC 6901) of the key whose string opens at `offset` in a valid document: a slow
 * walk, run only to describe a duplicate.
 */
const pathOfKeyAt = (text: string, offset: number): string => {
  const member: Array<string | number> = [];
  const isObject: boolean[] = [];
  let i = 0;
  while (i < offset) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const j = stringEnd(text, i);
      if (isObject[isObject.length - 1]) {
        let k = j + 1;
        while (/\s/.test(text[k] ?? '')) k++;
        if (text[k] === ':') {
          const raw = text.slice(i + 1, j);
          member[member.length - 1] = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        }
      }
      i = j + 1;
      continue;
    }
    if (c === 123 || c === 91) {
      isObject.push(c === 123);
      member.push(c === 123 ? '' : 0);
    } else if (c === 125 || c === 93) {
      isObject.pop();
      member.pop();
    } else if (c === 44 && !isObject[isObject.length - 1] && member.length > 0) {
      member[member.length - 1] = (member[member.length - 1] as number) + 1;
    }
    i++;
  }
  // The key at `offset` itself replaces the innermost member.
  const j = stringEnd(text, offset);
  const raw = text.slice(offset + 1, j);
  member[member.length - 1] = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  return `/${member.map((m) => pointerSegment(String(m))).join('/')}`;
};

/** A key as it may appear in a message: JSON-quoted (control characters escaped), and short. */
const showKey = (key: string): string => JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);

// --- the reader ------------------------------------------------------------------------------

const syntaxError = (where: string, position: JsonErrorPosition): StrictJsonError =>
  new StrictJsonError(where, `is not valid JSON at line ${position.line}, column ${position.column}: ${position.reason}`, position);

/**
 * Parses untrusted JSON strictly.
 *
 * @param text - the document (already decoded; a leading BOM is the caller's to drop)
 * @param where - what the document is, for messages: a path, a URI, `request body`
 * @param opts - `nonFinite: 'reject'` refuses bare `NaN`/`Infinity` (default: tolerate them as strings)
 * @returns the value, as `JSON.parse` would build it (own data properties only)
 * @throws StrictJsonError (an InvalidInputError) for a syntax error, a duplicate key or a refused
 *   bare token: line, column and a reason that never quotes the document; never anything else
 * @example
 * ```ts
 * const report = parseStrictJson(await readFile(path, 'utf8'), path);
 * // an HTTP body: no Python tokens, same errors
 * const body = parseStrictJson(raw, 'request body', { nonFinite: 'reject' });
 * ```
 */
export const parseStrictJson = (text: string, where: string, opts: StrictJsonOptions = {}): unknown => {
  let source = text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never use the native message: V8 quotes the document ("… is not valid JSON").
    const position = locateJsonError(text);
    if (position) throw syntaxError(where, position);
    // Valid but for bare NaN/Infinity tokens.
    const tokens = bareTokens(text);
    if (tokens.length === 0) throw syntaxError(where, { offset: 0, line: 1, column: 1, reason: 'not parseable' });
    if (opts.nonFinite === 'reject') {
      const offset = tokens[0]![0];
      throw syntaxError(where, { offset, ...lineColumnAt(text, offset), reason: 'bare NaN or Infinity (expected a JSON number, or null)' });
    }
    source = quoteTokens(text, tokens);
    try {
      value = JSON.parse(source);
    } catch {
      // The scanner and V8 disagree: say so without quoting either.
      throw syntaxError(where, { offset: 0, line: 1, column: 1, reason: 'not parseable' });
    }
  }
  const found = findDuplicateKey(source);
  if (found) {
    const dup: Duplicate = { ...found, path: pathOfKeyAt(source, found.offset) };
    // Offsets in `source` are shifted by 2 per bare token quoted before them: map them back.
    const back = (offset: number): number => (source === text ? offset : originalOffset(text, offset));
    const at = { offset: back(dup.offset), ...lineColumnAt(text, back(dup.offset)) };
    const first = lineColumnAt(text, back(dup.firstOffset));
    const reason = `duplicate key ${showKey(dup.key)} (JSON path ${dup.path}; first at line ${first.line}, column ${first.column}); each key may appear once`;
    throw new StrictJsonError(where, `has a duplicate key at line ${at.line}, column ${at.column}: ${reason}`, { ...at, reason }, dup.path);
  }
  return value;
};

/** Maps an offset in the token-quoted text back to the original text. */
const originalOffset = (text: string, quotedOffset: number): number => {
  let shift = 0;
  for (const [offset] of bareTokens(text)) {
    if (offset + shift >= quotedOffset) break;
    shift += 2;
  }
  return quotedOffset - shift;
};
