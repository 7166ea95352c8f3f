// The native Perfetto trace, decoded back with protobufjs against Perfetto's own
// message definitions (the messages irqscope uses, src-main/export/perfetto-proto.ts)
// and checked for what ui.perfetto.dev shows: tracks, instants, counters and flows.
import { describe, expect, it } from 'vitest';
import { busyMachine } from '../session/busy-machine';
import { Guest, CTRL, ENABLE, MASKALL, apicAddress } from '../machine/guest';
import { timelineOf } from '../../src-main/export/timeline-source';
import { exportBytes } from '../../src-main/export/timeline-export';
import { perfettoType, SEQ_INCREMENTAL_STATE_CLEARED, SEQ_NEEDS_INCREMENTAL_STATE } from '../../src-main/export/perfetto-proto';
import { MAX_INTERNED, perfettoPieces } from '../../src-main/export/perfetto';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { EVENT_KIND_NAMES } from '../../src-shared/timeline/event-schema';
import type { Machine } from '../../src-main/machine/machine';
import type { ExportOptions } from '../../src-main/export/export-pieces';

interface Annotation {
  name_iid?: number;
  uint_value?: number;
}
interface TrackEvent {
  type?: string;
  track_uuid?: number;
  name_iid?: number;
  name?: string;
  category_iids?: number[];
  counter_value?: number;
  flow_ids?: number[];
  terminating_flow_ids?: number[];
  debug_annotations?: Annotation[];
}
interface Packet {
  timestamp?: number;
  trusted_packet_sequence_id?: number;
  sequence_flags?: number;
  track_event?: TrackEvent;
  track_descriptor?: { uuid: number; name?: string; parent_uuid?: number; counter?: { unit?: string } };
  interned_data?: { event_names?: { iid: number; name: string }[]; event_categories?: { iid: number; name: string }[]; debug_annotation_names?: { iid: number; name: string }[] };
}

/** What a reader of the trace sees: tracks by name, and every event with its interned strings resolved. */
function readTrace(bytes: Uint8Array) {
  const Trace = perfettoType('Trace');
  const packets = (Trace.toObject(Trace.decode(bytes), { longs: Number, enums: String }) as { packet: Packet[] }).packet;
  const names = new Map<number, string>();
  const categories = new Map<number, string>();
  const annotationNames = new Map<number, string>();
  let cleared = false;
  const tracks = new Map<number, { name: string; parent?: number; counter: boolean }>();
  const events: { ts: number; track: number; name: string; category?: string; seq?: number; flows: number[]; ends: number[] }[] = [];
  const counters: { ts: number; track: number; value: number }[] = [];
  for (const p of packets) {
    if (p.track_descriptor) {
      const d = p.track_descriptor;
      tracks.set(d.uuid, { name: d.name!, parent: d.parent_uuid, counter: d.counter !== undefined });
      continue;
    }
    expect(p.trusted_packet_sequence_id).toBe(1);
    if ((p.sequence_flags ?? 0) & SEQ_INCREMENTAL_STATE_CLEARED) cleared = true;
    for (const n of p.interned_data?.event_names ?? []) names.set(n.iid, n.name);
    for (const n of p.interned_data?.event_categories ?? []) categories.set(n.iid, n.name);
    for (const n of p.interned_data?.debug_annotation_names ?? []) annotationNames.set(n.iid, n.name);
    const e = p.track_event;
    if (e === undefined) continue;
    expect(tracks.has(e.track_uuid!), `track ${e.track_uuid} described before use`).toBe(true);
    if (e.type === 'TYPE_COUNTER') {
      expect(tracks.get(e.track_uuid!)!.counter).toBe(true);
      counters.push({ ts: p.timestamp!, track: e.track_uuid!, value: e.counter_value ?? 0 });
      continue;
    }
    expect(e.type).toBe('TYPE_INSTANT');
    // Interned names need the sequence's incremental state, set up before.
    expect(cleared && (p.sequence_flags ?? 0) & SEQ_NEEDS_INCREMENTAL_STATE).toBeTruthy();
    const seq = e.debug_annotations?.find((a) => annotationNames.get(a.name_iid!) === 'seq')?.uint_value;
    const name = e.name_iid !== undefined ? names.get(e.name_iid) : e.name;
    expect(name, 'every instant has a name').toBeDefined();
    events.push({ ts: p.timestamp!, track: e.track_uuid!, name: name!, category: categories.get(e.category_iids?.[0] ?? 0), seq, flows: e.flow_ids ?? [], ends: e.terminating_flow_ids ?? [] });
  }
  const trackNamed = (path: string): number => {
    for (const [uuid, t] of tracks) {
      const full = t.parent === undefined ? t.name : `${tracks.get(t.parent)!.name}/${t.name}`;
      if (full === path) return uuid;
    }
    throw new Error(`no track ${path}`);
  };
  const lastCounter = (path: string): number | undefined => counters.filter((c) => c.track === trackNamed(path)).at(-1)?.value;
  return { tracks, events, counters, trackNamed, lastCounter };
}

const traceOf = (m: Machine, options: ExportOptions = { axis: 'ns' }) => readTrace(exportBytes(timelineOf(m), 'perfetto', options));

/** Busy, with a log large enough to hold everything since the build. */
function complete(): Guest {
  const g = busyMachine(1 << 12);
  g.writeControl(ENABLE | MASKALL);
  g.engine.notify(0);
  g.writeControl(ENABLE);
  g.writeEntry(2, CTRL, 0);
  return g;
}

describe('Perfetto trace export (protobuf TrackEvent)', () => {
  it('describes a track per device, a child track per vector, and counter tracks for mask and pending', () => {
    const t = traceOf(complete().machine);
    const nic = t.trackNamed('00:03.0 nic0');
    expect(t.tracks.get(nic)!.parent).toBeUndefined();
    for (let v = 0; v < 4; v++) {
      expect(t.tracks.get(t.trackNamed(`00:03.0 nic0/vector ${v}`))!.parent).toBe(nic);
      for (const level of ['masked', 'pending']) expect(t.tracks.get(t.trackNamed(`00:03.0 nic0/vector ${v} ${level}`))!.counter).toBe(true);
    }
    expect(t.tracks.get(t.trackNamed('00:03.0 nic0/function masked'))!.counter).toBe(true);
    expect(t.tracks.get(t.trackNamed('00:04.0 legacy/INTx'))!.counter).toBe(true);
  });

  it('has an instant per event, named by its description, its kind the category, at its virtual time', () => {
    const g = complete();
    const m = g.machine;
    const t = traceOf(m);
    expect(t.events).toHaveLength(m.log.retained);
    const cols = m.log.slice(m.log.firstSeq, m.log.total);
    t.events.forEach((e, i) => {
      const r = eventRecord(cols, i);
      expect({ ts: e.ts, name: e.name, category: e.category, seq: e.seq }).toEqual({ ts: r.timeNs, name: r.text, category: r.kind, seq: r.seq });
    });
    const delivered = t.events.filter((e) => e.category === 'NotifyDelivered' || e.category === 'NotifyToMemory');
    for (let v = 0; v < 4; v++) {
      expect(delivered.filter((e) => e.track === t.trackNamed(`00:03.0 nic0/vector ${v}`))).toHaveLength(g.engine.delivered[v]!);
    }
    // Device-wide events on the device's own track.
    expect(t.events.find((e) => e.category === 'FunctionMaskChanged')!.track).toBe(t.trackNamed('00:03.0 nic0'));
  });

  it('counter tracks end at the machine state', () => {
    const g = complete();
    const t = traceOf(g.machine);
    for (let v = 0; v < 4; v++) {
      expect(t.lastCounter(`00:03.0 nic0/vector ${v} masked`)).toBe(g.engine.isMasked(v) ? 1 : 0);
      expect(t.lastCounter(`00:03.0 nic0/vector ${v} pending`)).toBe(g.engine.isPending(v) ? 1 : 0);
    }
    expect(t.lastCounter('00:03.0 nic0/function masked')).toBe(0);
    expect(t.lastCounter('00:04.0 legacy/INTx')).toBe(1);
  });

  it('links a pended notify through the unmask that clears it to its delivery with a flow', () => {
    const g = Guest.nic({ vectors: 2, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(1), 0x41, true);
    g.engine.notify(0); // pended
    g.engine.notify(0); // already pending: the same flow
    g.engine.notify(1); // vector 1 masked too: its own flow
    g.writeEntry(0, CTRL, 0); // unmask: cleared, delivered
    g.engine.notify(0); // delivered directly: no flow
    const t = traceOf(g.machine);
    const v0 = t.events.filter((e) => e.track === t.trackNamed('00:03.0 nic0/vector 0'));
    const flowing = v0.filter((e) => e.flows.length + e.ends.length > 0).map((e) => [e.category, e.flows, e.ends]);
    expect(flowing).toEqual([
      ['NotifyPended', [1], []],
      ['NotifyPended', [1], []],
      ['PendingCleared', [1], []],
      ['NotifyDelivered', [], [1]],
    ]);
    expect(v0.filter((e) => e.category === 'NotifyDelivered')).toHaveLength(2);
    const v1 = t.events.filter((e) => e.track === t.trackNamed('00:03.0 nic0/vector 1') && e.flows.length > 0);
    expect(v1.map((e) => [e.category, e.flows])).toEqual([['NotifyPended', [2]]]);
  });

  it('on the seq axis, an event is at its sequence number (1 ns each)', () => {
    const m = complete().machine;
    const t = traceOf(m, { axis: 'seq' });
    expect(t.events.map((e) => e.ts)).toEqual(t.events.map((e) => e.seq));
  });

  it('writes only the filtered events as instants; counters still follow every event', () => {
    const g = complete();
    const delivering = ['NotifyDelivered', 'NotifyToMemory'];
    const t = traceOf(g.machine, { axis: 'ns', filter: (c, i) => delivering.includes(EVENT_KIND_NAMES[c.kind[i]!]!) });
    expect(t.events.every((e) => delivering.includes(e.category!))).toBe(true);
    expect(t.events).toHaveLength(g.engine.delivered.reduce((s, n) => s + n, 0));
    expect(t.lastCounter('00:03.0 nic0/vector 2 masked')).toBe(g.engine.isMasked(2) ? 1 : 0);
  });

  it(`interns at most ${MAX_INTERNED} names (here 100), then writes names in full`, () => {
    const g = Guest.nic({ vectors: 1, used: 'all', logCapacity: 1 << 10 });
    for (let k = 0; k < 110; k++) g.writeEntry(0, 8, k); // each table write's text differs
    const bytes = Buffer.concat([...perfettoPieces(timelineOf(g.machine), { axis: 'ns' }, 100)].map((p) => p.data as Uint8Array));
    const t = readTrace(bytes);
    const Trace = perfettoType('Trace');
    const packets = (Trace.toObject(Trace.decode(bytes)) as { packet: Packet[] }).packet;
    expect(packets.flatMap((p) => p.interned_data?.event_names ?? [])).toHaveLength(100);
    expect(packets.filter((p) => p.track_event?.name !== undefined).length).toBeGreaterThan(0);
    expect(t.events.at(-1)!.name).toBe('table write +0x8 (vector 0) = 0x6d');
  });

  it('an empty log is a trace of its tracks alone', () => {
    const source = timelineOf(Guest.nic({ vectors: 1 }).machine);
    const t = readTrace(exportBytes({ ...source, endSeq: source.firstSeq }, 'perfetto', { axis: 'ns' }));
    expect(t.events).toEqual([]);
    expect(t.tracks.get(t.trackNamed('00:03.0 nic0/vector 0 masked'))!.counter).toBe(true);
  });
});
