// Number parsing as QEMU's qtest does it (qemu_strtou64, base 0: 0x hex, leading 0
// octal, else decimal), with a fast path for values that fit a double exactly.
export type Parsed = { ok: true; value: bigint } | { ok: false; error: string };

const DEC = /^[1-9][0-9]*$|^0$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCT = /^0[0-7]+$/;

export function parseU64(text: string, what: string): Parsed {
  let value: bigint;
  if (HEX.test(text)) value = BigInt(text);
  else if (OCT.test(text)) value = BigInt(`0o${text.slice(1)}`);
  else if (DEC.test(text)) value = BigInt(text);
  else return { ok: false, error: `${what}: '${text}' is not a number` };
  if (value >= 1n << 64n) return { ok: false, error: `${what}: '${text}' does not fit in 64 bits` };
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
