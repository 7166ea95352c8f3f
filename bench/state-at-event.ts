// The state at any event: a run of ~1 M events (notifies, mask toggles through the
// table, use count changes), then the machine as it was right after random events.
// The run took its checkpoints as it went (machine/checkpoint-trail.ts), so the first
// query (the last event, as a click right after the run would ask) is as near a
// checkpoint as any: at most about CHECKPOINT_EVERY events of replay.
import { mixedLogMachine } from './bench-machine';
import { StateHistory } from '../src-main/history/state-history';

export interface StateAtFigures {
  events: number;
  firstMs: number;
  /** Events the first query replayed. */
  firstReplayed: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

export function measureStateAt(queries: number): StateAtFigures {
  const m = mixedLogMachine();
  const last = m.log.total - 1;
  // The first query builds the history too (its second machine), as the target's first at() does.
  let t = performance.now();
  const history = new StateHistory(m);
  const first = history.at(last);
  if (!first.ok) throw new Error(first.error);
  const firstMs = performance.now() - t;
  const firstReplayed = history.replayed;
  const times: number[] = [];
  let seed = 12345;
  for (let q = 0; q < queries; q++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const seq = seed % m.log.total;
    t = performance.now();
    const at = history.at(seq);
    times.push(performance.now() - t);
    if (!at.ok) throw new Error(at.error);
  }
  times.sort((x, y) => x - y);
  return { events: m.log.total, firstMs, firstReplayed, medianMs: times[Math.floor(times.length / 2)]!, p99Ms: times[Math.floor(times.length * 0.99)]!, maxMs: times.at(-1)! };
}
