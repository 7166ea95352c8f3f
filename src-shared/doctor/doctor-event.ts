// One event as the doctor's rules see it: the columns of one row, typed.
export interface DoctorEvent {
  seq: number;
  kind: number;
  detail: number;
  bdf: number;
  vector: number;
  a: number;
  b: number;
  c: number;
}
