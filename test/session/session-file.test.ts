import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyMachine, stateOf, LEGACY } from './busy-machine';
import { openSession, readSessionInfo, saveSession } from '../../src-main/session/session-file';
import { decodeSession, encodeSession } from '../../src-main/session/machine-snapshot';
import { decodeContainer, encodeContainer, PREAMBLE_BYTES } from '../../src-main/session/session-container';
import { loadMachineObject, loadMachineText } from '../../src-main/machine/machine-builder';
import { readMachineSpec } from '../../src-main/cli/machine-option';
import { CTRL, ENABLE, MASKALL, Guest, NIC, apicAddress, build } from '../machine/guest';
import { MSI_CAP_ID } from '../../src-main/machine/msi/msi-capability';
import type { Machine } from '../../src-main/machine/machine';
import { machineOf, targetOf } from '../target-machine';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'irqscope-session-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function reopen(m: Machine): Machine {
  const r = decodeSession(encodeSession(m));
  if (!r.ok) throw new Error(r.error);
  return r.machine;
}

describe('session round trip', () => {
  it('X3: restores every config byte and mask, table, PBA, count, clock, source, RAM byte and event column exactly', () => {
    const g = busyMachine();
    const m = g.machine;
    expect(m.log.evicted).toBeGreaterThan(0);
    expect(m.fn(LEGACY)!.intxOutput).toBe(1);
    // Three a second: a third of a ns carried, which the file must keep.
    expect(m.listSources()[0]!.timer.carry).not.toBe(0);
    const path = join(dir, 'busy.irqsession');
    saveSession(targetOf(m), path);
    const opened = openSession(path);
    if (!opened.ok) throw new Error(opened.error);
    expect(stateOf(machineOf(opened.target))).toEqual(stateOf(m));
  });

  it('the restored machine behaves as the original from there on (hidden state included)', () => {
    const a = busyMachine().machine;
    const b = reopen(a);
    const drive = (m: Machine): void => {
      const g = new Guest(m);
      g.writeEntry(2, CTRL, 0); // U3: the pending message lands in RAM
      g.writeControl(ENABLE | MASKALL);
      m.fn(NIC)!.msix!.notify(1);
      g.writeControl(ENABLE);
      m.step(2e9); // the interval source fires on its old schedule
      m.io.write(0xcfc, 4, 0xfffffff0); // a config write through the saved 0xCF8 latch: sizing BAR0 of 00:03.0
      m.raise(m.fn(LEGACY)!, 0);
    };
    const mark = a.log.total;
    drive(a);
    drive(b);
    expect(stateOf(b)).toEqual(stateOf(a));
    expect(a.log.total - mark).toBeGreaterThan(10);
  });

  it("keeps plain MSI's delivered counts (the vector grid's, for an MSI device)", () => {
    const m = build({
      cpus: 2,
      devices: [{ bdf: '00:04.0', name: 'edu', vendor: '0x1234', device: '0x11e8', class: '0x00ff00', bars: [{ index: 0, type: 'mem32', size: '0x1000' }], msi: { vectors: 4, is64bit: true, perVectorMask: false } }],
    });
    const fn = m.fn(0x20)!;
    const cap = fn.caps.find(MSI_CAP_ID);
    m.bus.configWrite(0x20, 0x04, 2, 0x4);
    m.bus.configWrite(0x20, cap + 4, 4, apicAddress(1));
    m.bus.configWrite(0x20, cap + 12, 2, 0x40);
    m.bus.configWrite(0x20, cap + 2, 2, 0x21); // enabled, 4 vectors
    for (const v of [0, 1, 1, 3]) fn.msi!.notify(v);
    expect(Array.from(fn.msi!.delivered.subarray(0, 4))).toEqual([1, 2, 0, 1]);
    expect(Array.from(reopen(m).fn(0x20)!.msi!.delivered.subarray(0, 4))).toEqual([1, 2, 0, 1]);
  });

  it('saves and restores a paused machine with its queue; continue runs the queue in the restored one', () => {
    const g = busyMachine(1024);
    const m = g.machine;
    m.debugger.add({ kind: 'pending', bdf: NIC, vectors: [3] });
    g.use(3);
    g.engine.notify(3);
    expect(m.debugger.paused).toBe(true);
    m.debugger.perform({ kind: 'advance', targetNs: 5e9 });
    m.debugger.perform({ kind: 'notify', bdf: NIC, vector: 0 });
    const b = reopen(m);
    expect(stateOf(b)).toEqual(stateOf(m));
    expect(b.debugger.paused).toBe(true);
    expect(b.step(1e9)).toBe(false); // halted
    expect(b.debugger.continue()).toEqual({ ok: true, paused: false, ran: 2 });
    expect(m.debugger.continue()).toEqual({ ok: true, paused: false, ran: 2 });
    expect(stateOf(b)).toEqual(stateOf(m));
  });

  it('keeps only non-zero RAM pages: a preset with 128 MiB of RAM saves small and restores a far page', () => {
    const built = loadMachineText(readMachineSpec('virtio-net', process.cwd()).text);
    if (!built.ok) throw new Error(built.errors.join());
    const m = built.machine;
    m.memory.write(0x7fff000, 4, 0x12345678);
    m.memory.write(0x10, 1, 0xff);
    const path = join(dir, 'preset.irqsession');
    const size = saveSession(targetOf(m), path);
    expect(size).toBeLessThan(256 * 1024);
    const info = readSessionInfo(path);
    expect(info.ok && info.info.ramPagesSaved).toBe(2);
    const opened = openSession(path);
    if (!opened.ok) throw new Error(opened.error);
    expect(machineOf(opened.target).memory.read(0x7fff000, 4)).toBe(0x12345678);
    expect(machineOf(opened.target).memory.read(0x10, 1)).toBe(0xff);
    expect(Buffer.from(machineOf(opened.target).ram[0]!.readBytes(0, m.ram[0]!.size)).equals(Buffer.from(m.ram[0]!.readBytes(0, m.ram[0]!.size)))).toBe(true);
  });

  it('RAM is sparse: 2 GiB a guest barely touched costs the pages it wrote, to hold and to save', () => {
    const rssBefore = process.memoryUsage().rss;
    const built = loadMachineObject({ cpus: 1, ram: [{ base: 0, size: '0x40000000' }, { base: '0x40000000', size: '0x40000000' }] });
    if (!built.ok) throw new Error(built.errors.join());
    const m = built.machine;
    m.memory.write(0x7ffff000, 4, 0xcafe);
    m.memory.write(0x40000000, 4, 0); // a write of zeros allocates nothing
    expect(m.ram.map((r) => r.writtenPages().length)).toEqual([0, 1]);
    const path = join(dir, 'sparse.irqsession');
    saveSession(targetOf(m), path);
    const info = readSessionInfo(path);
    expect(info.ok && info.info.ramPagesSaved).toBe(1);
    const opened = openSession(path);
    if (!opened.ok) throw new Error(opened.error);
    expect(machineOf(opened.target).memory.read(0x7ffff000, 4)).toBe(0xcafe);
    // A dense 2 GiB array scanned for the save would have touched (and kept) gigabytes.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 << 20);
  });

  it('session info summarizes a file without opening it', () => {
    const m = busyMachine().machine;
    const path = join(dir, 'info.irqsession');
    const bytes = saveSession(targetOf(m), path);
    const r = readSessionInfo(path);
    expect(r).toMatchObject({
      ok: true,
      info: {
        version: 2,
        generator: 'irqscope 0.1.0',
        devices: [
          { bdf: NIC, name: 'nic0', msixVectors: 4 },
          { bdf: LEGACY, name: 'legacy', msixVectors: null },
        ],
        timeNs: 1e9,
        events: { total: m.log.total, retained: 64, evicted: m.log.total - 64 },
        breakpoints: 2,
        paused: false,
        fileBytes: bytes,
      },
    });
  });
});

describe('atomic save', () => {
  it('a failure before the rename leaves the previous file intact and no temporary file behind', () => {
    const path = join(dir, 's.irqsession');
    const g = busyMachine();
    saveSession(targetOf(g.machine), path);
    const before = readFileSync(path);
    g.engine.notify(0);
    expect(() =>
      saveSession(targetOf(g.machine), path, {
        rename: () => {
          throw new Error('disk on fire');
        },
      }),
    ).toThrow('disk on fire');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['s.irqsession']);
    saveSession(targetOf(g.machine), path);
    expect(readFileSync(path).equals(before)).toBe(false);
  });

  it('a process killed between writing and renaming leaves the previous file intact', () => {
    const path = join(dir, 'crash.irqsession');
    saveSession(targetOf(busyMachine().machine), path);
    const before = readFileSync(path);
    const script = join(__dirname, 'fixtures', 'crash-before-rename.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, path], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBe('SIGKILL');
    expect(readFileSync(path).equals(before)).toBe(true);
    // The crash leaves its flushed temporary file, a complete new session, beside the old one.
    const temps = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(decodeSession(readFileSync(join(dir, temps[0]!))).ok).toBe(true);
    expect(openSession(path).ok).toBe(true);
    // The next save of that file removes what the killed one left; a live save's temp and other files stay.
    const live = `.crash.irqsession.${process.pid}.0badf00d.tmp`;
    writeFileSync(join(dir, live), 'in progress');
    writeFileSync(join(dir, '.other.irqsession.1.0badf00d.tmp'), 'not this file');
    saveSession(targetOf(busyMachine().machine), path);
    expect(readdirSync(dir).sort()).toEqual([live, '.other.irqsession.1.0badf00d.tmp', 'crash.irqsession'].sort());
  });
});

describe('refusing files', () => {
  function savedBytes(): Buffer {
    return encodeSession(busyMachine().machine);
  }

  function refusal(bytes: Uint8Array): string {
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.irqsession`);
    writeFileSync(path, bytes);
    const r = openSession(path);
    if (r.ok) throw new Error('opened a bad file');
    return r.error;
  }

  it('refuses a truncated file, wherever it was cut', () => {
    const good = savedBytes();
    const headerEnd = PREAMBLE_BYTES + good.readUInt32LE(12);
    expect(refusal(good.subarray(0, 20))).toMatch(/truncated: 20 bytes, shorter than the 28-byte preamble/);
    for (const cut of [PREAMBLE_BYTES, headerEnd - 10, headerEnd + 5, good.length - 1]) {
      expect(refusal(good.subarray(0, cut))).toMatch(new RegExp(`truncated: the file is ${cut} bytes, its preamble says ${good.length}`));
    }
    expect(refusal(Buffer.alloc(0))).toMatch(/not an irqscope session file/);
  });

  it('refuses a corrupted file by its checksum, in the header, the payload or the preamble', () => {
    const good = savedBytes();
    for (const at of [PREAMBLE_BYTES + 3, good.length - 7, 13]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0x20;
      expect(refusal(bad)).toMatch(/corrupted: checksum mismatch|truncated|past the end/);
    }
    const flipped = Buffer.from(good);
    flipped[good.length - 7] = flipped[good.length - 7]! ^ 1;
    expect(refusal(flipped)).toMatch(/corrupted: checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
    expect(refusal(Buffer.concat([good, Buffer.from([0])]))).toMatch(/corrupted: 1 bytes past the end/);
    const notOurs = Buffer.from(good);
    notOurs.write('PNG', 0, 'latin1');
    expect(refusal(notOurs)).toMatch(/not an irqscope session file/);
  });

  it('refuses a file from a newer irqscope, naming both versions', () => {
    const newer = Buffer.from(savedBytes());
    newer.writeUInt32LE(3, 8);
    expect(refusal(newer)).toMatch(/written by a newer irqscope \(session format 3\); this one reads format 2/);
  });

  it('refuses a well-formed file whose state does not fit its machine, with the reason', () => {
    const good = savedBytes();
    const { header } = decodeContainer(good);
    const resave = (edit: (h: typeof header) => void, drop?: string): Buffer => {
      const h = structuredClone(header);
      edit(h);
      const c = decodeContainer(good);
      const sections = new Map(h.sections.filter((s) => s.name !== drop).map((s) => [s.name, c.section(s.name, s.rawLength)]));
      const { sections: _unused, ...rest } = h;
      return encodeContainer(rest, sections);
    };
    expect(refusal(resave((h) => ((h.description as { devices: { msix: { vectors: number } }[] }).devices[0]!.msix.vectors = 8)))).toMatch(
      /00:03.0: saved with 4 MSI-X vectors, the device has 8/,
    );
    expect(refusal(resave(() => undefined, 'fn.00:03.0.msix.pba'))).toMatch(/section fn.00:03.0.msix.pba is missing/);
    expect(refusal(resave((h) => (h.log.retained = h.log.capacity + 1)))).toMatch(/retained events cannot come from/);
    expect(refusal(resave((h) => (h.description = { cpus: 0 })))).toMatch(/the saved machine description is invalid: cpus/);
    expect(refusal(resave((h) => h.debugger.breakpoints.push({ id: 9, spec: { kind: 'unmask', bdf: 0x28, vectors: 'any', causes: ['enable'], tracepoint: false }, enabled: true, hits: 0 })))).toMatch(
      /breakpoint 9: bdf: no device at 00:05.0/,
    );
    expect(refusal(resave((h) => void ((h as { format: string }).format = 'other')))).toMatch(/invalid header: format: /);
  });

  it('refuses impossible contents even with the checksum recomputed: rates, clock, sources, log, queue, pause report', () => {
    const g = busyMachine(1024);
    const m = g.machine;
    m.debugger.add({ kind: 'pending', bdf: NIC, vectors: [3] });
    g.use(3);
    g.engine.notify(3);
    m.debugger.perform({ kind: 'notify', bdf: NIC, vector: 0 });
    const good = encodeSession(m);
    const { header } = decodeContainer(good);
    expect(header.debugger.paused).not.toBeNull();
    const resave = (edit: (h: typeof header) => void): Buffer => {
      const h = structuredClone(header);
      edit(h);
      const c = decodeContainer(good);
      const sections = new Map(h.sections.map((s) => [s.name, c.section(s.name, s.rawLength)]));
      const { sections: _unused, ...rest } = h;
      return encodeContainer(rest, sections);
    };
    const source = (h: typeof header) => h.clock.sources[0]!;
    for (const rate of [2e9, 1e-300, 1e308]) {
      expect(refusal(resave((h) => (source(h).ratePerSecond = rate)))).toMatch(/invalid header: clock\.sources\[0\]\.ratePerSecond: Too (big|small)/);
    }
    expect(refusal(resave((h) => (h.clock.nowNs = 2 ** 60)))).toMatch(/invalid header: clock\.nowNs: /);
    expect(refusal(resave((h) => (h.clock.nowNs = 1.5)))).toMatch(/invalid header: clock\.nowNs: /);
    for (const vector of [99, 65535]) {
      expect(refusal(resave((h) => (source(h).vector = vector)))).toMatch(new RegExp(`an interval source: vector ${vector} out of range: 00:03.0 \\(nic0\\) has MSI-X vectors 0..3`));
    }
    expect(refusal(resave((h) => (source(h).carry = 3)))).toMatch(/carries 3, more than its period allows/);
    expect(refusal(resave((h) => (h.log.total = 2 ** 53 - 1)))).toMatch(/a total of 9007199254740991 events is more than any run logs/);
    expect(refusal(resave((h) => (h.debugger.queue = Array.from({ length: 100_000 }, () => ({ kind: 'notify' as const, bdf: NIC, vector: 0 })))))).toMatch(
      /100000 queued actions, more than the 1024 that may wait/,
    );
    const paused = (h: typeof header) => h.debugger.paused!;
    expect(refusal(resave((h) => (paused(h).event.record.bdf = '00:1f.7')))).toMatch(/the pause report names device 00:1f.7, which does not exist/);
    expect(refusal(resave((h) => (paused(h).event.record.kind = 'Teleported')))).toMatch(/names an event kind 'Teleported'/);
    expect(refusal(resave((h) => { paused(h).event.seq = 1e12; paused(h).event.record.seq = 1e12; }))).toMatch(/names event 1000000000000 and marker \d+, which the log of \d+ events cannot hold/);
    expect(refusal(resave((h) => (paused(h).markerSeq = h.log.total)))).toMatch(/cannot hold in that order/);
    expect(refusal(resave((h) => (paused(h).vector = { ...paused(h).vector!, vector: 99 })))).toMatch(/the pause report vector 99 out of range 0..3/);
    expect(refusal(resave((h) => (paused(h).breakpoint = null)))).toMatch(/gives reason breakpoint without a breakpoint/);
    expect(decodeSession(resave(() => undefined)).ok).toBe(true);
  });

  it('refuses event times that are not whole nanoseconds in order up to the saved time, naming the event', () => {
    const m = busyMachine(1024).machine;
    const good = encodeSession(m);
    const { header } = decodeContainer(good);
    const withTimes = (edit: (times: Float64Array) => void): Buffer => {
      const c = decodeContainer(good);
      const sections = new Map(header.sections.map((s) => [s.name, c.section(s.name, s.rawLength)]));
      const raw = sections.get('log.time')!;
      const times = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      edit(times);
      sections.set('log.time', Buffer.from(times.buffer));
      const { sections: _unused, ...rest } = header;
      return encodeContainer(rest, sections);
    };
    const first = m.log.firstSeq;
    expect(refusal(withTimes((t) => (t[3] = 380088400953.0004)))).toMatch(
      new RegExp(`event log: event #${first + 3} is at 380088400953.0004 ns; event times are whole nanoseconds, in order, up to the saved time \\(${m.clock.now} ns\\)`),
    );
    expect(refusal(withTimes((t) => (t[t.length - 1] = m.clock.now + 1)))).toMatch(/is at \d+ ns; event times are whole nanoseconds/);
    expect(refusal(withTimes((t) => (t[5] = t[4]! + 1e9)))).toMatch(new RegExp(`event #${first + 6} is at`));
    expect(refusal(withTimes((t) => (t[0] = Number.NaN)))).toMatch(/is at NaN ns/);
    expect(decodeSession(withTimes(() => undefined)).ok).toBe(true);
  });

  it('leaves the running machine as it was when a file is refused', () => {
    const running = busyMachine().machine;
    const before = stateOf(running);
    const bad = Buffer.from(encodeSession(running));
    bad[bad.length - 3] = bad[bad.length - 3]! ^ 0xff;
    expect(refusal(bad)).toMatch(/checksum/);
    expect(refusal(Buffer.from('not a session'))).toMatch(/not an irqscope session file/);
    expect(stateOf(running)).toEqual(before);
    expect(openSession(join(dir, 'missing.irqsession'))).toEqual({ ok: false, error: `${join(dir, 'missing.irqsession')}: cannot read (ENOENT)` });
  });
});
