import { describe, expect, it } from 'vitest';
import { NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import { MachineRunner } from '../../src-main/host/machine-runner';
import { machineOf } from '../target-machine';

/** A clock that moves `step` ms every time it is read: time passes as the runner works. */
function movingClock(step: number): { now: () => number; set: (t: number) => void } {
  let t = 0;
  return { now: () => (t += step), set: (v) => (t = v) };
}

describe('machine runner', () => {
  it('advances virtual time by the real time that passed', () => {
    const host = hostWith(TWO_DEVICES);
    let t = 1000;
    const runner = new MachineRunner(host.session, { now: () => t });
    runner.start();
    runner.stop();
    t += 7;
    expect(runner.runSlice()).toBe(true);
    expect(machineOf(host.session).clock.now).toBe(7_000_000);
  });

  it('forgets real time beyond maxLagMs instead of trying to catch up', () => {
    const host = hostWith(TWO_DEVICES);
    let t = 0;
    const runner = new MachineRunner(host.session, { now: () => t, maxLagMs: 50 });
    runner.start();
    runner.stop();
    t = 10_000;
    runner.runSlice();
    expect(machineOf(host.session).clock.now).toBe(50_000_000);
  });

  it('bounds a slice by sliceMs even with a source at a million notifies per second', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1_000_000 }));
    const clock = movingClock(1);
    const runner = new MachineRunner(host.session, { now: clock.now, sliceMs: 4, maxLagMs: 100, firingsPerCheck: 1000 });
    runner.start();
    runner.stop();
    clock.set(200);
    const before = machineOf(host.session).log.total;
    const timeBefore = machineOf(host.session).clock.now;
    expect(runner.runSlice()).toBe(false);
    const fired = machineOf(host.session).log.total - before;
    // Each look at the clock costs 1 ms here: 4 chunks of 1000 firings fit in the slice.
    expect(fired).toBe(4000);
    expect(machineOf(host.session).clock.now - timeBefore).toBe(4000 * 1000);
  });

  it('ends a slice at once when the machine is halted', () => {
    const host = hostWith(TWO_DEVICES);
    value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1000 }));
    machineOf(host.session).clock.halted = true;
    let t = 0;
    const runner = new MachineRunner(host.session, { now: () => t });
    runner.start();
    runner.stop();
    t = 50;
    expect(runner.runSlice()).toBe(true);
    expect(machineOf(host.session).clock.now).toBe(0);
  });

  it('runs on its own timers and pumps the session', async () => {
    const host = hostWith(TWO_DEVICES);
    const runner = new MachineRunner(host.session, { pumpIntervalMs: 1 });
    const sent: string[] = [];
    host.session.attach({ ready: () => true, send: (stream) => void sent.push(stream) });
    runner.start();
    await new Promise((r) => setTimeout(r, 40));
    runner.stop();
    expect(runner.isRunning).toBe(false);
    expect(machineOf(host.session).clock.now).toBeGreaterThan(0);
    expect(sent).toContain('timeline');
  });
});
