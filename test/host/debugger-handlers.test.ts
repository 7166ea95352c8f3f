import { describe, expect, it, vi } from 'vitest';
import { BAR1, NIC, PLAIN, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import { MachineRunner } from '../../src-main/host/machine-runner';
import { APP_DEBUGGER_LIMITS, type SessionClient } from '../../src-main/host/machine-session';
import type { StreamName } from '../../src-shared/ipc/contract';
import type { DebuggerState } from '../../src-shared/debugger/breakpoints';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { stateOf } from '../session/busy-machine';
import { MAX_BREAKPOINTS } from '../../src-main/machine/debugger/debugger';

const CPU = 1;
const IDT = 0x31;
const VECTOR_CTRL_0 = BAR1 + 12;

/** The NIC up and vector 0 masked, with "break when vector 0 is unmasked" set. */
function armed(): AppHost {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  value(host.dispatch('writeMmio', { address: VECTOR_CTRL_0, size: 4, value: 1 }));
  value(host.dispatch('addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [0] } }));
  return host;
}

/** Unmasks vector 0 as the grid does: a guest write that hits the breakpoint. */
function unmask(host: AppHost): void {
  value(host.dispatch('writeMmio', { address: VECTOR_CTRL_0, size: 4, value: 0 }));
}

class Recorder implements SessionClient {
  readonly sent: { stream: StreamName; payload: unknown }[] = [];
  ready = (): boolean => true;
  send(stream: StreamName, payload: unknown): void {
    this.sent.push({ stream, payload });
  }
  streams(): StreamName[] {
    return this.sent.map((s) => s.stream);
  }
  debuggerStates(): DebuggerState[] {
    return this.sent.filter((s) => s.stream === 'debuggerChanged').map((s) => s.payload as DebuggerState);
  }
}

const microtasks = (): Promise<void> => new Promise((r) => queueMicrotask(r));

describe('debugger requests', () => {
  it('adds, lists, edits in place, disables and removes breakpoints', () => {
    const host = hostWith(TWO_DEVICES);
    const added = value(host.dispatch('addBreakpoint', { spec: { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['pended'] }, enabled: false }));
    expect(added).toEqual({ id: 1, enabled: false, hits: 0, spec: { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['pended'], tracepoint: false } });
    const edited = value(host.dispatch('replaceBreakpoint', { id: 1, spec: { kind: 'delivery', cpu: CPU, idtVector: IDT, tracepoint: true } }));
    expect(edited).toMatchObject({ id: 1, enabled: false, spec: { kind: 'delivery', cpu: CPU, idtVector: IDT, tracepoint: true } });
    expect(value(host.dispatch('setBreakpointEnabled', { id: 1, enabled: true }))).toMatchObject({ id: 1, enabled: true });
    expect(value(host.dispatch('debuggerState', {}))).toMatchObject({ breakpoints: [{ id: 1, enabled: true }], nextId: 2, paused: null, queue: [] });
    expect(value(host.dispatch('removeBreakpoint', { id: 1 }))).toEqual({ removed: 1 });
    expect(host.session.machine.debugger.list()).toEqual([]);
  });

  const BAD: [string, unknown, string][] = [
    ['addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [9] } }, 'addBreakpoint.spec.vectors: 9 out of range 0..2 on 00:03.0'],
    ['addBreakpoint', { spec: { kind: 'unmask', bdf: PLAIN, vectors: 'any' } }, 'addBreakpoint.spec.bdf: 00:05.0 (plain) has no MSI-X or MSI capability'],
    ['addBreakpoint', { spec: { kind: 'delivery', cpu: 7, idtVector: null } }, 'addBreakpoint.spec.cpu: the machine has CPUs 0..1, not 7'],
    ['addBreakpoint', { spec: { kind: 'delivery', cpu: null, idtVector: null } }, 'addBreakpoint.spec.cpu: name a CPU, an IDT vector or both'],
    ['addBreakpoint', { spec: { kind: 'pending', bdf: NIC, vectors: 'any', condition: { value: { equals: 1 } } } }, 'addBreakpoint.spec.condition.value: a pending breakpoint has no value to test'],
    ['addBreakpoint', { spec: { kind: 'watch' } }, 'addBreakpoint.spec.kind: kind must be one of unmask, notify, pending, config-write, access, delivery'],
    ['addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [0] }, enabled: 'yes' }, 'addBreakpoint.enabled: Invalid input: expected boolean'],
    ['replaceBreakpoint', { id: 5, spec: { kind: 'unmask', bdf: NIC, vectors: [0] } }, 'replaceBreakpoint.id: no breakpoint #5 (there are #1)'],
    ['replaceBreakpoint', { id: 1, spec: { kind: 'config-write', bdf: NIC, offset: 0xff, length: 2 } }, 'replaceBreakpoint.spec.length: 0xff+2 runs past the 256-byte config space of 00:03.0'],
    ['removeBreakpoint', { id: 0 }, 'removeBreakpoint.id: a breakpoint id below 1'],
    ['removeBreakpoint', { id: 2 }, 'removeBreakpoint.id: no breakpoint #2 (there are #1)'],
    ['setBreakpointEnabled', { id: 2, enabled: true }, 'setBreakpointEnabled.id: no breakpoint #2 (there are #1)'],
    ['continue', {}, 'continue: the machine is not paused'],
    ['continue', { now: true }, 'continue: Unrecognized key: "now"'],
    ['step', {}, 'step: the machine is not paused'],
    ['runUntilVectorEvent', { target: { bdf: NIC, vector: 1 } }, 'runUntilVectorEvent: the machine is not paused'],
  ];

  it.each(BAD)('%s %j is refused naming the field, and changes nothing', (name, params, error) => {
    const host = armed();
    const before = stateOf(host.session.machine);
    const reply = host.dispatch(name, params);
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.startsWith(error), !reply.ok ? reply.error : '').toBe(true);
    expect(stateOf(host.session.machine)).toEqual(before);
  });

  it('paused, run-until refuses a vector the machine does not have, and changes nothing', () => {
    const host = armed();
    unmask(host);
    const before = stateOf(host.session.machine);
    expect(host.dispatch('runUntilVectorEvent', { target: { bdf: NIC, vector: 7 } })).toEqual({ ok: false, error: 'runUntilVectorEvent.target: vector 7 out of range 0..2' });
    expect(host.dispatch('runUntilVectorEvent', { target: { bdf: PLAIN, vector: 0 } })).toEqual({ ok: false, error: 'runUntilVectorEvent.target: 00:05.0 is not an MSI-X or MSI function' });
    expect(stateOf(host.session.machine)).toEqual(before);
  });

  it('U3: an unmask through the grid pauses right after the VectorUnmasked event; continue delivers the pending message', () => {
    const host = armed();
    const m = host.session.machine;
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    unmask(host);
    const report = value(host.dispatch('debuggerState', {})).paused!;
    expect(report).toMatchObject({ reason: 'breakpoint', breakpoint: { id: 1, hits: 1 }, event: { record: { kind: 'VectorUnmasked', origin: 'user' } }, vector: { bdf: NIC, vector: 0, masked: false } });
    expect(m.clock.halted).toBe(true);
    expect(value(host.dispatch('continue', {}))).toEqual({ paused: false, ran: 0 });
    expect(m.apic.total(CPU, IDT)).toBe(1);
    expect(m.debugger.paused).toBe(false);
  });

  it('N3: paused, a fire waits in the queue (its reply says where) until step runs it and pauses after its first event', () => {
    const host = armed();
    const m = host.session.machine;
    unmask(host);
    expect(value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }))).toEqual({ events: 0, queued: 1 });
    expect(value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }))).toEqual({ events: 0, queued: 2 });
    expect(m.apic.total(CPU, IDT)).toBe(0);
    expect(value(host.dispatch('step', {}))).toEqual({ paused: true, ran: 1 });
    const report = m.debugger.pauseReport!;
    expect(report).toMatchObject({ reason: 'step', breakpoint: null, event: { record: { kind: 'NotifyDelivered', origin: 'device' } } });
    expect(m.apic.total(CPU, IDT)).toBe(1);
    expect(m.debugger.queued).toHaveLength(1);
    expect(value(host.dispatch('runUntilVectorEvent', {}))).toEqual({ paused: true, ran: 1 });
    expect(m.debugger.pauseReport).toMatchObject({ reason: 'until-vector', event: { record: { kind: 'NotifyDelivered', vector: 0 } } });
    expect(m.apic.total(CPU, IDT)).toBe(2);
    expect(value(host.dispatch('continue', {}))).toEqual({ paused: false, ran: 0 });
    expect(value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }))).toEqual({ events: 1, queued: null });
  });

  it('a breakpoint beyond the limit is refused for the request as a whole, not for its spec', () => {
    const host = hostWith(TWO_DEVICES);
    for (let k = 0; k < MAX_BREAKPOINTS; k++) value(host.dispatch('addBreakpoint', { spec: { kind: 'pending', bdf: NIC, vectors: [k % 3] } }));
    expect(host.dispatch('addBreakpoint', { spec: { kind: 'pending', bdf: NIC, vectors: 'any' } })).toEqual({
      ok: false,
      error: `addBreakpoint: there are already ${MAX_BREAKPOINTS} breakpoints: remove one first`,
    });
    expect(host.session.machine.debugger.list()).toHaveLength(MAX_BREAKPOINTS);
  });

  it('paused, a fire beyond the queue limit is refused for the request as a whole, and changes nothing', () => {
    const host = armed();
    unmask(host);
    for (let k = 0; k < APP_DEBUGGER_LIMITS.queued; k++) value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    const before = stateOf(host.session.machine);
    expect(host.dispatch('fireVector', { bdf: NIC, vector: 1 })).toEqual({
      ok: false,
      error: `fireVector: ${APP_DEBUGGER_LIMITS.queued} actions already wait for continue or step: run them first`,
    });
    expect(stateOf(host.session.machine)).toEqual(before);
  });

  it('a qtest clock_step that would fire the sources for minutes is refused at once, on a loaded machine too', () => {
    for (const load of [false, true]) {
      const host = hostWith(TWO_DEVICES);
      if (load) value(host.dispatch('loadMachine', { source: 'text', text: JSON.stringify(TWO_DEVICES) }));
      bringUpNic(host);
      value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 10_000_000 }));
      const before = stateOf(host.session.machine);
      const reply = host.dispatch('qtest', { line: 'clock_step 9007199254740991' });
      expect(JSON.stringify(reply)).toMatch(new RegExp(`advancing to \\d+ ns would fire the interval sources \\d+ times, more than ${APP_DEBUGGER_LIMITS.advanceFirings} at once`));
      expect(stateOf(host.session.machine)).toEqual(before);
      // What one runner slice may owe at the top rate still goes through.
      expect(value(host.dispatch('qtest', { line: 'clock_step 100000000' }))).toEqual({ reply: 'OK 100000000' });
    }
  });

  it("paused, the user's pokes (config, MMIO, ports) still run and are logged as the user's own", () => {
    const host = armed();
    const m = host.session.machine;
    unmask(host);
    const from = m.log.total;
    expect(value(host.dispatch('readMmio', { address: BAR1, size: 4 }))).toMatchObject({ value: 0xfee01000, status: 'ok' });
    value(host.dispatch('writeMmio', { address: BAR1 + 8, size: 4, value: 0x32 }));
    value(host.dispatch('writeConfig', { bdf: NIC, offset: 0x3c, size: 1, value: 11 }));
    value(host.dispatch('writePort', { port: 0xcf8, size: 4, value: 0x80001800 }));
    expect(value(host.dispatch('readPort', { port: 0xcfc, size: 2 }))).toMatchObject({ value: 0x1af4 });
    expect(value(host.dispatch('readConfig', { bdf: NIC, offset: 0x3c, size: 1 }))).toEqual({ value: 11 });
    const kinds: number[] = [];
    for (let seq = from; seq < m.log.total; seq++) {
      const i = m.log.indexOf(seq);
      expect(m.log.origin[i]).toBe(Origin.User);
      kinds.push(m.log.kind[i]!);
    }
    expect(kinds).toEqual([EventKind.TableRead, EventKind.TableWrite, EventKind.ConfigWrite]);
    expect(m.debugger.paused).toBe(true);
    expect(m.fn(NIC)!.msix!.table[2]).toBe(0x32);
  });
});

describe('pause announcements and the runner', () => {
  it('a pause is announced to every client right after the operation, ahead of the batches', async () => {
    const host = armed();
    const client = new Recorder();
    host.session.attach(client);
    host.session.pump();
    client.sent.length = 0;
    unmask(host);
    expect(client.sent).toHaveLength(0);
    await microtasks();
    expect(client.streams()[0]).toBe('debuggerChanged');
    expect(client.streams()).toContain('timeline');
    const [announced] = client.debuggerStates();
    expect(announced!.paused).toMatchObject({ reason: 'breakpoint', breakpoint: { id: 1 } });
    host.session.pump();
    expect(client.debuggerStates()).toHaveLength(1);
  });

  it('breakpoint edits, resumes from a qtest line and hit counts reach the clients, each once', async () => {
    const host = armed();
    const client = new Recorder();
    host.session.attach(client);
    host.session.pump();
    value(host.dispatch('addBreakpoint', { spec: { kind: 'delivery', cpu: CPU, idtVector: null, tracepoint: true } }));
    await microtasks();
    expect(client.debuggerStates().at(-1)!.breakpoints).toHaveLength(2);
    unmask(host);
    await microtasks();
    expect(value(host.dispatch('qtest', { line: 'continue' }))).toEqual({ reply: 'OK running' });
    host.session.pump();
    expect(client.debuggerStates().at(-1)!.paused).toBeNull();
    const count = client.debuggerStates().length;
    host.session.machine.raise(host.session.machine.fn(NIC)!, 0);
    host.session.pump();
    expect(client.debuggerStates()).toHaveLength(count + 1);
    expect(client.debuggerStates().at(-1)!.breakpoints[1]!.hits).toBe(1);
    host.session.pump();
    expect(client.debuggerStates()).toHaveLength(count + 1);
  });

  it('a newly attached client hears the debugger state at the next pump; a load announces the new machine', async () => {
    const host = armed();
    host.session.pump();
    const late = new Recorder();
    host.session.attach(late);
    host.session.pump();
    expect(late.debuggerStates()[0]!.breakpoints).toHaveLength(1);
    value(host.dispatch('loadMachine', { source: 'preset', preset: 'e1000e' }));
    await microtasks();
    expect(late.debuggerStates().at(-1)!.breakpoints).toEqual([]);
    // The old machine's pauses no longer reach anyone.
    expect(late.streams().at(-1)).not.toBe('machineLoaded');
  });

  it('paused, the runner advances nothing, fires no source, owes no time, and waits a pump interval between looks', () => {
    const host = armed();
    value(host.dispatch('startSource', { bdf: NIC, vector: 1, ratePerSecond: 1_000_000 }));
    unmask(host);
    const m = host.session.machine;
    let t = 0;
    const steps: number[] = [];
    const step = m.step.bind(m);
    m.step = (ns, max) => {
      steps.push(ns);
      return step(ns, max);
    };
    const runner = new MachineRunner(host.session, { now: () => t, maxLagMs: 100 });
    runner.start();
    runner.stop();
    const now = m.clock.now;
    const total = m.log.total;
    t = 50;
    expect(runner.runSlice()).toBe(true);
    expect(steps).toEqual([]);
    expect(m.clock.now).toBe(now);
    expect(m.log.total).toBe(total);
    value(host.dispatch('continue', {}));
    t = 51;
    runner.runSlice();
    // Only the 1 ms since the last look is simulated, not the 50 ms spent paused.
    expect(m.clock.now - now).toBe(1_000_000);
  });

  it('paused, the running runner only pumps, once per pump interval', () => {
    vi.useFakeTimers();
    try {
      const host = armed();
      unmask(host);
      const client = new Recorder();
      host.session.attach(client);
      const runner = new MachineRunner(host.session, { pumpIntervalMs: 10, idleMs: 1, now: () => Date.now() });
      const clock = host.session.machine.clock.now;
      let slices = 0;
      const runSlice = runner.runSlice.bind(runner);
      runner.runSlice = () => {
        slices++;
        return runSlice();
      };
      runner.start();
      vi.advanceTimersByTime(100);
      runner.stop();
      expect(host.session.machine.clock.now).toBe(clock);
      // One look per 10 ms, not one per idle millisecond: nothing spins while nothing can happen.
      expect(slices).toBe(11);
      expect(client.streams()).toContain('debuggerChanged');
    } finally {
      vi.useRealTimers();
    }
  });
});
