// The machine around the engine: A1-A3 (interrupt controller, memory, holes), D1
// (device interrupt causes), B1-B3 (config space, Command, BARs), the 0xCF8/0xCFC
// port pair and system reset.
import { describe, expect, it } from 'vitest';
import { decodeMsiMessage } from '../../src-shared/timeline/msi-message';
import {
  BAR1,
  BAR4,
  BUS_MASTER,
  CAP,
  CTRL,
  DATA,
  ENABLE,
  Guest,
  INTX_DISABLE,
  MASKALL,
  MEM,
  NIC,
  apicAddress,
  build,
  eventsSince,
  nicDescription,
} from './guest';
import { ACCESS_CONFIG, ACCESS_IO, ACCESS_WRITE, CPU_SET_FLAG, DropReason, INTX_HELD, Origin } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

function sendVia(g: Guest, addrLo: number, data: number, addrHi = 0): void {
  g.program(0, addrLo, data, false, addrHi);
  g.engine.notify(0);
}

function enabled(cpus = 4): Guest {
  const g = Guest.nic({ used: 'all', cpus });
  g.writeControl(ENABLE);
  return g;
}

describe('interrupt controller (A1)', () => {
  it('A1: decodes destination, logical mode, redirection hint, vector, delivery mode, level assert, trigger', () => {
    expect(decodeMsiMessage(0xfee2a00c, 0, 0xc531)).toMatchObject({
      interrupt: true,
      destination: 0x2a,
      logical: true,
      redirectionHint: true,
      vector: 0x31,
      deliveryMode: 5,
      levelAssert: true,
      levelTriggered: true,
    });
    expect(decodeMsiMessage(0xfee01000, 0, 0x0041)).toMatchObject({
      interrupt: true,
      destination: 1,
      logical: false,
      redirectionHint: false,
      vector: 0x41,
      deliveryMode: 0,
      levelAssert: false,
      levelTriggered: false,
    });
  });

  it('A1: a fixed message counts on the destination CPU and vector; broadcast reaches every CPU', () => {
    const g = enabled(4);
    sendVia(g, apicAddress(2), 0x31);
    expect([0, 1, 2, 3].map((c) => g.total(c, 0x31))).toEqual([0, 0, 1, 0]);
    sendVia(g, apicAddress(0xff), 0x32);
    expect([0, 1, 2, 3].map((c) => g.total(c, 0x32))).toEqual([1, 1, 1, 1]);
  });

  it('A1: logical destination (flat model) reaches the CPUs of its bitmap; lowest priority takes one of them', () => {
    const g = enabled(4);
    sendVia(g, apicAddress(0b1010, true), 0x33);
    expect([0, 1, 2, 3].map((c) => g.total(c, 0x33))).toEqual([0, 1, 0, 1]);
    sendVia(g, apicAddress(0b1100, true), 0x0134);
    expect([0, 1, 2, 3].map((c) => g.total(c, 0x34))).toEqual([0, 0, 1, 0]);
  });

  it.each([
    ['SMI', 2],
    ['NMI', 4],
    ['INIT', 5],
    ['ExtINT', 7],
  ])('A1: %s (mode %i) is counted apart from the fixed vectors', (_name, mode) => {
    const g = enabled(2);
    g.markEvents();
    sendVia(g, apicAddress(1), (mode << 8) | 0x20);
    expect(g.total(1, 0x20)).toBe(0);
    expect(g.machine.apic.special[1 * 8 + mode]).toBe(1);
    expect(g.eventsOf('NotifyDelivered').map((e) => e.detail)).toEqual([mode]);
  });

  it('A1: a fixed interrupt with a vector below 16 is delivered and flagged', () => {
    const g = enabled();
    g.markEvents();
    sendVia(g, apicAddress(0), 0x0f);
    sendVia(g, apicAddress(0), 0x10);
    expect(g.eventsOf('NotifyDelivered').map((e) => e.fields.belowSixteen)).toEqual([1, 0]);
    expect(g.total(0, 0x0f)).toBe(1);
  });

  it.each([3, 6])('A1: reserved delivery mode %i delivers nothing: a drop with its reason, no count anywhere', (mode) => {
    const g = enabled(2);
    g.markEvents();
    sendVia(g, apicAddress(1), (mode << 8) | 0x20);
    expect(g.eventsOf('NotifyDelivered')).toEqual([]);
    expect(g.eventsOf('NotifyDropped').map((e) => e.detail)).toEqual([DropReason.ReservedDeliveryMode]);
    expect(Array.from(g.machine.apic.special).every((n) => n === 0)).toBe(true);
    expect(g.total(1, 0x20)).toBe(0);
  });

  it('A1: logical, broadcast and lowest-priority deliveries record which CPUs got them, and say how', () => {
    const g = enabled(4);
    g.markEvents();
    sendVia(g, apicAddress(0x3, true), 0x33);
    sendVia(g, apicAddress(0xff), 0x34);
    sendVia(g, apicAddress(0xc, true), 0x135);
    sendVia(g, apicAddress(2), 0x36);
    const delivered = g.eventsOf('NotifyDelivered');
    expect(delivered.map((e) => [e.detail & CPU_SET_FLAG, e.a])).toEqual([
      [CPU_SET_FLAG, 0b11],
      [CPU_SET_FLAG, 0b1111],
      [CPU_SET_FLAG, 0b100],
      [0, 2],
    ]);
    expect(delivered.map((e) => e.text)).toEqual([
      'vector 0 delivered to CPUs 0, 1 (logical destination 0x3), IDT vector 0x33 (fixed)',
      'vector 0 delivered to CPUs 0, 1, 2, 3 (broadcast), IDT vector 0x34 (fixed)',
      'vector 0 delivered to CPU 2 (lowest priority of logical destination 0xc), IDT vector 0x35 (lowest)',
      'vector 0 delivered to APIC 2, IDT vector 0x36 (fixed)',
    ]);
  });

  it('A1: a destination that names no CPU is recorded as a drop', () => {
    const g = enabled(2);
    g.markEvents();
    sendVia(g, apicAddress(5), 0x40);
    sendVia(g, apicAddress(0b100, true), 0x40);
    // The dropped message's address names the APIC ID (bits 19:12).
    expect(g.eventsOf('NotifyDropped').map((e) => [e.detail, (e.fields.address! >>> 12) & 0xff])).toEqual([
      [DropReason.NoSuchCpu, 5],
      [DropReason.NoSuchCpu, 4],
    ]);
    expect(g.delivered(0x40)).toBe(0);
  });

  it('A1: the window needs upper address 0: 0x1_FEE00000 is not an interrupt', () => {
    const g = enabled();
    g.markEvents();
    sendVia(g, apicAddress(0), 0x40, 1);
    expect(g.delivered(0x40)).toBe(0);
    expect(g.eventsOf('NotifyDropped').map((e) => e.detail)).toEqual([DropReason.Unclaimed]);
  });
});

describe('messages into holes (A2, A3, N3)', () => {
  it('A2/A3/N3: a message to an unclaimed offset of a mapped BAR (past the PBA) is dropped as unclaimed, not written to memory', () => {
    const g = enabled();
    g.markEvents();
    sendVia(g, BAR1 + 0x900, 0x1234);
    expect(g.eventsOf('NotifyToMemory')).toEqual([]);
    expect(g.eventsOf('NotifyDropped').map((e) => [e.detail, e.a])).toEqual([[DropReason.Unclaimed, BAR1 + 0x900]]);
  });

  it('A3/N3: a message landing on a refused piece of the device\'s own table is dropped as refused', () => {
    const g = enabled();
    g.markEvents();
    // Entry 2's data field at +2: two 2-byte pieces, which the table refuses (T1).
    sendVia(g, BAR1 + 0x2a, 0x1234);
    expect(g.eventsOf('NotifyToMemory')).toEqual([]);
    expect(g.eventsOf('NotifyDropped').map((e) => e.detail)).toEqual([DropReason.Refused]);
    expect(g.readEntry(2, DATA)).toBe(0);
  });
});

describe('memory writes (A2)', () => {
  it.each([0, 1, 2, 3])('A2: a message to RAM at byte offset %i lands there byte-exact', (low) => {
    const g = enabled();
    const ram = g.machine.ram[0]!;
    g.markEvents();
    sendVia(g, 0x3000 + low, 0x44332211);
    const expected = new Uint8Array(8);
    expected.set([0x11, 0x22, 0x33, 0x44], low);
    expect(ram.readBytes(0x3000, 8)).toEqual(expected);
    expect(g.eventsOf('NotifyToMemory').map((e) => [e.a, e.b, e.c])).toEqual([[0x3000 + low, 0x44332211, 0]]);
  });

  it('A2: a message where nothing is mapped is an unclaimed write, flagged', () => {
    const g = enabled();
    g.markEvents();
    sendVia(g, 0x80000000, 0x1234);
    expect(g.events().filter((e) => e.kind.startsWith('Notify')).map((e) => [e.kind, e.detail, e.a])).toEqual([['NotifyDropped', DropReason.Unclaimed, 0x80000000]]);
  });

  it('A2: RAM above 4 GiB takes a message with a non-zero upper address', () => {
    const desc = nicDescription({ used: 'all' });
    desc.ram = [{ base: '0x100000000', size: '0x1000' }];
    const g = new Guest(build(desc));
    g.setup();
    g.writeControl(ENABLE);
    sendVia(g, 0x10, 0xabcd, 1);
    expect([...g.machine.ram[0]!.readBytes(0x10, 4)]).toEqual([0xcd, 0xab, 0, 0]);
  });
});

describe('holes and absent functions (A3)', () => {
  it('A3: a BAR while memory decoding is off reads 0 and drops writes, both reported', () => {
    const g = Guest.nic();
    g.command(BUS_MASTER);
    g.markEvents();
    expect(g.readEntry(0, CTRL)).toBe(0);
    g.writeEntry(0, CTRL, 0);
    expect(g.events().map((e) => [e.kind, e.detail, e.a])).toEqual([
      ['AccessUnclaimed', 4, BAR1 + 12],
      ['AccessUnclaimed', 4 | ACCESS_WRITE, BAR1 + 12],
    ]);
    g.command(MEM);
    expect(g.readEntry(0, CTRL)).toBe(1);
  });

  it.each([
    [1, 0xff],
    [2, 0xffff],
    [4, 0xffffffff],
  ])('A3: a %i-byte config read of an absent function returns all ones', (size, ones) => {
    const g = Guest.nic();
    expect(g.machine.bus.configRead(0x20, 0, size)).toBe(ones);
    expect(g.machine.bus.configRead(0x19, 0, size)).toBe(ones); // 00:03.1
    g.machine.io.write(0xcf8, 4, 0x80002000);
    expect(g.machine.io.read(0xcfc, size)).toBe(ones);
  });

  it('A3: a config write to an absent function changes nothing', () => {
    const g = Guest.nic();
    g.machine.bus.configWrite(0x20, 4, 2, 0xffff);
    expect(g.machine.bus.configRead(0x20, 4, 2)).toBe(0xffff);
    expect(g.machine.functions()).toHaveLength(1);
  });
});

describe('device interrupt causes (D1)', () => {
  it('D1: with MSI-X enabled a cause notifies its vector, attributed to the device, and INTx stays low', () => {
    const g = enabled();
    g.program(1, apicAddress(0), 0x41);
    g.markEvents();
    g.machine.raise(g.fn, 1);
    expect(g.total(0, 0x41)).toBe(1);
    expect(g.fn.intxOutput).toBe(0);
    const from = g.machine.log.total - 1;
    expect(g.machine.log.origin[g.machine.log.indexOf(from)]).toBe(Origin.Device);
    g.writeEntry(1, CTRL, 1);
    g.machine.raise(g.fn, 1);
    expect(g.pba()).toBe(0b10);
  });

  it('D1: with MSI-X disabled a cause asserts INTx and nothing reaches the PBA, masked or not', () => {
    const g = Guest.nic({ used: 'all' });
    g.writeControl(MASKALL);
    g.markEvents();
    g.machine.raise(g.fn, 1);
    expect(g.fn.intxOutput).toBe(1);
    expect(g.cfgRead(0x06, 2) & 0x8).toBe(0x8);
    expect(g.pba()).toBe(0);
    expect(g.eventsOf('IntxChanged').map((e) => e.a)).toEqual([1]);
    // Enabling MSI-X lowers it (C3).
    g.writeControl(ENABLE);
    expect(g.fn.intxOutput).toBe(0);
  });

  it('D1: Command bit 10 keeps the INTx pin low; the cause is held (latched in Status), not dropped', () => {
    const g = Guest.nic({ used: 'all' });
    g.command(MEM | BUS_MASTER | INTX_DISABLE);
    g.markEvents();
    g.machine.raise(g.fn, 2);
    expect(g.fn.intxOutput).toBe(0);
    expect(g.cfgRead(0x06, 2) & 0x8).toBe(0x8); // the function's own level still shows in Status
    expect(g.eventsOf('NotifyDropped')).toEqual([]);
    const held = g.eventsOf('IntxChanged');
    expect(held.map((e) => [e.vector, e.detail, e.a])).toEqual([[2, INTX_HELD, 0]]);
    expect(held.map((e) => e.text)).toEqual(['INTx raised, held while INTx is disabled (Status bit 3 set; asserts when INTx Disable clears)']);
    g.command(MEM | BUS_MASTER);
    expect(g.fn.intxOutput).toBe(1);
    g.command(MEM | BUS_MASTER | INTX_DISABLE);
    expect(g.fn.intxOutput).toBe(0);
  });

  it('D1: a periodic source raises its cause at its rate on the virtual clock', () => {
    const g = enabled();
    g.program(0, apicAddress(1), 0x50);
    const src = g.machine.startSource(g.fn, 0, 1000);
    g.machine.step(10_000_000);
    expect(g.total(1, 0x50)).toBe(10);
    g.machine.step(499_999);
    expect(g.total(1, 0x50)).toBe(10);
    expect(g.machine.listSources()).toEqual([src]);
    expect(g.machine.stopSource(NIC, 0)).toBe(true);
    g.machine.step(10_000_000);
    expect(g.total(1, 0x50)).toBe(10);
    expect(g.machine.clock.now).toBe(20_499_999);
  });
});

describe('configuration space (B1-B2)', () => {
  it('B1: a type 0 header whose read-only bytes keep their value', () => {
    const g = Guest.nic();
    expect(g.cfgRead(0x0e, 1)).toBe(0);
    expect(g.cfgRead(0, 4)).toBe(0x10001af4);
    g.cfgWrite(0, 4, 0);
    g.cfgWrite(0x08, 4, 0xffffffff);
    g.cfgWrite(0x2c, 4, 0);
    g.cfgWrite(0x34, 1, 0x40);
    expect(g.cfgRead(0, 4)).toBe(0x10001af4);
    expect(g.cfgRead(0x08, 4)).toBe(0x02000001);
    expect(g.cfgRead(0x2e, 2)).toBe(0);
    expect(g.cfgRead(0x2c, 2)).toBe(0x1af4);
    expect(g.cfgRead(0x34, 1)).toBe(CAP);
    g.cfgWrite(0x3c, 1, 0x0b);
    g.cfgWrite(0x0c, 1, 0x10);
    expect(g.cfgRead(0x3c, 2)).toBe(0x010b);
    expect(g.cfgRead(0x0c, 1)).toBe(0x10);
  });

  it('B1: write-1-to-clear Status bits clear where 1 is written and stay where 0 is written', () => {
    const g = Guest.nic();
    g.fn.config.set(0x06, 2, g.cfgRead(0x06, 2) | 0xf900);
    g.cfgWrite(0x06, 2, 0x2100 | 0x0010);
    expect(g.cfgRead(0x06, 2)).toBe(0xd810);
    g.cfgWrite(0x04, 4, 0xffff0000 | MEM);
    expect(g.cfgRead(0x06, 2)).toBe(0x0010); // the capabilities bit is read-only
  });

  it.each([
    [2, 0x05],
    [2, 0x07],
    [4, 0x06],
    [4, 0x02],
    [3, 0x04],
    [8, 0x00],
    [4, 0xfe],
    [1, 0x100],
  ])('B1: a %i-byte config access at offset %i that is not naturally aligned inside config space is refused', (size, offset) => {
    const g = Guest.nic();
    const before = g.fn.config.bytes.slice();
    g.markEvents();
    expect(g.cfgRead(offset, size)).toBe(0);
    g.cfgWrite(offset, size, 0xffffffff);
    expect(g.fn.config.bytes).toEqual(before);
    expect(g.events().map((e) => [e.kind, e.detail, e.a])).toEqual([
      ['AccessRefused', (size & 0xf) | ACCESS_CONFIG, offset],
      ['AccessRefused', (size & 0xf) | ACCESS_CONFIG | ACCESS_WRITE, offset],
    ]);
  });

  it('B1: 1, 2 and 4-byte aligned accesses see the same little-endian bytes', () => {
    const g = Guest.nic();
    expect(g.cfgRead(0, 1)).toBe(0xf4);
    expect(g.cfgRead(1, 1)).toBe(0x1a);
    expect(g.cfgRead(2, 2)).toBe(0x1000);
    g.cfgWrite(0x3c, 1, 0x0a);
    expect(g.cfgRead(0x3c, 4)).toBe(0x0000010a);
  });

  it('B2: Command bits 0, 1, 2, 6, 8, 10 are writable, the rest read-only; Status bit 4 shows the capability list', () => {
    const g = Guest.nic();
    g.cfgWrite(0x04, 2, 0xffff);
    expect(g.cfgRead(0x04, 2)).toBe(0b101_0100_0111);
    expect(g.cfgRead(0x06, 2) & 0x10).toBe(0x10);
  });

  it('B2: bus master gates messages, memory space gates BAR decoding', () => {
    const g = enabled();
    g.program(0, apicAddress(0), 0x40);
    g.command(MEM);
    g.engine.notify(0);
    expect(g.total(0, 0x40)).toBe(0);
    g.command(MEM | BUS_MASTER);
    g.engine.notify(0);
    expect(g.total(0, 0x40)).toBe(1);
    g.command(BUS_MASTER);
    expect(g.readEntry(0, DATA)).toBe(0);
    g.engine.notify(0);
    expect(g.total(0, 0x40)).toBe(2);
  });
});

describe('BARs (B3)', () => {
  it.each([
    ['io BAR0 (32 bytes)', 0x10, 0xffffffe1],
    ['mem32 BAR1 (4 KiB)', 0x14, 0xfffff000],
    ['mem64 prefetchable BAR4 (16 KiB), low', 0x20, 0xffffc00c],
    ['mem64 prefetchable BAR4 (16 KiB), high', 0x24, 0xffffffff],
    ['absent BAR2', 0x18, 0],
    ['absent BAR3', 0x1c, 0],
  ])('B3: writing all ones to %s reads back the size mask with the type bits', (_name, offset, mask) => {
    const g = new Guest(build(nicDescription()));
    expect(g.cfgRead(offset, 4)).toBe(offset === 0x10 ? 1 : offset === 0x20 ? 0xc : 0);
    g.cfgWrite(offset, 4, 0xffffffff);
    expect(g.cfgRead(offset, 4)).toBe(mask);
  });

  it('B3: a 64-bit BAR takes two slots and maps at its 64-bit address while memory space is on', () => {
    const g = new Guest(build(nicDescription()));
    g.cfgWrite(0x20, 4, 0);
    g.cfgWrite(0x24, 4, 2);
    g.markEvents();
    g.command(MEM);
    const bar = g.fn.bars[4]!;
    expect(bar.mappedAt).toBe(BAR4);
    expect(g.machine.memory.find(BAR4 + 0x3fff)).toBe(bar.region);
    expect(g.machine.memory.find(BAR4 + 0x4000)).toBe(null);
    expect(g.eventsOf('BarMapped').map((e) => [e.detail, e.a, e.b, e.c])).toEqual([[1, 0, 2, 4]]);
    g.command(0);
    expect(bar.mappedAt).toBe(-1);
    expect(g.machine.memory.find(BAR4)).toBe(null);
  });

  it('B3: a BAR moves when its address changes; one sized to all ones is not mapped', () => {
    const g = Guest.nic();
    g.cfgWrite(0x14, 4, 0xd0000000);
    expect(g.readEntry(0, CTRL)).toBe(0);
    expect(g.read(0xd000000c, 4)).toBe(1);
    g.cfgWrite(0x14, 4, 0xffffffff);
    expect(g.fn.bars[1]!.mappedAt).toBe(-1);
    expect(g.read(0xfffff00c, 4)).toBe(0);
  });

  it('B3: an I/O BAR decodes in port space while the Command I/O bit is set', () => {
    const g = Guest.nic();
    g.cfgWrite(0x10, 4, 0xc000);
    expect(g.fn.bars[0]!.mappedAt).toBe(-1);
    g.command(MEM | BUS_MASTER | 1);
    expect(g.fn.bars[0]!.mappedAt).toBe(0xc000);
    expect(g.machine.io.find(0xc01f)).toBe(g.fn.bars[0]!.region);
  });

  it('B3: overlapping BARs are reported', () => {
    const desc = nicDescription();
    desc.devices!.push({ ...desc.devices![0]!, bdf: '00:04.0', name: 'nic1', msix: undefined });
    const m = build(desc);
    const a = new Guest(m);
    a.setup();
    const b = new Guest(m, 0x20);
    const from = m.log.total;
    b.setup(MEM);
    const overlaps = eventsSince(m.log, from).filter((e) => e.kind === 'BarOverlap');
    expect(overlaps.map((e) => [e.bdf, e.a, e.c])).toEqual([[0x20, BAR1, 1]]);
  });
});

describe('0xCF8/0xCFC configuration access', () => {
  const address = (dev: number, fn: number, reg: number): number => (0x80000000 | (dev << 11) | (fn << 8) | reg) >>> 0;

  it('selects bus 0 device/function/register and reads 1, 2 and 4 bytes through 0xCFC-0xCFF', () => {
    const g = Guest.nic();
    const io = g.machine.io;
    io.write(0xcf8, 4, address(3, 0, 0));
    expect(io.read(0xcf8, 4)).toBe(address(3, 0, 0));
    expect(io.read(0xcfc, 4)).toBe(0x10001af4);
    expect(io.read(0xcfc, 2)).toBe(0x1af4);
    expect(io.read(0xcfe, 2)).toBe(0x1000);
    expect(io.read(0xcfd, 1)).toBe(0x1a);
    io.write(0xcf8, 4, address(3, 0, CAP));
    expect(io.read(0xcfc, 1)).toBe(0x11);
    expect(io.read(0xcfe, 2)).toBe(2);
  });

  it('writes through 0xCFC reach the function, with the MSI-X effects of a direct write', () => {
    const g = Guest.nic({ used: 'all' });
    const io = g.machine.io;
    io.write(0xcf8, 4, address(3, 0, CAP));
    io.write(0xcff, 1, ENABLE >> 8);
    expect(g.engine.enabled).toBe(true);
    expect(g.engine.functionMasked).toBe(false);
    io.write(0xcf8, 4, address(3, 0, 0x04));
    io.write(0xcfc, 2, 0);
    expect(g.fn.command).toBe(0);
  });

  it('with bit 31 clear, another bus or an absent function, 0xCFC reads all ones and writes go nowhere', () => {
    const g = Guest.nic();
    const io = g.machine.io;
    for (const a of [address(3, 0, 0) & 0x7fffffff, address(3, 0, 0) | (1 << 16), address(3, 1, 0)]) {
      io.write(0xcf8, 4, a);
      expect(io.read(0xcfc, 4)).toBe(0xffffffff);
      io.write(0xcfc, 2, 0);
    }
    expect(g.fn.command).toBe(MEM | BUS_MASTER);
  });

  it("0xCF8 as QEMU's pci_host_config_read/write: only a 4-byte write changes the latch; a narrower read answers its low part at any offset", () => {
    const g = Guest.nic();
    const io = g.machine.io;
    io.write(0xcf8, 4, address(3, 0, 0x84));
    const from = g.machine.log.total;
    io.write(0xcf8, 1, 0);
    io.write(0xcfa, 2, 0x12);
    expect(io.read(0xcf8, 4)).toBe(address(3, 0, 0x84));
    expect(io.read(0xcf8, 2)).toBe(address(3, 0, 0x84) & 0xffff);
    expect(io.read(0xcfa, 2)).toBe(address(3, 0, 0x84) & 0xffff);
    expect(io.read(0xcfb, 1)).toBe(0x84);
    expect(eventsSince(g.machine.log, from)).toEqual([]);
  });

  it('the register is CONFIG_ADDRESS | (port & 3): the latch low bits select the byte, a 4-byte read at an odd offset stops at 0x100', () => {
    const g = Guest.nic();
    const io = g.machine.io;
    io.write(0xcf8, 4, address(3, 0, 0) | 1);
    expect(io.read(0xcfc, 4)).toBe((g.fn.configRead(0, 4) >>> 8) | (g.fn.configRead(4, 1) << 24));
    io.write(0xcf8, 4, address(3, 0, 0xfc) | 1);
    expect(io.read(0xcfc, 4)).toBe(g.fn.configRead(0xfc, 4) >>> 8);
    // Writing Message Control through an odd latch: 0x84 | 2 is cap+2.
    io.write(0xcf8, 4, address(3, 0, 0x84) | 2);
    io.write(0xcfc, 2, 0x8000);
    expect(g.fn.msixEnabled).toBe(true);
  });

  it('an I/O port nobody decodes reads all ones at every size', () => {
    const io = Guest.nic().machine.io;
    expect([io.read(0x1234, 4), io.read(0x1234, 2), io.read(0x1235, 1)]).toEqual([0xffffffff, 0xffff, 0xff]);
  });
});

describe('system reset', () => {
  it('clears Command and BARs, unmaps them, resets MSI-X and keeps use counts', () => {
    const g = Guest.nic({ used: 'all' });
    g.program(0, apicAddress(0), 0x40);
    g.writeControl(ENABLE);
    g.cfgWrite(0x3c, 1, 0x0b);
    g.fn.config.set(0x06, 2, g.cfgRead(0x06, 2) | 0x8000);
    g.markEvents();
    g.machine.systemReset();
    expect(g.events()[0]).toMatchObject({ kind: 'Reset', detail: 1 });
    expect(g.fn.command).toBe(0);
    expect(g.cfgRead(0x06, 2)).toBe(0x0010);
    expect(g.cfgRead(0x3c, 1)).toBe(0);
    expect(g.cfgRead(0x10, 4)).toBe(1);
    expect(g.cfgRead(0x14, 4)).toBe(0);
    expect(g.cfgRead(0x20, 4)).toBe(0xc);
    expect(g.fn.bars[1]!.mappedAt).toBe(-1);
    expect(g.control()).toBe(2);
    expect(g.eventsOf('BarMapped').map((e) => [e.detail, e.c])).toEqual([[0, 1]]);
    g.setup();
    expect([0, 4, 8, 12].map((f) => g.readEntry(0, f))).toEqual([0, 0, 0, 1]);
    expect(Array.from(g.engine.useCount)).toEqual([1, 1, 1]);
  });
});
