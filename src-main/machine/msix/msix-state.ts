// The engine's state as data: what sessions and the state history's checkpoints copy
// beside config space (MsixState), and the reference's saved-state bytes (X3: the
// table's 16*N bytes, then the PBA's first ceil(N/8)).
import { pbaBytes, tableBytes } from '../../../src-shared/registers/msix-entry';

export interface MsixState {
  readonly table: Uint32Array;
  readonly pba: Uint32Array;
  readonly useCount: Uint32Array;
  readonly delivered: Float64Array;
}

/** A state for `vectors` vectors, all zeros. */
export function blankMsixState(vectors: number): MsixState {
  return {
    table: new Uint32Array(tableBytes(vectors) / 4),
    pba: new Uint32Array(pbaBytes(vectors) / 4),
    useCount: new Uint32Array(vectors),
    delivered: new Float64Array(vectors),
  };
}

/** Copies every array of `from` into `to`; false (nothing copied) when their shapes differ. */
export function copyMsixState(from: MsixState, to: MsixState): boolean {
  if (from.table.length !== to.table.length || from.pba.length !== to.pba.length || from.useCount.length !== to.useCount.length || from.delivered.length !== to.delivered.length) {
    return false;
  }
  to.table.set(from.table);
  to.pba.set(from.pba);
  to.useCount.set(from.useCount);
  to.delivered.set(from.delivered);
  return true;
}

/** X3: the saved state's length for `vectors` vectors. */
export function savedStateLength(vectors: number): number {
  return tableBytes(vectors) + Math.ceil(vectors / 8);
}

const bytesOf = (a: Uint32Array, length = a.byteLength): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, length);

/** X3: table then PBA, as the reference's msix_save writes them. */
export function packSavedState(table: Uint32Array, pba: Uint32Array, vectors: number): Uint8Array {
  const out = new Uint8Array(savedStateLength(vectors));
  out.set(bytesOf(table, tableBytes(vectors)), 0);
  out.set(bytesOf(pba, Math.ceil(vectors / 8)), tableBytes(vectors));
  return out;
}

/** X3: the inverse of packSavedState; `saved` has savedStateLength(vectors) bytes. PBA bits past them are cleared. */
export function unpackSavedState(saved: Uint8Array, table: Uint32Array, pba: Uint32Array, vectors: number): void {
  bytesOf(table, tableBytes(vectors)).set(saved.subarray(0, tableBytes(vectors)));
  const pbaView = bytesOf(pba);
  pbaView.fill(0);
  pbaView.set(saved.subarray(tableBytes(vectors)));
}
