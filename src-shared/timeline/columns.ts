// Timeline events as columns: the shape of the machine's ring, of IPC batches and of
// saved sessions.
export interface EventColumns {
  firstSeq: number;
  time: Float64Array;
  kind: Uint8Array;
  detail: Uint8Array;
  origin: Uint8Array;
  bdf: Uint16Array;
  vector: Uint16Array;
  a: Uint32Array;
  b: Uint32Array;
  c: Uint32Array;
}

export function emptyColumns(n: number): EventColumns {
  return {
    firstSeq: 0,
    time: new Float64Array(n),
    kind: new Uint8Array(n),
    detail: new Uint8Array(n),
    origin: new Uint8Array(n),
    bdf: new Uint16Array(n),
    vector: new Uint16Array(n),
    a: new Uint32Array(n),
    b: new Uint32Array(n),
    c: new Uint32Array(n),
  };
}
