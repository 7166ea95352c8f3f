// The live MSI-X view over a QEMU target, without QEMU: a fake qtest client answers
// b64read from a table of its own, so what the grid shows can differ from the model.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';
import { LiveMsixReader } from '../../src-main/qemu/live-msix';
import type { QemuAttachment } from '../../src-main/qemu/qemu-attach';
import type { QtestClient } from '../../src-main/qemu/qtest-client';
import { ShadowModel } from '../../src-main/qemu/shadow-model';
import { QemuTarget } from '../../src-main/target/qemu/qemu-target';
import { MachineSession, type SessionClient } from '../../src-main/host/machine-session';
import type { StreamName, StreamPayload } from '../../src-shared/ipc/contract';

const NIC = 0x10; // 00:02.0
const TABLE = 0xfebd0000;
const PBA = TABLE + 0x2000;

/** The e1000e preset with BAR3 at TABLE and Memory Space on: its table and PBA decode. */
function mappedNic(): Machine {
  const built = loadMachineText(readFileSync(join(__dirname, '..', '..', 'machines', 'e1000e.json'), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const machine = built.machine;
  machine.bus.configWrite(NIC, 0x1c, 4, TABLE);
  machine.bus.configWrite(NIC, 0x04, 2, 0x6);
  return machine;
}

/** QEMU's side: dwords by address; b64read answers them (little-endian), FAIL where `refuse` says. */
class FakeQtest {
  readonly words = new Map<number, number>();
  readonly lines: string[] = [];
  refuse = false;

  command(line: string): Promise<string> {
    this.lines.push(line);
    const m = /^b64read 0x([0-9a-f]+) 0x([0-9a-f]+)$/.exec(line);
    if (m === null || this.refuse) return Promise.resolve('FAIL');
    const addr = Number.parseInt(m[1]!, 16);
    const bytes = Buffer.alloc(Number.parseInt(m[2]!, 16));
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(this.words.get(addr + i) ?? 0, i);
    return Promise.resolve(`OK ${bytes.toString('base64')}`);
  }
}

function reader(machine: Machine, qtest: FakeQtest, shadow = new ShadowModel(machine)) {
  const changed: number[] = [];
  const live = new LiveMsixReader(qtest as unknown as QtestClient, machine, shadow, (bdf) => changed.push(bdf));
  return { live, changed, shadow };
}

describe('LiveMsixReader', () => {
  it("reads each mapped function's whole table and PBA with one b64read each, decoding little-endian dwords", async () => {
    const machine = mappedNic();
    const qtest = new FakeQtest();
    qtest.words.set(TABLE, 0xfee01004).set(TABLE + 8, 0x26).set(PBA, 0x4);
    const { live, changed } = reader(machine, qtest);
    expect(live.get(NIC)).toBeNull();
    await live.refresh();
    expect(qtest.lines).toEqual([`b64read 0x${TABLE.toString(16)} 0x50`, `b64read 0x${PBA.toString(16)} 0x8`]);
    const got = live.get(NIC)!;
    expect(got.table.slice(0, 4)).toEqual([0xfee01004, 0, 0x26, 0]);
    expect(got.table).toHaveLength(20);
    expect(got.pba).toEqual([0x4, 0]);
    expect(changed).toEqual([NIC]);
    // The same answer again is no change.
    await live.refresh();
    expect(changed).toEqual([NIC]);
    qtest.words.set(TABLE + 12, 1);
    await live.refresh();
    expect(changed).toEqual([NIC, NIC]);
    expect({ reads: live.reads, refused: live.refused }).toEqual({ reads: 6, refused: 0 });
  });

  it('announces its reads to the shadow model before sending them, and takes back a read QEMU refused', async () => {
    const machine = mappedNic();
    const qtest = new FakeQtest();
    const announced: [number, number][] = [];
    const forgotten: number[] = [];
    const shadow = new ShadowModel(machine);
    shadow.expectOwnRead = (addr, dwords) => void announced.push([addr, dwords]);
    shadow.forgetOwnRead = (dwords) => void forgotten.push(dwords);
    const { live } = reader(machine, qtest, shadow);
    await live.refresh();
    expect(announced).toEqual([
      [TABLE, 20],
      [PBA, 2],
    ]);
    qtest.refuse = true;
    await live.refresh();
    expect(forgotten).toEqual([20, 2]);
    expect(live.refused).toBe(2);
    // QEMU gone (the connection closed): nothing read, nothing refused.
    qtest.command = () => Promise.reject(new Error('the qtest connection to QEMU closed'));
    await live.refresh();
    expect(forgotten).toEqual([20, 2, 20, 2]);
    expect(live.refused).toBe(2);
    // The last good read stays shown.
    expect(live.get(NIC)).not.toBeNull();
  });

  it('reads nothing of a function whose table the model does not map (the guest cannot reach it either)', async () => {
    const built = loadMachineText(readFileSync(join(__dirname, '..', '..', 'machines', 'e1000e.json'), 'utf8'));
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const qtest = new FakeQtest();
    const { live } = reader(built.machine, qtest);
    await live.refresh();
    expect(qtest.lines).toEqual([]);
    expect(live.get(NIC)).toBeNull();
  });

  it('runs one read at a time: a refresh asked during one makes exactly one more after it', async () => {
    const machine = mappedNic();
    const qtest = new FakeQtest();
    const { live } = reader(machine, qtest);
    await Promise.all([live.refresh(), live.refresh(), live.refresh()]);
    expect(qtest.lines).toHaveLength(4);
  });
});

/** A QEMU target over the model with a live reader of the fake QEMU, and what it tells its listeners. */
function qemuTarget(machine: Machine, live: LiveMsixReader, listeners = new Set<(bdf: number) => void>()): { target: QemuTarget; listeners: Set<(bdf: number) => void> } {
  const attachment = {
    machine,
    live,
    onDeviceChanged: (l: (bdf: number) => void) => (listeners.add(l), () => listeners.delete(l)),
    // The stop made for the pause whose marker is event 3 took 1.5 ms; any other is under way.
    guestStopOf: (marker: number) => (marker === 3 ? { afterMs: 1.5, accessesAfter: 7 } : { afterMs: null, accessesAfter: null }),
    letGuestRun: () => Promise.resolve(),
  } as unknown as QemuAttachment;
  return { target: new QemuTarget(attachment), listeners };
}

describe('a QEMU target', () => {
  it("tells in its pause report how the real guest's stop went: under way, then its delay", () => {
    const machine = mappedNic();
    const { target } = qemuTarget(machine, reader(machine, new FakeQtest()).live);
    const paused = target.debugger.pauseNow();
    if (!paused.ok) throw new Error(paused.error);
    const marker = target.debugger.pauseReport!.markerSeq;
    expect(marker).toBe(3);
    expect(target.debugger.pauseReport!.guestStop).toEqual({ afterMs: 1.5, accessesAfter: 7 });
    expect(target.debugger.state().paused!.guestStop).toEqual({ afterMs: 1.5, accessesAfter: 7 });
    // The model's own report (a session file's) knows nothing of QEMU.
    expect(machine.debugger.pauseReport!.guestStop).toBeUndefined();
  });

  it("shows QEMU's table and PBA once read, with the mask and pending bits the why column explains taken from them", async () => {
    const machine = mappedNic();
    const qtest = new FakeQtest();
    const { live } = reader(machine, qtest);
    const { target } = qemuTarget(machine, live);
    const before = target.vectors(NIC);
    if (!before.ok) throw new Error(before.error);
    expect(before.value.live).toBeUndefined();
    expect(before.value.now[1]).toMatchObject({ vectorBit: true, pending: false });
    // QEMU says vector 1 is unmasked and pending, unlike the model (whose entries reset masked).
    for (let v = 0; v < 5; v++) qtest.words.set(TABLE + v * 16 + 12, v === 1 ? 0 : 1);
    qtest.words.set(PBA, 0b10);
    machine.clock.advanceTo(5000);
    await live.refresh();
    const after = target.vectors(NIC);
    if (!after.ok) throw new Error(after.error);
    expect(after.value.live).toEqual({ timeNs: 5000 });
    expect(after.value.table[1 * 4 + 3]).toBe(0);
    expect(after.value.pba).toEqual([0b10, 0]);
    expect(after.value.now[1]).toMatchObject({ vectorBit: false, pending: true });
    expect(after.value.now[0]).toMatchObject({ vectorBit: true, pending: false });
  });

  it('tells the app a device changed when its live table reads differently, though no event says so', async () => {
    const machine = mappedNic();
    const qtest = new FakeQtest();
    const listeners = new Set<(bdf: number) => void>();
    const live = new LiveMsixReader(qtest as unknown as QtestClient, machine, new ShadowModel(machine), (bdf) => listeners.forEach((l) => l(bdf)));
    const { target } = qemuTarget(machine, live, listeners);
    const sent: { stream: StreamName; payload: unknown }[] = [];
    const client: SessionClient = {
      ready: () => true,
      send: <S extends StreamName>(stream: S, payload: StreamPayload<S>) => void sent.push({ stream, payload }),
    };
    const session = new MachineSession({ target, name: 'qemu', preset: null });
    session.attach(client);
    const events = machine.log.total;
    await live.refresh();
    session.pump();
    const changes = () => sent.filter((s) => s.stream === 'deviceStateChanged');
    expect(changes()).toMatchObject([{ stream: 'deviceStateChanged', payload: { bdfs: [NIC] } }]);
    await live.refresh();
    session.pump();
    expect(changes()).toHaveLength(1);
    qtest.words.set(PBA, 1);
    await live.refresh();
    session.pump();
    // The app is told the target is watch-only (and why), so it greys out what QEMU refuses.
    expect(session.status().watchOnly).toMatch(/^a real QEMU: .*edits, Fire, sources and reset are refused/);
    // A live read changes the vectors' table and PBA, never config space.
    expect(changes()[1]).toEqual({ stream: 'deviceStateChanged', payload: { bdfs: [NIC], registers: [] } });
    // No event told of any of it.
    expect(machine.log.total).toBe(events);
  });
});
