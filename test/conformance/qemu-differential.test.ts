// Differential conformance against the reference itself: the same qtest commands go
// to real QEMU (its e1000e's MSI-X, hw/pci/msix.c) and to irqscope's e1000e preset,
// and every reply must be identical. Notifies are compared through what a guest can
// see: the PBA, and RAM where the message is aimed (A2). Random sequences cover table writes and reads
// (4 and 8 bytes, aligned), refused byte/word accesses, PBA reads and writes,
// Message Control writes through 0xCF8/0xCFC (Enable, Function Mask, the read-only
// table size), the capability's read-only dwords, and memory decoding on and off.
// CI installs QEMU (.ci/run) and sets IRQSCOPE_REQUIRE_QEMU, so there it always runs.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession, type QtestSessionOptions } from '../../src-main/qtest/qtest-session';
import { QemuPeer, QEMU, hasQemu } from './qemu-qtest-peer';

const BAR0 = 0xfe000000;
const BAR3 = 0xfebf0000;
const PBA = BAR3 + 0x2000;
const CONFIG = (offset: number): string => `outl 0xcf8 0x${((0x80001000 | offset) >>> 0).toString(16)}`;
const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** BAR3 at 0xfebf0000, memory space and bus master on: what a driver does first. */
const SETUP = [CONFIG(0x1c), `outl 0xcfc ${hex(BAR3)}`, CONFIG(0x04), 'outw 0xcfc 0x6'];

/**
 * A device-side notify of vector 2. QEMU's e1000e raises it from its own registers
 * (IVAR routes the "other" cause to vector 2, IMS enables it, ICS sets it), and it
 * does so once per process; irqscope's engine is asked directly.
 */
const FIRE = '# fire vector 2';
const QEMU_FIRE = [`writel ${hex(BAR0 + 0xe4)} ${hex((1 << 19) | (2 << 16))}`, `writel ${hex(BAR0 + 0xd0)} ${hex(1 << 24)}`, `writel ${hex(BAR0 + 0xc8)} ${hex(1 << 24)}`];
const IRQSCOPE_FIRE = 'msix_notify 00:02.0 2';
/** BAR0 (the e1000e's registers) and BAR3 mapped, MSI-X enabled, vector 2 aimed at RAM 0x1000 (A2) with data 0xabcd. */
const NOTIFY_SETUP = [
  CONFIG(0x10),
  `outl 0xcfc ${hex(BAR0)}`,
  ...SETUP,
  CONFIG(0xa0),
  'outw 0xcfe 0x8000',
  `writel ${hex(BAR3 + 0x20)} 0x1000`,
  `writel ${hex(BAR3 + 0x28)} 0xabcd`,
];
const VECTOR2_CTRL = hex(BAR3 + 0x2c);
const OBSERVE = ['readl 0x1000', `readl ${hex(PBA)}`];
const CONTROL = (v: number): string[] => [CONFIG(0xa0), `outw 0xcfe ${hex(v)}`];

function irqscope(options?: QtestSessionOptions): QtestSession {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines/e1000e.json'), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return new QtestSession(built.machine, options);
}

const entry = fc.integer({ min: 0, max: 4 });
const field = fc.constantFrom(0, 4, 8, 12);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Vector Control values that matter: mask bit on or off, sometimes with reserved bits set (T2). */
const vectorControl = fc.oneof(fc.constantFrom(0, 1), u32);

const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(entry, field, fc.oneof(u32, vectorControl)).map(([e, f, v]) => [`writel ${hex(BAR3 + e * 16 + f)} ${hex(v)}`]),
  fc.tuple(entry, field).map(([e, f]) => [`readl ${hex(BAR3 + e * 16 + f)}`]),
  fc.tuple(entry, fc.constantFrom(0, 8), u32, u32).map(([e, f, hi, lo]) => [`writeq ${hex(BAR3 + e * 16 + f)} ${hex((BigInt(hi) << 32n) | BigInt(lo))}`]),
  fc.tuple(entry, fc.constantFrom(0, 8)).map(([e, f]) => [`readq ${hex(BAR3 + e * 16 + f)}`]),
  fc.tuple(entry, field, fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 0xff })).map(([e, f, b, v]) => [`writeb ${hex(BAR3 + e * 16 + f + b)} ${hex(v)}`]),
  fc.tuple(entry, field, fc.constantFrom(0, 2)).map(([e, f, w]) => [`readw ${hex(BAR3 + e * 16 + f + w)}`]),
  fc.constantFrom(0, 4).map((o) => [`readl ${hex(PBA + o)}`]),
  u32.map((v) => [`writel ${hex(PBA)} ${hex(v)}`]),
  // Message Control (cap+2): Enable and Function Mask are the only writable bits (R1).
  fc.integer({ min: 0, max: 0xffff }).map((v) => [CONFIG(0xa0), `outw 0xcfe ${hex(v)}`]),
  fc.constantFrom(0xa0, 0xa4, 0xa8).map((o) => [CONFIG(o), 'inl 0xcfc']),
  // Memory space off and on again: the table decodes only while it is set (B2, A3).
  fc.constantFrom(0x4, 0x6).map((v) => [CONFIG(0x04), `outw 0xcfc ${hex(v)}`]),
);

describe.skipIf(!hasQemu && process.env.IRQSCOPE_REQUIRE_QEMU === undefined)(`irqscope answers qtest exactly as QEMU (${QEMU})`, () => {
  let qemu: QemuPeer;
  beforeAll(async () => {
    qemu = await QemuPeer.start();
  });
  afterAll(async () => {
    await qemu?.close();
  });

  /** Runs `lines` on a fresh irqscope machine and on the running QEMU; answers both reply lists. */
  async function both(lines: string[]): Promise<{ ours: (string | null)[]; theirs: string[] }> {
    const session = irqscope();
    const theirs: string[] = [];
    for (const line of lines) theirs.push(await qemu.command(line));
    return { ours: lines.map((l) => session.execute(l)), theirs };
  }

  it('I5/R1/R2: the capability, table and PBA right after creation', async () => {
    const lines = [...SETUP, CONFIG(0xa0), 'inl 0xcfc', CONFIG(0xa4), 'inl 0xcfc', CONFIG(0xa8), 'inl 0xcfc'];
    for (let e = 0; e < 5; e++) for (const f of [0, 4, 8, 12]) lines.push(`readl ${hex(BAR3 + e * 16 + f)}`);
    lines.push(`readl ${hex(PBA)}`);
    const { ours, theirs } = await both(lines);
    expect(ours).toEqual(theirs);
  });

  const scenarios: [string, string[]][] = [
    ['N2/U3: a masked vector pends; unmasking it delivers and clears the pending bit', [`writel ${VECTOR2_CTRL} 0x1`, FIRE, ...OBSERVE, `writel ${VECTOR2_CTRL} 0x0`, ...OBSERVE]],
    ['M1/C4: with Function Mask set it pends; clearing Function Mask delivers', [`writel ${VECTOR2_CTRL} 0x0`, ...CONTROL(0xc000), FIRE, ...OBSERVE, ...CONTROL(0x8000), ...OBSERVE]],
    ['N3/A2: an unmasked vector is written to RAM at once', [`writel ${VECTOR2_CTRL} 0x0`, FIRE, ...OBSERVE]],
    ['N3: with Bus Master Enable clear the message goes nowhere', [`writel ${VECTOR2_CTRL} 0x0`, CONFIG(0x04), 'outw 0xcfc 0x2', FIRE, ...OBSERVE]],
    [
      'C2: disabling MSI-X keeps the pending bit and sends nothing; enabling it again delivers',
      [`writel ${VECTOR2_CTRL} 0x1`, FIRE, `readl ${hex(PBA)}`, ...CONTROL(0), `readl ${hex(PBA)}`, `writel ${VECTOR2_CTRL} 0x0`, ...OBSERVE, ...CONTROL(0x8000), ...OBSERVE],
    ],
  ];
  for (const [name, steps] of scenarios) {
    it(name, async () => {
      const peer = await QemuPeer.start();
      try {
        const session = irqscope();
        for (const line of [...NOTIFY_SETUP, ...steps]) {
          if (line === FIRE) {
            for (const l of QEMU_FIRE) expect(await peer.command(l)).toBe('OK');
            expect(session.execute(IRQSCOPE_FIRE)).toBe('OK');
            continue;
          }
          const theirs = await peer.command(line);
          expect({ line, reply: session.execute(line) }).toEqual({ line, reply: theirs });
        }
      } finally {
        await peer.close();
      }
    });
  }

  // qtest as QEMU parses it (QEMU's system/qtest.c): each group runs on a fresh QEMU and a
  // fresh irqscope, line by line, IRQ lines included; every reply must be identical.
  const BAR0_SETUP = [CONFIG(0x10), `outl 0xcfc ${hex(BAR0)}`];
  const protocolCases: [string, string[][]][] = [
    [
      'bulk commands on the MSI-X table go through the address space in the pieces it takes',
      [
        SETUP,
        ['read 0xfebf0000 16', 'write 0xfebf0000 8 0x0010e0fe00000000', 'read 0xfebf0000 16', 'memset 0xfebf0010 4 0x1ab', 'readl 0xfebf0010'],
        ['writel 0xfebf0008 0x41', 'read 0xfebf0001 12', 'b64read 0xfebf0000 16', 'b64write 0xfebf0000 8 ABCDEFGHIJKL', 'read 0xfebf0000 8', 'read 0xfebf2000 8'],
        ['memset 0xfebf0000 80 0', 'read 0xfebf0000 80', 'write 0xfebf0030 16 0x00000000000000000000000000000000', 'b64read 0xfebf0030 16'],
      ],
    ],
    [
      'numbers: truncation to the width, negative numbers, +N, extra and trailing words',
      [
        ['writel 0x1000 0x1ffffffff', 'readl 0x1000', 'writel 0x1000 -1', 'readq 0x1000', 'readl +4096', 'readl 0x1000 extra args', 'readl 0x1000 '],
        ['writeb 0x1000 0x1ff', 'readb 0x1000', 'writew 0x1000 -2', 'readw 0x1000', 'memset 0x1000 4 -1', 'readl 0x1000', 'memset 0x1000 4 0x100000000', 'readl 0x1000'],
        ['memset 0x40 0 1', 'b64read 0x1000 0', 'readq -1', 'writeq 0x2000 -0x1', 'readq 0x2000', 'outb 0x80 0x1ff', 'readl 010000'],
      ],
    ],
    [
      'write and b64write data: what QEMU takes, and ERR invalid argument size',
      [
        ['writel 0x1000 -1', 'write 0x1000 2 0x11223344', 'readl 0x1000', 'write 0x1000 4 11223344', 'readl 0x1000', 'write 0x1000 8 0x0102', 'read 0x1000 8'],
        ['write 0x1000 4 0x', 'write 0x1000 4 ', 'b64write 0x1000 1 qg', 'b64write 0x10 4 A', 'b64write 0x1000 2 ABCDEFGH', 'read 0x1000 4', 'b64write 0x1000 8 AAAAAAAAAAA=', 'read 0x1000 8'],
      ],
    ],
    [
      'irq_intercept_in, set_irq_in and module_load as QEMU answers them',
      [
        ['set_irq_in ioapic unnamed-gpio-in 3 1', 'irq_intercept_in /machine/ioapic', 'irq_intercept_in ioapic', 'irq_intercept_out ioapic'],
        ['set_irq_in ioapic unnamed-gpio-in 3 1', 'set_irq_in ioapic unnamed-gpio-in 3 2', 'set_irq_in ioapic unnamed-gpio-in 3 0', 'set_irq_in ioapic unnamed-gpio-in 3 0', 'set_irq_in ioapic unnamed-gpio-in 23 -1'],
        ['set_irq_in /machine/nosuch x 0 1', 'irq_intercept_in /machine/nosuch', 'module_load block curl', 'endianness'],
      ],
    ],
  ];
  for (const [name, groups] of protocolCases) {
    it(name, async () => {
      const peer = await QemuPeer.start();
      try {
        const session = irqscope({ replyToEveryLine: true });
        for (const line of groups.flat()) {
          const theirs = await peer.exchange(line);
          expect({ line, reply: session.execute(line) }).toEqual({ line, reply: theirs });
        }
      } finally {
        await peer.close();
      }
    });
  }

  it('D1: a function\'s INTx reaches GSI 22 of the intercepted I/O APIC; INTx Disable lowers and raises it', async () => {
    const peer = await QemuPeer.start();
    try {
      const session = irqscope({ replyToEveryLine: true });
      for (const line of [...BAR0_SETUP, ...SETUP, 'irq_intercept_in ioapic']) expect(session.execute(line)).toBe(await peer.exchange(line));
      // QEMU's e1000e raises INTx from its registers (IMS, then ICS); irqscope's device model by device_irq.
      expect(await peer.exchange(`writel ${hex(BAR0 + 0xd0)} ${hex(1 << 24)}`)).toBe('OK');
      expect(await peer.exchange(`writel ${hex(BAR0 + 0xc8)} ${hex(1 << 24)}`)).toBe('IRQ raise 22\nOK');
      expect(session.execute('device_irq 00:02.0 0')).toBe('IRQ raise 22\nOK');
      for (const line of [CONFIG(0x04), 'outw 0xcfc 0x406', 'outw 0xcfc 0x6', 'inw 0xcfe']) {
        const theirs = await peer.exchange(line);
        expect({ line, reply: session.execute(line) }).toEqual({ line, reply: theirs });
      }
    } finally {
      await peer.close();
    }
  });

  it('T1-T3/P1/C1/B2: random sequences of table, PBA, Message Control and Command accesses', async () => {
    // One QEMU process carries all runs; a fresh e1000e state is not needed because each
    // run starts from whatever the previous one left, replayed on a fresh irqscope machine.
    const history: string[] = [...SETUP];
    const prefix = await both(SETUP);
    expect(prefix.ours).toEqual(prefix.theirs);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 120 }), async (steps) => {
        const lines = steps.flat();
        const session = irqscope();
        for (const line of history) session.execute(line);
        for (const line of lines) {
          const theirs = await qemu.command(line);
          history.push(line);
          expect({ line, reply: session.execute(line) }).toEqual({ line, reply: theirs });
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);
});
