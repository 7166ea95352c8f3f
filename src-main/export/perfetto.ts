// The timeline as a native Perfetto trace (protobuf TrackEvent, what ui.perfetto.dev
// and trace_processor read best): a track per device with a child track per vector,
// where every event is an instant named by its description (its kind the category,
// its sequence number an annotation); counter tracks for each vector's masked and
// pending levels and each device's function mask and INTx pin; and a flow from each
// notify that pended a vector to the delivery that ends it (through the unmask that
// cleared the bit), or to the clear that discarded it.
//
// A trace is a sequence of TracePacket fields of Trace, so the file is written as
// packets in pieces, one Trace message per piece, which concatenate into one. Names
// are interned on the one packet sequence (at most MAX_INTERNED of them: past that a
// new description is written in full), which keeps a million events near 30 MB.
import { formatBdf } from '../machine/pci/pci-bus';
import { PendingClearCause } from '../../src-shared/timeline/event-kinds';
import { describeEvent, EVENT_KIND_NAMES, EventKind, eventField } from '../../src-shared/timeline/event-schema';
import { namesVector } from '../../src-shared/debugger/vector-events';
import { SignalTrace, type Level } from './signal-trace';
import { chunksOf, type TimelineSource } from './timeline-source';
import { CHUNK_EVENTS, type ExportOptions, type ExportPieces } from './export-pieces';
import { perfettoType, SEQ_INCREMENTAL_STATE_CLEARED, SEQ_NEEDS_INCREMENTAL_STATE, TYPE_COUNTER, TYPE_INSTANT, UNIT_COUNT } from './perfetto-proto';

// Read once: the loop below runs per event.
const { NotifyPended: NOTIFY_PENDED, PendingCleared: PENDING_CLEARED, NotifyDelivered: NOTIFY_DELIVERED, NotifyToMemory: NOTIFY_TO_MEMORY, NotifyDropped: NOTIFY_DROPPED } = EventKind;
const UNMASK = PendingClearCause.Unmask;
const SEQUENCE = 1;
/** Interned event names kept at most (each costs its text once, and memory while exporting). */
export const MAX_INTERNED = 1 << 16;
const SEQ_ANNOTATION = 1;
const MACHINE_TRACK = 1;

interface Packet {
  timestamp?: number;
  trusted_packet_sequence_id?: number;
  sequence_flags?: number;
  track_event?: Record<string, unknown>;
  track_descriptor?: Record<string, unknown>;
  interned_data?: Record<string, unknown>;
}

export function* perfettoPieces(source: TimelineSource, options: ExportOptions, maxInterned = MAX_INTERNED): ExportPieces {
  const Trace = perfettoType('Trace');
  // Plain objects in the schema's shapes (enums as numbers) encode directly, without a conversion pass.
  const encode = (packets: Packet[]): Uint8Array => Trace.encode({ packet: packets }).finish();
  const n = source.endSeq - source.firstSeq;
  const trace = new SignalTrace(source.devices, source.evicted === 0);

  // Tracks: the machine's, then per device its own, its vectors' and its counters'.
  let nextUuid = MACHINE_TRACK + 1;
  const descriptors: Packet[] = [{ track_descriptor: { uuid: MACHINE_TRACK, name: source.machineName ?? 'machine' } }];
  const deviceTrack = new Map<number, number>();
  const vectorTrack = new Map<number, number>();
  for (const d of source.devices) {
    const uuid = nextUuid++;
    deviceTrack.set(d.bdf, uuid);
    descriptors.push({ track_descriptor: { uuid, name: `${formatBdf(d.bdf)} ${d.name}` } });
    vectorTrack.set(d.bdf, nextUuid);
    for (let v = 0; v < d.vectors; v++) descriptors.push({ track_descriptor: { uuid: nextUuid++, parent_uuid: uuid, name: `vector ${v}` } });
  }
  const counterBase = nextUuid;
  trace.signals.forEach((s, k) => {
    const what = s.kind === 'function-masked' ? 'function masked' : s.kind === 'intx' ? 'INTx' : `vector ${s.vector} ${s.kind}`;
    descriptors.push({ track_descriptor: { uuid: counterBase + k, parent_uuid: deviceTrack.get(s.bdf), name: what, counter: { unit: UNIT_COUNT } } });
  });
  descriptors.push({
    trusted_packet_sequence_id: SEQUENCE,
    sequence_flags: SEQ_INCREMENTAL_STATE_CLEARED,
    interned_data: {
      event_categories: EVENT_KIND_NAMES.map((name, k) => ({ iid: k + 1, name })),
      debug_annotation_names: [{ iid: SEQ_ANNOTATION, name: 'seq' }],
    },
  });
  yield { data: encode(descriptors), progress: 0 };

  const names = new Map<string, number>();
  /** Per vector track: the flow from the notify that pended it (absent: none), and whether an unmask has cleared its bit. */
  const openFlow = new Map<number, { id: number; unmasked: boolean }>();
  let nextFlow = 1;
  const flows = { continues: 0, ends: 0 };
  let packets: Packet[] = [];
  let timestamp = 0;
  const counter = (signal: number, level: Level): void => {
    if (level === 'x') return;
    packets.push({ timestamp, trusted_packet_sequence_id: SEQUENCE, track_event: { type: TYPE_COUNTER, track_uuid: counterBase + signal, counter_value: level } });
  };
  const visitor = { change: counter };
  let done = 0;
  for (const cols of chunksOf(source, CHUNK_EVENTS)) {
    for (let i = 0; i < cols.kind.length; i++) {
      timestamp = options.axis === 'ns' ? cols.time[i]! : cols.firstSeq + i;
      if (done === 0 && i === 0) trace.signals.forEach((s, k) => counter(k, s.initial));
      trace.step(cols, i, visitor);
      const kind = cols.kind[i]!;
      const bdf = cols.bdf[i]!;
      const vector = cols.vector[i]!;
      const onVector = namesVector(cols, i) && trace.hasVector(bdf, vector);
      const track = onVector ? vectorTrack.get(bdf)! + vector : (deviceTrack.get(bdf) ?? MACHINE_TRACK);
      flowOf(kind, kind === PENDING_CLEARED ? eventField.PendingCleared.cause(cols, i) : 0, onVector ? track : 0);
      if (options.filter !== undefined && !options.filter(cols, i, cols.firstSeq + i)) continue;
      const text = describeEvent(cols, i);
      const event: Record<string, unknown> = {
        type: TYPE_INSTANT,
        track_uuid: track,
        category_iids: [kind + 1],
        debug_annotations: [{ name_iid: SEQ_ANNOTATION, uint_value: cols.firstSeq + i }],
      };
      const packet: Packet = { timestamp, trusted_packet_sequence_id: SEQUENCE, sequence_flags: SEQ_NEEDS_INCREMENTAL_STATE, track_event: event };
      let iid = names.get(text);
      if (iid === undefined && names.size < maxInterned) {
        iid = names.size + 1;
        names.set(text, iid);
        packet.interned_data = { event_names: [{ iid, name: text }] };
      }
      if (iid === undefined) event.name = text;
      else event.name_iid = iid;
      if (flows.continues !== 0) event.flow_ids = [flows.continues];
      if (flows.ends !== 0) event.terminating_flow_ids = [flows.ends];
      packets.push(packet);
    }
    done += cols.kind.length;
    yield { data: encode(packets), progress: done / n };
    packets = [];
  }

  /** The flow an event starts or passes on, and the one it ends, on vector track `track` (0: none); in `flows`. */
  /** `clearCause`: a PendingCleared's cause. */
  function flowOf(kind: number, clearCause: number, track: number): void {
    flows.continues = 0;
    flows.ends = 0;
    const open = track === 0 ? undefined : openFlow.get(track);
    switch (kind) {
      case NOTIFY_PENDED:
        if (open !== undefined) flows.continues = open.id;
        else if (track !== 0) {
          openFlow.set(track, { id: nextFlow, unmasked: false });
          flows.continues = nextFlow++;
        }
        return;
      case PENDING_CLEARED:
        if (open === undefined) return;
        // Unmasking clears the bit and sends the message: the flow goes on to where it went.
        if (clearCause === UNMASK) {
          open.unmasked = true;
          flows.continues = open.id;
        } else endFlow(track, open.id);
        return;
      case NOTIFY_DELIVERED:
      case NOTIFY_TO_MEMORY:
        if (open !== undefined) endFlow(track, open.id);
        return;
      case NOTIFY_DROPPED:
        if (open?.unmasked) endFlow(track, open.id);
        return;
    }
  }
  function endFlow(track: number, id: number): void {
    openFlow.delete(track);
    flows.ends = id;
  }
  // A trace with no events is its descriptors alone.
  if (n === 0) yield { data: new Uint8Array(0), progress: 1 };
}
