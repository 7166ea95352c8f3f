// The speed ceiling of one MSI-X notify on this machine: the same work as the engine
// (range, in-use and mask checks, message read, APIC-window decode, a per-CPU
// per-vector counter, one event into a columnar ring), as straight-line code over
// typed arrays with nothing in the way. The engine is quoted as a ratio to this.
const N = 64;
const RING = 1 << 20;

export interface NotifyRates {
  deliveredPerSecond: number;
  maskedPerSecond: number;
}

export function measureCeiling(iterations: number): NotifyRates {
  const table = new Uint32Array(N * 4);
  const pba = new Uint32Array(N / 32);
  const used = new Uint32Array(N);
  const counts = new Float64Array(8 * 256);
  const time = new Float64Array(RING);
  const kind = new Uint8Array(RING);
  const vec = new Uint16Array(RING);
  const val = new Uint32Array(RING);
  let head = 0;
  let evicted = 0;
  let now = 0;
  const enabled = 1;
  const functionMask = 0;
  const log = (k: number, v: number, value: number): void => {
    const i = head++ & (RING - 1);
    if (head > RING) evicted++;
    time[i] = now;
    kind[i] = k;
    vec[i] = v;
    val[i] = value;
    now += 1;
  };
  const notify = (v: number): void => {
    if (v >= N || !used[v]) return log(3, v, 0);
    if (!enabled || functionMask || table[v * 4 + 3]! & 1) {
      pba[v >> 5] = pba[v >> 5]! | (1 << (v & 31));
      return log(2, v, 0);
    }
    const lo = table[v * 4]!;
    const hi = table[v * 4 + 1]!;
    const data = table[v * 4 + 2]!;
    if (hi === 0 && lo >>> 20 === 0xfee) {
      const c = ((lo >>> 12) & 7) * 256 + (data & 0xff);
      counts[c] = counts[c]! + 1;
      log(1, v, data);
    } else log(4, v, data);
  };
  for (let v = 0; v < N; v++) {
    table[v * 4] = (0xfee00000 | ((v & 7) << 12)) >>> 0;
    table[v * 4 + 2] = 0x30 + v;
    used[v] = 1;
  }
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) notify(i & (N - 1));
  const t1 = performance.now();
  for (let v = 0; v < N; v++) table[v * 4 + 3] = 1;
  const t2 = performance.now();
  for (let i = 0; i < iterations; i++) notify(i & (N - 1));
  const t3 = performance.now();
  let sum = 0;
  for (const c of counts) sum += c;
  if (sum !== iterations || evicted === 0 && iterations > RING) throw new Error('ceiling benchmark did not do its work');
  return { deliveredPerSecond: (iterations / (t1 - t0)) * 1e3, maskedPerSecond: (iterations / (t3 - t2)) * 1e3 };
}
