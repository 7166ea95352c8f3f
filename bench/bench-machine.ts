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

/**
 * A 16-vector device whose log is filled to its capacity with a mix of notifies and
 * mask flips (every seventh step), plus, every `extraEvery` steps when above 0, one
 * more notify on another vector: the runs the state-at-event and comparison benches read.
 * Each step offers the run a checkpoint, as a source firing or a qtest line does.
 */
export function mixedLogMachine(extraEvery = 0): Machine {
  const { m, fn } = benchMachine(16, 4);
  const msix = fn.msix!;
  for (let v = 0; v < 16; v++) {
    msix.tableWrite(v * 16, 4, 0xfee00000 | ((v & 3) << 12));
    msix.tableWrite(v * 16 + 8, 4, 0x40 + v);
  }
  for (let k = 0; m.log.total < m.log.capacity - 8; k++) {
    const v = k % 16;
    if (k % 7 === 0) msix.tableWrite(v * 16 + 12, 4, (k >> 3) & 1);
    else msix.notify(v);
    if (extraEvery > 0 && k % extraEvery === extraEvery - 1) msix.notify((v + 5) % 16);
    // Between two operations, as every driver of the machine offers (a source firing, a qtest line).
    m.checkpoints.offer();
  }
  return m;
}
