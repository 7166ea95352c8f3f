// An armed step or run-until (the machine runs until the event it waits for) can be
// cancelled: in the machine's debugger, through the contract, and from qtest.
import { describe, expect, it } from 'vitest';
import { Guest, ENABLE, CTRL, NIC, apicAddress } from '../machine/guest';
import { hostOn, value } from '../host/fixtures';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { machineOf } from '../target-machine';

function pausedNic(): Guest {
  const g = Guest.nic({ vectors: 4, used: 'all' });
  g.writeControl(ENABLE);
  for (let v = 0; v < 4; v++) g.program(v, apicAddress(v), 0x40 + v, true);
  const added = g.machine.debugger.add({ kind: 'unmask', bdf: NIC, vectors: [1] });
  if (!added.ok) throw new Error(added.error);
  g.writeEntry(1, CTRL, 0);
  expect(g.machine.debugger.paused).toBe(true);
  return g;
}

describe('cancelling an armed step or run-until', () => {
  it('a step with nothing queued stays armed until cancelled; then the next event does not pause', () => {
    const g = pausedNic();
    const dbg = g.machine.debugger;
    expect(dbg.step()).toEqual({ ok: true, paused: false, ran: 0 });
    expect(dbg.state()).toMatchObject({ mode: 'step', paused: null });
    expect(dbg.cancelRun()).toEqual({ ok: true, value: 'step' });
    expect(dbg.state()).toMatchObject({ mode: 'run', until: null, paused: null });
    g.engine.notify(2);
    expect(dbg.paused).toBe(false);
    expect(dbg.cancelRun()).toEqual({ ok: false, error: 'no step or run-until is waiting for its event' });
  });

  it('a waiting run-until-vector is cancelled the same way, and the tap comes off without breakpoints', () => {
    const g = pausedNic();
    const dbg = g.machine.debugger;
    dbg.remove(1);
    expect(dbg.runUntilVectorEvent({ bdf: NIC, vector: 3 })).toEqual({ ok: true, paused: false, ran: 0 });
    expect(dbg.state()).toMatchObject({ mode: 'until-vector', until: { bdf: NIC, vector: 3 } });
    expect(g.machine.log.tap).not.toBeNull();
    expect(dbg.cancelRun()).toEqual({ ok: true, value: 'until-vector' });
    expect(g.machine.log.tap).toBeNull();
    g.engine.notify(3);
    expect(dbg.paused).toBe(false);
  });

  it('while paused there is nothing to cancel', () => {
    expect(pausedNic().machine.debugger.cancelRun()).toEqual({ ok: false, error: 'the machine is paused: nothing is armed' });
  });

  it('through the contract (cancelRun) and qtest (cancel)', () => {
    const host = hostOn();
    const m = machineOf(host.session);
    expect(host.dispatch('cancelRun', {})).toEqual({ ok: false, error: 'cancelRun: no step or run-until is waiting for its event' });
    value(host.dispatch('addBreakpoint', { spec: { kind: 'config-write', bdf: NIC, offset: 4, length: 2 } }));
    m.bus.configWrite(NIC, 4, 2, 0);
    value(host.dispatch('step', {}));
    expect(value(host.dispatch('cancelRun', {}))).toEqual({ cancelled: 'step' });
    expect(value(host.dispatch('debuggerState', {})).mode).toBe('run');

    const q = new QtestSession(m);
    expect(q.execute('cancel')).toBe('FAIL cancel: no step or run-until is waiting for its event');
    m.bus.configWrite(NIC, 4, 2, 0);
    expect(q.execute('step')).toMatch(/OK running$/);
    expect(q.execute('cancel')).toBe('OK cancelled step');
  });
});
