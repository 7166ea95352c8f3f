import { describe, expect, it } from 'vitest';
import { NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import { MarkerClass } from '../../src-shared/timeline/lanes';
import { machineOf } from '../target-machine';

describe('timeline queries over the contract', () => {
  it('timelineWindow answers from the history, including what was logged since the last pump', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    const machine = machineOf(host.session);
    for (let i = 0; i < 5; i++) {
      machine.step(100);
      value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    }
    const w = value(host.dispatch('timelineWindow', { startNs: 0, endNs: 1000, pixels: 100, lanes: [{ bdf: NIC, vector: 0 }] }));
    expect(w.total).toBe(machine.log.total);
    expect(w.lanes[0]!.totals[MarkerClass.Delivered]).toBe(5);
    const lane = w.lanes[0]!;
    expect(lane.x.filter((_, i) => lane.cls[i] === MarkerClass.Delivered)).toEqual([10, 20, 30, 40, 50]);
    // The bring-up's table writes sit at t=0 as other events.
    expect(lane.totals[MarkerClass.Other]).toBe(3);
  });

  it('timelineEvents gives the records of a run of events, clipped to what is held', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    const total = machineOf(host.session).log.total;
    const reply = value(host.dispatch('timelineEvents', { fromSeq: total - 2, count: 10 }));
    expect(reply.events.map((e) => e.seq)).toEqual([total - 2, total - 1]);
    expect(reply.total).toBe(total);
    expect(reply.events[1]!.text).not.toBe('');
  });

  it('refuses a bad window, naming the field, and changes nothing', () => {
    const host = hostWith(TWO_DEVICES);
    const bad = [
      [{ startNs: 10, endNs: 10, pixels: 10, lanes: [] }, 'endNs'],
      [{ startNs: 0, endNs: 10, pixels: 0, lanes: [] }, 'pixels'],
      [{ startNs: 0, endNs: Infinity, pixels: 10, lanes: [] }, 'endNs'],
      [{ startNs: 0, endNs: 10, pixels: 10, lanes: [{ bdf: NIC }] }, 'lanes[0].vector'],
    ] as const;
    for (const [params, field] of bad) {
      const reply = host.dispatch('timelineWindow', params as never);
      expect(reply.ok).toBe(false);
      expect(reply.ok ? '' : reply.error).toContain(`timelineWindow.${field}`);
    }
    expect(host.dispatch('timelineEvents', { fromSeq: -1, count: 1 }).ok).toBe(false);
    expect(machineOf(host.session).log.total).toBe(0);
  });

  it('pause stops the machine between two events, marks where, and continue resumes it', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1_000_000 }));
    machineOf(host.session).step(10_000);
    const state = value(host.dispatch('pause', {}));
    expect(state.paused).toMatchObject({ reason: 'user', breakpoint: null, vector: null });
    expect(state.paused!.event.record.text).toContain('paused by the user');
    const at = machineOf(host.session).clock.now;
    expect(machineOf(host.session).clock.halted).toBe(true);
    const again = host.dispatch('pause', {});
    expect(again).toEqual({ ok: false, error: 'pause: the machine is already paused' });
    expect(value(host.dispatch('continue', {}))).toEqual({ paused: false, ran: 0 });
    machineOf(host.session).step(1000);
    expect(machineOf(host.session).clock.now).toBe(at + 1000);
  });
});
