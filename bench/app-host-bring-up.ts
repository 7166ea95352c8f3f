// The virtio-net preset's NIC brought up through the app's request handlers, as the
// UI would: BAR1 at 0xfebf0000, memory space and bus master, MSI-X enabled, vector 0
// aimed at APIC 1 and unmasked.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppHost, type AppHost } from '../src-main/host/app-host';
import type { PumpLimits } from '../src-main/operations/limits';
import { folderPresets } from '../src-main/host/presets';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const NIC = 0x18;
export const BAR1 = 0xfebf0000;

export const BRING_UP: readonly [string, unknown][] = [
  ['writeConfig', { bdf: NIC, offset: 0x14, size: 4, value: BAR1 }],
  ['writeConfig', { bdf: NIC, offset: 0x04, size: 2, value: 6 }],
  ['writeConfig', { bdf: NIC, offset: 0x86, size: 2, value: 0x8000 }],
  ['writeMmio', { address: BAR1, size: 4, value: 0xfee01000 }],
  ['writeMmio', { address: BAR1 + 8, size: 4, value: 0x31 }],
  ['writeMmio', { address: BAR1 + 12, size: 4, value: 0 }],
];

/** Masks vector 0 again after BRING_UP, for what waits on its unmask. */
export const MASK_VECTOR_0: [string, unknown] = ['writeMmio', { address: BAR1 + 12, size: 4, value: 1 }];

/** Applies BRING_UP and then `more` requests to a host on the virtio-net preset. */
export function bringUp(host: AppHost, more: readonly [string, unknown][] = []): void {
  for (const [name, params] of [...BRING_UP, ...more]) {
    const reply = host.dispatch(name, params);
    if (!reply.ok) throw new Error(reply.error);
  }
}

export function broughtUpHost(more: readonly [string, unknown][] = [], pump: Partial<PumpLimits> = {}): AppHost {
  const created = createAppHost({ presets: folderPresets(join(ROOT, 'machines')), initial: { source: 'preset', preset: 'virtio-net' }, pump });
  if (!created.ok) throw new Error(created.error);
  bringUp(created.host, more);
  return created.host;
}
