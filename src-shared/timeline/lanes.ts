// Which timeline lane an event is drawn in, and as what: shared by the host's history
// (which answers window queries lane by lane) and the renderer's live copy, so both
// put every event in the same place.
import { NotifierKind } from './event-kinds';
import { EVENT_KIND_COUNT, EventKind, eventField, type ColumnSet } from './event-schema';

export const MarkerClass = { Delivered: 0, Pended: 1, Dropped: 2, Other: 3, Breakpoint: 4 } as const;
export type MarkerClass = (typeof MarkerClass)[keyof typeof MarkerClass];
export const MARKER_CLASSES = [MarkerClass.Delivered, MarkerClass.Pended, MarkerClass.Dropped, MarkerClass.Other, MarkerClass.Breakpoint] as const;
/** Not a marker: an event that sets the lane's masked state (VectorMasked/Unmasked, FunctionMaskChanged). */
export const EDGE = 5;
/** Marker classes plus EDGE. */
export const LANE_CLASS_COUNT = 6;
export const LANE_CLASSES = [...MARKER_CLASSES, EDGE] as const;
/** Not drawn in that kind of lane. */
export const NO_LANE = 255;

/** The lane of a device's function-wide state (Enable, Function Mask, config writes, BARs). */
export const FUNCTION_LANE = 0xffff;
export const laneKey = (bdf: number, vector: number): number => bdf * 0x10000 + vector;
export const splitLaneKey = (key: number): { bdf: number; vector: number } => ({ bdf: Math.floor(key / 0x10000), vector: key % 0x10000 });

/** Per kind: its class in a vector lane, or NO_LANE. */
const VECTOR_CLASS = new Uint8Array(EVENT_KIND_COUNT).fill(NO_LANE);
/** Per kind: its class in the function lane, or NO_LANE. */
const FUNCTION_CLASS = new Uint8Array(EVENT_KIND_COUNT).fill(NO_LANE);
VECTOR_CLASS[EventKind.NotifyDelivered] = MarkerClass.Delivered;
VECTOR_CLASS[EventKind.NotifyToMemory] = MarkerClass.Delivered;
VECTOR_CLASS[EventKind.NotifyPended] = MarkerClass.Pended;
VECTOR_CLASS[EventKind.NotifyDropped] = MarkerClass.Dropped;
// A breakpoint or tracepoint hit sits on the lane of the event that hit it.
VECTOR_CLASS[EventKind.Breakpoint] = MarkerClass.Breakpoint;
VECTOR_CLASS[EventKind.VectorMasked] = EDGE;
VECTOR_CLASS[EventKind.VectorUnmasked] = EDGE;
for (const k of [EventKind.TableRead, EventKind.TableWrite, EventKind.PendingCleared, EventKind.UseCountChanged, EventKind.NotifierFired]) {
  VECTOR_CLASS[k] = MarkerClass.Other;
}
FUNCTION_CLASS[EventKind.FunctionMaskChanged] = EDGE;
for (const k of [
  EventKind.ConfigWrite,
  EventKind.PbaRead,
  EventKind.PbaWrite,
  EventKind.IntxChanged,
  EventKind.AccessRefused,
  EventKind.AccessUnclaimed,
  EventKind.StateSaved,
  EventKind.StateLoaded,
  EventKind.BarMapped,
  EventKind.BarOverlap,
  EventKind.Divergence,
]) {
  FUNCTION_CLASS[k] = MarkerClass.Other;
}

/** Event i is drawn in its vector's lane; a poll notifier names a range of vectors, so it is drawn in none of them. */
export function inVectorLane(cols: ColumnSet, i: number): boolean {
  const kind = cols.kind[i]!;
  return VECTOR_CLASS[kind] !== NO_LANE && !(kind === EventKind.NotifierFired && eventField.NotifierFired.notifier(cols, i) === NotifierKind.Poll);
}

/** The lane key of event i, or -1 when it is drawn in no lane. */
export function laneOfEvent(cols: ColumnSet, i: number): number {
  if (inVectorLane(cols, i)) return laneKey(cols.bdf[i]!, cols.vector[i]!);
  return FUNCTION_CLASS[cols.kind[i]!] === NO_LANE ? -1 : laneKey(cols.bdf[i]!, FUNCTION_LANE);
}

/** The class of event i in the lane laneOfEvent gives it (meaningless for events in no lane). */
export function classInLane(cols: ColumnSet, i: number): number {
  return inVectorLane(cols, i) ? VECTOR_CLASS[cols.kind[i]!]! : FUNCTION_CLASS[cols.kind[i]!]!;
}

/**
 * One past the last of the events from i (below `end`) that share i's lane and class:
 * the same kind, device and vector. A notifier's lane depends on a field too, so it
 * stands alone. A flood is one long run, which the history indexes at once.
 */
export function laneRunEnd(cols: ColumnSet, i: number, end: number): number {
  const { kind, bdf, vector } = cols;
  const k = kind[i]!;
  let j = i + 1;
  if (k === EventKind.NotifierFired) return j;
  const b = bdf[i]!;
  const v = vector[i]!;
  while (j < end && kind[j] === k && bdf[j] === b && vector[j] === v) j++;
  return j;
}

/** Whether edge event i leaves its lane masked. */
export function edgeMasked(cols: ColumnSet, i: number): boolean {
  const kind = cols.kind[i]!;
  return kind === EventKind.FunctionMaskChanged ? eventField.FunctionMaskChanged.masked(cols, i) === 1 : kind === EventKind.VectorMasked;
}
