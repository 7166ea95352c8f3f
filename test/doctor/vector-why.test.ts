import { describe, expect, it } from 'vitest';
import { hostOn, value } from '../host/fixtures';
import { UP } from './rule-scripts';
import type { AppHost } from '../../src-main/host/app-host';

const NIC = 0x18;

function qtest(host: AppHost, lines: string[]): void {
  for (const line of lines) {
    const reply = value(host.dispatch('qtest', { line })).reply ?? '';
    if (reply.startsWith('FAIL') && !reply.endsWith('(recorded as a drop)')) throw new Error(`${line}: ${reply}`);
  }
}

const why = (host: AppHost) => value(host.dispatch('vectorSnapshot', { bdf: NIC })).why;

describe('the why column', () => {
  it('says why each vector is as it is, naming the event', () => {
    const host = hostOn();
    expect(why(host)[0]).toEqual({ text: 'MSI-X disabled', seq: null });
    qtest(host, UP);
    expect(why(host)[0]).toEqual({ text: 'masked (vector bit)', seq: null });
    qtest(host, ['device_irq 00:03.0 0', 'device_irq 00:03.0 0']);
    const status = value(host.dispatch('status', {}));
    const firstPend = status.total - 2;
    expect(why(host)[0]).toEqual({ text: 'masked (vector bit), 2 notifies pending', seq: firstPend });
    qtest(host, ['writel 0xfebd000c 0x0']);
    qtest(host, ['device_irq 00:03.0 0']);
    const delivered = value(host.dispatch('status', {})).total - 1;
    expect(why(host)[0]).toEqual({ text: 'delivered to CPU1 vector 0x41 ×2', seq: delivered });
    // A logical destination names CPUs by bit, not an APIC ID: 0x1 is CPU0, 0x3 CPUs 0 and 1 (A1).
    qtest(host, ['writel 0xfebd0000 0xfee01004', 'device_irq 00:03.0 0']);
    expect(why(host)[0]!.text).toBe('delivered to CPU0 vector 0x41');
    qtest(host, ['writel 0xfebd0000 0xfee03004', 'device_irq 00:03.0 0']);
    expect(why(host)[0]!.text).toBe('delivered to CPUs 0, 1 vector 0x41');
    qtest(host, ['writel 0xfebd000c 0x1']);
    const masked = value(host.dispatch('status', {})).total - 1; // TableWrite, then VectorMasked
    qtest(host, ['device_irq 00:03.0 0']);
    expect(why(host)[0]!.text).toBe(`masked (vector bit) since #${masked}, 1 notify pending`);
    // Function Mask on: vector 1 (its own bit set too) says the function is masked.
    qtest(host, ['outl 0xcf8 0x80001884', 'outl 0xcfc 0xc0000011']);
    expect(why(host)[1]!.text).toBe('function masked');
  });

  it('counts drops in a row, and the device total', () => {
    const host = hostOn();
    qtest(host, [...UP, 'writel 0xfebd000c 0x0', 'msix_unuse 00:03.0 0', 'device_irq 00:03.0 0', 'device_irq 00:03.0 0', 'device_irq 00:03.0 0', 'device_irq 00:03.0 9']);
    const snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap.why[0]!.text).toBe('dropped: vector not in use ×3');
    expect(snap.dropped).toBe(4);
    expect(snap.why[2]!.text).toBe('masked (vector bit)');
  });
});
