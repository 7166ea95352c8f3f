// A BAR address as the user types it, checked against the BAR before anything is
// written: exact to 64 bits (BigInt: a 64-bit BAR may sit above 2^53), within the
// BAR's type, and aligned to its size, since the low bits are read-only and the
// device would silently decode somewhere else.
import type { BarInfo } from '../../src-shared/ipc/contract';
import { byteSize } from './format';

export type BarAddress = { ok: true; low: number; high: number; value: bigint } | { ok: false; error: string };

const LIMIT: Record<BarInfo['type'], bigint> = { io: 0xffffn, mem32: 0xffffffffn, mem64: 0xffffffffffffffffn };

/** `0x…`, `…h` or decimal, with `_` separators; any size, exactly. */
export function parseBig(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  if (/^0x[0-9a-f]+$/.test(t)) return BigInt(t);
  if (/^[0-9a-f]+h$/.test(t)) return BigInt(`0x${t.slice(0, -1)}`);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function parseBarAddress(text: string, bar: BarInfo): BarAddress {
  if (text.trim() === '') return { ok: false, error: 'type an address (0xfebf0000)' };
  const value = parseBig(text);
  if (value === undefined) return { ok: false, error: `'${text.trim()}' is not a number (0xfebf0000, 4273930240)` };
  const limit = LIMIT[bar.type];
  if (value > limit) return { ok: false, error: `${hex(value)} does not fit a ${bar.type} BAR (at most ${hex(limit)})` };
  const size = BigInt(bar.size);
  const below = value - (value % size);
  if (below !== value) {
    return {
      ok: false,
      error: `${hex(value)} is not aligned to the BAR's size (${byteSize(bar.size)}): its low bits are read-only, so it would decode at ${hex(below)}. Use ${hex(below)} or ${hex(below + size)}.`,
    };
  }
  return { ok: true, value, low: Number(value & 0xffffffffn), high: Number(value >> 32n) };
}

/** The address the BAR register(s) hold, exactly: type bits masked off, the high dword of a 64-bit BAR included. */
export function programmedAddress(bar: BarInfo, low: number, high: number): bigint {
  const base = BigInt((bar.type === 'io' ? low & ~3 : low & ~0xf) >>> 0);
  return bar.type === 'mem64' ? (BigInt(high >>> 0) << 32n) | base : base;
}
