// Two runs side by side as the app's Compare view asks for them: two runs of ~1 M
// events each (notifies and mask toggles over 16 vectors), B with one extra notify
// every 10,000 events; the alignment once, then windows of the aligned axis — the
// whole run, and zoomed in at random places — at 1,600 columns.
import { mixedLogMachine } from './bench-machine';
import { OpenComparison } from '../src-main/host/run-comparison';
import type { EventColumns } from '../src-shared/timeline/columns';

export interface CompareFigures {
  events: number;
  differences: number;
  alignMs: number;
  wholeWindowMs: number;
  zoomedMedianMs: number;
}

function run(extraEvery: number): EventColumns {
  const m = mixedLogMachine(extraEvery);
  return m.log.slice(m.log.firstSeq, m.log.total);
}

export function measureCompare(zoomedQueries = 200): CompareFigures {
  const a = run(0);
  const b = run(10_000);
  let t = performance.now();
  const c = new OpenComparison(a, b, ['a', 'b']);
  const alignMs = performance.now() - t;
  const steps = c.summary.steps;
  t = performance.now();
  c.window('aligned', 0, steps, 1600);
  const wholeWindowMs = performance.now() - t;
  const times: number[] = [];
  let seed = 4321;
  for (let q = 0; q < zoomedQueries; q++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const start = seed % steps;
    t = performance.now();
    c.window('aligned', start, start + 5000, 1600);
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return {
    events: a.kind.length,
    differences: c.summary.onlyA + c.summary.onlyB + c.summary.different,
    alignMs,
    wholeWindowMs,
    zoomedMedianMs: times[times.length >> 1]!,
  };
}
