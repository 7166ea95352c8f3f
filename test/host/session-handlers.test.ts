import { describe, expect, it } from 'vitest';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import { encodeSession } from '../../src-main/session/machine-snapshot';
import { stateOf } from '../session/busy-machine';
import { SESSION_VERSION } from '../../src-shared/session/session-header';

/** A machine with history: a delivery, a pending bit, breakpoints (one paused at), a source. */
function worked(): AppHost {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
  value(host.dispatch('fireVector', { bdf: NIC, vector: 1 }));
  value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1000 }));
  host.session.machine.step(5e6);
  value(host.dispatch('addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [1] } }));
  value(host.dispatch('addBreakpoint', { spec: { kind: 'delivery', cpu: 1, idtVector: null, condition: { value: { equals: 0x31 } }, tracepoint: true }, enabled: false }));
  value(host.dispatch('writeMmio', { address: BAR1 + 16 + 12, size: 4, value: 0 }));
  return host;
}

describe('sessions over the contract', () => {
  it('saves the whole session as base64 and opens it back exactly, paused where it was', async () => {
    const host = worked();
    const m = host.session.machine;
    expect(m.debugger.paused).toBe(true);
    const saved = value(host.dispatch('saveSession', {}));
    expect(saved).toMatchObject({ fileName: 'two-devices.irqsession', mimeType: 'application/octet-stream' });
    const bytes = Buffer.from(saved.data, 'base64');
    expect(bytes.length).toBe(saved.bytes);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('IRQSCOPE');

    const other = hostWith(TWO_DEVICES);
    const announced: string[] = [];
    other.session.attach({ ready: () => true, send: (stream) => void announced.push(stream) });
    const status = value(other.dispatch('openSession', { data: saved.data, fileName: 'a.irqsession' }));
    expect(status).toMatchObject({ name: 'two devices', preset: null, timeNs: m.clock.now, total: m.log.total });
    expect(stateOf(other.session.machine)).toEqual(stateOf(m));
    expect(other.session.machine.debugger.paused).toBe(true);
    expect(announced).toContain('machineLoaded');
    await new Promise((r) => queueMicrotask(() => r(undefined)));
    expect(announced).toContain('debuggerChanged');
  });

  const refusals: [string, () => string, string][] = [
    ['not base64', () => 'not*base64', 'openSession.data: expected the session file as base64'],
    ['not a session', () => Buffer.from('{"devices": []}').toString('base64'), 'openSession.data: x.irqsession: not an irqscope session file (no IRQSCOPE signature)'],
    ['truncated', () => encodeSession(worked().session.machine).subarray(0, 200).toString('base64'), 'openSession.data: x.irqsession: truncated'],
    [
      'corrupted',
      () => {
        const b = encodeSession(worked().session.machine);
        b[b.length - 3] = b[b.length - 3]! ^ 0x40;
        return b.toString('base64');
      },
      'openSession.data: x.irqsession: corrupted: checksum mismatch',
    ],
    [
      'from a newer irqscope',
      () => {
        const b = encodeSession(worked().session.machine);
        b.writeUInt32LE(SESSION_VERSION + 1, 8);
        return b.toString('base64');
      },
      `openSession.data: x.irqsession: written by a newer irqscope (session format ${SESSION_VERSION + 1})`,
    ],
  ];

  it.each(refusals)('refuses a file that is %s with the reason, and the running machine is untouched', (_, data, error) => {
    const host = worked();
    const machine = host.session.machine;
    const before = stateOf(machine);
    const reply = host.dispatch('openSession', { data: data(), fileName: 'x.irqsession' });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.startsWith(error), !reply.ok ? reply.error : '').toBe(true);
    if (!reply.ok && !error.includes('base64')) expect(reply.error).toContain('(the running machine is unchanged)');
    expect(host.session.machine).toBe(machine);
    expect(stateOf(machine)).toEqual(before);
  });
});
