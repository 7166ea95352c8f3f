// One event as the doctor's rules see it: where it is in its columns, with the
// envelope at hand; its fields are read through the event schema.
import { eventField, type ColumnSet, type FieldName, type FieldReader, type KindName } from '../timeline/event-schema';

export interface DoctorEvent {
  seq: number;
  kind: number;
  bdf: number;
  vector: number;
  cols: ColumnSet;
  i: number;
}

// A local copy: an imported binding is read through a getter under CommonJS interop (tsx), and field() runs per event.
const READERS = eventField as Readonly<Record<string, Readonly<Record<string, FieldReader>>>>;

/** Field `name` of `e`, which is a `kind` (callers check e.kind first). */
export function field<K extends KindName>(e: DoctorEvent, kind: K, name: FieldName<K>): number {
  return READERS[kind]![name]!(e.cols, e.i);
}
