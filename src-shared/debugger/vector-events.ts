// Which events name an MSI-X vector in their vector column: the ones a pause report
// describes a vector for, and "run until this vector's next event" waits for.
import { NotifierKind } from '../timeline/event-kinds';
import { EVENT_KIND_COUNT, EventKind, eventField, type ColumnSet } from '../timeline/event-schema';

/** The kinds whose vector column names an MSI-X (or MSI) vector. */
export const VECTOR_KINDS: readonly number[] = [
  EventKind.TableRead,
  EventKind.TableWrite,
  EventKind.VectorMasked,
  EventKind.VectorUnmasked,
  EventKind.NotifyDelivered,
  EventKind.NotifyToMemory,
  EventKind.NotifyPended,
  EventKind.NotifyDropped,
  EventKind.PendingCleared,
  EventKind.UseCountChanged,
  EventKind.NotifierFired,
];
const NAMES_VECTOR = new Uint8Array(EVENT_KIND_COUNT);
for (const k of VECTOR_KINDS) NAMES_VECTOR[k] = 1;

// Local copies: CommonJS interop (tsx) reads imported bindings through getters, and the host asks per event.
const NOTIFIER_FIRED = EventKind.NotifierFired;
const notifierOf = eventField.NotifierFired.notifier;
const POLL = NotifierKind.Poll;

/** Event i names one vector; a poll notifier event names a range of vectors, not one. */
export function namesVector(cols: ColumnSet, i: number): boolean {
  const kind = cols.kind[i]!;
  return NAMES_VECTOR[kind] === 1 && !(kind === NOTIFIER_FIRED && notifierOf(cols, i) === POLL);
}
