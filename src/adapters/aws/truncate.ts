/**
 * Cutting text to a service limit (ApprovalDescription 1024 characters, SNS Subject under 100
 * characters, SNS message 256 KB) without losing the fact that it was cut and without splitting a
 * character: a half surrogate pair or an accent without its letter is worse than a shorter text.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * Intl.Segmenter is far from linear on long strings (about 20 s for 1 MB on Node 20), so only a
 * window around the cut is segmented. Grapheme clusters longer than this are cut on a code point.
 */
const WINDOW = 64;

/** UTF-8 byte length of `text`. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

type Measure = (codePoint: number, units: number) => number;
const codeUnits: Measure = (_cp, units) => units;
const utf8: Measure = (cp) => (cp <= 0x7f ? 1 : cp <= 0x7ff ? 2 : cp <= 0xffff ? 3 : 4);

const measure = (text: string, m: Measure): number => {
  let size = 0;
  for (const ch of text) size += m(ch.codePointAt(0)!, ch.length);
  return size;
};

const cut = (text: string, max: number, marker: string, m: Measure): string => {
  if (measure(text, m) <= max) return text;
  // A limit smaller than the marker leaves no room to say "cut": keep what fits, unmarked.
  const mark = measure(marker, m) < max ? marker : '';
  const budget = max - measure(mark, m);
  // The longest prefix of whole code points within the budget...
  let end = 0;
  let size = 0;
  for (const ch of text) {
    const n = m(ch.codePointAt(0)!, ch.length);
    if (size + n > budget) break;
    size += n;
    end += ch.length;
  }
  // ...moved back to the last grapheme boundary at or before it. A window that starts mid-text
  // makes its own first boundary up, so that one only counts at the start of the text.
  const from = Math.max(0, end - WINDOW);
  let boundary = -1;
  for (const { index } of graphemes.segment(text.slice(from, end + WINDOW))) {
    const at = from + index;
    if (at > end) break;
    if (index > 0 || from === 0) boundary = at;
  }
  return `${text.slice(0, boundary >= 0 ? boundary : end)}${mark}`;
};

/**
 * `text` cut to at most `max` UTF-16 code units, on a grapheme boundary, ending in `marker` when
 * anything was cut. Code units are the strictest reading of "characters" (a code-point count is
 * never larger), so the result fits whichever way a service counts.
 *
 * @example
 * ```ts
 * truncateText('x'.repeat(2000), 1024, ' …[truncated]').length; // 1024
 * ```
 */
export const truncateText = (text: string, max: number, marker = '…'): string => cut(text, max, marker, codeUnits);

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a grapheme boundary, ending in `marker` when cut. */
export const truncateUtf8 = (text: string, maxBytes: number, marker = '…'): string => cut(text, maxBytes, marker, utf8);
