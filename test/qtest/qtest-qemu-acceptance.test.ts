// What QEMU 7.2's qtest accepts, irqscope accepts the same way (each reply below was
// recorded from `qemu-system-x86_64 -machine q35 -accel tcg -S -device e1000e,addr=02.0
// -qtest unix:PATH`; the differential test replays most of them against QEMU itself),
// and what QEMU garbles or aborts on is a FAIL that changes nothing.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import type { Machine } from '../../src-main/machine/machine';

function e1000e(): { m: Machine; run: (line: string) => string | null } {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines/e1000e.json'), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const q = new QtestSession(built.machine, { replyToEveryLine: true });
  return { m: built.machine, run: (line) => q.execute(line) };
}

/** BAR3 (table at 0xfebf0000, PBA at +0x2000) and BAR0 mapped, memory space and bus master on. */
const SETUP = ['outl 0xcf8 0x8000101c', 'outl 0xcfc 0xfebf0000', 'outl 0xcf8 0x80001010', 'outl 0xcfc 0xfe000000', 'outl 0xcf8 0x80001004', 'outw 0xcfc 0x6'];

function runAll(run: (line: string) => string | null, pairs: [string, string][]): void {
  for (const [line, reply] of pairs) expect({ line, reply: run(line) }).toEqual({ line, reply });
}

describe('bulk commands reach the MSI-X table through the address space, split as QEMU splits them', () => {
  it('read, write, memset, b64read and b64write on the table (4-byte pieces; refused pieces read as zeros)', () => {
    const { run } = e1000e();
    SETUP.forEach(run);
    runAll(run, [
      ['read 0xfebf0000 16', 'OK 0x00000000000000000000000001000000'],
      ['write 0xfebf0000 8 0x0010e0fe00000000', 'OK'],
      ['read 0xfebf0000 16', 'OK 0x0010e0fe000000000000000001000000'],
      ['memset 0xfebf0010 4 0x1ab', 'OK'],
      ['readl 0xfebf0010', 'OK 0x00000000abababab'],
      ['writel 0xfebf0008 0x41', 'OK'],
      // pieces: 1 byte at +1 and 2 at +2 refused (zeros), 4 at +4 and +8, 1 at +12 refused
      ['read 0xfebf0001 12', 'OK 0x000000000000004100000000'],
      ['b64read 0xfebf0000 16', 'OK ABDg/gAAAABBAAAAAQAAAA=='],
      ['b64write 0xfebf0000 8 ABCDEFGHIJKL', 'OK'],
      ['read 0xfebf0000 8', 'OK 0x0010831051872092'],
    ]);
  });
});

describe('numbers and data as QEMU takes them', () => {
  it('values truncate to the access width; negative numbers wrap; +N; extra trailing words are ignored', () => {
    const { run } = e1000e();
    runAll(run, [
      ['writel 0x1000 0x1ffffffff', 'OK'],
      ['readl 0x1000', 'OK 0x00000000ffffffff'],
      ['writel 0x1000 -1', 'OK'],
      ['readq 0x1000', 'OK 0x00000000ffffffff'],
      ['readl +4096', 'OK 0x00000000ffffffff'],
      ['readl 0x1000 extra args', 'OK 0x00000000ffffffff'],
      ['readl 0x1000 ', 'OK 0x00000000ffffffff'],
      ['writeb 0x1000 0x1ff', 'OK'],
      ['readb 0x1000', 'OK 0x00000000000000ff'],
      ['memset 0x1000 4 -1', 'OK'],
      ['readl 0x1000', 'OK 0x00000000ffffffff'],
      ['memset 0x1000 4 0x100000000', 'OK'],
      ['readl 0x1000', 'OK 0x0000000000000000'],
      ['memset 0x40 0 1', 'OK'],
      ['b64read 0x1000 0', 'OK '],
      ['readq -1', 'OK 0x0000000000000000'],
    ]);
  });

  it('write takes SIZE bytes after the first two characters of DATA, zero-filled; ERR invalid argument size below 3 characters', () => {
    const { run } = e1000e();
    runAll(run, [
      ['writel 0x1000 -1', 'OK'],
      ['write 0x1000 2 0x11223344', 'OK'],
      ['readl 0x1000', 'OK 0x00000000ffff2211'],
      ['write 0x1000 4 11223344', 'OK'],
      ['readl 0x1000', 'OK 0x0000000000443322'],
      ['write 0x1000 4 0x', 'ERR invalid argument size'],
      ['write 0x1000 4 ', 'ERR invalid argument size'],
      ['b64write 0x1000 1 qg', 'ERR invalid argument size'],
      ['b64write 0x10 4 A', 'ERR invalid argument size'],
      ['b64write 0x1000 2 ABCDEFGH', 'OK'],
      ['read 0x1000 4', 'OK 0x00104400'],
    ]);
  });

  it('what QEMU garbles (an odd nibble, non-hex digits, invalid base64) is a FAIL that writes nothing', () => {
    const { m, run } = e1000e();
    run('writel 0x0 0x55555555');
    run('writel 0x30 0x55555555');
    const before = m.log.total;
    expect(run('write 0 2 0x123')).toBe("FAIL write: data '0x123' has an odd number of hex digits (QEMU drops the last one)");
    expect(run('write 0x30 4 0xzz11')).toBe("FAIL write: data '0xzz11' has characters that are not hex digits after its first two");
    expect(run('b64write 0x30 4 !!!!')).toBe("FAIL b64write: data '!!!!' is not base64");
    expect(run('b64write 0x30 4 A===')).toBe("FAIL b64write: data 'A===' is not base64");
    expect(m.log.total).toBe(before);
    expect(run('readl 0x0')).toBe('OK 0x0000000055555555');
    expect(run('readl 0x30')).toBe('OK 0x0000000055555555');
  });

  it('an I/O access crossing the end of I/O space is a FAIL', () => {
    const { m, run } = e1000e();
    const before = m.log.total;
    expect(run('outl 0xffff 1')).toBe('FAIL outl: a 4-byte access at port 0xffff crosses the end of I/O space (0xffff)');
    expect(run('inw 0xffff')).toMatch(/^FAIL inw: a 2-byte access at port 0xffff crosses/);
    expect(m.log.total).toBe(before);
    expect(run('outb 0xffff 1')).toBe('OK');
  });

  it('FAIL replies quote control and NUL bytes instead of echoing them', () => {
    const { run } = e1000e();
    expect(run('re\u0000ad\u001b[2J 1')).toBe("FAIL Unknown command 're\\x00ad\\x1b[2J'");
    expect(run('readl 0x1\u0007')).toBe("FAIL readl: address: '0x1\\x07' is not a number");
    expect(run('device_irq 00:02.0 \u0000')).toBe("FAIL device_irq: vector: '\\x00' is not a number");
  });
});

describe('irqscope extensions refuse what they cannot do, and say what they did', () => {
  it('msix_use of a vector beyond 16 bits names the number given', () => {
    const { run } = e1000e();
    expect(run('msix_use 00:02.0 4294967296')).toBe('FAIL msix_use: vector 4294967296 is beyond 65535 (MSI-X has at most 2048 vectors)');
  });

  it('a notify that hits a breakpoint and drops answers OK with what happened, not a FAIL', () => {
    const { m, run } = e1000e();
    expect(run('break notify any any dropped')).toBe('OK 1');
    const reply = run('msix_notify 00:02.0 9')!.split('\n');
    expect(reply[0]).toMatch(/^BREAK bp=1 .*kind=NotifyDropped/);
    expect(reply[1]).toBe('OK dropped: vector 9 out of range 0..4');
    expect(m.debugger.paused).toBe(true);
  });

  it('clock replies are integers a QEMU client parses', () => {
    const { run } = e1000e();
    // The last nanosecond of virtual time, printed as digits (not 9.007199254740991e+15).
    expect(run('clock_set 0x1fffffffffffff')).toBe('OK 9007199254740991');
    expect(run('clock_set 9223372036854775808')).toBe("FAIL clock_set: '9223372036854775808' does not fit in a signed 64-bit number");
  });
});

describe('irq_intercept_in, set_irq_in, module_load', () => {
  it('set_irq_in announces level changes of the intercepted I/O APIC as QEMU does', () => {
    const { run } = e1000e();
    runAll(run, [
      ['set_irq_in ioapic unnamed-gpio-in 3 1', 'OK'],
      ['irq_intercept_in /machine/ioapic', 'FAIL Unknown device'],
      ['irq_intercept_in ioapic', 'OK'],
      ['irq_intercept_out ioapic', 'OK'],
      ['set_irq_in ioapic unnamed-gpio-in 3 1', 'IRQ raise 3\nOK'],
      ['set_irq_in ioapic unnamed-gpio-in 3 2', 'IRQ raise 3\nOK'],
      ['set_irq_in ioapic unnamed-gpio-in 3 0', 'IRQ lower 3\nOK'],
      ['set_irq_in ioapic unnamed-gpio-in 3 0', 'OK'],
      ['set_irq_in /machine/nosuch x 0 1', 'FAIL Unknown device'],
      ['irq_intercept_in /machine/nosuch', 'FAIL Unknown device'],
      ['module_load block curl', 'FAIL'],
    ]);
  });

  it('a PCI function\'s INTx reaches the GSI q35 routes it to (00:02.0 INTA -> 22)', () => {
    const { run } = e1000e();
    SETUP.forEach(run);
    expect(run('irq_intercept_in ioapic')).toBe('OK');
    expect(run('device_irq 00:02.0 0')).toBe('IRQ raise 22\nOK');
    expect(run('device_irq 00:02.0 0')).toBe('OK');
    // INTx Disable masks the output (D1): the I/O APIC sees it lower.
    expect(run('outl 0xcf8 0x80001004')).toBe('OK');
    expect(run('outw 0xcfc 0x406')).toBe('IRQ lower 22\nOK');
  });
});
