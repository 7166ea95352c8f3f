import { describe, expect, it } from 'vitest';
import { resolveAddress } from '../../src-renderer/lib/address-expression';
import { parseVectorFilter } from '../../src-renderer/lib/vector-filter';
import { formatNs, parseHex, parseNumber } from '../../src-renderer/lib/format';
import { BAR1, nicDevice } from './fixtures';

describe('poke address expressions', () => {
  it('takes absolute addresses in hex or decimal', () => {
    expect(resolveAddress('0xfee00000', null)).toEqual({ ok: true, address: 0xfee00000, space: null });
    expect(resolveAddress('4096', null)).toEqual({ ok: true, address: 4096, space: null });
  });

  it('resolves barN+offset against where the BAR decodes now', () => {
    expect(resolveAddress('bar1+0x10', nicDevice(BAR1))).toEqual({ ok: true, address: BAR1 + 0x10, space: 'memory' });
    expect(resolveAddress('BAR1', nicDevice(BAR1))).toEqual({ ok: true, address: BAR1, space: 'memory' });
  });

  it('says why it cannot', () => {
    expect(resolveAddress('bar1+0x10', nicDevice(null))).toEqual({ ok: false, error: 'BAR 1 of 00:03.0 is not mapped (assign it and enable memory space)' });
    expect(resolveAddress('bar3+0', nicDevice(BAR1))).toEqual({ ok: false, error: '00:03.0 has no BAR 3' });
    expect(resolveAddress('bar1+0x2000', nicDevice(BAR1))).toEqual({ ok: false, error: 'offset 0x2000 is past the end of BAR 1 (size 0x1000)' });
    expect(resolveAddress('fee', null)).toEqual({ ok: false, error: "'fee' is not an address (0x…, decimal, or barN+offset)" });
    expect(resolveAddress('bar1+4', null)).toEqual({ ok: false, error: 'select a device to use barN+offset' });
  });
});

describe('vector filter', () => {
  it('accepts lists and ranges', () => {
    const f = parseVectorFilter('0-2, 7');
    expect(f.ok && [0, 1, 2, 3, 7, 8].map(f.accepts)).toEqual([true, true, true, false, true, false]);
    expect(parseVectorFilter('').ok).toBe(true);
  });

  it('refuses what it cannot read', () => {
    expect(parseVectorFilter('1,x')).toEqual({ ok: false, error: "'x' is not a vector or a range like 0-7" });
    expect(parseVectorFilter('5-2')).toEqual({ ok: false, error: 'range 5-2 runs backwards' });
  });
});

describe('formatting', () => {
  it('parses numbers as engineers write them', () => {
    expect(parseNumber('0x1F')).toBe(31);
    expect(parseNumber('1fh')).toBe(31);
    expect(parseNumber('1_000')).toBe(1000);
    expect(parseNumber('0x')).toBeUndefined();
    expect(parseHex('fee00000')).toBe(0xfee00000);
    expect(parseHex('0xg')).toBeUndefined();
  });

  it('prints virtual time in the unit that suits it', () => {
    expect(formatNs(0)).toBe('0');
    expect(formatNs(999)).toBe('999 ns');
    expect(formatNs(1500)).toBe('1.5 µs');
    expect(formatNs(2_000_000_000)).toBe('2 s');
  });
});
