// The timeline as Chrome trace-event JSON (the "JSON trace format" that
// ui.perfetto.dev and chrome://tracing load), kept beside the native protobuf trace
// for tools that read only JSON: a process per device, a thread per vector (thread 0
// for device-wide events, process 0 for machine-wide ones), every event as a
// thread-scoped instant with its record in args, and counter tracks for each
// vector's masked and pending levels. Timestamps are microseconds, written from the
// integer nanoseconds digit for digit (never through a division's rounding).
import { formatBdf } from '../machine/pci/pci-bus';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { namesVector } from '../../src-shared/debugger/vector-events';
import { SignalTrace } from './signal-trace';
import { chunksOf, type TimelineSource } from './timeline-source';
import { CHUNK_EVENTS, type ExportOptions, type ExportPieces } from './export-pieces';

export interface TraceEvent {
  name: string;
  ph: 'i' | 'C' | 'M';
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  s?: 't';
  args: Record<string, string | number>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string | number>;
}

const MACHINE_PID = 0;
const NO_DEVICE = 0xffff;
const pidOf = (bdf: number): number => (bdf === NO_DEVICE ? MACHINE_PID : bdf + 1);
const tidOf = (vector: number | null): number => (vector === null ? 0 : vector + 1);

/** Whole nanoseconds as a JSON number of microseconds, exactly: 380088400953 -> 380088400.953. */
export function microsecondsText(ns: number): string {
  const frac = ns % 1000;
  return frac === 0 ? String((ns - frac) / 1000) : `${(ns - frac) / 1000}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** A trace event as JSON, its timestamp given as exact text. */
function eventJson(event: Omit<TraceEvent, 'ts'>, ts: string): string {
  const json = JSON.stringify(event);
  return `${json.slice(0, -1)},"ts":${ts}}`;
}

export function* perfettoJsonPieces(source: TimelineSource, options: ExportOptions): ExportPieces {
  const n = source.endSeq - source.firstSeq;
  const meta: string[] = [];
  const addMeta = (name: string, pid: number, tid: number, value: string | number): void => {
    meta.push(eventJson({ name, ph: 'M', pid, tid, args: name.endsWith('sort_index') ? { sort_index: value } : { name: value } }, '0'));
  };
  addMeta('process_name', MACHINE_PID, 0, source.machineName ?? 'machine');
  addMeta('process_sort_index', MACHINE_PID, 0, 0);
  for (const d of source.devices) {
    const pid = pidOf(d.bdf);
    addMeta('process_name', pid, 0, `${formatBdf(d.bdf)} ${d.name}`);
    addMeta('process_sort_index', pid, 0, pid);
    addMeta('thread_name', pid, 0, 'function');
    for (let v = 0; v < d.vectors; v++) {
      addMeta('thread_name', pid, tidOf(v), `vector ${v}`);
      addMeta('thread_sort_index', pid, tidOf(v), tidOf(v));
    }
  }
  yield { data: `{"traceEvents":[${meta.join(',')}`, progress: 0 };

  const trace = new SignalTrace(source.devices, source.evicted === 0);
  let out: string[] = [];
  let ts = '0';
  const counter = (signal: number, level: 0 | 1): void => {
    const s = trace.signals[signal]!;
    const name = s.vector === null ? s.kind : `vector ${s.vector} ${s.kind}`;
    out.push(eventJson({ name, ph: 'C', pid: pidOf(s.bdf), tid: 0, args: { [s.kind]: level } }, ts));
  };
  // An unknown level has no counter value: the track simply starts at the first known one.
  const visitor = { change: (signal: number, level: 0 | 1 | 'x'): void => void (level !== 'x' && counter(signal, level)) };
  let done = 0;
  for (const cols of chunksOf(source, CHUNK_EVENTS)) {
    for (let i = 0; i < cols.kind.length; i++) {
      ts = options.axis === 'ns' ? microsecondsText(cols.time[i]!) : String(cols.firstSeq + i);
      if (done === 0 && i === 0) trace.signals.forEach((s, k) => s.initial !== 'x' && counter(k, s.initial));
      trace.step(cols, i, visitor);
      if (options.filter !== undefined && !options.filter(cols, i, cols.firstSeq + i)) continue;
      const r = eventRecord(cols, i);
      const bdf = cols.bdf[i]!;
      const onVector = namesVector(cols, i) && trace.hasVector(bdf, cols.vector[i]!);
      out.push(
        eventJson(
          { name: r.kind, cat: r.origin, ph: 'i', s: 't', pid: pidOf(bdf), tid: onVector ? tidOf(cols.vector[i]!) : 0, args: { seq: r.seq, timeNs: r.timeNs, text: r.text, ...r.fields } },
          ts,
        ),
      );
    }
    done += cols.kind.length;
    yield { data: out.map((e) => `,${e}`).join(''), progress: done / n };
    out = [];
  }

  const otherData = {
    generator: 'irqscope 0.1.0',
    timeAxis: options.axis === 'ns' ? 'virtual time' : 'event sequence number (1 µs per event)',
    firstSeq: source.firstSeq,
    events: n,
    evicted: source.evicted,
    ...(options.filter ? { filtered: 'instants: only the events the filter selects' } : {}),
  };
  yield { data: `],"displayTimeUnit":"ns","otherData":${JSON.stringify(otherData)}}`, progress: 1 };
}
