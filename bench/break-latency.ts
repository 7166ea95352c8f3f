// Machine-side breakpoint latency: from the notify whose event hits a breakpoint to
// the pause report reaching a listener (the point where a host can send it to the
// UI). Timed from just before the notify, so it is an upper bound that includes the
// notify's own work up to the event. The UI's part (report to paused banner on
// screen) is measured end to end elsewhere.
import { buildMachine } from '../src-main/machine/machine-builder';
import { parseMachineDescription } from '../src-shared/machine-file/description';

export interface BreakLatency {
  iterations: number;
  medianUs: number;
  p99Us: number;
  maxUs: number;
}

const BAR = 0xfebd0000;

function pausingMachine() {
  const parsed = parseMachineDescription({
    cpus: 4,
    devices: [
      {
        bdf: '00:03.0',
        name: 'bench',
        vendor: '0x1af4',
        device: '0x1000',
        class: '0x020000',
        bars: [{ index: 1, type: 'mem32', size: '0x1000' }],
        msix: { vectors: 4, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' }, used: 'all' },
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
  m.memory.write(BAR, 4, 0xfee01000);
  m.memory.write(BAR + 8, 4, 0x41);
  m.memory.write(BAR + 12, 4, 0);
  const added = m.debugger.add({ kind: 'notify', bdf: fn.bdf, vectors: [0], outcomes: ['delivered'] });
  if (!added.ok) throw new Error(added.error);
  return { m, msix: fn.msix! };
}

export async function measureBreakLatency(iterations = 20_000): Promise<BreakLatency> {
  const { m, msix } = pausingMachine();
  const samples = new Float64Array(iterations);
  let reportedAt = 0n;
  m.debugger.onPause(() => {
    reportedAt = process.hrtime.bigint();
  });
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    msix.notify(0);
    if (!m.debugger.paused) throw new Error('the breakpoint did not pause the machine');
    samples[i] = Number(reportedAt - start) / 1e3;
    m.debugger.continue();
    // Let the event loop breathe now and then, as a host's would.
    if ((i & 1023) === 1023) await new Promise((done) => setImmediate(done));
  }
  samples.sort();
  return {
    iterations,
    medianUs: samples[Math.floor(iterations / 2)]!,
    p99Us: samples[Math.floor(iterations * 0.99)]!,
    maxUs: samples[iterations - 1]!,
  };
}
