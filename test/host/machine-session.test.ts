import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import type { SessionClient } from '../../src-main/host/machine-session';
import { decodeBatch, type DecodedBatch } from '../../src-shared/timeline/wire';
import type { StreamName, StreamPayload } from '../../src-shared/ipc/contract';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { machineOf, targetOf } from '../target-machine';

class RecordingClient implements SessionClient {
  batches: DecodedBatch[] = [];
  events: { stream: StreamName; payload: unknown }[] = [];
  isReady = true;
  ready(): boolean {
    return this.isReady;
  }
  send<S extends StreamName>(stream: S, payload: StreamPayload<S>): void {
    if (stream === 'timeline') {
      const decoded = decodeBatch(payload as ArrayBuffer);
      if (!decoded.ok) throw new Error(decoded.error);
      this.batches.push(decoded.batch);
    } else this.events.push({ stream, payload });
  }
  get received(): number {
    return this.batches.reduce((n, b) => n + b.columns.kind.length, 0);
  }
  get lost(): number {
    return this.batches.reduce((n, b) => n + b.lost, 0);
  }
  get skipped(): number {
    return this.batches.reduce((n, b) => n + b.skipped, 0);
  }
}

const SMALL_LOG = { ...TWO_DEVICES, eventLogCapacity: 16 };

/** Appends n events (INTx disabled drops: one event per fire with MSI-X off and Command bit 10 set). */
function makeEvents(host: ReturnType<typeof hostWith>, n: number): void {
  const fn = machineOf(host.session).fn(NIC)!;
  fn.config.set(4, 2, 0x400);
  for (let i = 0; i < n; i++) machineOf(host.session).raise(fn, 0);
}

describe('machine session pump', () => {
  it('sends every retained event to a new client, in order, in batches no larger than the limit', () => {
    const host = hostWith(TWO_DEVICES, { pump: { maxBatchEvents: 10, maxBatchesPerPump: 2 } });
    makeEvents(host, 45);
    const client = new RecordingClient();
    host.session.attach(client);
    host.session.pump();
    expect(client.batches.map((b) => b.columns.kind.length)).toEqual([10, 10]);
    for (let i = 0; i < 3; i++) host.session.pump();
    expect(client.batches.map((b) => b.firstSeq)).toEqual([0, 10, 20, 30, 40]);
    expect(client.received).toBe(45);
    expect(client.batches.at(-1)).toMatchObject({ total: 45, evicted: 0, lost: 0 });
  });

  it('reports the backlog of the slowest client', () => {
    const host = hostWith(TWO_DEVICES, { pump: { maxBatchEvents: 10, maxBatchesPerPump: 1 } });
    const fast = new RecordingClient();
    const slow = new RecordingClient();
    host.session.attach(fast);
    host.session.attach(slow);
    makeEvents(host, 25);
    slow.isReady = false;
    host.session.pump();
    expect(host.session.backlog).toBe(25);
    slow.isReady = true;
    host.session.pump();
    expect(host.session.backlog).toBe(15);
  });

  it('never sends more than maxBatchesPerPump messages to a client per pump', () => {
    const host = hostWith(TWO_DEVICES, { pump: { maxBatchEvents: 4, maxBatchesPerPump: 3 } });
    const client = new RecordingClient();
    host.session.attach(client);
    makeEvents(host, 100);
    host.session.pump();
    expect(client.batches).toHaveLength(3);
  });

  it('counts exactly the events overwritten before they could be sent', () => {
    const host = hostWith(SMALL_LOG, { pump: { maxBatchEvents: 1000, maxBatchesPerPump: 2 } });
    const client = new RecordingClient();
    host.session.attach(client);
    makeEvents(host, 40);
    host.session.pump();
    expect(client.batches).toHaveLength(1);
    expect(client.batches[0]).toMatchObject({ firstSeq: 24, lost: 24, total: 40, evicted: 24 });
    expect(client.received).toBe(16);
  });

  it('skips a client that is not ready; what is overwritten meanwhile is reported lost', () => {
    const host = hostWith(SMALL_LOG);
    const client = new RecordingClient();
    host.session.attach(client);
    makeEvents(host, 10);
    client.isReady = false;
    host.session.pump();
    expect(client.batches).toHaveLength(0);
    makeEvents(host, 20);
    client.isReady = true;
    host.session.pump();
    expect(client.received + client.lost).toBe(30);
    expect(client.lost).toBe(14);
  });

  it('received + lost + skipped always equals total, whatever the interleaving of events, pumps and stalls', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { maxLength: 30 }), (steps) => {
        const host = hostWith(SMALL_LOG, { pump: { maxBatchEvents: 5, maxBatchesPerPump: 2, maxLiveEventsPerPump: 7 } });
        const client = new RecordingClient();
        host.session.attach(client);
        for (const [n, ready] of steps) {
          makeEvents(host, n);
          client.isReady = ready;
          host.session.pump();
        }
        client.isReady = true;
        for (let i = 0; i < 10; i++) host.session.pump();
        const total = machineOf(host.session).log.total;
        expect(client.received + client.lost + client.skipped).toBe(total);
        let next = 0;
        for (const b of client.batches) {
          expect(b.firstSeq).toBe(next + b.lost + b.skipped);
          next = b.firstSeq + b.columns.kind.length;
        }
      }),
    );
  });

  it('a stream that outruns the screen jumps to the newest events; the skipped ones stay in the history, none lost', () => {
    const host = hostWith(TWO_DEVICES, { pump: { maxLiveEventsPerPump: 8 } });
    const client = new RecordingClient();
    host.session.attach(client);
    makeEvents(host, 100);
    host.session.pump();
    expect(client.batches).toHaveLength(1);
    expect(client.batches[0]).toMatchObject({ firstSeq: 92, skipped: 92, lost: 0, total: 100 });
    expect(client.received).toBe(8);
    expect(host.session.history.retained).toBe(100);
    makeEvents(host, 3);
    host.session.pump();
    expect(client.batches[1]).toMatchObject({ firstSeq: 100, skipped: 0, lost: 0 });
  });

  it('sends an empty heartbeat batch when idle, carrying counts and virtual time', () => {
    let now = 0;
    const host = hostWith(TWO_DEVICES);
    const session = new (host.session.constructor as typeof import('../../src-main/host/machine-session').MachineSession)(
      { target: targetOf(machineOf(host.session)), name: 'x', preset: null },
      { maxBatchEvents: 100, maxBatchesPerPump: 2, heartbeatMs: 250, maxLiveEventsPerPump: 1000 },
      () => now,
    );
    const client = new RecordingClient();
    session.attach(client);
    session.pump();
    expect(client.batches).toHaveLength(1);
    now = 100;
    session.pump();
    expect(client.batches).toHaveLength(1);
    machineOf(host.session).step(5000);
    now = 300;
    session.pump();
    expect(client.batches).toHaveLength(2);
    expect(client.batches[1]).toMatchObject({ now: 5000, lost: 0 });
    expect(client.batches[1]!.columns.kind.length).toBe(0);
  });

  it('tells clients which devices changed, and not for reads', () => {
    const host = hostWith(TWO_DEVICES);
    const client = new RecordingClient();
    host.session.attach(client);
    const notices = () => client.events.filter((e) => e.stream === 'deviceStateChanged');
    bringUpNic(host);
    host.session.pump();
    expect(notices()).toEqual([{ stream: 'deviceStateChanged', payload: { bdfs: [NIC], registers: [NIC] } }]);
    value(host.dispatch('readMmio', { address: BAR1, size: 4 }));
    host.session.pump();
    expect(notices()).toHaveLength(1);
    value(host.dispatch('resetMachine', {}));
    host.session.pump();
    expect(notices()[1]).toEqual({ stream: 'deviceStateChanged', payload: { bdfs: [NIC, 0x28], registers: [NIC, 0x28] } });
  });

  it('a simulated machine is not watch-only: its status says nothing of it', () => {
    expect(hostWith(TWO_DEVICES).session.status()).not.toHaveProperty('watchOnly');
  });

  it("says when only an MSI-X function's vectors changed (a flood), so config space need not be read again", () => {
    const host = hostWith(TWO_DEVICES);
    const client = new RecordingClient();
    host.session.attach(client);
    const notices = () => client.events.filter((e) => e.stream === 'deviceStateChanged').map((e) => e.payload);
    bringUpNic(host);
    host.session.pump();
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    value(host.dispatch('writeMmio', { address: BAR1 + 12, size: 4, value: 1 }));
    host.session.pump();
    expect(notices().at(-1)).toEqual({ bdfs: [NIC], registers: [] });
    // A delivery and then a config write in the same pump: the registers changed too.
    value(host.dispatch('fireVector', { bdf: NIC, vector: 1 }));
    value(host.dispatch('writeConfig', { bdf: NIC, offset: 4, size: 2, value: 0x6 }));
    host.session.pump();
    expect(notices().at(-1)).toEqual({ bdfs: [NIC], registers: [NIC] });
  });

  it("a plain MSI function's vector events change its config space (mask and pending bits live there)", () => {
    const EDU = 0x20;
    const host = hostWith({
      cpus: 1,
      ram: [{ base: 0, size: 0x10000 }],
      devices: [{ bdf: '00:04.0', name: 'edu', vendor: 0x1234, device: 0x11e8, class: 0x00ff00, msi: { vectors: 4, is64bit: true, perVectorMask: true, capOffset: 0x40 } }],
    });
    const client = new RecordingClient();
    host.session.attach(client);
    value(host.dispatch('writeConfig', { bdf: EDU, offset: 0x42, size: 2, value: 0x21 }));
    value(host.dispatch('writeConfig', { bdf: EDU, offset: 0x50, size: 4, value: 0b10 }));
    host.session.pump();
    value(host.dispatch('fireVector', { bdf: EDU, vector: 1 }));
    host.session.pump();
    const notices = client.events.filter((e) => e.stream === 'deviceStateChanged').map((e) => e.payload);
    expect(notices.at(-1)).toEqual({ bdfs: [EDU], registers: [EDU] });
  });

  it('on a load, every client hears machineLoaded and starts over from the new log', () => {
    const host = hostWith(TWO_DEVICES);
    const client = new RecordingClient();
    host.session.attach(client);
    makeEvents(host, 5);
    host.session.pump();
    value(host.dispatch('loadMachine', { source: 'preset', preset: 'e1000e' }));
    expect(client.events.at(-1)).toMatchObject({ stream: 'machineLoaded', payload: { preset: 'e1000e', total: 0 } });
    machineOf(host.session).fn(0x10)!.config.set(4, 2, 0x400);
    machineOf(host.session).raise(machineOf(host.session).fn(0x10)!, 0);
    host.session.pump();
    expect(client.batches.at(-1)).toMatchObject({ firstSeq: 0, total: 1, lost: 0 });
    expect(client.batches.at(-1)!.columns.kind[0]).toBe(EventKind.IntxChanged);
  });

  it('a session opened with overwritten events starts each client at its first retained event, none lost', () => {
    const saved = hostWith(SMALL_LOG);
    makeEvents(saved, 40);
    const data = value(saved.dispatch('saveSession', {})).data;
    const host = hostWith(SMALL_LOG);
    const client = new RecordingClient();
    host.session.attach(client);
    host.session.pump();
    value(host.dispatch('openSession', { data }));
    host.session.pump();
    expect(client.batches.at(-1)).toMatchObject({ firstSeq: 24, total: 40, evicted: 24, lost: 0 });
    expect(client.lost).toBe(0);
    // Exactly what a window attached afterwards is sent.
    const late = new RecordingClient();
    host.session.attach(late);
    host.session.pump();
    expect(late.batches[0]).toMatchObject({ firstSeq: 24, lost: 0 });
  });

  it('a load disposes of the qtest session of the machine it replaces', () => {
    const host = hostWith(TWO_DEVICES);
    const old = machineOf(host.session);
    const unsubscribed: number[] = [];
    const onPause = old.debugger.onPause.bind(old.debugger);
    old.debugger.onPause = (listener) => {
      const off = onPause(listener);
      return () => {
        unsubscribed.push(1);
        off();
      };
    };
    value(host.dispatch('qtest', { line: 'endianness' }));
    value(host.dispatch('loadMachine', { source: 'preset', preset: 'e1000e' }));
    // Its pause listener on the old machine is gone (the session's own was never wrapped).
    expect(unsubscribed).toHaveLength(1);
  });

  it('detaching stops the sending', () => {
    const host = hostWith(TWO_DEVICES);
    const client = new RecordingClient();
    const detach = host.session.attach(client);
    detach();
    makeEvents(host, 3);
    host.session.pump();
    expect(client.batches).toHaveLength(0);
    expect(host.session.clientCount).toBe(0);
  });
});
