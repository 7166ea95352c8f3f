// One virtio-net-like function with N vectors, brought up as a driver would: BAR1 at
// 0xfebd0000, memory space and bus master on, MSI-X enabled, every vector in use.
import { buildMachine } from '../src-main/machine/machine-builder';
import { parseMachineDescription } from '../src-shared/machine-file/description';
import type { Machine } from '../src-main/machine/machine';
import type { PciFunction } from '../src-main/machine/pci/pci-function';

export const BENCH_BAR = 0xfebd0000;

export function benchMachine(vectors: number, cpus: number): { m: Machine; fn: PciFunction } {
  const parsed = parseMachineDescription({
    cpus,
    ram: [{ base: '0x0', size: '0x100000' }],
    devices: [
      {
        bdf: '00:03.0',
        name: 'bench',
        vendor: '0x1af4',
        device: '0x1000',
        class: '0x020000',
        bars: [{ index: 1, type: 'mem32', size: '0x1000' }],
        msix: { vectors, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' }, used: 'all' },
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const built = buildMachine(parsed.value);
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const m = built.machine;
  const fn = m.functions()[0]!;
  m.bus.configWrite(fn.bdf, 0x14, 4, BENCH_BAR);
  m.bus.configWrite(fn.bdf, 0x04, 2, 0x6);
  m.bus.configWrite(fn.bdf, fn.msix!.capabilityOffset + 2, 2, 0x8000);
  return { m, fn };
}
