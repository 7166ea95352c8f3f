import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { DropReason } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { Machine } from '../../src-main/machine/machine';
import { nicMsixOn } from '../session/nic-bring-up';

function session(preset = 'virtio-net'): { m: Machine; q: QtestSession; run: (line: string) => string | null } {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines', `${preset}.json`), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const q = new QtestSession(built.machine);
  return { m: built.machine, q, run: (line) => q.execute(line) };
}

/** Programs nic0's BAR1 at 0xfebd0000 with memory space and bus master on, MSI-X enabled. */
function bringUp(run: (line: string) => string | null): void {
  for (const line of nicMsixOn(0xfebd0000)) expect(run(line)).toBe('OK');
}

describe('qtest reply formats (as QEMU prints them)', () => {
  it('read[bwlq] answer 16 hex digits', () => {
    const { run } = session();
    expect(run('writel 0x1000 0x12345678')).toBe('OK');
    expect(run('readb 0x1000')).toBe('OK 0x0000000000000078');
    expect(run('readw 0x1000')).toBe('OK 0x0000000000005678');
    expect(run('readl 0x1000')).toBe('OK 0x0000000012345678');
    expect(run('writeq 0x2000 0x1122334455667788')).toBe('OK');
    expect(run('readq 0x2000')).toBe('OK 0x1122334455667788');
    expect(run('readl 0x2004')).toBe('OK 0x0000000011223344');
  });

  it('in[bwl] answer at least 4 hex digits; config space through 0xcf8/0xcfc', () => {
    const { run } = session();
    expect(run('outl 0xcf8 0x80001800')).toBe('OK');
    expect(run('inl 0xcfc')).toBe('OK 0x10001af4');
    expect(run('inw 0xcfc')).toBe('OK 0x1af4');
    expect(run('inb 0xcfc')).toBe('OK 0x00f4');
    expect(run('outl 0xcf8 0x80002000')).toBe('OK');
    expect(run('inl 0xcfc')).toBe('OK 0xffffffff');
  });

  it('read/write/memset/b64read/b64write move bytes; short write data is zero-filled', () => {
    const { run } = session();
    expect(run('write 0x100 4 0x0102')).toBe('OK');
    expect(run('read 0x100 4')).toBe('OK 0x01020000');
    expect(run('memset 0x200 3 0xab')).toBe('OK');
    expect(run('read 0x1ff 5')).toBe('OK 0x00ababab00');
    expect(run('b64write 0x300 3 AQID')).toBe('OK');
    expect(run('b64read 0x300 3')).toBe('OK AQID');
  });

  it('clock_step answers the new virtual time; without an argument it runs to the next timer', () => {
    const { m, run } = session();
    expect(run('clock_step 1000')).toBe('OK 1000');
    m.startSource(m.fn(0x18)!, 0, 1000);
    expect(run('clock_step')).toBe('OK 1001000');
    expect(run('clock_set 5000000')).toBe('OK 5000000');
    expect(run('endianness')).toBe('OK little');
  });

  it('in a script, comments and blank lines get no reply', () => {
    const { run } = session();
    expect(run('# a comment')).toBeNull();
    expect(run('   ')).toBeNull();
  });

  it('over a socket or stdin every line gets exactly one reply: a comment OK, an empty line FAIL', () => {
    const built = loadMachineText(readFileSync(join(__dirname, '../../machines/virtio-net.json'), 'utf8'));
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const q = new QtestSession(built.machine, { replyToEveryLine: true });
    expect(q.execute('# a comment')).toBe('OK');
    expect(q.execute('')).toBe('FAIL empty line');
    expect(q.execute('   ')).toBe("FAIL Unknown command ''");
    expect(q.execute('endianness')).toBe('OK little');
  });
});

describe('qtest bad input: FAIL naming the problem, nothing changed', () => {
  const cases: [string, RegExp][] = [
    ['bogus', /^FAIL Unknown command 'bogus'$/],
    ['readl', /^FAIL readl: expected 1 argument \(usage: readl ADDR\), got 0$/],
    ['writel 0x0', /^FAIL writel: expected 2 arguments/],
    ['writel zz 1', /^FAIL writel: address: 'zz' is not a number$/],
    ['writeq 0x0 0x10000000000000000', /does not fit in 64 bits/],
    ['writel 0x0 -0x10000000000000000', /value: '-0x10000000000000000' does not fit in 64 bits/],
    // QEMU aborts on each of these (g_assert): irqscope answers FAIL and goes on.
    ['readl  0x10', /^FAIL readl: address: missing \(an empty word: two spaces in a row\?\)$/],
    ['readl 0x10\r', /^FAIL readl: address: '0x10\\x0d' is not a number$/],
    ['read 0x0 0', /size 0: QEMU refuses a zero-length read/],
    ['outb 0x10000 1', /port 0x10000 is beyond 0xffff/],
    ['outb 08 1', /port: '08' is not a number/],
    ['read 0x0 0x2000000', /larger than/],
    ['clock_step 0x8000000000000000', /does not fit in a signed 64-bit number/],
    ['clock_step 1 2', /at most 1 argument/],
    ['device_irq 00:1f.0 0', /no device at 00:1f\.0/],
    ['device_irq 3 0', /'3' is not a PCI address/],
    ['device_irq 00:03.0  0', /an empty argument \(two spaces in a row\)/],
    ['msix_use 00:03.0 3', /invalid argument: vector 3 out of range 0\.\.2/],
    ['msix_unuse 00:03.0 9', /vector 9 out of range 0\.\.2 \(ignored\)/],
    ['msix_load 00:03.0 0011', /saved MSI-X state is 2 bytes, expected 49/],
    ['msix_load 00:03.0 0g', /not a string of hex byte pairs/],
    ['set_irq_in ioapic unnamed-gpio-in 24 1', /pins 0\.\.23, not 24/],
    ['set_irq_in ioapic foo 0 1', /no GPIO list 'foo'/],
  ];
  for (const [line, pattern] of cases) {
    it(`${line} → FAIL`, () => {
      const { m, run } = session();
      const before = m.log.total;
      const ram = m.ram[0]!.readBytes(0, 16);
      const reply = run(line);
      expect(reply).toMatch(pattern);
      expect(reply!.startsWith('FAIL')).toBe(true);
      expect(m.log.total).toBe(before);
      expect(m.ram[0]!.readBytes(0, 16)).toEqual(ram);
    });
  }

  it('a device without MSI-X is named in the error', () => {
    const { m, q } = session();
    m.fn(0x18)!.msix = null;
    expect(q.execute('msix_notify 00:03.0 0')).toBe('FAIL msix_notify: 00:03.0 (nic0) has no MSI-X capability');
  });

  it('N1: an out-of-range msix_notify is recorded as a drop, and the reply says so (not a FAIL: state changed)', () => {
    const { m, run } = session();
    expect(run('msix_notify 00:03.0 7')).toBe('OK dropped: vector 7 out of range 0..2');
    const i = m.log.indexOf(m.log.total - 1);
    expect(m.log.kind[i]).toBe(EventKind.NotifyDropped);
    expect(m.log.detail[i]).toBe(DropReason.VectorOutOfRange);
  });
});

describe('qtest extensions drive the MSI-X engine', () => {
  it('device_irq delivers through the table once enabled and unmasked (D1, N3, A1)', () => {
    const { m, run } = session();
    bringUp(run);
    expect(run('writel 0xfebd0000 0xfee02000')).toBe('OK');
    expect(run('writel 0xfebd0008 0x51')).toBe('OK');
    expect(run('writel 0xfebd000c 0x0')).toBe('OK');
    expect(run('interrupts')).toBe('OK none');
    expect(run('device_irq 00:03.0 0')).toBe('OK');
    expect(m.apic.total(2, 0x51)).toBe(1);
    run('device_irq 00:03.0 0');
    // An NMI (delivery mode 4) to CPU 0 counts apart, as /proc/interrupts shows it.
    run('writel 0xfebd0010 0xfee00000');
    run('writel 0xfebd0018 0x402');
    run('writel 0xfebd001c 0x0');
    run('device_irq 00:03.0 1');
    expect(run('interrupts')).toBe('OK CPU2 0x51=2; CPU0 NMI=1');
  });

  it('msix_save and msix_load round-trip the table and PBA (X3)', () => {
    const { run } = session();
    bringUp(run);
    run('writel 0xfebd0010 0xfee00000');
    run('writel 0xfebd0018 0x42');
    run('msix_notify 00:03.0 1');
    const saved = run('msix_save 00:03.0')!;
    expect(saved).toMatch(/^OK [0-9a-f]{98}$/);
    expect(run('msix_reset 00:03.0')).toBe('OK');
    expect(run('readl 0xfebd0018')).toBe('OK 0x0000000000000000');
    expect(run(`msix_load 00:03.0 ${saved.slice(3)}`)).toBe('OK');
    expect(run('readl 0xfebd0018')).toBe('OK 0x0000000000000042');
    expect(run('readl 0xfebd0800')).toBe('OK 0x0000000000000002');
  });

  it('system_reset clears Command, BARs and MSI-X', () => {
    const { m, run } = session();
    bringUp(run);
    expect(run('system_reset')).toBe('OK');
    const fn = m.fn(0x18)!;
    expect(fn.command).toBe(0);
    expect(fn.config.read(0x14, 4)).toBe(0);
    expect(fn.msix!.enabled).toBe(false);
    expect(run('readl 0xfebd0000')).toBe('OK 0x0000000000000000');
  });
});

describe('qtest setpci and interval sources', () => {
  it('setpci writes through the write masks and answers the values it reads', () => {
    const { m, run } = session();
    expect(run('setpci -s 00:03.0 COMMAND=0x0406')).toBe('OK');
    expect(m.fn(0x18)!.command).toBe(0x0406);
    expect(run('setpci -s 00:03.0 CAP_MSIX+2.w=0xc000:0xc000')).toBe('OK');
    expect(m.fn(0x18)!.msix!.enabled).toBe(true);
    expect(run('setpci -s 00:03.0 COMMAND CAP_MSIX+2.w VENDOR_ID.b')).toBe('OK 0406 c002 f4');
    expect(run('setpci -s 00:03.0 NOPE')).toBe('FAIL setpci: Unknown register "NOPE".');
  });

  it('source_start raises the cause periodically on the virtual clock; source_stop ends it', () => {
    const { m, run } = session();
    bringUp(run);
    run('writel 0xfebd0000 0xfee00000');
    run('writel 0xfebd0008 0x30');
    run('writel 0xfebd000c 0x0');
    expect(run('source_start 00:03.0 0 1000')).toBe('OK');
    expect(run('clock_step 10000000')).toBe('OK 10000000');
    expect(m.apic.total(0, 0x30)).toBe(10);
    expect(run('source_stop 00:03.0 0')).toBe('OK');
    run('clock_step 10000000');
    expect(m.apic.total(0, 0x30)).toBe(10);
    expect(run('source_stop 00:03.0 0')).toBe('FAIL source_stop: no interval source on 00:03.0 vector 0');
    expect(run('source_start 00:03.0 0 fast')).toMatch(/^FAIL source_start: rate 'fast'/);
    expect(run('source_start 00:03.0 0 1e3')).toBe("FAIL source_start: rate '1e3' must be a whole number of raises per second in 1..1000000000");
    expect(run('source_start 00:03.0 0 0')).toMatch(/^FAIL source_start: rate '0' must be a whole number/);
    expect(run('source_start 00:03.0 99 1000')).toBe('FAIL source_start: vector 99 out of range 0..2 (no source started)');
    expect(m.listSources()).toEqual([]);
  });

  it('a clock_step over the host\'s advance limit is a FAIL naming the problem, and the clock stays', () => {
    const { m, run } = session();
    m.debugger.limits = { ...m.debugger.limits, advanceFirings: 1000 };
    expect(run('source_start 00:03.0 0 1000000')).toBe('OK');
    expect(run('clock_step 1000000000')).toBe(
      'FAIL clock_step: advancing to 1000000000 ns would fire the interval sources 1000000 times, more than 1000 at once: advance in smaller steps',
    );
    expect(m.clock.now).toBe(0);
    expect(run('clock_step 1000000')).toBe('OK 1000000');
  });
});
