// Number formatting and parsing for the UI: hex as engineers read it, times in
// the unit that suits them.
export function hex(value: number, digits = 0): string {
  return value.toString(16).padStart(digits, '0');
}

export function hex0x(value: number, digits = 0): string {
  return `0x${hex(value, digits)}`;
}

/** A guest address: 8 hex digits, or more above 4 GiB (a bigint is exact above 2^53). */
export function address(value: number | bigint): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** `0x1f`, `1fh`, `31` (decimal only without letters), with `_` separators allowed. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  let n: number;
  if (/^0x[0-9a-f]+$/.test(t)) n = Number.parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]+h$/.test(t)) n = Number.parseInt(t.slice(0, -1), 16);
  else if (/^[0-9]+$/.test(t)) n = Number.parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Hex without a prefix (the grid's inputs are hex by default). */
export function parseHex(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '').toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]+$/.test(t)) return undefined;
  const n = Number.parseInt(t, 16);
  return Number.isSafeInteger(n) ? n : undefined;
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** The unit (ns per unit) an axis or a time around `ns` is written in: the largest that keeps it at 1 or more. */
export function unitFor(ns: number): number {
  for (const [scale] of UNITS) if (Math.abs(ns) >= scale) return scale;
  return 1;
}

/**
 * A point in virtual time, exact: rounded to whole ns, written in `unitNs` with the
 * decimals down to `resolutionNs` (a power of ten, 1: every nanosecond) by integer
 * arithmetic, so no two distinct ticks or events print alike (`230.580000123 s`).
 */
export function formatTime(ns: number, resolutionNs = 1, unit?: number): string {
  const whole = Math.round(ns);
  const unitNs = unit ?? unitFor(whole);
  const abs = Math.abs(whole);
  const unitDigits = Math.round(Math.log10(unitNs));
  const decimals = Math.max(0, unitDigits - Math.floor(Math.log10(Math.max(1, resolutionNs)) + 1e-9));
  const int = Math.floor(abs / unitNs);
  const frac = String(abs - int * unitNs).padStart(unitDigits, '0').slice(0, decimals);
  const name = UNITS.find(([scale]) => scale === unitNs)?.[1] ?? 'ns';
  return `${whole < 0 ? '−' : ''}${int}${decimals > 0 ? `.${frac}` : ''} ${name}`;
}

/** A duration in the largest unit that keeps it at 1 or more, to `decimals` places (a span, not a point in time). */
export function formatNs(ns: number, decimals = 3): string {
  if (ns === 0) return '0';
  for (const [scale, unit] of UNITS) {
    if (Math.abs(ns) >= scale) return `${trim((ns / scale).toFixed(decimals))} ${unit}`;
  }
  return `${trim(ns.toFixed(decimals))} ns`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A size as lspci and engineers say it: `4 KiB`, `512 KiB`, `1 GiB`, `32 B`. */
export function byteSize(n: number): string {
  for (const [shift, unit] of [[30, 'GiB'], [20, 'MiB'], [10, 'KiB']] as const) {
    if (n >= 2 ** shift) return `${n / 2 ** shift} ${unit}`;
  }
  return `${n} B`;
}

/** A file's size to one decimal: `812 B`, `3.4 KiB`, `41.7 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

const SIZE_SUFFIX: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** A size typed as a number (`0x1000`, `4096`) or with lspci's suffixes (`4K`, `512K`, `1G`, `4 KiB`). */
export function parseSize(text: string): number | undefined {
  const m = /^([0-9]+)\s*([kmg])(?:i?b)?$/i.exec(text.trim());
  if (m === null) return parseNumber(text);
  const n = Number.parseInt(m[1]!, 10) * SIZE_SUFFIX[m[2]!.toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One formatter for every count: toLocaleString builds a new one per call, and counts are drawn every frame under a flood. */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return COUNT_FORMAT.format(n);
}

export function formatBdf(bdf: number): string {
  return `${hex((bdf >>> 8) & 0xff, 2)}:${hex((bdf >>> 3) & 0x1f, 2)}.${bdf & 7}`;
}
