// A long clock_step (a source at 1 GHz on an unmasked vector: every firing a delivery
// and an event) run two ways: in one call through the debugger, as before slices, and
// through the qtest line pump, which runs it a slice at a time with the event loop in
// between (so it can report progress, stop at Ctrl+C and answer other clients). The
// figure is what slicing costs: the pump's firings per second against one call's.
import { PassThrough, Writable } from 'node:stream';
import { BENCH_BAR as BAR, benchMachine } from './bench-machine';
import { QtestSession } from '../src-main/qtest/qtest-session';
import { pumpLines } from '../src-main/qtest/line-pump';
import type { Machine } from '../src-main/machine/machine';

export interface LongAdvance {
  firings: number;
  oneCallPerSecond: number;
  slicedPerSecond: number;
  /** Turns of the event loop the pump gave while the step ran. */
  turns: number;
}

function firingMachine(): Machine {
  const { m, fn } = benchMachine(1, 4);
  m.memory.write(BAR, 4, 0xfee01000);
  m.memory.write(BAR + 8, 4, 0x41);
  m.memory.write(BAR + 12, 4, 0);
  m.startSource(fn, 0, 1e9);
  return m;
}

export async function measureLongAdvance(firings = 20_000_000): Promise<LongAdvance> {
  const whole = firingMachine();
  let start = performance.now();
  const outcome = whole.debugger.perform({ kind: 'advance', targetNs: firings });
  const oneCallS = (performance.now() - start) / 1e3;
  if (!outcome.ok || whole.clock.fired !== firings) throw new Error('the advance in one call did not run');

  const sliced = firingMachine();
  const session = new QtestSession(sliced, { replyToEveryLine: true });
  const input = new PassThrough();
  let reply = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      reply += chunk.toString();
      done();
    },
  });
  let turns = 0;
  let counting = true;
  const tick = (): void => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  start = performance.now();
  input.end(`clock_step ${firings}\n`);
  await pumpLines(session, input, output);
  const slicedS = (performance.now() - start) / 1e3;
  counting = false;
  if (reply !== `OK ${firings}\n` || sliced.clock.fired !== firings) throw new Error(`the sliced advance answered ${reply}`);
  return { firings, oneCallPerSecond: firings / oneCallS, slicedPerSecond: firings / slicedS, turns };
}
