import { describe, expect, it } from 'vitest';
import { Guest, MASKALL, ENABLE, CTRL, DATA, CAP, apicAddress, eventsSince, NIC, BAR1 } from '../machine/guest';
import { BreakpointDetail, Origin, ACCESS_WRITE } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { BreakpointSpecInput, DebuggerState, PauseReport } from '../../src-shared/debugger/breakpoints';
import { MAX_BREAKPOINTS } from '../../src-main/machine/debugger/debugger';

/** A NIC with MSI-X enabled, vectors 0..3 in use and programmed (masked) to CPU v, IDT 0x40+v. */
function nic(): Guest {
  const g = Guest.nic({ vectors: 4, used: 'all' });
  g.writeControl(ENABLE);
  for (let v = 0; v < 4; v++) g.program(v, apicAddress(v), 0x40 + v, true);
  return g;
}

function add(g: Guest, spec: BreakpointSpecInput, enabled = true): number {
  const r = g.machine.debugger.add(spec, enabled);
  if (!r.ok) throw new Error(r.error);
  return r.value.id;
}

function pauses(g: Guest): PauseReport[] {
  const seen: PauseReport[] = [];
  g.machine.debugger.onPause((r) => seen.push(r));
  return seen;
}

const kindName = (g: Guest, seq: number): string => eventsSince(g.machine.log, seq)[0]!.kind;

describe('unmask breakpoints', () => {
  it('U2: pauses right after the VectorUnmasked event, naming the breakpoint, the event and the vector state', () => {
    const g = nic();
    g.engine.notify(1); // pends: the vector is masked
    const id = add(g, { kind: 'unmask', bdf: NIC, vectors: [1] });
    const seen = pauses(g);
    g.writeEntry(1, CTRL, 0);
    expect(seen).toHaveLength(1);
    const r = seen[0]!;
    expect(r.reason).toBe('breakpoint');
    expect(r.breakpoint).toMatchObject({ id, hits: 1, enabled: true });
    expect(r.event.record).toMatchObject({ kind: 'VectorUnmasked', bdf: '00:03.0', vector: 1, detail: 0 });
    expect(kindName(g, r.event.seq)).toBe('VectorUnmasked');
    // State right after the event: unmasked, still pending (U3 clears it just after).
    expect(r.vector).toEqual({ bdf: NIC, vector: 1, masked: false, maskBit: false, pending: true, useCount: 1, delivered: 0, functionMask: false, enabled: true });
    expect(g.machine.clock.halted).toBe(true);
    expect(g.machine.debugger.paused).toBe(true);
    // The Breakpoint marker follows the event that hit, attributed to the machine, on the same vector.
    const log = g.machine.log;
    const m = log.indexOf(r.markerSeq);
    expect(r.markerSeq).toBe(r.event.seq + 1);
    expect([log.kind[m], log.detail[m], log.a[m], log.b[m], log.c[m], log.vector[m], log.origin[m]]).toEqual([
      EventKind.Breakpoint,
      BreakpointDetail.Stop,
      id,
      r.event.seq,
      0,
      1,
      Origin.Machine,
    ]);
    // The write itself ran to its end (a guest access is atomic): U3 delivered the pending message.
    expect(g.engine.delivered[1]).toBe(1);
  });

  it('matches one vector, a list or any, on one device', () => {
    const g = nic();
    add(g, { kind: 'unmask', bdf: NIC, vectors: [0, 2] });
    const seen = pauses(g);
    g.writeEntry(1, CTRL, 0);
    expect(seen).toHaveLength(0);
    g.writeEntry(2, CTRL, 0);
    expect(seen.map((r) => r.event.record.vector)).toEqual([2]);
    const h = nic();
    add(h, { kind: 'unmask', bdf: null, vectors: 'any' });
    const any = pauses(h);
    h.writeEntry(3, CTRL, 0);
    expect(any.map((r) => r.event.record.vector)).toEqual([3]);
  });

  it('M1/C4: tells an unmask by the vector bit from one by Function Mask and one by Enable', () => {
    const g = Guest.nic({ vectors: 2, used: 'all' });
    for (let v = 0; v < 2; v++) g.program(v, apicAddress(0), 0x40 + v, false);
    add(g, { kind: 'unmask', bdf: NIC, vectors: 'any', causes: ['enable'] });
    add(g, { kind: 'unmask', bdf: NIC, vectors: 'any', causes: ['function-mask'] });
    const seen = pauses(g);
    g.writeControl(ENABLE);
    expect(seen.map((r) => [r.breakpoint!.id, r.event.record.vector])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    g.writeControl(ENABLE | MASKALL);
    g.writeControl(ENABLE);
    expect(seen.slice(2).map((r) => [r.breakpoint!.id, r.event.record.vector])).toEqual([
      [2, 0],
      [2, 1],
    ]);
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(0, CTRL, 0); // by its own bit: neither breakpoint
    expect(seen).toHaveLength(4);
  });
});

describe('notify and pending breakpoints', () => {
  it('N1-N3: stops on the outcome asked for only', () => {
    const g = nic();
    g.writeEntry(0, CTRL, 0);
    const delivered = add(g, { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['delivered'] });
    const pended = add(g, { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['pended'] });
    const dropped = add(g, { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['dropped'] });
    const seen = pauses(g);
    g.engine.notify(0);
    g.engine.notify(1);
    g.engine.unuse(2);
    g.engine.notify(2);
    expect(seen.map((r) => [r.breakpoint!.id, r.event.record.kind])).toEqual([
      [delivered, 'NotifyDelivered'],
      [pended, 'NotifyPended'],
      [dropped, 'NotifyDropped'],
    ]);
  });

  it('A2: a message written to memory counts as delivered', () => {
    const g = nic();
    g.program(0, 0x100, 0xabcd, false);
    add(g, { kind: 'notify', bdf: NIC, vectors: [0], outcomes: ['delivered'] });
    const seen = pauses(g);
    g.engine.notify(0);
    expect(seen.map((r) => r.event.record.kind)).toEqual(['NotifyToMemory']);
  });

  it('X3/N2: a pending bit set by msix_load hits a pending breakpoint, and no notify breakpoint (it is no notify)', () => {
    const g = nic();
    g.engine.notify(2);
    const saved = g.engine.save();
    g.engine.notify(3);
    const pending = add(g, { kind: 'pending', bdf: NIC, vectors: 'any', tracepoint: true });
    const pended = add(g, { kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['pended'], tracepoint: true });
    const from = g.machine.log.total;
    expect(g.engine.load(saved).ok).toBe(true);
    const hits = eventsSince(g.machine.log, from).filter((e) => e.kind === 'Breakpoint');
    expect(hits.map((e) => [e.a, e.vector])).toEqual([[pending, 2]]);
    expect(g.machine.debugger.list().find((b) => b.id === pended)!.hits).toBe(0);
  });

  it('N2: a pending breakpoint hits when the bit goes from 0 to 1, not when it is already set', () => {
    const g = nic();
    add(g, { kind: 'pending', bdf: NIC, vectors: [3] });
    const seen = pauses(g);
    g.engine.notify(3);
    g.machine.debugger.continue();
    g.engine.notify(3);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event.record).toMatchObject({ kind: 'NotifyPended', detail: 1 });
    expect(seen[0]!.vector).toMatchObject({ pending: true, masked: true });
  });
});

describe('config write breakpoints', () => {
  it('B1: hits on a write whose bytes touch the range, and the value condition sees the bytes in the range', () => {
    const g = nic();
    // Message Control (cap+2, 2 bytes), only when Function Mask gets set.
    add(g, { kind: 'config-write', bdf: NIC, offset: CAP + 2, length: 2, condition: { value: { equals: MASKALL, mask: MASKALL } } });
    const seen = pauses(g);
    g.cfgWrite(CAP + 2, 2, ENABLE); // in range, condition false
    g.cfgWrite(0x3c, 1, 5); // out of range
    g.cfgWrite(CAP, 4, ((ENABLE | MASKALL) << 16) | 0x11); // a dword write covering the range
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event.record).toMatchObject({ kind: 'ConfigWrite', a: CAP, detail: 4 });
    expect(seen[0]!.vector).toBeNull();
    expect(g.machine.debugger.list()[0]!.hits).toBe(1);
  });

  it('hit count >= N stops from the Nth matching write on, counting every match', () => {
    const g = nic();
    add(g, { kind: 'config-write', bdf: null, offset: 0x3c, length: 1, condition: { minHits: 3 } });
    const seen = pauses(g);
    for (let k = 0; k < 4; k++) g.cfgWrite(0x3c, 1, k);
    expect(seen.map((r) => r.breakpoint!.hits)).toEqual([3, 4]);
  });
});

describe('access breakpoints', () => {
  it('logs and stops on an MMIO access in the range, with the direction asked for', () => {
    const g = nic();
    expect(g.machine.memory.watch).toBeNull();
    add(g, { kind: 'access', space: 'memory', start: 0x1000, length: 0x10, direction: 'write' });
    expect(g.machine.memory.watch).not.toBeNull();
    expect(g.machine.io.watch).toBeNull();
    const seen = pauses(g);
    const before = g.machine.log.total;
    g.read(0x1004, 4); // RAM read: wrong direction, and not logged (not watched for reads)
    g.write(0x2000, 4, 1); // outside
    expect(g.machine.log.total).toBe(before);
    g.write(0x100e, 4, 0xdeadbeef); // an unaligned write straddling the end of the range
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event.record).toMatchObject({ kind: 'Access', a: 0x100e, c: 0xdeadbeef, detail: 4 | ACCESS_WRITE });
    // The access ran: RAM holds the value.
    g.machine.debugger.continue();
    expect(g.read(0x100e, 4)).toBe(0xdeadbeef);
  });

  it('watches port I/O and a table entry; removing the breakpoint removes the watch', () => {
    const g = nic();
    const port = add(g, { kind: 'access', space: 'io', start: 0xcfc, length: 4, direction: 'read' });
    const table = add(g, { kind: 'access', space: 'memory', start: BAR1 + 16 + DATA, length: 4, direction: 'both', condition: { value: { equals: 0x41 } } });
    const seen = pauses(g);
    g.machine.io.write(0xcf8, 4, 0x80001800);
    g.machine.io.read(0xcfc, 4);
    g.readEntry(1, DATA);
    expect(seen.map((r) => [r.breakpoint!.id, r.event.record.kind, r.event.record.bdf])).toEqual([
      [port, 'Access', null],
      [table, 'Access', '00:03.0'],
    ]);
    g.machine.debugger.remove(port);
    g.machine.debugger.remove(table);
    expect(g.machine.io.watch).toBeNull();
    expect(g.machine.memory.watch).toBeNull();
  });
});

describe('delivery breakpoints', () => {
  it('A1: matches the CPU and the IDT vector the message reaches', () => {
    const g = nic();
    for (let v = 0; v < 4; v++) g.writeEntry(v, CTRL, 0);
    add(g, { kind: 'delivery', cpu: 2, idtVector: null });
    add(g, { kind: 'delivery', cpu: null, idtVector: 0x43 });
    const seen = pauses(g);
    for (let v = 0; v < 4; v++) g.engine.notify(v);
    expect(seen.map((r) => [r.breakpoint!.id, r.event.record.a, r.event.record.b & 0xff])).toEqual([
      [1, 2, 0x42],
      [2, 3, 0x43],
    ]);
  });

  it('A1: a broadcast reaches every CPU, a lowest-priority logical message only the lowest', () => {
    const g = nic();
    g.program(0, apicAddress(0xff), 0x50, false);
    g.program(1, apicAddress(0b1100, true), 0x151, false); // logical, CPUs 2 and 3, lowest priority
    add(g, { kind: 'delivery', cpu: 3, idtVector: null });
    const seen = pauses(g);
    g.engine.notify(0);
    g.machine.debugger.continue();
    g.engine.notify(1); // goes to CPU 2 only
    expect(seen.map((r) => r.event.record.b & 0xff)).toEqual([0x50]);
  });
});

describe('tracepoints, enabling and the bare hot path', () => {
  it('a tracepoint logs a Breakpoint event and never stops', () => {
    const g = nic();
    const id = add(g, { kind: 'pending', bdf: NIC, vectors: 'any', tracepoint: true });
    const seen = pauses(g);
    g.engine.notify(0);
    g.engine.notify(1);
    expect(seen).toHaveLength(0);
    expect(g.machine.clock.halted).toBe(false);
    const marks = eventsSince(g.machine.log, 0).filter((e) => e.kind === 'Breakpoint');
    expect(marks.map((e) => [e.detail, e.a, e.vector])).toEqual([
      [BreakpointDetail.Trace, id, 0],
      [BreakpointDetail.Trace, id, 1],
    ]);
  });

  it('a disabled breakpoint neither counts nor stops, and with none enabled the log has no tap', () => {
    const g = nic();
    expect(g.machine.log.tap).toBeNull();
    const id = add(g, { kind: 'pending', bdf: NIC, vectors: 'any' }, false);
    expect(g.machine.log.tap).toBeNull();
    g.engine.notify(0);
    expect(g.machine.debugger.list()[0]!.hits).toBe(0);
    g.machine.debugger.setEnabled(id, true);
    expect(g.machine.log.tap).not.toBeNull();
    g.engine.notify(1);
    expect(g.machine.debugger.paused).toBe(true);
    expect(g.machine.debugger.remove(id)).toBe(true);
    expect(g.machine.log.tap).toBeNull();
  });

  it('refuses a bad spec with the field named, adding nothing', () => {
    const g = nic();
    const dbg = g.machine.debugger;
    const cases: [unknown, RegExp][] = [
      [{ kind: 'unmask', bdf: NIC, vectors: [4] }, /vectors: 4 out of range 0\.\.3/],
      [{ kind: 'unmask', bdf: 0x20, vectors: 'any' }, /bdf: no device at 00:04\.0/],
      [{ kind: 'notify', bdf: NIC, vectors: 'any', outcomes: ['lost'] }, /outcomes\[0\]/],
      [{ kind: 'pending', bdf: NIC, vectors: 'any', condition: { value: { equals: 1 } } }, /condition\.value: a pending breakpoint has no value/],
      [{ kind: 'delivery', cpu: 4, idtVector: null }, /cpu: the machine has CPUs 0\.\.3/],
      [{ kind: 'delivery', cpu: null, idtVector: null }, /cpu: name a CPU, an IDT vector or both/],
      [{ kind: 'config-write', bdf: NIC, offset: 0xff, length: 2 }, /runs past the 256-byte config space/],
      [{ kind: 'access', space: 'io', start: 0xfffe, length: 4 }, /length: range runs past the end of io space/],
      [{ kind: 'watch' }, /kind must be one of/],
    ];
    for (const [spec, error] of cases) {
      const r = dbg.add(spec);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    }
    expect(dbg.list()).toEqual([]);
    expect(g.machine.log.tap).toBeNull();
  });
});

describe('pausing, the queue, continue, step and run-until-vector', () => {
  it('halting stops the clock and the interval sources mid-advance; the rest of the advance waits in the queue', () => {
    const g = nic();
    g.writeEntry(0, CTRL, 0);
    g.machine.startSource(g.fn, 0, 1000); // every 1 ms
    add(g, { kind: 'notify', bdf: NIC, vectors: [0], outcomes: ['delivered'], condition: { minHits: 3 } });
    const dbg = g.machine.debugger;
    const outcome = dbg.perform({ kind: 'advance', targetNs: 10e6 });
    expect(outcome).toEqual({ ok: true, status: 'interrupted', position: 1 });
    expect(g.machine.clock.now).toBe(3e6);
    expect(g.engine.delivered[0]).toBe(3);
    // Sources do not fire while paused, and the host's own advances are no-ops.
    expect(g.machine.step(5e6)).toBe(false);
    expect(g.machine.clock.now).toBe(3e6);
    expect(dbg.queued).toEqual([{ kind: 'advance', targetNs: 10e6 }]);
    // The breakpoint stops at every hit from the third on: continue runs 1 ms more at a time.
    expect(dbg.continue()).toEqual({ ok: true, paused: true, ran: 0 });
    expect(g.machine.clock.now).toBe(4e6);
    dbg.setEnabled(1, false);
    expect(dbg.continue()).toEqual({ ok: true, paused: false, ran: 1 });
    expect(g.machine.clock.now).toBe(10e6);
    expect(g.engine.delivered[0]).toBe(10);
  });

  it('while paused, guest accesses run and device-side actions queue in order until continue', () => {
    const g = nic();
    add(g, { kind: 'unmask', bdf: NIC, vectors: [0] });
    const dbg = g.machine.debugger;
    g.writeEntry(0, CTRL, 0);
    expect(dbg.paused).toBe(true);
    expect(dbg.perform({ kind: 'notify', bdf: NIC, vector: 0 })).toEqual({ ok: true, status: 'queued', position: 1 });
    expect(dbg.perform({ kind: 'raise', bdf: NIC, vector: 1 })).toEqual({ ok: true, status: 'queued', position: 2 });
    expect(dbg.perform({ kind: 'notify', bdf: 0x20, vector: 0 })).toEqual({ ok: false, error: 'no device at 00:04.0' });
    expect(g.engine.delivered[0]).toBe(0);
    g.writeEntry(1, CTRL, 0); // a guest access: runs now
    expect(g.engine.isMasked(1)).toBe(false);
    const mark = g.machine.log.total;
    expect(dbg.continue()).toEqual({ ok: true, paused: false, ran: 2 });
    expect(eventsSince(g.machine.log, mark).map((e) => [e.kind, e.vector])).toEqual([
      ['NotifyDelivered', 0],
      ['NotifyDelivered', 1],
    ]);
    expect(g.machine.clock.halted).toBe(false);
    expect(dbg.continue()).toEqual({ ok: false, error: 'the machine is not paused' });
  });

  it('a hit while the queue runs pauses again and leaves the rest queued', () => {
    const g = nic();
    for (let v = 0; v < 4; v++) g.writeEntry(v, CTRL, 0);
    add(g, { kind: 'notify', bdf: NIC, vectors: [1], outcomes: ['delivered'] });
    const dbg = g.machine.debugger;
    const seen = pauses(g);
    g.engine.notify(1);
    for (const v of [0, 1, 2]) dbg.perform({ kind: 'notify', bdf: NIC, vector: v });
    expect(dbg.continue()).toEqual({ ok: true, paused: true, ran: 2 });
    expect(seen).toHaveLength(2);
    expect(dbg.queued).toEqual([{ kind: 'notify', bdf: NIC, vector: 2 }]);
  });

  it('step pauses after the next event, whichever action logs it', () => {
    const g = nic();
    g.writeEntry(0, CTRL, 0);
    add(g, { kind: 'notify', bdf: NIC, vectors: [0], outcomes: ['delivered'] });
    const dbg = g.machine.debugger;
    const seen = pauses(g);
    g.engine.notify(0);
    dbg.perform({ kind: 'notify', bdf: NIC, vector: 2 });
    dbg.perform({ kind: 'notify', bdf: NIC, vector: 3 });
    expect(dbg.step()).toEqual({ ok: true, paused: true, ran: 1 });
    expect(seen[1]).toMatchObject({ reason: 'step', breakpoint: null, event: { record: { kind: 'NotifyPended', vector: 2 } } });
    const m = g.machine.log.indexOf(seen[1]!.markerSeq);
    expect([g.machine.log.kind[m], g.machine.log.detail[m], g.machine.log.a[m]]).toEqual([EventKind.Breakpoint, BreakpointDetail.Step, 0]);
    // With the queue drained and nothing logged, step leaves the machine running until the next event.
    expect(dbg.step()).toEqual({ ok: true, paused: true, ran: 1 });
    expect(dbg.step()).toEqual({ ok: true, paused: false, ran: 0 });
    expect(g.machine.log.tap).not.toBeNull();
    g.read(BAR1 + 0x800, 4); // the guest's PBA read is the next event
    expect(seen.at(-1)).toMatchObject({ reason: 'step', event: { record: { kind: 'PbaRead' } } });
  });

  it('runs until the next event of the vector paused at, passing others', () => {
    const g = nic();
    for (let v = 0; v < 4; v++) g.writeEntry(v, CTRL, 0);
    add(g, { kind: 'notify', bdf: NIC, vectors: [2], outcomes: ['delivered'] });
    const dbg = g.machine.debugger;
    const seen = pauses(g);
    g.engine.notify(2);
    for (const v of [0, 1, 3]) dbg.perform({ kind: 'notify', bdf: NIC, vector: v });
    dbg.perform({ kind: 'raise', bdf: NIC, vector: 2 });
    // The raise that pauses still finishes: it counts as run.
    expect(dbg.runUntilVectorEvent()).toEqual({ ok: true, paused: true, ran: 4 });
    // The breakpoint and the until both stop at the same event: the breakpoint is the reason.
    expect(seen.map((r) => [r.reason, r.event.record.vector])).toEqual([
      ['breakpoint', 2],
      ['breakpoint', 2],
    ]);
    dbg.remove(1);
    dbg.perform({ kind: 'notify', bdf: NIC, vector: 3 });
    dbg.perform({ kind: 'notify', bdf: NIC, vector: 1 });
    expect(dbg.runUntilVectorEvent({ bdf: NIC, vector: 1 })).toEqual({ ok: true, paused: true, ran: 2 });
    expect(seen.at(-1)).toMatchObject({ reason: 'until-vector', event: { record: { vector: 1, kind: 'NotifyDelivered' } } });
    expect(dbg.runUntilVectorEvent({ bdf: NIC, vector: 9 })).toEqual({ ok: false, error: 'vector 9 out of range 0..3' });
  });

  it('state() round-trips through restore(), and restore refuses a breakpoint the machine cannot hold', () => {
    const g = nic();
    add(g, { kind: 'unmask', bdf: NIC, vectors: [1], condition: { minHits: 2 } });
    add(g, { kind: 'delivery', cpu: 1, idtVector: 0x41, tracepoint: true }, false);
    g.engine.notify(1);
    g.writeEntry(1, CTRL, 0);
    g.writeEntry(1, CTRL, 1);
    g.writeEntry(1, CTRL, 0);
    g.machine.debugger.perform({ kind: 'advance', targetNs: 500 });
    const state = JSON.parse(JSON.stringify(g.machine.debugger.state()));
    expect(state.paused.breakpoint.hits).toBe(2);
    const h = nic();
    expect(h.machine.debugger.restore(state)).toMatchObject({ ok: true });
    expect(h.machine.debugger.state()).toEqual(state);
    expect(h.machine.clock.halted).toBe(true);
    const small = Guest.nic({ vectors: 1 });
    const r = small.machine.debugger.restore(state);
    expect(r).toEqual({ ok: false, error: 'breakpoint 1: vectors: 1 out of range 0..0 on 00:03.0' });
    expect(small.machine.debugger.list()).toEqual([]);
    expect(h.machine.debugger.restore({ ...state, paused: null, mode: 'until-vector' })).toMatchObject({ ok: false, error: expect.stringMatching(/needs its vector/) });
    expect(h.machine.debugger.restore({ ...state, paused: null, mode: 'until-vector', until: { bdf: NIC, vector: 7 } })).toEqual({ ok: false, error: 'debugger state: vector 7 out of range 0..3' });
    expect(h.machine.debugger.state()).toEqual(state);
  });
});

describe('limits on what waits and what one advance may run', () => {
  /** Paused at an unmask of vector 0. */
  function pausedNic(): Guest {
    const g = nic();
    add(g, { kind: 'unmask', bdf: NIC, vectors: [0] });
    g.writeEntry(0, CTRL, 0);
    expect(g.machine.debugger.paused).toBe(true);
    return g;
  }

  it('advances unbounded by default, as in QEMU, the queue at 1024; with a queue limit, one action more is refused, queueing nothing', () => {
    const g = pausedNic();
    const dbg = g.machine.debugger;
    expect(dbg.limits).toEqual({ queued: 1024, advanceFirings: Infinity });
    dbg.limits = { ...dbg.limits, queued: 3 };
    for (let k = 0; k < 3; k++) expect(dbg.perform({ kind: 'notify', bdf: NIC, vector: 1 })).toMatchObject({ ok: true, status: 'queued' });
    expect(dbg.perform({ kind: 'raise', bdf: NIC, vector: 2 })).toEqual({ ok: false, error: '3 actions already wait for continue or step: run them first' });
    expect(dbg.queued).toEqual([1, 2, 3].map(() => ({ kind: 'notify', bdf: NIC, vector: 1 })));
    expect(dbg.continue()).toEqual({ ok: true, paused: false, ran: 3 });
  });

  it('with an advance limit, an advance that would fire the sources more often is refused before anything moves', () => {
    const g = nic();
    g.writeEntry(0, CTRL, 0);
    g.machine.startSource(g.fn, 0, 1e6); // every µs
    const dbg = g.machine.debugger;
    dbg.limits = { ...dbg.limits, advanceFirings: 1000 };
    const total = g.machine.log.total;
    expect(dbg.perform({ kind: 'advance', targetNs: 1e15 })).toEqual({
      ok: false,
      error: 'advancing to 1000000000000000 ns would fire the interval sources 1000000000000 times, more than 1000 at once: advance in smaller steps',
    });
    expect(dbg.perform({ kind: 'advance', targetNs: 2 ** 60 })).toEqual({
      ok: false,
      error: 'cannot advance the clock: 1.1529e+18 ns is past the end of virtual time (2^53 - 1 = 9007199254740991 ns, about 104 days)',
    });
    expect(g.machine.clock.now).toBe(0);
    expect(g.machine.log.total).toBe(total);
    expect(dbg.perform({ kind: 'advance', targetNs: 1000e3 })).toEqual({ ok: true, status: 'done' });
    expect(g.engine.delivered[0]).toBe(1000);
  });

  it('continue refuses to run a queued advance that has grown past the limit, and stays paused', () => {
    const g = pausedNic();
    const dbg = g.machine.debugger;
    dbg.limits = { ...dbg.limits, advanceFirings: 1000 };
    // Queued while no source runs: nothing to fire then.
    expect(dbg.perform({ kind: 'advance', targetNs: 1e15 })).toMatchObject({ ok: true, status: 'queued' });
    g.machine.startSource(g.fn, 1, 1e6);
    const before = dbg.state();
    expect(dbg.continue()).toEqual({
      ok: false,
      error: 'the queued advance to 1000000000000000 ns would now fire the interval sources 1000000000000 times, more than 1000 at once: stop a source first',
    });
    expect(dbg.step()).toMatchObject({ ok: false });
    expect(dbg.state()).toEqual(before);
    expect(g.machine.clock.halted).toBe(true);
    g.machine.stopSource(NIC, 1);
    expect(dbg.continue()).toEqual({ ok: true, paused: false, ran: 1 });
    expect(g.machine.clock.now).toBe(1e15);
  });

  it('the list holds at most MAX_BREAKPOINTS; one more is refused, adding nothing', () => {
    const g = nic();
    const dbg = g.machine.debugger;
    for (let k = 0; k < MAX_BREAKPOINTS; k++) add(g, { kind: 'pending', bdf: NIC, vectors: [k % 4] });
    const before = dbg.state();
    expect(dbg.add({ kind: 'pending', bdf: NIC, vectors: 'any' })).toEqual({ ok: false, error: `there are already ${MAX_BREAKPOINTS} breakpoints: remove one first` });
    expect(dbg.state()).toEqual(before);
    const over = { ...before, breakpoints: [...before.breakpoints, { ...before.breakpoints[0]!, id: before.nextId }], nextId: before.nextId + 1 };
    expect(nic().machine.debugger.restore(over)).toEqual({ ok: false, error: `debugger state: ${MAX_BREAKPOINTS + 1} breakpoints, more than ${MAX_BREAKPOINTS}` });
  });

  it('restore refuses a queue without a pause and two breakpoints with one id', () => {
    const g = pausedNic();
    g.machine.debugger.perform({ kind: 'notify', bdf: NIC, vector: 1 });
    const state = JSON.parse(JSON.stringify(g.machine.debugger.state())) as DebuggerState;
    const h = nic();
    const before = h.machine.debugger.state();
    expect(h.machine.debugger.restore({ ...state, paused: null })).toEqual({
      ok: false,
      error: 'debugger state: 1 queued action but the machine is not paused (nothing would ever run it)',
    });
    const twins = [...state.breakpoints, { ...state.breakpoints[0]!, enabled: false }];
    expect(h.machine.debugger.restore({ ...state, breakpoints: twins })).toEqual({ ok: false, error: 'breakpoint 1 is listed twice' });
    expect(h.machine.debugger.state()).toEqual(before);
    expect(h.machine.clock.halted).toBe(false);
  });
});

describe('the vector state in a pause report', () => {
  it('N3: a delivered notify that hits a breakpoint is already counted in the reported deliveries', () => {
    const g = nic();
    g.setup();
    g.writeEntry(2, CTRL, 0);
    add(g, { kind: 'notify', bdf: NIC, vectors: [2], outcomes: ['delivered'] });
    const seen = pauses(g);
    g.engine.notify(2);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.vector).toMatchObject({ vector: 2, delivered: 1 });
    expect(g.engine.delivered[2]).toBe(1);
  });

  it('N3: a message that reaches nothing is not counted as delivered', () => {
    const g = nic();
    g.setup();
    g.program(3, 0x7fff0000, 0x43);
    g.engine.notify(3);
    expect(g.engine.delivered[3]).toBe(0);
  });
});
