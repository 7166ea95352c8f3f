// The timeline as Chrome trace-event JSON (the "JSON trace format" that
// ui.perfetto.dev and chrome://tracing load): a process per device, a thread per
// vector (thread 0 for device-wide events, process 0 for machine-wide ones), every
// event as a thread-scoped instant with its record in args, and counter tracks for
// each vector's masked and pending levels. Timestamps are in microseconds.
import { formatBdf } from '../../src-shared/pci-text/bdf';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { namesVector } from '../../src-shared/debugger/vector-events';
import { SignalTrace } from './signal-trace';
import { axisTime, type TimeAxis, type TimelineSource } from './timeline-source';

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

export function toPerfettoTrace(source: TimelineSource, axis: TimeAxis): ChromeTrace {
  const events: TraceEvent[] = [];
  const us = (i: number): number => (axis === 'ns' ? axisTime(source, axis, i) / 1000 : axisTime(source, axis, i));
  const meta = (name: string, pid: number, tid: number, value: string | number): void => {
    events.push({ name, ph: 'M', ts: 0, pid, tid, args: name.endsWith('sort_index') ? { sort_index: value } : { name: value } });
  };
  meta('process_name', MACHINE_PID, 0, source.machineName ?? 'machine');
  meta('process_sort_index', MACHINE_PID, 0, 0);
  const vectors = new Map<number, number>();
  for (const d of source.devices) {
    const pid = pidOf(d.bdf);
    vectors.set(d.bdf, d.vectors);
    meta('process_name', pid, 0, `${formatBdf(d.bdf)} ${d.name}`);
    meta('process_sort_index', pid, 0, pid);
    meta('thread_name', pid, 0, 'function');
    for (let v = 0; v < d.vectors; v++) {
      meta('thread_name', pid, tidOf(v), `vector ${v}`);
      meta('thread_sort_index', pid, tidOf(v), tidOf(v));
    }
  }

  const cols = source.columns;
  for (let i = 0; i < cols.kind.length; i++) {
    const r = eventRecord(cols, i);
    const bdf = cols.bdf[i]!;
    const onVector = namesVector(cols.kind[i]!, cols.detail[i]!) && cols.vector[i]! < (vectors.get(bdf) ?? 0);
    events.push({
      name: r.kind,
      cat: r.origin,
      ph: 'i',
      s: 't',
      ts: us(i),
      pid: pidOf(bdf),
      tid: onVector ? tidOf(cols.vector[i]!) : 0,
      args: { seq: r.seq, timeNs: r.timeNs, text: r.text, detail: r.detail, a: r.a, b: r.b, c: r.c },
    });
  }

  const trace = new SignalTrace(source);
  const counter = (ts: number, signal: number, level: 0 | 1): void => {
    const s = trace.signals[signal]!;
    const name = s.vector === null ? s.kind : `vector ${s.vector} ${s.kind}`;
    events.push({ name, ph: 'C', ts, pid: pidOf(s.bdf), tid: 0, args: { [s.kind]: level } });
  };
  const start = cols.kind.length === 0 ? 0 : us(0);
  trace.signals.forEach((s, k) => {
    if (s.initial !== 'x') counter(start, k, s.initial);
  });
  trace.walk({
    change(i, signal, level) {
      // An unknown level has no counter value: the track simply starts at the first known one.
      if (level !== 'x') counter(us(i), signal, level);
    },
    delivery() {},
  });

  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'irqscope 0.1.0',
      timeAxis: axis === 'ns' ? 'virtual time' : 'event sequence number (1 µs per event)',
      firstSeq: cols.firstSeq,
      events: cols.kind.length,
      evicted: source.evicted,
    },
  };
}
