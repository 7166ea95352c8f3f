// Number parsing as QEMU's qtest does it. QEMU's own commands take numbers through
// qemu_strtou64/qemu_strtoul (strtoull with base 0: 0x hex, leading 0 octal, else
// decimal; an optional sign, a negative value wrapping modulo 2^64; the whole word must
// be the number) and then truncate them to the access width. irqscope's extensions
// take plain unsigned numbers, with no sign and no wrap.
export type Parsed = { ok: true; value: bigint } | { ok: false; error: string };

const DIGITS = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const U64_MASK = (1n << 64n) - 1n;

function digits(text: string): bigint | null {
  if (!DIGITS.test(text)) return null;
  if (text.length > 1 && text[0] === '0' && text[1] !== 'x' && text[1] !== 'X') return BigInt(`0o${text.slice(1)}`);
  return BigInt(text);
}

/** An unsigned number without a sign (irqscope's extensions). */
export function parseU64(text: string, what: string): Parsed {
  const value = digits(text);
  if (value === null) return { ok: false, error: `${what}: '${text}' is not a number` };
  if (value > U64_MASK) return { ok: false, error: `${what}: '${text}' does not fit in 64 bits` };
  return { ok: true, value };
}

/** qemu_strtou64: an optional + or -, a negative value wrapping modulo 2^64. */
export function parseQemuU64(text: string, what: string): Parsed {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const r = parseU64(text.slice(sign.length), what);
  if (!r.ok) return text === '' ? { ok: false, error: `${what}: missing (an empty word: two spaces in a row?)` } : { ok: false, error: r.error.replace(`'${text.slice(sign.length)}'`, `'${text}'`) };
  return { ok: true, value: sign === '-' ? (1n << 64n) - r.value & U64_MASK : r.value };
}

/** qemu_strtoi64 / qemu_strtoi: a signed number that must fit in `bits` bits. */
export function parseQemuSigned(text: string, bits: 32 | 64, what: string): Parsed {
  const negative = text[0] === '-';
  const r = parseU64(text.slice(negative || text[0] === '+' ? 1 : 0), what);
  if (!r.ok) return { ok: false, error: `${what}: '${text}' is not a number` };
  const value = negative ? -r.value : r.value;
  const limit = 1n << BigInt(bits - 1);
  if (value >= limit || value < -limit) return { ok: false, error: `${what}: '${text}' does not fit in a signed ${bits}-bit number` };
  return { ok: true, value };
}

/** Parses a value and checks it fits in `bytes` bytes. */
export function parseSized(text: string, bytes: number, what: string): Parsed {
  const r = parseU64(text, what);
  if (r.ok && bytes < 8 && r.value >= 1n << BigInt(8 * bytes)) {
    return { ok: false, error: `${what}: ${text} does not fit in ${bytes} byte${bytes === 1 ? '' : 's'}` };
  }
  return r;
}

/** Guest physical addresses are kept as doubles: 53 bits is far beyond any mapped region. */
export function parseAddress(text: string): { ok: true; value: number } | { ok: false; error: string } {
  const r = parseU64(text, 'address');
  if (!r.ok) return r;
  if (r.value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: `address ${text} is beyond 2^53, where nothing is mapped` };
  return { ok: true, value: Number(r.value) };
}

export function hex16(lo: number, hi: number): string {
  return `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

/** An integer as a QEMU client parses it: digits only, never an exponent or a fraction. */
export function integerText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  return Number.isFinite(n) ? BigInt(Math.floor(n)).toString() : String(n);
}

/** A word from the input, safe to echo: control bytes, NUL and non-ASCII as \xNN escapes. */
export function quoted(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\uffff\\]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
