// The address space on its own: splitting (T1's rule applies to every region),
// accepted sizes, holes in containers (A3) and priorities.
import { describe, expect, it } from 'vitest';
import { AddressSpace, AccessStatus, Region, SIZES_4, pieceSize } from '../../src-main/machine/address-space';
import { Clock } from '../../src-main/machine/clock';
import { EventLog } from '../../src-main/machine/event-log';
import { Ram } from '../../src-main/machine/ram';
import { eventsSince } from './guest';
import { ACCESS_WRITE } from '../../src-shared/timeline/event-kinds';

function space(): { mem: AddressSpace; log: EventLog; ram: Ram; seen: [string, number, number, number][] } {
  const log = new EventLog(new Clock(), 256);
  const mem = new AddressSpace('memory', log, false);
  const ram = new Ram(0x100);
  mem.map(ram.region, 0x1000);
  const seen: [string, number, number, number][] = [];
  const mmio = new Region(
    'mmio',
    0x10,
    { read: (o, s) => (seen.push(['r', o, s, 0]), 0xa0 + o), write: (o, s, v) => void seen.push(['w', o, s, v]) },
    SIZES_4,
    7,
  );
  const container = new Region('bar', 0x100, null, 0, 7, 1);
  container.addSubregion(mmio, 0x10);
  mem.map(container, 0x2000);
  return { mem, log, ram, seen };
}

describe('splitting into naturally aligned pieces (T1)', () => {
  it.each([
    [0, 8, [4, 4]],
    [4, 8, [4, 4]],
    [2, 4, [2, 2]],
    [1, 4, [1, 2, 1]],
    [2, 8, [2, 4, 2]],
    [3, 8, [1, 4, 2, 1]],
    [0, 3, [2, 1]],
    [1, 3, [1, 2]],
    [2, 3, [2, 1]],
  ])('T1: an access at %i of %i bytes goes as pieces %j', (addr, size, expected) => {
    const got: number[] = [];
    for (let at = addr, left = size; left > 0; ) {
      const p = pieceSize(at, left);
      got.push(p);
      at += p;
      left -= p;
    }
    expect(got).toEqual(expected);
  });

  it.each([0, 1, 2, 3, 4, 5])('T1: RAM takes a 3-byte write at offset %i as its pieces, byte-exact', (off) => {
    const { mem, ram, log } = space();
    mem.write(0x1000 + off, 3, 0x00ccbbaa);
    expect([...ram.readBytes(off, 4)]).toEqual([0xaa, 0xbb, 0xcc, 0]);
    expect(mem.read(0x1000 + off, 3)).toBe(0xccbbaa);
    expect(mem.lastStatus).toBe(AccessStatus.Ok);
    expect(log.total).toBe(0);
  });

  it('T1: an 8-byte RAM access at an odd address moves all eight bytes', () => {
    const { mem, ram } = space();
    mem.write(0x1003, 8, 0x44332211, 0x88776655);
    expect([...ram.readBytes(3, 8)]).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
    expect(mem.read(0x1003, 8)).toBe(0x44332211);
    expect(mem.readHigh).toBe(0x88776655);
  });

  it('T1: a region taking only 4 bytes sees its 4-byte pieces and refuses the others, reporting each', () => {
    const { mem, seen, log } = space();
    mem.write(0x2012, 8, 0x44332211, 0x88776655);
    expect(seen).toEqual([['w', 4, 4, 0x66554433]]);
    expect(mem.lastStatus).toBe(AccessStatus.Refused);
    const ev = eventsSince(log, 0);
    expect(ev.map((e) => [e.kind, e.detail, e.a, e.bdf, e.c])).toEqual([
      ['AccessRefused', 2 | ACCESS_WRITE, 0x2012, 7, 0x2211],
      ['AccessRefused', 2 | ACCESS_WRITE, 0x2018, 7, 0x8877],
    ]);
  });
});

describe('holes and priorities (A3)', () => {
  it('A3: an address in a container that no subregion claims reads 0, drops writes, reports the owner', () => {
    const { mem, log, seen } = space();
    expect(mem.read(0x2000, 4)).toBe(0);
    mem.write(0x20fc, 4, 1);
    expect(mem.lastStatus).toBe(AccessStatus.Unclaimed);
    expect(seen).toEqual([]);
    expect(eventsSince(log, 0).map((e) => [e.kind, e.bdf, e.a])).toEqual([
      ['AccessUnclaimed', 7, 0x2000],
      ['AccessUnclaimed', 7, 0x20fc],
    ]);
  });

  it('A3: an address nothing maps is unclaimed with no owner', () => {
    const { mem, log } = space();
    expect(mem.read(0x9000, 2)).toBe(0);
    expect(eventsSince(log, 0).map((e) => [e.kind, e.bdf, e.detail])).toEqual([['AccessUnclaimed', 0xffff, 2]]);
  });

  it('a higher-priority region wins where two overlap', () => {
    const { mem } = space();
    const top = new Region('top', 0x10, { read: () => 0x55, write: () => undefined }, SIZES_4, 0xffff, 100);
    mem.map(top, 0x1000);
    expect(mem.read(0x1000, 4)).toBe(0x55);
    expect(mem.read(0x1010, 4)).toBe(0);
    mem.unmap(top);
    mem.write(0x1000, 4, 0x12345678);
    expect(mem.read(0x1000, 4)).toBe(0x12345678);
  });
});
