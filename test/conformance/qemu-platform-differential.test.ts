// The platform against real QEMU q35: the host bridge at 00:00.0, the 0xCF8 latch
// and its low bits, all ones where nothing answers (ports, absent functions, other
// buses), ECAM once PCIEXBAR enables it, and plain MSI on QEMU's edu device
// (hw/misc/edu.c: one 64-bit vector, no masking) — every reply identical.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { QemuPeer, QEMU, hasQemu } from './qemu-qtest-peer';

const cf8 = (dev: number, reg: number, bus = 0): string => `outl 0xcf8 0x${((0x80000000 | (bus << 16) | (dev << 11) | reg) >>> 0).toString(16)}`;

function irqscope(preset: string): QtestSession {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines', `${preset}.json`), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return new QtestSession(built.machine);
}

/** Lines whose QEMU reply stands for a device-side action irqscope is asked for directly. */
type Step = string | { qemu: string[]; irqscope: string };

describe.skipIf(!hasQemu && process.env.IRQSCOPE_REQUIRE_QEMU === undefined)(`the q35 platform answers as QEMU (${QEMU})`, () => {
  let peer: QemuPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  async function compare(preset: string, devices: string[], steps: Step[]): Promise<void> {
    peer = await QemuPeer.start(devices);
    const session = irqscope(preset);
    for (const step of steps) {
      if (typeof step !== 'string') {
        for (const l of step.qemu) expect(await peer.command(l)).toBe('OK');
        expect(session.execute(step.irqscope)).toBe('OK');
        continue;
      }
      const theirs = await peer.command(step);
      expect({ line: step, reply: session.execute(step) }).toEqual({ line: step, reply: theirs });
    }
  }

  const E1000E = ['-device', 'e1000e,addr=02.0'];

  it("00:00.0 is q35's host bridge: all 256 bytes read as QEMU's MCH after reset", async () => {
    const steps: string[] = [];
    for (let reg = 0; reg < 0x100; reg += 4) steps.push(cf8(0, reg), 'inl 0xcfc');
    await compare('e1000e', E1000E, steps);
  });

  it('unclaimed ports, absent functions and buses nobody leads to read all ones', async () => {
    await compare('e1000e', E1000E, ['inl 0x1234', 'inw 0x1234', 'inb 0x80', 'inl 0x80', cf8(4, 0), 'inl 0xcfc', 'inw 0xcfe', 'inb 0xcfd', cf8(0, 0, 5), 'inl 0xcfc', 'outl 0xcf8 0x1000', 'inl 0xcfc']);
  });

  it('0xCF8: a narrower read answers the low part of the latch at any offset; only a 4-byte write changes it', async () => {
    await compare('e1000e', E1000E, [cf8(2, 0x04), 'inl 0xcf8', 'inw 0xcf8', 'inw 0xcfa', 'inb 0xcfb', 'outb 0xcf8 0x12', 'outw 0xcfa 0x12', 'inl 0xcf8']);
  });

  it('0xCF8 low bits: the register is CONFIG_ADDRESS | (port & 3); outl 0xcf8 0x800010a2; outw 0xcfc 0x8000 enables MSI-X', async () => {
    await compare('e1000e', E1000E, [
      'outl 0xcf8 0x80001001',
      'inl 0xcfc',
      'outl 0xcf8 0x800000fd',
      'inl 0xcfc',
      'outl 0xcf8 0x800010a2',
      'outw 0xcfc 0x8000',
      'outl 0xcf8 0x800010a0',
      'inl 0xcfc',
      'inw 0xcfe',
    ]);
  });

  it('ECAM: off after reset; PCIEXBAR at 0xB0000000 maps it; aligned, narrow and unaligned reads; absent functions read all ones', async () => {
    await compare('e1000e', E1000E, [
      'readl 0xb0000000',
      cf8(0, 0x60),
      'inl 0xcfc',
      'outl 0xcfc 0xb0000001',
      'inl 0xcfc',
      'readl 0xb0000000',
      'readl 0xb0000008',
      'readw 0xb0000002',
      'readb 0xb0000003',
      'readl 0xb0000001',
      'readq 0xb0000000',
      'readl 0xb0010000',
      'readl 0xb0000100',
      'readl 0xb0018000',
      'readl 0xb0100000',
      'writew 0xb0010004 0x6',
      cf8(2, 0x04),
      'inw 0xcfc',
      'outl 0xcfc 0x0',
      'readl 0xb0010004',
    ]);
  });

  const EDU = ['-device', 'edu,addr=04.0'];
  const MSI = 0x40;
  const eduSetup = [cf8(4, 0x10), 'outl 0xcfc 0xfea00000', cf8(4, 0x04), 'outw 0xcfc 0x6', cf8(4, MSI + 4), 'outl 0xcfc 0x1000', cf8(4, MSI + 8), 'outl 0xcfc 0x0', cf8(4, MSI + 0xc), 'outw 0xcfc 0x4321'];
  const raise: Step = { qemu: ['writel 0xfea00060 0x1'], irqscope: 'msi_notify 00:04.0 0' };
  const readMsi = [cf8(4, MSI), 'inl 0xcfc', cf8(4, MSI + 4), 'inl 0xcfc', cf8(4, MSI + 8), 'inl 0xcfc', cf8(4, MSI + 0xc), 'inw 0xcfc'];

  it("MI1/MI2: edu's header and MSI capability, and what its registers let software write", async () => {
    const header: string[] = [];
    for (const reg of [0x00, 0x08, 0x0c, 0x2c, 0x34, 0x3c]) header.push(cf8(4, reg), 'inl 0xcfc');
    const writes = [cf8(4, MSI), 'outl 0xcfc 0xfffe', cf8(4, MSI + 4), 'outl 0xcfc 0xffffffff', cf8(4, MSI + 8), 'outl 0xcfc 0xffffffff', cf8(4, MSI + 0xc), 'outw 0xcfc 0xffff'];
    await compare('q35-bridges', EDU, [...header, ...readMsi, ...writes, ...readMsi]);
  });

  it('MW2/MG1/MN3: Multiple Message Enable clamps to Capable on enable; the message is the data written to the address', async () => {
    await compare('q35-bridges', EDU, [...eduSetup, cf8(4, MSI), 'outw 0xcfe 0x71', 'inl 0xcfc', raise, 'readl 0x1000']);
  });

  it('MN3: with Bus Master Enable clear the message goes nowhere', async () => {
    await compare('q35-bridges', EDU, [...eduSetup, cf8(4, MSI), 'outw 0xcfe 0x1', cf8(4, 0x04), 'outw 0xcfc 0x2', raise, 'readl 0x1000']);
  });
});
