// The whole engine: notify through MSI-X state, the device's bus-master check, the
// memory address space, the local APIC and the event log; and guest table writes.
import { buildMachine } from '../src-main/machine/machine-builder';
import { parseMachineDescription } from '../src-shared/machine-file/description';
import type { NotifyRates } from './notify-ceiling';
import { EventLog } from '../src-main/machine/event-log';

const N = 64;
const BAR = 0xfebd0000;

function benchMachine() {
  const parsed = parseMachineDescription({
    cpus: 8,
    ram: [{ base: '0x0', size: '0x100000' }],
    devices: [
      {
        bdf: '00:03.0',
        name: 'bench',
        vendor: '0x1af4',
        device: '0x1000',
        class: '0x020000',
        bars: [{ index: 1, type: 'mem32', size: '0x1000' }],
        msix: { vectors: N, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' }, used: 'all' },
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const built = buildMachine(parsed.value);
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const m = built.machine;
  const fn = m.functions()[0]!;
  m.bus.configWrite(fn.bdf, 0x14, 4, BAR);
  m.bus.configWrite(fn.bdf, 0x04, 2, 0x6);
  m.bus.configWrite(fn.bdf, fn.msix!.capabilityOffset + 2, 2, 0x8000);
  for (let v = 0; v < N; v++) {
    m.memory.write(BAR + v * 16, 4, (0xfee00000 | ((v & 7) << 12)) >>> 0);
    m.memory.write(BAR + v * 16 + 8, 4, 0x30 + v);
    m.memory.write(BAR + v * 16 + 12, 4, 0);
  }
  return { m, msix: fn.msix! };
}

export function measureEngine(iterations: number): NotifyRates & { tableWritesPerSecond: number; bytesPerEvent: number } {
  const { m, msix } = benchMachine();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) msix.notify(i & (N - 1));
  const t1 = performance.now();
  let delivered = 0;
  for (let v = 0; v < N; v++) delivered += msix.delivered[v]!;
  if (delivered !== iterations) throw new Error(`engine delivered ${delivered} of ${iterations}`);
  for (let v = 0; v < N; v++) m.memory.write(BAR + v * 16 + 12, 4, 1);
  const t2 = performance.now();
  for (let i = 0; i < iterations; i++) msix.notify(i & (N - 1));
  const t3 = performance.now();
  if (msix.pba[0] !== 0xffffffff) throw new Error('masked notifies did not pend');
  const writes = Math.floor(iterations / 4);
  const t4 = performance.now();
  for (let i = 0; i < writes; i++) m.memory.write(BAR + ((i & (N - 1)) << 4) + 8, 4, i);
  const t5 = performance.now();
  const log = m.log;
  const bytes =
    log.time.byteLength + log.kind.byteLength + log.detail.byteLength + log.origin.byteLength + log.bdf.byteLength + log.vector.byteLength + log.a.byteLength + log.b.byteLength + log.c.byteLength;
  if (bytes / log.capacity !== EventLog.BYTES_PER_EVENT) throw new Error('event log columns disagree with BYTES_PER_EVENT');
  return {
    deliveredPerSecond: (iterations / (t1 - t0)) * 1e3,
    maskedPerSecond: (iterations / (t3 - t2)) * 1e3,
    tableWritesPerSecond: (writes / (t5 - t4)) * 1e3,
    bytesPerEvent: bytes / log.capacity,
  };
}
