import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyForm, formFromSpec, parseVectorList, specFromForm } from '../../src-renderer/lib/breakpoint-form';
import { base64ToBytes, bytesToBase64 } from '../../src-shared/base64';
import type { BreakpointSpec } from '../../src-shared/debugger/breakpoints';

const SPECS: BreakpointSpec[] = [
  { kind: 'unmask', bdf: 0x18, vectors: [0, 3], causes: ['vector-bit', 'function-mask'], tracepoint: false },
  { kind: 'unmask', bdf: null, vectors: 'any', causes: ['vector-bit', 'function-mask', 'enable', 'load'], condition: { minHits: 4 }, tracepoint: true },
  { kind: 'notify', bdf: 0x18, vectors: [1], outcomes: ['pended', 'dropped'], tracepoint: false },
  { kind: 'pending', bdf: null, vectors: [5, 6, 7], tracepoint: false },
  { kind: 'config-write', bdf: 0x18, offset: 0x86, length: 2, condition: { value: { equals: 0x8000, mask: 0xc000 } }, tracepoint: false },
  { kind: 'config-write', bdf: null, offset: 4, length: 1, condition: { value: { equals: 6, mask: 0xffffffff }, minHits: 2 }, tracepoint: true },
  { kind: 'access', space: 'memory', start: 0xfebf0000, length: 0x10, direction: 'read', tracepoint: false },
  { kind: 'access', space: 'io', start: 0xcf8, length: 4, direction: 'both', condition: { value: { equals: 0x80001800, mask: 0xffffff00 } }, tracepoint: false },
  { kind: 'delivery', cpu: 1, idtVector: null, tracepoint: true },
  { kind: 'delivery', cpu: null, idtVector: 0x31, condition: { value: { equals: 0x31, mask: 0xff } }, tracepoint: false },
];

describe('breakpoint editor form', () => {
  it.each(SPECS.map((s) => [s.kind, s] as const))('reads back the %s spec it shows', (_, spec) => {
    const back = specFromForm(formFromSpec(spec));
    expect(back).toEqual({ ok: true, spec });
  });

  it('names the field it cannot read', () => {
    expect(specFromForm({ ...emptyForm(), kind: 'config-write', offset: '0xzz' })).toEqual({ ok: false, field: 'offset', error: "offset: '0xzz' is not a number (0x1f or 31)" });
    expect(specFromForm({ ...emptyForm(), kind: 'delivery', cpu: 'one' })).toEqual({ ok: false, field: 'cpu', error: "CPU: 'one' is not a number (0x1f or 31)" });
    expect(specFromForm({ ...emptyForm(), minHits: '-1' })).toEqual({ ok: false, field: 'minHits', error: "hit count: cannot be negative ('-1')" });
    expect(specFromForm({ ...emptyForm(), minHits: '0' })).toEqual({ ok: false, field: 'minHits', error: "hit count: at least 1 ('0')" });
    expect(specFromForm({ ...emptyForm(), vectors: '' })).toEqual({ ok: false, field: 'vectors', error: 'vectors: name the vectors (0,2,5-7) or "any"' });
  });

  it('leaves the value condition out of kinds that have no value', () => {
    expect(specFromForm({ ...emptyForm(0x18), kind: 'pending', valueEquals: '0x31' })).toEqual({ ok: true, spec: { kind: 'pending', bdf: 0x18, vectors: 'any', tracepoint: false } });
  });

  it('reads vector lists: any, single vectors, ranges, in order without repeats', () => {
    expect(parseVectorList(' ANY ')).toEqual({ ok: true, vectors: 'any' });
    expect(parseVectorList('5, 0-2,1')).toEqual({ ok: true, vectors: [0, 1, 2, 5] });
    expect(parseVectorList('2048')).toEqual({ ok: false, error: 'vector 2048 is above 2047' });
    expect(parseVectorList('1;2')).toEqual({ ok: false, error: "'1;2' is not a vector or a range like 0-7" });
  });
});

describe('file transfer', () => {
  it('base64 encodes as RFC 4648 says', () => {
    const bytes = (text: string): Uint8Array => new Uint8Array([...text].map((c) => c.charCodeAt(0)));
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) expect(bytesToBase64(bytes(plain))).toBe(encoded);
  });

  it('base64 round-trips any bytes, large ones in chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100_000 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
        expect(text.length).toBe(4 * Math.ceil(bytes.length / 3));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
      { numRuns: 40 },
    );
  });
});
