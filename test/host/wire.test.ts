import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBatch, encodeBatch, encodedSize } from '../../src-shared/timeline/wire';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const event = fc.record({
  time: fc.double({ min: 0, max: 1e15, noNaN: true }),
  kind: fc.integer({ min: 0, max: 255 }),
  detail: fc.integer({ min: 0, max: 255 }),
  origin: fc.integer({ min: 0, max: 3 }),
  bdf: fc.integer({ min: 0, max: 0xffff }),
  vector: fc.integer({ min: 0, max: 0xffff }),
  a: u32,
  b: u32,
  c: u32,
});
type Ev = typeof event extends fc.Arbitrary<infer T> ? T : never;

function columnsOf(events: Ev[]): EventColumns {
  const out = emptyColumns(events.length);
  events.forEach((e, i) => {
    out.time[i] = e.time;
    out.kind[i] = e.kind;
    out.detail[i] = e.detail;
    out.origin[i] = e.origin;
    out.bdf[i] = e.bdf;
    out.vector[i] = e.vector;
    out.a[i] = e.a;
    out.b[i] = e.b;
    out.c[i] = e.c;
  });
  return out;
}

function rows(c: EventColumns): Ev[] {
  return Array.from(c.kind, (_, i) => ({
    time: c.time[i]!,
    kind: c.kind[i]!,
    detail: c.detail[i]!,
    origin: c.origin[i]!,
    bdf: c.bdf[i]!,
    vector: c.vector[i]!,
    a: c.a[i]!,
    b: c.b[i]!,
    c: c.c[i]!,
  }));
}

describe('timeline wire encoding', () => {
  it('round-trips any batch: header and every column', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), fc.nat(), fc.nat(), fc.nat(), (events, firstSeq, lost, now) => {
        const header = { firstSeq, total: firstSeq + events.length, evicted: firstSeq, lost, skipped: lost >>> 1, now };
        const decoded = decodeBatch(encodeBatch(header, columnsOf(events)));
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        const { columns, ...got } = decoded.batch;
        expect(got).toEqual(header);
        expect(columns.firstSeq).toBe(firstSeq);
        expect(rows(columns)).toEqual(events);
      }),
    );
  });

  it('encodes a sub-range of columns', () => {
    const events = Array.from({ length: 10 }, (_, i): Ev => ({ time: i * 10, kind: i, detail: 0, origin: 0, bdf: 1, vector: i, a: i, b: 0, c: 0 }));
    const decoded = decodeBatch(encodeBatch({ firstSeq: 3, total: 10, evicted: 0, lost: 0, skipped: 0, now: 100 }, columnsOf(events), 3, 4));
    expect(decoded.ok && rows(decoded.batch.columns)).toEqual(events.slice(3, 7));
  });

  it('decodes into views over the received buffer, without copying', () => {
    const buffer = encodeBatch({ firstSeq: 0, total: 1, evicted: 0, lost: 0, skipped: 0, now: 0 }, columnsOf([{ time: 5, kind: 8, detail: 0, origin: 1, bdf: 0x18, vector: 2, a: 1, b: 0x31, c: 0xfee01000 }]));
    const decoded = decodeBatch(buffer);
    expect(decoded.ok && decoded.batch.columns.time.buffer).toBe(buffer);
    expect(decoded.ok && decoded.batch.columns.kind.buffer).toBe(buffer);
  });

  it('sizes batches at 27 bytes per event plus a 64-byte header, padded to 8', () => {
    expect(encodedSize(0)).toBe(64);
    expect(encodedSize(1)).toBe(64 + 32);
    expect(encodedSize(1000)).toBe(64 + 27000);
  });

  it('refuses what is not a batch, saying why', () => {
    expect(decodeBatch(new ArrayBuffer(8))).toEqual({ ok: false, error: 'timeline batch of 8 bytes is shorter than its header' });
    expect(decodeBatch(new ArrayBuffer(64))).toEqual({ ok: false, error: 'not a timeline batch (bad magic)' });
    const good = encodeBatch({ firstSeq: 0, total: 0, evicted: 0, lost: 0, skipped: 0, now: 0 }, emptyColumns(2));
    const truncated = good.slice(0, good.byteLength - 8);
    expect(decodeBatch(truncated)).toEqual({ ok: false, error: 'timeline batch of 2 events should be 120 bytes, got 112' });
  });
});
