// The shadow model fed QEMU-format trace lines: a guest's bring-up becomes the ordinary
// events, and each way QEMU can disagree with the model is a Divergence naming both sides.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { ShadowModel, isApicMessage } from '../../src-main/qemu/shadow-model';
import { parseTraceLine } from '../../src-main/qemu/trace-line';
import { DivergenceKind } from '../../src-shared/timeline/event-kinds';
import { EVENT_KIND_NAMES, EventKind } from '../../src-shared/timeline/event-schema';
import { eventRecord } from '../../src-shared/timeline/event-record';

const TABLE = 0xfebd0000;
const hex = (n: number): string => `0x${n.toString(16)}`;
const cfg = (offset: number, size: number, value: number, cpu = 0): string[] => [
  `memory_region_ops_write cpu ${cpu} mr 0x1 addr ${hex(0xcfc + (offset & 3))} value ${hex(value)} size ${size} name 'pci-conf-data'`,
  `pci_cfg_write e1000e 00:02.0 @${hex(offset)} <- ${hex(value)}`,
];
const mmio = (dir: 'read' | 'write', addr: number, value: number, region = 'msix-table', cpu = 0): string =>
  `memory_region_ops_${dir} cpu ${cpu} mr 0x2 addr ${hex(addr)} value ${hex(value)} size 4 name '${region}'`;
const message = (addr: number, data: number): string => mmio('write', addr, data, 'apic-msi', -1);
const deliver = (idt: number): string => `apic_deliver_irq dest 1 dest_mode 1 delivery_mode 0 vector ${idt} trigger_mode 0`;

/** BAR3 at TABLE, memory space on, MSI-X enabled and unmasked, vector 0 -> 0xfee01004 / 0x26, unmasked. */
const BRING_UP = [
  ...cfg(0x1c, 4, TABLE),
  ...cfg(0x04, 2, 0x6),
  ...cfg(0xa2, 2, 0xc004),
  mmio('write', TABLE, 0xfee01004),
  mmio('write', TABLE + 4, 0),
  mmio('write', TABLE + 8, 0x26),
  ...cfg(0xa2, 2, 0x8004),
  mmio('write', TABLE + 12, 0),
];

/** Trace lines, or a call on the model between them (an own read announced). */
type Step = string | ((shadow: ShadowModel) => void);

function run(lines: Step[]): { shadow: ShadowModel; events: ReturnType<typeof eventRecord>[] } {
  const built = loadMachineText(readFileSync(join(__dirname, '..', '..', 'machines', 'e1000e.json'), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const shadow = new ShadowModel(built.machine);
  for (const line of lines) {
    if (typeof line === 'function') {
      line(shadow);
      continue;
    }
    const rec = parseTraceLine(line);
    if (rec === null) throw new Error(`not a record: ${line}`);
    shadow.apply(rec);
  }
  const log = built.machine.log;
  const cols = log.slice(log.firstSeq, log.total);
  return { shadow, events: Array.from(cols.kind, (_, i) => eventRecord(cols, i)) };
}

const kinds = (events: { kind: string }[]): string[] => events.map((e) => e.kind);
const divergences = (events: ReturnType<typeof eventRecord>[]) => events.filter((e) => e.kind === 'Divergence');

describe('ShadowModel', () => {
  it("turns the guest's bring-up and QEMU's delivery into the ordinary events, with no divergence", () => {
    const { shadow, events } = run([...BRING_UP, message(0xfee01004, 0x26), deliver(0x26)]);
    expect(kinds(events)).toEqual(expect.arrayContaining(['ConfigWrite', 'BarMapped', 'FunctionMaskChanged', 'TableWrite', 'VectorUnmasked', 'NotifyDelivered']));
    const delivered = events.filter((e) => e.kind === 'NotifyDelivered');
    expect(delivered).toMatchObject([{ bdf: '00:02.0', vector: 0, origin: 'device', a: 1, text: 'vector 0 delivered to CPU 0 (logical destination 0x1), IDT vector 0x26 (fixed)' }]);
    expect(events.find((e) => e.kind === 'ConfigWrite' && e.a === 0xa2)).toMatchObject({ detail: 2, b: 0xc004, origin: 'guest' });
    expect(divergences(events)).toEqual([]);
    expect(shadow.counts).toMatchObject({ deliveries: 1, otherMessages: 0, divergences: 0 });
  });

  it('a delivery QEMU made of a vector the model has masked: the model would pend', () => {
    const { events } = run([...BRING_UP, mmio('write', TABLE + 12, 1), message(0xfee01004, 0x26)]);
    expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.ModelWouldPend, vector: 0, b: 0x26, c: 0xfee01004, text: expect.stringContaining('QEMU delivered, the model would pend') }]);
  });

  it('a delivery QEMU made with Bus Master off: the model would drop', () => {
    const { events } = run([...BRING_UP, ...cfg(0x04, 2, 0x2), message(0xfee01004, 0x26)]);
    expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.ModelWouldDrop, vector: 0 }]);
  });

  it('a guest read QEMU answered with another value than the model', () => {
    const { events } = run([...BRING_UP, mmio('read', TABLE + 8, 0x26), mmio('read', TABLE + 8, 0x27)]);
    expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.ReadBack, vector: 0, a: 0x26, b: 0x27, c: TABLE + 8 }]);
  });

  it('a table access where the model maps no MSI-X structure', () => {
    const { events } = run([mmio('write', 0xfe000000, 1)]);
    expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.Unmapped, b: 1, c: 0xfe000000 }]);
  });

  it('QEMU delivering to another IDT vector than the entry says', () => {
    const { events } = run([...BRING_UP, message(0xfee01004, 0x26), deliver(0x30)]);
    expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.IdtVector, a: 0x26, b: 0x30 }]);
  });

  it('a pending bit QEMU shows in the PBA is learnt as a notify the model pends too; on an unmasked vector it is a divergence', () => {
    const masked = run([...BRING_UP, mmio('write', TABLE + 12, 1), mmio('read', TABLE + 0x2000, 1, 'msix-pba')]);
    expect(kinds(masked.events)).toContain('NotifyPended');
    expect(divergences(masked.events)).toEqual([]);
    const unmasked = run([...BRING_UP, mmio('read', TABLE + 0x2000, 1, 'msix-pba')]);
    expect(divergences(unmasked.events).map((e) => e.detail)).toEqual([DivergenceKind.ModelWouldDeliver, DivergenceKind.ReadBack]);
  });

  it("keeps APIC traffic that is no device's MSI-X apart: I/O APIC messages, register accesses", () => {
    const { shadow, events } = run([...BRING_UP, message(0xfee01004, 0x30), deliver(0x30), mmio('write', 0xfee000b0, 0, 'apic-msi', 0)]);
    expect(kinds(events)).not.toContain('NotifyDelivered');
    expect(shadow.counts).toMatchObject({ deliveries: 0, otherMessages: 1, divergences: 0 });
    expect([isApicMessage(0xfee01004), isApicMessage(0xfee00000), isApicMessage(0xfee000b0), isApicMessage(0xfebd0000)]).toEqual([true, true, false, false]);
  });

  it("marks qtest accesses (cpu -1) as the user's own", () => {
    const { events } = run([...BRING_UP, mmio('read', TABLE + 8, 0x26, 'msix-table', -1), ...cfg(0x3c, 1, 0x5a, -1)]);
    expect(events.find((e) => e.kind === 'TableRead')).toMatchObject({ origin: 'user' });
    expect(events.filter((e) => e.kind === 'ConfigWrite').at(-1)).toMatchObject({ origin: 'user', a: 0x3c, detail: 1 });
  });

  describe("irqscope's own live reads of the table and PBA", () => {
    const qtestRead = (addr: number, value: number, region = 'msix-table'): string => mmio('read', addr, value, region, -1);
    const entry0 = [qtestRead(TABLE, 0xfee01004), qtestRead(TABLE + 4, 0), qtestRead(TABLE + 8, 0x26), qtestRead(TABLE + 12, 0)];

    it('are checked against the model but logged as no access; a user read after them is the user’s', () => {
      const { shadow, events } = run([...BRING_UP, (m) => m.expectOwnRead(TABLE, 4), ...entry0, qtestRead(TABLE + 8, 0x26)]);
      expect(events.filter((e) => e.kind === 'TableRead')).toMatchObject([{ origin: 'user', a: 8 }]);
      expect(divergences(events)).toEqual([]);
      expect(shadow.counts.ownReads).toBe(4);
    });

    it('that read back another value than the model holds are a ReadBack divergence', () => {
      const { events } = run([...BRING_UP, (m) => m.expectOwnRead(TABLE + 8, 1), qtestRead(TABLE + 8, 0x27)]);
      expect(kinds(events)).not.toContain('TableRead');
      expect(divergences(events)).toMatchObject([{ detail: DivergenceKind.ReadBack, vector: 0, a: 0x26, b: 0x27, c: TABLE + 8 }]);
    });

    it('of the PBA teach the model the pending bits QEMU shows, as a user read would', () => {
      const { events } = run([...BRING_UP, mmio('write', TABLE + 12, 1), (m) => m.expectOwnRead(TABLE + 0x2000, 1), qtestRead(TABLE + 0x2000, 1, 'msix-pba')]);
      expect(kinds(events)).toContain('NotifyPended');
      expect(kinds(events)).not.toContain('PbaRead');
      expect(divergences(events)).toEqual([]);
    });

    it('that QEMU refused or never traced do not swallow the user’s reads', () => {
      const refused = run([...BRING_UP, (m) => m.expectOwnRead(TABLE, 4), (m) => m.forgetOwnRead(4), qtestRead(TABLE, 0xfee01004)]);
      expect(refused.events.filter((e) => e.kind === 'TableRead')).toHaveLength(1);
      const untraced = run([...BRING_UP, (m) => m.expectOwnRead(TABLE + 0x10, 4), qtestRead(TABLE, 0xfee01004), qtestRead(TABLE + 0x10, 0)]);
      expect(untraced.events.filter((e) => e.kind === 'TableRead')).toHaveLength(2);
      expect(untraced.shadow.counts.ownReads).toBe(0);
    });

    it('are told apart from the guest’s reads of the same registers', () => {
      const { shadow, events } = run([...BRING_UP, (m) => m.expectOwnRead(TABLE, 1), mmio('read', TABLE, 0xfee01004), qtestRead(TABLE, 0xfee01004)]);
      expect(events.filter((e) => e.kind === 'TableRead')).toMatchObject([{ origin: 'guest' }]);
      expect(shadow.counts.ownReads).toBe(1);
    });
  });

  it('Divergence is an event kind with a name and a description', () => {
    expect(EVENT_KIND_NAMES[EventKind.Divergence]).toBe('Divergence');
  });
});
