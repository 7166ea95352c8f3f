// Random sequences of guest and device operations against a small reference model
// written straight from the rules (M, C, U, T, P, N, V, X1, X3, A1, A2). After every
// step the machine and the model must agree on every value read, every pending bit,
// every table dword and use count, every delivery per CPU and vector, every byte of
// RAM, and the outcome (delivered, to memory, pended, dropped and why) of every message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAR1, BUS_MASTER, CAP, Guest, MEM, build, eventsSince, nicDescription, pieces } from './guest';
import { CPU_SET_FLAG, DropReason, PENDED_BY_LOAD } from '../../src-shared/timeline/event-kinds';

const CPUS = 4;
const RAM = 0x1000;
const PBA = 0x800;
const BAR_SIZE = 0x1000;

type Outcome = [kind: string, detail: number, vector: number];

/** The rules, as plain data and plain functions. */
class Model {
  enable = false;
  maskAll = false;
  mem = true;
  busMaster = true;
  readonly table: number[];
  readonly pending: boolean[];
  readonly used: number[];
  readonly counts = new Float64Array(CPUS * 256);
  readonly special = new Float64Array(CPUS * 8);
  readonly ram = new Uint8Array(RAM);
  outcomes: Outcome[] = [];

  constructor(readonly n: number) {
    // I5: every mask bit set, nothing pending, nothing in use.
    this.table = Array.from({ length: 4 * n }, (_, i) => (i % 4 === 3 ? 1 : 0));
    this.pending = new Array<boolean>(n).fill(false);
    this.used = new Array<number>(n).fill(0);
  }

  /** R4 */
  get pbaBytes(): number {
    return Math.ceil(this.n / 64) * 8;
  }

  /** M1 */
  functionMasked(): boolean {
    return !this.enable || this.maskAll;
  }

  /** M2 */
  masked(v: number): boolean {
    return this.functionMasked() || (this.table[4 * v + 3]! & 1) === 1;
  }

  /** N1-N3 */
  notify(v: number): void {
    if (!(v >= 0 && v < this.n)) return void this.outcomes.push(['NotifyDropped', DropReason.VectorOutOfRange, v]);
    if (this.used[v] === 0) return void this.outcomes.push(['NotifyDropped', DropReason.NotInUse, v]);
    if (this.masked(v)) {
      this.outcomes.push(['NotifyPended', this.pending[v] ? 0 : 1, v]);
      this.pending[v] = true;
      return;
    }
    this.send(v);
  }

  /** N3, A1, A2 */
  private send(v: number): void {
    if (!this.busMaster) return void this.outcomes.push(['NotifyDropped', DropReason.BusMasterDisabled, v]);
    const lo = this.table[4 * v]!;
    const hi = this.table[4 * v + 1]!;
    const data = this.table[4 * v + 2]!;
    if (hi === 0 && lo >>> 20 === 0xfee) {
      const dest = (lo >>> 12) & 0xff;
      const mode = (data >>> 8) & 7;
      const vec = data & 0xff;
      if (mode === 3 || mode === 6) return void this.outcomes.push(['NotifyDropped', DropReason.ReservedDeliveryMode, v]);
      let cpus: number[] = [];
      for (let cpu = 0; cpu < CPUS; cpu++) {
        const logical = (lo & 4) !== 0;
        if (logical ? (dest >> cpu) & 1 : dest === 0xff || dest === cpu) cpus.push(cpu);
      }
      if (mode === 1) cpus = cpus.slice(0, 1);
      if (cpus.length === 0) return void this.outcomes.push(['NotifyDropped', DropReason.NoSuchCpu, v]);
      for (const cpu of cpus) {
        if (mode <= 1) this.counts[cpu * 256 + vec]! += 1;
        else this.special[cpu * 8 + mode]! += 1;
      }
      // One physical APIC ID is recorded as such; a logical, broadcast or lowest-priority message as the set of CPUs reached.
      const set = (lo & 4) !== 0 || dest === 0xff || mode === 1 ? CPU_SET_FLAG : 0;
      this.outcomes.push(['NotifyDelivered', mode | set | (mode === 0 && vec < 16 ? 0x80 : 0), v]);
    } else if (hi === 0 && lo < RAM) {
      for (let k = 0; k < 4 && lo + k < RAM; k++) this.ram[lo + k] = (data >>> (8 * k)) & 0xff;
      this.outcomes.push(['NotifyToMemory', 0, v]);
    } else if (hi === 0 && this.mem && lo >= BAR1 && lo < BAR1 + BAR_SIZE) {
      // A2: aimed at the device's own BAR, the message is an ordinary write there (peer to self).
      this.outcomes.push(['NotifyToMemory', 0, v]);
      this.write(lo - BAR1, 4, data, 0);
    } else {
      this.outcomes.push(['NotifyDropped', DropReason.Unclaimed, v]);
    }
  }

  /** U1-U3 */
  private maskUpdate(v: number, wasMasked: boolean): void {
    const isMasked = this.masked(v);
    if (isMasked === wasMasked || isMasked || !this.pending[v]) return;
    this.pending[v] = false;
    if (this.used[v] === 0) this.outcomes.push(['NotifyDropped', DropReason.UnmaskNotInUse, v]);
    else this.notify(v);
  }

  /** C1-C4: the byte at cap+3, as written. */
  writeControlHigh(byte: number): void {
    const was = this.functionMasked();
    this.enable = (byte & 0x80) !== 0;
    this.maskAll = (byte & 0x40) !== 0;
    if (!this.enable || was === this.functionMasked()) return;
    for (let v = 0; v < this.n; v++) this.maskUpdate(v, was || (this.table[4 * v + 3]! & 1) === 1);
  }


  /** A 4-byte piece of the BAR: T2, P2, A3 (holes read 0). */
  private readDword(off: number): number {
    if (off < 16 * this.n) return this.table[off / 4]!;
    if (off >= PBA && off < PBA + this.pbaBytes) {
      let word = 0;
      for (let b = 0; b < 32; b++) if (this.pending[8 * (off - PBA) + b]) word |= 1 << b;
      return word >>> 0;
    }
    return 0;
  }

  /** A 4-byte piece of the BAR: T3, P1 (ignored), A3 (dropped). */
  private writeDword(off: number, value: number): void {
    if (off >= 16 * this.n) return;
    const v = off >> 4;
    const was = this.masked(v);
    this.table[off / 4] = value;
    this.maskUpdate(v, was);
  }

  /** T1/P1 and B2 (no decoding while memory space is off); refused pieces read 0. */
  read(off: number, size: number): [number, number] {
    const bytes = new Array<number>(8).fill(0);
    if (this.mem) {
      for (const [at, s] of pieces(off, size)) {
        if (s < 4) continue;
        const d = this.readDword(at);
        for (let k = 0; k < 4; k++) bytes[at - off + k] = (d >>> (8 * k)) & 0xff;
      }
    }
    const word = (from: number): number => (bytes[from]! | (bytes[from + 1]! << 8) | (bytes[from + 2]! << 16) | (bytes[from + 3]! << 24)) >>> 0;
    return [word(0), size === 8 ? word(4) : 0];
  }

  write(off: number, size: number, lo: number, hi: number): void {
    if (!this.mem) return;
    const byteAt = (k: number): number => (k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff);
    for (const [at, s] of pieces(off, size)) {
      if (s < 4) continue;
      let d = 0;
      for (let k = 0; k < 4; k++) d |= byteAt(at - off + k) << (8 * k);
      this.writeDword(at, d >>> 0);
    }
  }

  /** V1 */
  use(v: number): boolean {
    if (v >= this.n) return false;
    this.used[v]! += 1;
    return true;
  }

  /** V2 */
  unuse(v: number): void {
    if (v >= this.n || this.used[v] === 0) return;
    this.used[v]! -= 1;
    if (this.used[v] === 0) this.pending[v] = false;
  }

  /** V3 */
  unuseAll(): void {
    this.used.fill(0);
    this.pending.fill(false);
  }

  /** X1 */
  reset(): void {
    this.pending.fill(false);
    this.enable = false;
    this.maskAll = false;
    for (let i = 0; i < this.table.length; i++) this.table[i] = i % 4 === 3 ? 1 : 0;
  }

  snapshot(): { table: number[]; pending: boolean[] } {
    return { table: [...this.table], pending: [...this.pending] };
  }

  /** X3: clear pending, load both, recompute the function mask, update every vector as if masked before. */
  load(state: { table: number[]; pending: boolean[] }): void {
    this.pending.fill(false);
    state.table.forEach((x, i) => (this.table[i] = x));
    state.pending.forEach((x, i) => (this.pending[i] = x));
    // Each pending bit the state sets is recorded (break pending sees it), before the mask updates.
    for (let v = 0; v < this.n; v++) if (this.pending[v]) this.outcomes.push(['NotifyPended', PENDED_BY_LOAD, v]);
    for (let v = 0; v < this.n; v++) this.maskUpdate(v, true);
  }

  /** D1 as far as messages go: INTx is not modelled. */
  raise(v: number): void {
    if (this.enable) this.notify(v);
  }
}

type Op =
  | { op: 'control'; at: 0 | 2 | 3; size: 1 | 2 | 4; value: number }
  | { op: 'command'; mem: boolean; busMaster: boolean }
  | { op: 'read'; offset: number; size: 4 | 8 }
  | { op: 'write'; offset: number; size: 4 | 8; lo: number; hi: number }
  | { op: 'program'; v: number; addrLo: number; addrHi: number; data: number; masked: boolean; wide: boolean }
  | { op: 'mask'; v: number; masked: boolean }
  | { op: 'notify' | 'raise' | 'use' | 'unuse'; v: number }
  | { op: 'unuseAll' | 'reset' | 'save' | 'load' };

const MAX_N = 65;
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const apicAddress = fc
  .record({ dest: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(0xff), fc.integer({ min: 0, max: 0xff })), logical: fc.boolean() })
  .map(({ dest, logical }) => (0xfee00000 | (dest << 12) | (logical ? 4 : 0)) >>> 0);
const ramAddress = fc.integer({ min: 0, max: RAM + 4 });
/** Anything but the device's own BAR: a message into its own table is not what this model is about. */
const anyAddress = u32.filter((x) => x < BAR1 - 8 || x >= BAR1 + BAR_SIZE + 8);
const messageAddress = fc.oneof({ weight: 3, arbitrary: apicAddress }, { weight: 2, arbitrary: ramAddress }, { weight: 1, arbitrary: anyAddress });
const messageData = fc
  .record({ vec: fc.integer({ min: 0, max: 0xff }), mode: fc.constantFrom(0, 0, 0, 0, 1, 1, 2, 4, 5, 7, 3), level: fc.constantFrom(0, 0x4000, 0xc000) })
  .map(({ vec, mode, level }) => vec | (mode << 8) | level);
/** Values worth storing anywhere in a table: message addresses and data, mask words, anything. */
const value = fc.oneof(apicAddress, ramAddress, messageData, fc.constantFrom(0, 1, 0xfffffffe, 0xffffffff), anyAddress);
/** Mostly the first few vectors, so that use, masking, notify and table writes meet on the same ones. */
const vector = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_N + 1 }) });
const maskBit = fc.constantFrom(false, false, true);
const offset = fc.oneof(
  { weight: 6, arbitrary: fc.record({ v: vector, field: fc.constantFrom(0, 4, 8, 12, 12, 12), skew: fc.constantFrom(0, 0, 0, 0, 1, 2, 3, 4) }).map(({ v, field, skew }) => v * 16 + field + skew) },
  { weight: 2, arbitrary: fc.integer({ min: PBA - 8, max: PBA + 24 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: BAR_SIZE - 1 }) },
);
const size = fc.constantFrom<4 | 8>(4, 4, 8);
/** A Message Control write: mostly Enable on, Function Mask off, with junk in the other bits; placed as 1, 2 or 4 bytes. */
const control: fc.Arbitrary<Op> = fc
  .record({
    place: fc.constantFrom<[0 | 2 | 3, 1 | 2 | 4]>([3, 1], [3, 1], [2, 2], [0, 4], [2, 1]),
    enable: fc.constantFrom(true, true, true, false),
    maskAll: fc.constantFrom(false, false, true),
    junk: u32,
  })
  .map(({ place: [at, size], enable, maskAll, junk }) => {
    const high = (enable ? 0x80 : 0) | (maskAll ? 0x40 : 0) | (junk & 0x3f);
    const value = at === 3 ? high : at === 2 && size === 2 ? (high << 8) | (junk >>> 24) : at === 0 ? ((high << 24) | (junk >>> 8)) >>> 0 : junk & 0xff;
    return { op: 'control' as const, at, size, value };
  });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: control },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('command' as const), mem: fc.boolean(), busMaster: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), offset, size }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('write' as const), offset, size, lo: value, hi: value }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('program' as const), v: vector, addrLo: messageAddress, addrHi: fc.constantFrom(0, 0, 0, 1), data: messageData, masked: maskBit, wide: fc.boolean() }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('mask' as const), v: vector, masked: maskBit }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constantFrom('notify' as const, 'raise' as const), v: vector }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('use' as const), v: vector }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unuse' as const), v: vector }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('unuseAll' as const, 'reset' as const, 'save' as const, 'load' as const) }) },
);
/** Which vectors are in use from the start: all (a machine file's "used": "all"), or a few. */
const initiallyUsed = fc.oneof(fc.constant('all' as const), fc.array(vector, { maxLength: 4 }));

const OUTCOME_KINDS = new Set(['NotifyDelivered', 'NotifyToMemory', 'NotifyPended', 'NotifyDropped']);

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** index: value for the non-zero entries, to keep a mismatch readable. */
function nonZero(a: ArrayLike<number>): Record<number, number> {
  const out: Record<number, number> = {};
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) out[i] = a[i]!;
  return out;
}

/** Runs `ops` on a fresh machine and the model side by side; returns every message outcome seen. */
function run(n: number, ops: Op[], used: 'all' | number[] = []): Outcome[] {
  const desc = nicDescription({ vectors: n, cpus: CPUS, used: used === 'all' ? 'all' : used.filter((v) => v < n) });
  desc.ram = [{ base: 0, size: RAM }];
  const g = new Guest(build(desc));
  g.setup(MEM | BUS_MASTER);
  const m = new Model(n);
  for (let v = 0; v < n; v++) m.used[v] = used === 'all' ? 1 : used.filter((u) => u === v).length;
  const write = (offset: number, size: 4 | 8, lo: number, hi: number): void => {
    g.write(BAR1 + offset, size, lo, hi);
    m.write(offset, size, lo, hi);
  };
  const engine = g.engine;
  const seen: Outcome[] = [];
  let saved: { bytes: Uint8Array; model: ReturnType<Model['snapshot']> } | null = null;
  for (const [i, o] of ops.entries()) {
    const step = `step ${i}: ${JSON.stringify(o)}`;
    const from = g.machine.log.total;
    m.outcomes = [];
    switch (o.op) {
      case 'control':
        g.cfgWrite(CAP + o.at, o.size, o.value);
        // C1: only a write covering cap+3 counts, with the byte that lands there.
        if (o.at + o.size > 3) m.writeControlHigh((o.value >>> (8 * (3 - o.at))) & 0xff);
        break;
      case 'command':
        g.command((o.mem ? MEM : 0) | (o.busMaster ? BUS_MASTER : 0));
        m.mem = o.mem;
        m.busMaster = o.busMaster;
        break;
      case 'read': {
        const lo = g.read(BAR1 + o.offset, o.size);
        const hi = g.machine.memory.readHigh;
        expect([lo, hi], step).toEqual(m.read(o.offset, o.size));
        break;
      }
      case 'write':
        write(o.offset, o.size, o.lo, o.size === 8 ? o.hi : 0);
        break;
      case 'program': {
        const at = o.v * 16;
        if (o.wide) {
          write(at, 8, o.addrLo, o.addrHi);
          write(at + 8, 8, o.data, o.masked ? 1 : 0);
        } else {
          [o.addrLo, o.addrHi, o.data, o.masked ? 1 : 0].forEach((x, k) => write(at + 4 * k, 4, x, 0));
        }
        break;
      }
      case 'mask':
        write(o.v * 16 + 12, 4, o.masked ? 1 : 0, 0);
        break;
      case 'notify':
        engine.notify(o.v);
        m.notify(o.v);
        break;
      case 'raise':
        g.machine.raise(g.fn, o.v);
        m.raise(o.v);
        break;
      case 'use':
        expect(engine.use(o.v).ok, step).toBe(m.use(o.v));
        break;
      case 'unuse':
        engine.unuse(o.v);
        m.unuse(o.v);
        break;
      case 'unuseAll':
        engine.unuseAll();
        m.unuseAll();
        break;
      case 'reset':
        engine.reset();
        m.reset();
        break;
      case 'save':
        saved = { bytes: engine.save(), model: m.snapshot() };
        break;
      case 'load':
        if (saved === null) break;
        expect(engine.load(saved.bytes), step).toEqual({ ok: true });
        m.load(saved.model);
        break;
    }
    const outcomes = eventsSince(g.machine.log, from)
      .filter((e) => OUTCOME_KINDS.has(e.kind))
      .map((e): Outcome => [e.kind, e.detail, e.vector]);
    seen.push(...outcomes);
    // Cheap comparisons first; expect() only on a mismatch, for its diff (it is slow on big arrays).
    const agree = (what: string, equal: boolean, got: () => unknown, want: () => unknown): void => {
      if (!equal) expect(got(), `${step}: ${what}`).toEqual(want());
    };
    agree('outcomes', JSON.stringify(outcomes) === JSON.stringify(m.outcomes), () => outcomes, () => m.outcomes);
    const pending = Array.from({ length: n }, (_, v) => engine.isPending(v));
    agree('pending bits', pending.every((p, v) => p === m.pending[v]), () => pending, () => m.pending);
    agree('PBA bits past N', engine.pba.subarray(Math.ceil(n / 32)).every((w) => w === 0), () => Array.from(engine.pba), () => []);
    agree('table', engine.table.every((x, k) => x === m.table[k]), () => Array.from(engine.table), () => m.table);
    agree('use counts', engine.useCount.every((x, k) => x === m.used[k]), () => Array.from(engine.useCount), () => m.used);
    agree('function masked', engine.functionMasked === m.functionMasked(), () => engine.functionMasked, () => m.functionMasked());
    agree('APIC counts', sameNumbers(g.machine.apic.counts, m.counts), () => nonZero(g.machine.apic.counts), () => nonZero(m.counts));
    agree('APIC special', sameNumbers(g.machine.apic.special, m.special), () => nonZero(g.machine.apic.special), () => nonZero(m.special));
    agree('RAM', Buffer.compare(g.machine.ram[0]!.readBytes(0, g.machine.ram[0]!.size), m.ram) === 0, () => nonZero(g.machine.ram[0]!.readBytes(0, g.machine.ram[0]!.size)), () => nonZero(m.ram));
  }
  return seen;
}

describe('the machine against a reference model', () => {
  it('M/C/U/T/P/N/V/X1/X3/A1/A2: random guest and device operations agree with the rules at every step', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 3, 33, 64, 65), initiallyUsed, fc.array(op, { minLength: 10, maxLength: 120, size: 'max' }), (n, used, ops) => void run(n, ops, used)),
      { numRuns: 500 },
    );
  });

  it('a fixed sequence with every kind of step: machine, model and hand-worked outcomes agree', () => {
    const seen = run(3, [
      { op: 'use', v: 0 },
      { op: 'use', v: 1 },
      { op: 'write', offset: 0, size: 8, lo: 0xfee01000, hi: 0 },
      { op: 'write', offset: 8, size: 8, lo: 0x41, hi: 0 },
      { op: 'write', offset: 16, size: 4, lo: 0x100, hi: 0 },
      { op: 'write', offset: 24, size: 8, lo: 0xaabbccdd, hi: 1 },
      { op: 'control', at: 2, size: 2, value: 0x8000 },
      { op: 'notify', v: 0 },
      { op: 'notify', v: 1 },
      { op: 'notify', v: 2 },
      { op: 'notify', v: 5 },
      { op: 'read', offset: PBA, size: 4 },
      { op: 'write', offset: 28, size: 4, lo: 0, hi: 0 },
      { op: 'command', mem: true, busMaster: false },
      { op: 'raise', v: 0 },
      { op: 'read', offset: 2, size: 4 },
      { op: 'read', offset: 4, size: 8 },
      { op: 'unuse', v: 1 },
      { op: 'reset' },
      { op: 'unuseAll' },
    ]);
    expect(seen).toEqual([
      ['NotifyDelivered', 0, 0],
      ['NotifyPended', 1, 1],
      ['NotifyDropped', DropReason.NotInUse, 2],
      ['NotifyDropped', DropReason.VectorOutOfRange, 5],
      ['NotifyToMemory', 0, 1],
      ['NotifyDropped', DropReason.BusMasterDisabled, 0],
    ]);
  });
});
