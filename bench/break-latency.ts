// Machine-side breakpoint latency: from the notify whose event hits a breakpoint to
// the pause report reaching a listener (the point where a host can send it to the
// UI). Timed from just before the notify, so it is an upper bound that includes the
// notify's own work up to the event. The UI's part (report to paused banner on
// screen) is measured end to end elsewhere.
import { BENCH_BAR as BAR, benchMachine } from './bench-machine';

export interface BreakLatency {
  iterations: number;
  medianUs: number;
  p99Us: number;
  maxUs: number;
}

function pausingMachine() {
  const { m, fn } = benchMachine(4, 4);
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
