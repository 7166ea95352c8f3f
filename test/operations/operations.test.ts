// The operations layer: qtest and the app's requests reach the same operations, so a
// device-side action waits in the debugger's queue on both paths (msix_use used to
// bypass it while fireVector went through it), and refuses with the same words.
import { describe, expect, it } from 'vitest';
import { NIC, PLAIN, TWO_DEVICES, bringUpNic, hostWith, value } from '../host/fixtures';
import { operations } from '../../src-main/operations/operations';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { machineOf } from '../target-machine';

function paused() {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  value(host.dispatch('pause', {}));
  return { host, machine: machineOf(host.session), qtest: (line: string) => host.session.qtest(line) };
}

describe('device-side operations queue alike from qtest and from the app', () => {
  it('msix_use and msix_unuse over qtest wait while paused, in one queue with the app’s useVector, and run in order at continue', () => {
    const { host, machine, qtest } = paused();
    const msix = machine.fn(NIC)!.msix!;
    const before = msix.useCount[1]!;
    expect(qtest('msix_use 00:03.0 1')).toBe('OK queued #1: msix_use 00:03.0 1 (runs at continue or step)');
    expect(value(host.dispatch('useVector', { bdf: NIC, vector: 1 }))).toEqual({ useCount: null, queued: 2 });
    expect(qtest('msix_unuse 00:03.0 1')).toBe('OK queued #3: msix_unuse 00:03.0 1 (runs at continue or step)');
    expect(value(host.dispatch('fireVector', { bdf: NIC, vector: 1 }))).toEqual({ events: 0, queued: 4 });
    // Nothing happened yet: the use count is as it was, no UseCountChanged was logged.
    expect(msix.useCount[1]).toBe(before);
    expect(machine.debugger.queued.map((a) => a.kind)).toEqual(['use', 'use', 'unuse', 'raise']);
    const total = machine.log.total;
    expect(qtest('continue')).toBe('OK running');
    expect(msix.useCount[1]).toBe(before + 1);
    const kinds = Array.from(machine.log.slice(total, machine.log.total).kind);
    expect(kinds.filter((k) => k === EventKind.UseCountChanged)).toHaveLength(3);
  });

  it('running, a use answers at once with the new count, on either path', () => {
    const host = hostWith(TWO_DEVICES);
    const msix = machineOf(host.session).fn(NIC)!.msix!;
    const before = msix.useCount[2]!;
    expect(host.session.qtest('msix_use 00:03.0 2')).toBe('OK');
    expect(value(host.dispatch('useVector', { bdf: NIC, vector: 2 }))).toEqual({ useCount: before + 2 });
    expect(value(host.dispatch('unuseVector', { bdf: NIC, vector: 2 }))).toEqual({ useCount: before + 1 });
  });

  it('a refused use changes nothing and is worded the same on both paths; a paused one is refused when asked, not when it would run', () => {
    const { host, machine, qtest } = paused();
    const total = machine.log.total;
    expect(qtest('msix_use 00:05.0 0')).toBe('FAIL msix_use: 00:05.0 (plain) has no MSI-X capability');
    expect(host.dispatch('useVector', { bdf: PLAIN, vector: 0 })).toEqual({ ok: false, error: 'useVector.bdf: 00:05.0 (plain) has no MSI-X capability' });
    expect(qtest('msix_use 00:03.0 3')).toBe('FAIL msix_use: invalid argument: vector 3 out of range 0..2');
    expect(host.dispatch('useVector', { bdf: NIC, vector: 3 })).toEqual({ ok: false, error: 'useVector.vector: invalid argument: vector 3 out of range 0..2' });
    expect(qtest('msix_unuse 00:03.0 3')).toBe('FAIL msix_unuse: vector 3 out of range 0..2 (ignored)');
    expect(machine.debugger.queued).toEqual([]);
    expect(machine.log.total).toBe(total);
  });

  it('the operations take any target: the qtest session and the app hold different adapters over one machine', () => {
    const host = hostWith(TWO_DEVICES);
    const outcome = operations.fire(host.session.target, { bdf: 0x100, vector: 0 });
    expect(outcome).toEqual({ ok: false, field: 'bdf', error: 'no device at 01:00.0' });
    expect(host.session.qtest('device_irq 01:00.0 0')).toBe('FAIL device_irq: no device at 01:00.0');
  });
});
