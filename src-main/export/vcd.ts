// The timeline as a Value Change Dump (IEEE 1364-2005, section 18.2), for GTKWave
// and Surfer: a scope per device with its function-mask and INTx wires and a
// `dropped` event (drops naming no vector of the table), a scope per vector with
// `masked` and `pending` wires and `delivered` and `dropped` events.
//
// The axis is virtual time, and the timescale says so. Many events share one
// nanosecond (a bring-up script without clock_step runs entirely at t=0), and a
// waveform shows only the last value of a time step, so every event gets its own
// step: the k-th event of a nanosecond sits k steps of the timescale after it, and
// the timescale is the coarsest that gives the busiest nanosecond a step per event
// (1 ns when no two events share one, down to 1 fs for a million). Each transition
// and each pulse is then visible, in order, at its own time.
import { formatBdf } from '../machine/pci/pci-bus';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { SignalTrace, type Signal } from './signal-trace';
import { chunksOf, ExportError, type TimelineSource } from './timeline-source';
import { CHUNK_EVENTS, type ExportOptions, type ExportPiece, type ExportPieces } from './export-pieces';

const GENERATOR = 'irqscope 0.1.0';

/** Identifier codes: printable ASCII from '!' to '~' except '$' (a reader must never mistake one for a command), shortest first. */
const ID_CHARS = Array.from({ length: 94 }, (_, k) => String.fromCharCode(33 + k)).filter((c) => c !== '$');

export function vcdIdentifier(n: number): string {
  let id = '';
  do {
    id += ID_CHARS[n % ID_CHARS.length];
    n = Math.floor(n / ID_CHARS.length);
  } while (n > 0);
  return id;
}

/** A VCD reference or scope name: letters, digits and underscores, not starting with a digit. */
function identifier(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

const SIGNAL_NAMES: Record<Signal['kind'], string> = { 'function-masked': 'function_masked', intx: 'intx', masked: 'masked', pending: 'pending' };

/** Steps per nanosecond and the timescale that makes them. */
const TIMESCALES: readonly [number, string][] = [
  [1, '1 ns'],
  [10, '100 ps'],
  [100, '10 ps'],
  [1000, '1 ps'],
  [1e4, '100 fs'],
  [1e5, '10 fs'],
  [1e6, '1 fs'],
];
/** GTKWave and Surfer keep time in a signed 64-bit integer. */
const MAX_VCD_TIME = 2n ** 63n - 1n;

/** Share of the progress the first pass takes. */
const FIRST_PASS = 0.2;

/** A first pass over the times: the most events in one nanosecond, and where; it yields (empty pieces) as it goes. */
function* busiestNanosecond(source: TimelineSource): Generator<ExportPiece, { share: number; at: number; last: number }, undefined> {
  const n = source.endSeq - source.firstSeq;
  let share = 0;
  let at = 0;
  let run = 0;
  let prev = NaN;
  let done = 0;
  for (const cols of chunksOf(source, CHUNK_EVENTS)) {
    for (let i = 0; i < cols.time.length; i++) {
      const t = cols.time[i]!;
      run = t === prev ? run + 1 : 1;
      prev = t;
      if (run > share) (share = run), (at = t);
    }
    done += cols.time.length;
    yield { data: '', progress: (FIRST_PASS * done) / n };
  }
  return { share, at, last: Number.isNaN(prev) ? 0 : prev };
}

export function* vcdPieces(source: TimelineSource, options: ExportOptions): ExportPieces {
  if (options.axis !== 'ns') throw new ExportError("VCD time is physical time: its axis is virtual time ('ns'), where every event has its own time step");
  const n = source.endSeq - source.firstSeq;
  const busiest = yield* busiestNanosecond(source);
  const scale = TIMESCALES.find(([steps]) => steps >= busiest.share);
  if (scale === undefined) throw new ExportError(`${busiest.share} events at ${busiest.at} ns: more than a million in one nanosecond cannot each have a VCD time step (1 fs is the finest)`);
  const [steps, timescale] = scale;
  if (BigInt(busiest.last) * BigInt(steps) + BigInt(steps) > MAX_VCD_TIME) throw new ExportError(`${busiest.last} ns in steps of ${timescale} is past the 64-bit time of VCD viewers`);
  const stepOf = (t: number, k: number): string => (t * steps + k <= Number.MAX_SAFE_INTEGER ? String(t * steps + k) : String(BigInt(t) * BigInt(steps) + BigInt(k)));

  const trace = new SignalTrace(source.devices, source.evicted === 0);
  const signalIds = trace.signals.map((_, k) => vcdIdentifier(k));
  let nextId = trace.signals.length;
  const deliveredIds = new Map<number, string[]>();
  const droppedIds = new Map<number, string[]>();
  const deviceDropIds = new Map<number, string>();
  const out: string[] = [];

  out.push('$date', `\t${(options.date ?? new Date()).toISOString()}`, '$end');
  out.push('$version', `\t${GENERATOR}`, '$end');
  const range = n === 0 ? 'no events' : `events #${source.firstSeq}..#${source.endSeq - 1}${source.evicted > 0 ? ` (${source.evicted} earlier events were overwritten: levels start unknown)` : ''}`;
  // A '$' in comment text could end the comment early ("$end"): comments carry none.
  const name = (source.machineName ?? 'irqscope machine').replace(/\$/g, '');
  const spread = steps === 1 ? 'no two events share a nanosecond' : `events sharing a nanosecond follow one another ${timescale} apart`;
  out.push('$comment', `\t${name}: ${range}`, `\ttime: virtual time; ${spread}`, ...(options.filter ? ['\tdelivered and dropped: only events the filter selects'] : []), '$end');
  out.push(`$timescale ${timescale} $end`);

  out.push('$scope module machine $end');
  for (const d of source.devices) {
    out.push(`$scope module ${identifier(`${d.name}_${formatBdf(d.bdf)}`)} $end`);
    const own = trace.signalsOf(d.bdf);
    for (const k of own) if (trace.signals[k]!.vector === null) out.push(`$var wire 1 ${signalIds[k]} ${SIGNAL_NAMES[trace.signals[k]!.kind]} $end`);
    const deviceDrop = vcdIdentifier(nextId++);
    deviceDropIds.set(d.bdf, deviceDrop);
    out.push(`$var event 1 ${deviceDrop} dropped $end`);
    const delivered: string[] = [];
    const dropped: string[] = [];
    for (let v = 0; v < d.vectors; v++) {
      out.push(`$scope module vector_${v} $end`);
      for (const k of own) {
        const s = trace.signals[k]!;
        if (s.vector === v) out.push(`$var wire 1 ${signalIds[k]} ${SIGNAL_NAMES[s.kind]} $end`);
      }
      delivered.push(vcdIdentifier(nextId++));
      dropped.push(vcdIdentifier(nextId++));
      out.push(`$var event 1 ${delivered[v]} delivered $end`, `$var event 1 ${dropped[v]} dropped $end`);
      out.push('$upscope $end');
    }
    deliveredIds.set(d.bdf, delivered);
    droppedIds.set(d.bdf, dropped);
    out.push('$upscope $end');
  }
  out.push('$upscope $end');
  out.push('$enddefinitions $end');

  let lastNs = NaN;
  let k = 0;
  let first = true;
  let pendingStep = '';
  const visitor = {
    change: (signal: number, level: 0 | 1 | 'x'): void => {
      write(`${level}${signalIds[signal]}`);
    },
  };
  /** Lines of the current event: its time step is written only if something changes in it. */
  const write = (line: string): void => {
    if (pendingStep !== '') {
      out.push(pendingStep);
      pendingStep = '';
    }
    out.push(line);
  };

  let done = 0;
  for (const cols of chunksOf(source, CHUNK_EVENTS)) {
    for (let i = 0; i < cols.kind.length; i++) {
      const t = cols.time[i]!;
      k = t === lastNs ? k + 1 : 0;
      lastNs = t;
      const step = stepOf(t, k);
      if (first) {
        // The levels before the first event, at its step.
        out.push(`#${step}`, '$dumpvars', ...trace.signals.map((s, j) => `${s.initial}${signalIds[j]}`), '$end');
        first = false;
      } else pendingStep = `#${step}`;
      trace.step(cols, i, visitor);
      if (options.filter !== undefined && !options.filter(cols, i, cols.firstSeq + i)) continue;
      const kind = cols.kind[i]!;
      const bdf = cols.bdf[i]!;
      const vector = cols.vector[i]!;
      const inTable = trace.hasVector(bdf, vector);
      if (inTable && (kind === EventKind.NotifyDelivered || kind === EventKind.NotifyToMemory)) write(`1${deliveredIds.get(bdf)![vector]}`);
      else if (kind === EventKind.NotifyDropped) {
        const id = inTable ? droppedIds.get(bdf)![vector] : deviceDropIds.get(bdf);
        if (id !== undefined) write(`1${id}`);
      }
    }
    pendingStep = '';
    done += cols.kind.length;
    yield { data: `${out.join('\n')}\n`, progress: FIRST_PASS + ((1 - FIRST_PASS) * done) / n };
    out.length = 0;
  }
  if (first) out.push('#0', '$dumpvars', ...trace.signals.map((s, j) => `${s.initial}${signalIds[j]}`), '$end');
  if (out.length > 0) yield { data: `${out.join('\n')}\n`, progress: 1 };
}
