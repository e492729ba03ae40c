/**
 * Text that a person reads in a terminal, a mail client or a browser, made harmless. Anything a
 * user, an event or a file supplied (an override reason, an identity, a model group, a finding)
 * may carry terminal escape sequences (`ESC [ 2 J` clears the screen, `ESC ] 0 ;` retitles the
 * window, the C1 `CSI` U+009B does the same in one character) or bidirectional overrides (U+202E
 * makes `exe.txt` read as `txt.exe`). Those are replaced with visible escapes (`\x1b`, `\u202e`)
 * at the moment of display; stored data stays exactly as it was given, so the ledger keeps what
 * was said.
 *
 * The escapes are also valid inside a JSON string (`\u202e` decodes back to the same character)
 * and the characters they replace never occur outside a string in JSON, so a stream filter built
 * on {@link safeJsonText} keeps JSON output byte-for-byte meaningful.
 */

/**
 * C0 controls and DEL, C1 controls, the bidirectional embeddings, overrides and isolates, the
 * implicit direction marks, and the Unicode line and paragraph separators (a line break to some
 * readers, not to others).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/** `\x1b` for a code point below U+0100, `\u202e` above. */
const visible = (c: string): string => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/**
 * `text` with every control character and bidirectional override replaced by a visible escape.
 * With `multiline`, line feeds and tabs stay (a multi-line body); a lone carriage return never
 * does, since it lets a line overwrite itself.
 *
 * @example
 * ```ts
 * safeText('ok\u001b[31m RED'); // 'ok\\x1b[31m RED'
 * safeText('a\nb', { multiline: true }); // 'a\nb'
 * safeText('a\nb'); // 'a\\x0ab'
 * ```
 */
export const safeText = (text: string, opts: { multiline?: boolean } = {}): string =>
  text.replace(UNSAFE, (c) => (opts.multiline && (c === '\n' || c === '\t') ? c : visible(c)));

/** A value shown on one line: `String(value)` through {@link safeText}, line breaks escaped too. */
export const safeLine = (value: unknown): string => safeText(String(value));

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Output that may be JSON or text, made safe for a terminal without changing its meaning as JSON:
 * C0 controls are handled as by {@link safeText} with `multiline` (JSON.stringify already escapes
 * them inside strings), and the rest become `\uXXXX`, which JSON decodes back to the same
 * character.
 *
 * @example
 * ```ts
 * JSON.parse(safeJsonText(JSON.stringify({ reason: 'x\u202ey' }))).reason === 'x\u202ey'; // true
 * ```
 */
export const safeJsonText = (text: string): string =>
  safeText(
    text.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`),
    { multiline: true },
  );
