/**
 * Where a JSON text goes wrong, as a line and a column. V8's `JSON.parse` messages carry a position
 * only for some errors (not for an unexpected token, not for a truncated text), so this scanner
 * finds the first offending character itself. It accepts exactly what `parseTolerantJson` accepts:
 * JSON plus bare `NaN`, `Infinity` and `-Infinity`. It is only run after a parse has failed.
 */

export interface JsonErrorPosition {
  /** 0-based offset into the text (UTF-16 code units). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the line. */
  column: number;
  reason: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null|NaN|Infinity|-Infinity/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after-value';

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

const describe = (text: string, i: number): string =>
  i >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[i])}`;

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
 * The first position at which `text` stops being (tolerant) JSON, or `null` when it is valid.
 * Iterative, so deeply nested input cannot overflow the stack.
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
