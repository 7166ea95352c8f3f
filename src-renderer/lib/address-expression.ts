// The poke panel's address field: an absolute address, or `barN+offset` against
// where the selected device's BAR N decodes now.
import type { DeviceInfo } from '../../src-shared/ipc/contract';
import { parseNumber } from './format';

export type ResolvedAddress = { ok: true; address: number; space: 'memory' | 'io' | null } | { ok: false; error: string };

export function resolveAddress(text: string, device: DeviceInfo | null): ResolvedAddress {
  const t = text.trim().toLowerCase();
  const bar = /^bar([0-5])\s*(?:\+\s*(.+))?$/.exec(t);
  if (bar === null) {
    const address = parseNumber(t);
    return address === undefined ? { ok: false, error: `'${text}' is not an address (0x…, decimal, or barN+offset)` } : { ok: true, address, space: null };
  }
  if (device === null) return { ok: false, error: 'select a device to use barN+offset' };
  const index = Number(bar[1]);
  const offset = bar[2] === undefined ? 0 : parseNumber(bar[2]);
  if (offset === undefined) return { ok: false, error: `'${bar[2]}' is not an offset` };
  const info = device.bars.find((b) => b.index === index);
  if (info === undefined) return { ok: false, error: `${device.address} has no BAR ${index}` };
  if (info.mappedAt === null) return { ok: false, error: `BAR ${index} of ${device.address} is not mapped (assign it and enable ${info.type === 'io' ? 'I/O' : 'memory'} space)` };
  if (offset >= info.size) return { ok: false, error: `offset 0x${offset.toString(16)} is past the end of BAR ${index} (size 0x${info.size.toString(16)})` };
  return { ok: true, address: info.mappedAt + offset, space: info.type === 'io' ? 'io' : 'memory' };
}
