// Brings the pages of the history's ring into memory ahead of the events that will
// fill them, on a worker thread. The ring is reserved whole and the system hands its
// pages out on their first write, which on a virtual machine like this one costs about
// 13 µs a page (3 ns a byte: far more than copying the event in). Under a flood of a
// million events a second that was a tenth of the host's main thread; written ahead,
// off that thread, the history's copies land on pages already in.
//
// The worker adds 0 to one 32-bit word of each page: an atomic read-modify-write that
// changes nothing, so it never undoes a write of the host's to the same word even if
// it falls behind. It is only a speed-up: if it cannot start, the history works as before.
import { Worker } from 'node:worker_threads';

export const PAGE_BYTES = 4096;

/**
 * The worker's program (plain JavaScript: it runs as it is, bundled or not). It waits
 * for a new target count of slots, then touches the pages of every column that slots
 * [done, target) after the origin lie in, the ring wrapping at `capacity`.
 */
const PROGRAM = `
const { workerData } = require('node:worker_threads');
const { control, columns, capacity, origin, page } = workerData;
const target = new Int32Array(control);
const words = columns.map((buffer) => new Int32Array(buffer));
function touch(from, to) {
  for (const w of words) {
    const bytesPerSlot = (w.length * 4) / capacity;
    const end = to * bytesPerSlot;
    for (let byte = Math.floor((from * bytesPerSlot) / page) * page; byte < end; byte += page) Atomics.add(w, byte >> 2, 0);
  }
}
let done = 0;
for (;;) {
  Atomics.wait(target, 0, done);
  const want = Atomics.load(target, 0);
  if (want < 0) break;
  for (let k = done; k < want; ) {
    const slot = (origin + k) % capacity;
    const n = Math.min(want - k, capacity - slot);
    touch(slot, slot + n);
    k += n;
  }
  done = want;
}
`;

export class PagePrefaulter {
  private readonly target = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | null;
  /** Slots after the origin asked to be brought in so far. */
  requested = 0;

  /** Pages of `columns` (each `capacity` slots, filled from slot `origin` on, wrapping). */
  constructor(columns: readonly SharedArrayBuffer[], capacity: number, origin: number) {
    try {
      this.worker = new Worker(PROGRAM, { eval: true, workerData: { control: this.target.buffer, columns, capacity, origin, page: PAGE_BYTES } });
      this.worker.unref();
      this.worker.on('error', () => this.close());
    } catch {
      this.worker = null;
    }
  }

  /** Brings in the pages of the first `slots` slots after the origin. */
  ahead(slots: number): void {
    if (this.worker === null || slots <= this.requested) return;
    this.requested = slots;
    Atomics.store(this.target, 0, slots);
    Atomics.notify(this.target, 0);
  }

  /** Ends the worker (once every page is in, or the ring is dropped). */
  close(): void {
    if (this.worker === null) return;
    Atomics.store(this.target, 0, -1);
    Atomics.notify(this.target, 0);
    this.worker = null;
  }
}
