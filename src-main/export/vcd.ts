// The timeline as a Value Change Dump (IEEE 1364-2005, section 18.2), for GTKWave
// and Surfer: a scope per device with its function-mask and INTx wires, a scope per
// vector with `masked` and `pending` wires and a `delivered` event. Several changes
// at one time step are written as the value at the end of that step, and a vector
// delivering several times in one step triggers its event once: use the `seq` axis
// (one tick per event) to see every one of them.
import { formatBdf } from '../../src-shared/pci-text/bdf';
import { SignalTrace, type Level, type Signal } from './signal-trace';
import { axisTime, type TimeAxis, type TimelineSource } from './timeline-source';

export interface VcdOptions {
  axis: TimeAxis;
  date?: Date;
}

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

export function toVcd(source: TimelineSource, options: VcdOptions): string {
  const trace = new SignalTrace(source);
  const signalIds = trace.signals.map((_, k) => vcdIdentifier(k));
  const deliveryIds = new Map<string, string>();
  const out: string[] = [];
  const cols = source.columns;
  const n = cols.kind.length;

  out.push('$date', `\t${(options.date ?? new Date()).toISOString()}`, '$end');
  out.push('$version', `\t${GENERATOR}`, '$end');
  const range = n === 0 ? 'no events' : `events #${cols.firstSeq}..#${cols.firstSeq + n - 1}${source.evicted > 0 ? ` (${source.evicted} earlier events were overwritten: levels start unknown)` : ''}`;
  // A '$' in comment text could end the comment early ("$end"): comments carry none.
  const name = (source.machineName ?? 'irqscope machine').replace(/\$/g, '');
  out.push('$comment', `\t${name}: ${range}`, options.axis === 'ns' ? '\ttime: virtual time' : '\ttime: event sequence number, one tick per event', '$end');
  out.push(options.axis === 'ns' ? '$timescale 1 ps $end' : '$timescale 1 ns $end');

  out.push('$scope module machine $end');
  let nextId = trace.signals.length;
  for (const d of source.devices) {
    out.push(`$scope module ${identifier(`${d.name}_${formatBdf(d.bdf)}`)} $end`);
    const own = trace.signalsOf(d.bdf);
    for (const k of own) if (trace.signals[k]!.vector === null) out.push(`$var wire 1 ${signalIds[k]} ${SIGNAL_NAMES[trace.signals[k]!.kind]} $end`);
    for (let v = 0; v < d.vectors; v++) {
      out.push(`$scope module vector_${v} $end`);
      for (const k of own) {
        const s = trace.signals[k]!;
        if (s.vector === v) out.push(`$var wire 1 ${signalIds[k]} ${SIGNAL_NAMES[s.kind]} $end`);
      }
      const id = vcdIdentifier(nextId++);
      deliveryIds.set(`${d.bdf}:${v}`, id);
      out.push(`$var event 1 ${id} delivered $end`);
      out.push('$upscope $end');
    }
    out.push('$upscope $end');
  }
  out.push('$upscope $end');
  out.push('$enddefinitions $end');

  const tick = (i: number): number => {
    const t = axisTime(source, options.axis, i);
    return options.axis === 'ns' ? Math.round(t * 1000) : t;
  };
  const dumped: Level[] = trace.signals.map((s) => s.initial);
  let time = n === 0 ? 0 : tick(0);
  out.push(`#${time}`, '$dumpvars');
  for (let k = 0; k < dumped.length; k++) out.push(`${dumped[k]}${signalIds[k]}`);
  out.push('$end');

  // Changes are gathered per time step and written when time moves on.
  const step = new Map<number, Level>();
  const fired = new Set<string>();
  const flush = (): void => {
    for (const [k, level] of step) {
      if (dumped[k] === level) continue;
      dumped[k] = level;
      out.push(`${level}${signalIds[k]}`);
    }
    for (const id of fired) out.push(`1${id}`);
    step.clear();
    fired.clear();
  };
  const at = (i: number): void => {
    const t = Math.max(time, tick(i));
    if (t === time) return;
    flush();
    time = t;
    out.push(`#${time}`);
  };
  trace.walk({
    change(i, signal, level) {
      at(i);
      step.set(signal, level);
    },
    delivery(i, bdf, vector) {
      at(i);
      fired.add(deliveryIds.get(`${bdf}:${vector}`)!);
    },
  });
  flush();
  // A time step with nothing left to write after coalescing is dropped.
  const text: string[] = [];
  for (let k = 0; k < out.length; k++) {
    if (out[k]!.startsWith('#') && k > 0 && (k + 1 === out.length || out[k + 1]!.startsWith('#'))) continue;
    text.push(out[k]!);
  }
  return text.join('\n') + '\n';
}
