// Shared set-up for the host tests: a session on a preset or a described machine.
import { fileURLToPath } from 'node:url';
import { createAppHost, type AppHost, type AppHostOptions } from '../../src-main/host/app-host';
import { folderPresets } from '../../src-main/host/presets';
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';
import type { Reply } from '../../src-shared/ipc/contract';

export const PRESETS_DIR = fileURLToPath(new URL('../../machines', import.meta.url));

export function hostOn(initial: AppHostOptions['initial'] = { source: 'preset', preset: 'virtio-net' }, extra: Partial<AppHostOptions> = {}): AppHost {
  const created = createAppHost({ presets: folderPresets(PRESETS_DIR), initial, ...extra });
  if (!created.ok) throw new Error(created.error);
  return created.host;
}

export function hostWith(description: MachineDescriptionInput, extra: Partial<AppHostOptions> = {}): AppHost {
  return hostOn({ source: 'text', text: JSON.stringify(description), fileName: 'test.json' }, extra);
}

/** A device with MSI-X in BAR1 (the virtio-net layout) and one without. */
export const TWO_DEVICES: MachineDescriptionInput = {
  name: 'two devices',
  cpus: 2,
  ram: [{ base: 0, size: 0x100000 }],
  devices: [
    {
      bdf: '00:03.0',
      name: 'nic0',
      vendor: 0x1af4,
      device: 0x1000,
      class: 0x020000,
      bars: [{ index: 1, type: 'mem32', size: 0x1000 }],
      msix: { vectors: 3, capOffset: 0x84, table: { bar: 1, offset: 0 }, pba: { bar: 1, offset: 0x800 }, used: 'all' },
    },
    { bdf: '00:05.0', name: 'plain', vendor: 0x8086, device: 0x1234, class: 0x010000, bars: [{ index: 0, type: 'io', size: 0x20 }] },
  ],
};

export const NIC = 0x18; // 00:03.0
export const PLAIN = 0x28; // 00:05.0
export const BAR1 = 0xfebf0000;

export function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`request failed: ${reply.error}`);
  return reply.value;
}

/**
 * Guest-side bring-up of the NIC: memory space and bus master on, BAR1 at 0xfebf0000,
 * MSI-X enabled, vector 0 aimed at CPU 1 vector 0x31 and unmasked.
 */
export function bringUpNic(host: AppHost): void {
  const d = host.dispatch;
  value(d('writeConfig', { bdf: NIC, offset: 0x14, size: 4, value: BAR1 }));
  value(d('writeConfig', { bdf: NIC, offset: 0x04, size: 2, value: 0x0006 }));
  value(d('writeConfig', { bdf: NIC, offset: 0x84 + 2, size: 2, value: 0x8000 }));
  value(d('writeMmio', { address: BAR1 + 0, size: 4, value: 0xfee01000 }));
  value(d('writeMmio', { address: BAR1 + 8, size: 4, value: 0x31 }));
  value(d('writeMmio', { address: BAR1 + 12, size: 4, value: 0 }));
}
