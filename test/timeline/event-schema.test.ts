// The event schema: its declarations are consistent, the ids never move, the typed
// helpers put every field where its declaration says, and the derived text is the
// text every kind had before the schema.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyColumns } from '../../src-shared/timeline/columns';
import { EventEmitter } from '../../src-shared/timeline/event-emitter';
import {
  BYTES_PER_EVENT,
  describeEvent,
  EVENT_SCHEMA,
  EventKind,
  fieldMax,
  KINDS,
  kindSpec,
  readFields,
  schemaProblems,
  writeFields,
  type KindSpec,
} from '../../src-shared/timeline/event-schema';
import { legacyDescribe } from './legacy-describe';

/** The wire numbering, as saved sessions and batches hold it: a kind may be added, none may move. */
const WIRE_IDS = {
  ConfigWrite: 0, TableRead: 1, TableWrite: 2, PbaRead: 3, PbaWrite: 4, VectorMasked: 5, VectorUnmasked: 6, FunctionMaskChanged: 7,
  NotifyDelivered: 8, NotifyToMemory: 9, NotifyPended: 10, NotifyDropped: 11, PendingCleared: 12, IntxChanged: 13, AccessRefused: 14,
  AccessUnclaimed: 15, Reset: 16, StateSaved: 17, StateLoaded: 18, UseCountChanged: 19, NotifierFired: 20, BarMapped: 21, BarOverlap: 22,
  Breakpoint: 23, Access: 24, Divergence: 25,
};

const ok = EVENT_SCHEMA.StateSaved as KindSpec;
const describeAll = (f: Record<string, number>): string => Object.values(f).join(' ');

describe('event schema declarations', () => {
  it('declares every kind consistently', () => {
    expect(schemaProblems(EVENT_SCHEMA as unknown as Record<string, KindSpec>)).toEqual([]);
  });

  it('keeps every kind at its wire id', () => {
    expect({ ...EventKind }).toEqual(WIRE_IDS);
  });

  it('stores 27 bytes per event in its columns', () => {
    expect(BYTES_PER_EVENT).toBe(27);
  });

  const bad: [string, Record<string, KindSpec>, string][] = [
    [
      'two fields in one column',
      { A: { id: 0, fields: [{ name: 'x', column: 'a', doc: '' }, { name: 'y', column: 'a', doc: '' }], describe: describeAll } },
      'A.y: column a already holds another field of A',
    ],
    [
      'overlapping bits',
      { A: { id: 0, fields: [{ name: 'x', column: 'detail', bits: [0, 3], doc: '' }, { name: 'y', column: 'detail', bits: [2, 1], doc: '' }], describe: describeAll } },
      'A.y: column detail already holds another field of A',
    ],
    [
      'the low half of a 64-bit field under another field',
      { A: { id: 0, fields: [{ name: 'x', column: 'a', high: 'b', doc: '' }, { name: 'y', column: 'b', doc: '' }], describe: describeAll } },
      'A.y: column b already holds another field of A',
    ],
    ['an unknown column', { A: { id: 0, fields: [{ name: 'x', column: 'd' as 'a', doc: '' }], describe: describeAll } }, 'A.x: column d is not one of detail, vector, a, b, c'],
    ['bits past the column', { A: { id: 0, fields: [{ name: 'x', column: 'detail', bits: [6, 3], doc: '' }], describe: describeAll } }, 'A.x: bits 6, 3 do not fit column detail'],
    ['a field named twice', { A: { id: 0, fields: [{ name: 'x', column: 'a', doc: '' }, { name: 'x', column: 'b', doc: '' }], describe: describeAll } }, 'A.x: declared twice'],
    [
      'a describer missing a field',
      { A: { id: 0, fields: [{ name: 'x', column: 'a', doc: '' }, { name: 'y', column: 'b', doc: '' }], describe: (f) => `x ${f.x}` } },
      'A: the describer never shows y (mark it inText: false if that is meant)',
    ],
    [
      'a describer missing a field it shows only for some values',
      { A: { id: 0, fields: [{ name: 'k', column: 'detail', names: ['one', 'two'], doc: '' }, { name: 'y', column: 'b', doc: '' }], describe: (f) => (f.k === 5 ? `${f.y}` : 'k') } },
      'A: the describer never shows y (mark it inText: false if that is meant)',
    ],
    ['a describer reading an undeclared field', { A: { id: 0, fields: [{ name: 'x', column: 'a', doc: '' }], describe: (f) => `${f.x} ${f.z}` } }, 'A: the describer reads z, which A does not declare'],
    ['two kinds with one id', { A: ok, B: ok }, 'kind ids must be 0..1 each once, got 17, 17'],
  ];
  for (const [what, schema, problem] of bad) {
    it(`names ${what}`, () => {
      expect(schemaProblems(schema)).toContain(problem);
    });
  }

  it('accepts a field left out of the text when it is marked so', () => {
    expect(schemaProblems({ A: { id: 0, fields: [{ name: 'x', column: 'a', doc: '' }, { name: 'y', column: 'b', inText: false, doc: '' }], describe: (f) => `x ${f.x}` } })).toEqual([]);
  });
});

/** A value for every field that fits it, different per field, the 64-bit ones above 2^32. */
function sampleValues(spec: KindSpec, seed: number): number[] {
  return spec.fields.map((f, n) => {
    const max = Math.min(fieldMax(f), Number.MAX_SAFE_INTEGER);
    return max > 0xffffffff ? 0x1_2345_6789 + n + seed : (n * 37 + seed * 11 + 1) % (max + 1);
  });
}

describe('typed append helpers', () => {
  const helperName = (kind: string): string => kind[0]!.toLowerCase() + kind.slice(1);

  it('has one helper per kind and no other', () => {
    const methods = Object.getOwnPropertyNames(EventEmitter.prototype).filter((m) => m !== 'constructor');
    expect(methods.sort()).toEqual(KINDS.map((k) => helperName(k.name)).sort());
  });

  for (const spec of KINDS) {
    it(`${spec.name}: every parameter lands in the field of that name`, () => {
      for (const seed of [0, 1, 2]) {
        const cols = emptyColumns(1);
        cols.kind[0] = 0xff;
        const emitter = new EventEmitter({
          put(kind, detail, bdf, vector, a, b, c) {
            Object.assign(cols, { firstSeq: 0 });
            cols.kind[0] = kind;
            cols.detail[0] = detail;
            cols.bdf[0] = bdf;
            cols.vector[0] = vector;
            cols.a[0] = a;
            cols.b[0] = b;
            cols.c[0] = c;
          },
        });
        const values = sampleValues(spec, seed);
        (emitter as unknown as Record<string, (...args: number[]) => void>)[helperName(spec.name)]!(0x18, ...values);
        expect(cols.kind[0]).toBe(spec.id);
        expect(cols.bdf[0]).toBe(0x18);
        expect(readFields(cols, 0)).toEqual(Object.fromEntries(spec.fields.map((f, n) => [f.name, values[n]])));
      }
    });
  }
});

describe('derived text', () => {
  it('says for every kind and any column values what the describer said before the schema', () => {
    const cols = emptyColumns(1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: KINDS.length }),
        fc.integer({ min: 0, max: 0xff }),
        fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 1, 2, 3, 0xffff)),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 8)), { minLength: 3, maxLength: 3 }),
        (kind, detail, vector, [a, b, c]) => {
          Object.assign(cols, { firstSeq: 0 });
          cols.kind[0] = kind;
          cols.detail[0] = detail;
          cols.vector[0] = vector;
          cols.a[0] = a!;
          cols.b[0] = b!;
          cols.c[0] = c!;
          expect(describeEvent(cols, 0)).toBe(legacyDescribe(kind, detail, vector, a!, b!, c!));
        },
      ),
      { seed: 8, numRuns: 20_000 },
    );
  });

  it('says the same for every kind on small values and every enum value', () => {
    const cols = emptyColumns(1);
    for (const spec of KINDS) {
      for (let detail = 0; detail < 256; detail++) {
        for (const [vector, a, b, c] of [[0, 0, 0, 0], [1, 1, 1, 1], [0xffff, 2, 0x41, 0xfee01004], [3, 0, 8, 1]] as const) {
          cols.kind[0] = spec.id;
          cols.detail[0] = detail;
          cols.vector[0] = vector;
          cols.a[0] = a;
          cols.b[0] = b;
          cols.c[0] = c;
          expect(describeEvent(cols, 0)).toBe(legacyDescribe(spec.id, detail, vector, a, b, c));
        }
      }
    }
  });
});

describe('named fields in and out', () => {
  it('writes named fields where readers find them', () => {
    for (const spec of KINDS) {
      const cols = emptyColumns(1);
      cols.kind[0] = spec.id;
      const values = Object.fromEntries(spec.fields.map((f, n) => [f.name, sampleValues(spec, 3)[n]!]));
      expect(writeFields(cols, 0, spec, values)).toBeNull();
      expect(readFields(cols, 0)).toEqual(values);
    }
  });

  it('refuses an unknown field or a value that does not fit, naming it, and leaves the row alone', () => {
    const cols = emptyColumns(1);
    cols.a[0] = 7;
    const spec = kindSpec(EventKind.NotifyDelivered)!;
    expect(writeFields(cols, 0, spec, { apic: 1 })).toBe('field apic is not one of vector, mode, cpuSet, belowSixteen, target, data, addressLo');
    expect(writeFields(cols, 0, spec, { mode: 8 })).toBe('field mode must be an integer 0..0x7');
    expect(writeFields(cols, 0, spec, { data: -1 })).toBe('field data must be an integer 0..0xffffffff');
    expect(cols.a[0]).toBe(7);
  });

  it('reads a 64-bit field as one number', () => {
    const cols = emptyColumns(1);
    writeFields(cols, 0, kindSpec(EventKind.NotifyToMemory)!, { vector: 2, address: 0x1_0000_3000, data: 5 });
    cols.kind[0] = EventKind.NotifyToMemory;
    expect([cols.a[0], cols.c[0]]).toEqual([0x3000, 1]);
    expect(readFields(cols, 0)).toEqual({ vector: 2, address: 0x1_0000_3000, data: 5 });
  });

  it('has no fields for a kind id no kind has', () => {
    const cols = emptyColumns(1);
    cols.kind[0] = 200;
    expect(readFields(cols, 0)).toBeNull();
    expect(describeEvent(cols, 0)).toBe('event kind 200');
  });
});
