// The whole engine: notify through MSI-X state, the device's bus-master check, the
// memory address space, the local APIC and the event log; and guest table writes.
import type { NotifyRates } from './notify-ceiling';
import { EventLog } from '../src-main/machine/event-log';
import { BENCH_BAR as BAR, benchMachine } from './bench-machine';

const N = 64;

function unmaskedMachine() {
  const { m, fn } = benchMachine(N, 8);
  for (let v = 0; v < N; v++) {
    m.memory.write(BAR + v * 16, 4, (0xfee00000 | ((v & 7) << 12)) >>> 0);
    m.memory.write(BAR + v * 16 + 8, 4, 0x30 + v);
    m.memory.write(BAR + v * 16 + 12, 4, 0);
  }
  return { m, msix: fn.msix! };
}

export function measureEngine(iterations: number): NotifyRates & { tableWritesPerSecond: number; bytesPerEvent: number } {
  const { m, msix } = unmaskedMachine();
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
