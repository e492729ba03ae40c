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

/** An object's keys so far: a short list compared linearly, a Set once it grows. */
class KeySet {
  private list: Array<[string, number]> = [];
  private set: Map<string, number> | null = null;
  /** Adds `key` at `offset`; returns the offset of an earlier equal key, or -1. */
  add(key: string, offset: number): number {
    if (this.set) {
      const first = this.set.get(key);
      if (first !== undefined) return first;
      this.set.set(key, offset);
      return -1;
    }
    for (const [k, o] of this.list) if (k === key) return o;
    this.list.push([key, offset]);
    if (this.list.length > 8) this.set = new Map(this.list);
    return -1;
  }
}

// `"` opens a string; the others change nesting or move to the next member.
const NEXT_STRUCTURAL = /["{}[\],]/g;

/**
 * The first duplicate key of a VALID document (it has parsed), or null. Jumps from one structural
 * character to the next; a string followed by `:` is a key. Keys are compared decoded, so `"a"`
 * and `"\u0061"` are the same key, as they are to `JSON.parse`.
 */
const findDuplicateKey = (text: string): Duplicate | null => {
  // Parallel stacks, one entry per open container: its keys (null for an array), its current
  // member (key or index) for the path.
  const keys: Array<KeySet | null> = [];
  const member: Array<string | number> = [];
  let nextBackslash = text.indexOf('\\');
  const re = NEXT_STRUCTURAL;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Find the closing quote: the next `"` not escaped. Backslashes are rare; track the next one.
      let j = i + 1;
      let hasEscape = false;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return null; // cannot happen in a parsed document
        if (nextBackslash >= 0 && nextBackslash < j) nextBackslash = text.indexOf('\\', j);
        if (nextBackslash >= 0 && nextBackslash < q) {
          hasEscape = true;
          j = nextBackslash + 2;
          nextBackslash = text.indexOf('\\', j);
          continue;
        }
        j = q;
        break;
      }
      re.lastIndex = j + 1;
      const top = keys.length - 1;
      const set = top >= 0 ? keys[top] : null;
      if (!set) continue;
      // A string inside an object is a key when a ':' follows it.
      let k = j + 1;
      while (k < text.length) {
        const w = text.charCodeAt(k);
        if (w !== 32 && w !== 9 && w !== 10 && w !== 13) break;
        k++;
      }
      if (text.charCodeAt(k) !== 58 /* : */) continue;
      const raw = text.slice(i + 1, j);
      const key = hasEscape ? (JSON.parse(`"${raw}"`) as string) : raw;
      const first = set.add(key, i);
      if (first >= 0) {
        const path = `/${[...member.slice(0, top), key].map((s) => pointerSegment(String(s))).join('/')}`;
        return { key, offset: i, firstOffset: first, path };
      }
      member[top] = key;
      re.lastIndex = k + 1;
    } else if (c === 123 /* { */) {
      keys.push(new KeySet());
      member.push('');
    } else if (c === 91 /* [ */) {
      keys.push(null);
      member.push(0);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      member.pop();
    } else {
      // ',' in an array moves to the next index; in an object the next key sets the member.
      const top = member.length - 1;
      if (top >= 0 && keys[top] === null) member[top] = (member[top] as number) + 1;
    }
  }
  return null;
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
  const dup = findDuplicateKey(source);
  if (dup) {
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
