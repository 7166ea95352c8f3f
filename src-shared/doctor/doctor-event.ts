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

/** Field `name` of `e`, which is a `kind` (callers check e.kind first). */
export function field<K extends KindName>(e: DoctorEvent, kind: K, name: FieldName<K>): number {
  return (eventField[kind] as Record<string, FieldReader>)[name]!(e.cols, e.i);
}
