// Random sequences of guest config writes, device notifies and Bus Master changes
// against a small model of plain MSI written straight from docs/msi-rules.md. After
// every step machine and model agree on Message Control, the mask and pending bits,
// and the outcome of every notify (the vector delivered into RAM, pended, dropped).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, eventsSince } from './guest';
import { MSI_CAP_ID } from '../../src-main/machine/msi/msi-capability';
import { DropReason } from '../../src-shared/timeline/event-kinds';

const TARGET = 0x1000;
const DATA = 0x40;

type Outcome = [kind: string, detail: number, vector: number];

class Model {
  control: number;
  mask = 0;
  pending = 0;
  busMaster = true;
  outcomes: Outcome[] = [];
  /** The data of the last message written to RAM, -1 before the first. */
  lastData = -1;

  constructor(readonly capable: number) {
    // MI1: 64-bit with per-vector masking; Multiple Message Capable in bits 3:1.
    this.control = 0x0180 | (Math.log2(capable) << 1);
  }

  get enabled(): boolean {
    return (this.control & 1) !== 0;
  }

  get count(): number {
    return 1 << ((this.control >> 4) & 7);
  }

  /** MI2, then MW1-MW5. */
  writeControl(value: number): void {
    this.control = (this.control & ~0x71) | (value & 0x71);
    this.afterWrite();
  }

  writeMask(value: number): void {
    this.mask = (value & (0xffffffff >>> (32 - this.capable))) >>> 0;
    this.afterWrite();
  }

  private afterWrite(): void {
    if (!this.enabled) return;
    const capableLog = Math.log2(this.capable);
    if (((this.control >> 4) & 7) > capableLog) this.control = (this.control & ~0x70) | (capableLog << 4);
    this.pending &= 0xffffffff >>> (32 - this.count);
    for (let v = 0; v < this.count; v++) {
      if ((this.mask >>> v) & 1 || !((this.pending >>> v) & 1)) continue;
      this.pending &= ~(1 << v);
      this.outcomes.push(['PendingCleared', 0, v]);
      this.notify(v);
    }
  }

  /** MN1-MN3 and MG1. */
  notify(v: number): void {
    if (v >= this.count) return void this.outcomes.push(['NotifyDropped', DropReason.VectorOutOfRange, v]);
    if ((this.mask >>> v) & 1) {
      this.outcomes.push(['NotifyPended', (this.pending >>> v) & 1 ? 0 : 1, v]);
      this.pending |= 1 << v;
      return;
    }
    if (!this.busMaster) return void this.outcomes.push(['NotifyDropped', DropReason.BusMasterDisabled, v]);
    this.outcomes.push(['NotifyToMemory', 0, v]);
    this.lastData = this.count > 1 ? (DATA & ~(this.count - 1)) | v : DATA;
  }
}

type Op = { op: 'control'; value: number } | { op: 'mask'; value: number } | { op: 'notify'; vector: number } | { op: 'busMaster'; on: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((value) => ({ op: 'control' as const, value })),
  fc.oneof(fc.constantFrom(0, 1, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff })).map((value) => ({ op: 'mask' as const, value })),
  fc.integer({ min: 0, max: 33 }).map((vector) => ({ op: 'notify' as const, vector })),
  fc.boolean().map((on) => ({ op: 'busMaster' as const, on })),
);

describe('plain MSI against a reference model', () => {
  it('MG1/MN1/MN2/MN3/MW2/MW3/MW4/MW5: random config writes and notifies agree with the rules at every step', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4, 8, 32), fc.array(op, { maxLength: 60 }), (capable, ops) => {
        const m = build({
          cpus: 1,
          eventLogCapacity: 1 << 12,
          ram: [{ base: '0x0', size: '0x2000' }],
          devices: [{ bdf: '00:04.0', name: 'edu', vendor: 1, device: 1, class: 0xff00, msi: { vectors: capable, perVectorMask: true } }],
        });
        const fn = m.fn(0x20)!;
        const cap = fn.caps.find(MSI_CAP_ID);
        const model = new Model(capable);
        fn.configWrite(0x04, 2, 0x4);
        fn.configWrite(cap + 4, 4, TARGET);
        fn.configWrite(cap + 0x0c, 2, DATA);
        for (const o of ops) {
          const from = m.log.total;
          model.outcomes = [];
          if (o.op === 'control') {
            fn.configWrite(cap + 2, 2, o.value);
            model.writeControl(o.value);
          } else if (o.op === 'mask') {
            fn.configWrite(cap + 0x10, 4, o.value);
            model.writeMask(o.value);
          } else if (o.op === 'notify') {
            fn.msi!.notify(o.vector);
            model.notify(o.vector);
          } else {
            fn.configWrite(0x04, 2, o.on ? 0x4 : 0);
            model.busMaster = o.on;
          }
          const outcomes = eventsSince(m.log, from)
            .filter((e) => ['NotifyToMemory', 'NotifyPended', 'NotifyDropped', 'PendingCleared'].includes(e.kind))
            .map((e): Outcome => [e.kind, e.detail, e.vector]);
          expect(outcomes).toEqual(model.outcomes);
          expect(fn.config.get16(cap + 2)).toBe(model.control);
          expect([fn.config.read(cap + 0x10, 4), fn.config.read(cap + 0x14, 4)]).toEqual([model.mask, model.pending >>> 0]);
          expect(m.memory.read(TARGET, 4)).toBe(model.lastData < 0 ? 0 : model.lastData);
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
