import { describe, expect, it } from 'vitest';
import { BAR1, NIC, PLAIN, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { REQUEST_NAMES } from '../../src-shared/ipc/names';

/** Everything a request could change, as plain data. */
function machineState(host: AppHost): unknown {
  const m = host.session.machine;
  return {
    machine: m,
    total: m.log.total,
    now: m.clock.now,
    functions: m.functions().map((fn) => ({
      config: Array.from(fn.config.bytes),
      bars: fn.bars.map((b) => b?.mappedAt),
      table: fn.msix && Array.from(fn.msix.table),
      pba: fn.msix && Array.from(fn.msix.pba),
      use: fn.msix && Array.from(fn.msix.useCount),
    })),
    sources: m.listSources().map((s) => [s.bdf, s.vector, s.ratePerSecond]),
    ram: Array.from(m.ram[0]!.readBytes(0, 64)),
  };
}

const BAD: [string, unknown, string][] = [
  ['writeConfig', { bdf: NIC, offset: 4, size: 3, value: 6 }, 'writeConfig.size: must be 1, 2 or 4 bytes'],
  ['writeConfig', { bdf: NIC, offset: 4, size: 2 }, 'writeConfig.value: expected a 32-bit value as a number'],
  ['writeConfig', { bdf: NIC, offset: 4, size: 2, value: -1 }, 'writeConfig.value: a 32-bit value below 0'],
  ['writeConfig', { bdf: NIC, offset: 4, size: 2, value: 1.5 }, 'writeConfig.value: expected a 32-bit value as an integer'],
  ['writeConfig', { bdf: NIC, offset: 4, size: 1, value: 0x1ff }, 'writeConfig.value: 0x1ff does not fit in 1 byte'],
  ['writeConfig', { bdf: NIC, offset: 0xfe, size: 4, value: 0 }, 'writeConfig.offset: 0xfe+4 is past the end of the 256-byte config space of 00:03.0'],
  ['writeConfig', { bdf: NIC, offset: 5, size: 2, value: 0 }, 'writeConfig.offset: 0x5 is not aligned to the access size 2'],
  ['writeConfig', { bdf: 0x20, offset: 4, size: 2, value: 6 }, 'writeConfig.bdf: no device at 00:04.0'],
  ['writeConfig', { bdf: NIC, offset: 4, size: 2, value: 6, extra: 1 }, 'writeConfig: Unrecognized key: "extra"'],
  ['writeConfig', 'bdf=24', 'writeConfig: Invalid input: expected object, received string'],
  ['writeMmio', { address: BAR1, size: 4, value: 1, high: 2 }, 'writeMmio.high: only an 8-byte write has high bytes (size is 4)'],
  ['writeMmio', { address: -4, size: 4, value: 1 }, 'writeMmio.address: an address below 0'],
  ['writeMmio', { address: BAR1, size: 3, value: 1 }, 'writeMmio.size: must be 1, 2, 4 or 8 bytes'],
  ['writePort', { port: 0xfffe, size: 4, value: 0 }, 'writePort.port: 0xfffe+4 runs past the end of I/O space'],
  ['writePort', { port: 0x10000, size: 1, value: 0 }, 'writePort.port: a port above 0xffff'],
  ['vectorSnapshot', { bdf: PLAIN }, 'vectorSnapshot.bdf: 00:05.0 (plain) has no MSI-X capability'],
  ['fireVector', { bdf: NIC, vector: 5000 }, 'fireVector.vector: a vector number above 0x7ff'],
  ['useVector', { bdf: NIC, vector: 3 }, 'useVector.vector: invalid argument: vector 3 out of range 0..2'],
  ['unuseVector', { bdf: NIC, vector: 3 }, 'unuseVector.vector: vector 3 out of range 0..2'],
  ['startSource', { bdf: NIC, vector: 0, ratePerSecond: 0 }, 'startSource.ratePerSecond: the rate must be above 0'],
  ['startSource', { bdf: NIC, vector: 0, ratePerSecond: 'fast' }, 'startSource.ratePerSecond: expected a rate as a number'],
  ['startSource', { bdf: NIC, vector: 0, ratePerSecond: 2e7 }, 'startSource.ratePerSecond: at most 10,000,000 per second'],
  ['loadMachine', { source: 'preset', preset: '../package' }, "loadMachine.preset: no preset named '../package' (presets: e1000e, nvme, q35-bridges, virtio-net)"],
  ['loadMachine', { source: 'text', text: '{' }, 'loadMachine.text: (root): not valid JSON'],
  ['loadMachine', { source: 'text', text: '{"cpus": 0}' }, 'loadMachine.text: cpus: Too small: expected number to be >=1'],
  ['loadMachine', { source: 'url', url: 'x' }, "loadMachine.source: must be 'preset' or 'text'"],
  ['qtest', { line: 'readl 0\nwritel 0 1' }, 'qtest.line: one line, without line breaks'],
];

describe('request handlers behind the contract', () => {
  it('has a handler for every request in the contract', () => {
    const host = hostWith(TWO_DEVICES);
    for (const name of REQUEST_NAMES) {
      const reply = host.dispatch(name, {});
      expect(reply.ok || !reply.error.includes('unknown request'), name).toBe(true);
    }
  });

  it('refuses an unknown request by name', () => {
    const host = hostWith(TWO_DEVICES);
    expect(host.dispatch('format', {})).toEqual({ ok: false, error: 'request: unknown request "format"' });
    expect(host.dispatch('toString', {})).toEqual({ ok: false, error: 'request: unknown request "toString"' });
  });

  it('a name nested 10,000 deep or megabytes long is refused, not thrown and not echoed whole', () => {
    const host = hostWith(TWO_DEVICES);
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(host.dispatch(deep, {})).toEqual({ ok: false, error: 'request: unknown request (an array, not a string)' });
    expect(host.dispatch({ a: 1 }, {})).toEqual({ ok: false, error: 'request: unknown request (a object, not a string)' });
    const long = host.dispatch('x'.repeat(1 << 20), {});
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error).toBe(`request: unknown request "${'x'.repeat(64)}…" (1048576 characters)`);
  });

  it.each(BAD)('%s %j is refused naming the field, and changes nothing', (name, params, error) => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    const before = machineState(host);
    const reply = host.dispatch(name, params);
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.startsWith(error), !reply.ok ? reply.error : '').toBe(true);
    expect(machineState(host)).toEqual(before);
  });

  it('B1: a config write goes through the write masks and answers what reads back', () => {
    const host = hostWith(TWO_DEVICES);
    expect(value(host.dispatch('writeConfig', { bdf: NIC, offset: 0, size: 2, value: 0x1234 }))).toEqual({ value: 0x1af4 });
    expect(value(host.dispatch('writeConfig', { bdf: NIC, offset: 4, size: 2, value: 0xffff }))).toEqual({ value: 0x0547 });
    expect(value(host.dispatch('readConfig', { bdf: NIC, offset: 4, size: 2 }))).toEqual({ value: 0x0547 });
  });

  it('returns the config image with its write masks', () => {
    const host = hostWith(TWO_DEVICES);
    const image = value(host.dispatch('readConfigSpace', { bdf: NIC }));
    expect(image.bytes).toHaveLength(256);
    expect(image.bytes.slice(0, 2)).toEqual([0xf4, 0x1a]);
    expect(image.writable.slice(4, 6)).toEqual([0x47, 0x05]);
    expect(image.w1c[7]).toBe(0xf9);
    expect(image.writable[0x84 + 3]).toBe(0xc0);
  });

  it('lists devices with BARs (mapped or not) and the MSI-X layout', () => {
    const host = hostWith(TWO_DEVICES);
    const before = value(host.dispatch('listDevices', {}));
    expect(before.map((d) => d.address)).toEqual(['00:03.0', '00:05.0']);
    expect(before[0]).toMatchObject({
      name: 'nic0',
      vendor: 0x1af4,
      device: 0x1000,
      classCode: 0x020000,
      configSize: 256,
      bars: [{ index: 1, type: 'mem32', size: 0x1000, prefetchable: false, mappedAt: null }],
      msix: { vectors: 3, capOffset: 0x84, tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800 },
    });
    expect(before[1]!.msix).toBeNull();
    bringUpNic(host);
    expect(value(host.dispatch('listDevices', {}))[0]!.bars[0]!.mappedAt).toBe(BAR1);
  });

  it('T3/N3/A1: guest table writes over MMIO, then a device-side fire delivers', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    expect(value(host.dispatch('readMmio', { address: BAR1, size: 8 }))).toEqual({ value: 0xfee01000, high: 0, status: 'ok' });
    const fired = value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    expect(fired.events).toBe(1);
    const log = host.session.machine.log;
    const last = log.indexOf(log.total - 1);
    expect(log.kind[last]).toBe(EventKind.NotifyDelivered);
    expect(log.origin[last]).toBe(Origin.Device);
    const snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap.delivered).toEqual([1, 0, 0]);
    expect(snap.lastEventTime[0]).toBe(log.time[last]);
    expect(snap.lastEventTime[2]).toBe(-1);
  });

  it('MG1/MN2: a plain-MSI device has a vector snapshot from its config space; a fire is an MSI notify', () => {
    const host = hostWith({
      cpus: 2,
      ram: [{ base: '0x0', size: '0x10000' }],
      devices: [{ bdf: '00:04.0', name: 'edu', vendor: '0x1234', device: '0x11e8', class: '0x00ff00', msi: { vectors: 4, perVectorMask: true } }],
    });
    const fn = host.session.machine.fn(0x20)!;
    const cap = fn.msi!.capOffset;
    host.dispatch('writeConfig', { bdf: 0x20, offset: 0x04, size: 2, value: 0x4 });
    host.dispatch('writeConfig', { bdf: 0x20, offset: cap + 4, size: 4, value: 0x1000 });
    host.dispatch('writeConfig', { bdf: 0x20, offset: cap + 0x0c, size: 2, value: 0x40 });
    host.dispatch('writeConfig', { bdf: 0x20, offset: cap + 0x10, size: 4, value: 0x2 });
    host.dispatch('writeConfig', { bdf: 0x20, offset: cap + 2, size: 2, value: 0x0021 });
    value(host.dispatch('fireVector', { bdf: 0x20, vector: 0 }));
    value(host.dispatch('fireVector', { bdf: 0x20, vector: 1 }));
    const snap = value(host.dispatch('vectorSnapshot', { bdf: 0x20 }));
    expect(snap).toMatchObject({ kind: 'msi', vectors: 4, enabled: true, pba: [0x2], useCount: [1, 1, 1, 1], delivered: [1, 0, 0, 0], tableAddress: null });
    expect(snap.table.slice(0, 8)).toEqual([0x1000, 0, 0x40, 0, 0x1000, 0, 0x41, 1]);
  });

  it('A1: answers the APIC counts like /proc/interrupts, a row per IDT vector that was delivered', () => {
    const host = hostWith(TWO_DEVICES);
    expect(value(host.dispatch('interruptCounts', {}))).toEqual({ cpus: 2, rows: [] });
    bringUpNic(host);
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    expect(value(host.dispatch('interruptCounts', {}))).toEqual({ cpus: 2, rows: [{ label: '0x31', perCpu: [0, 2] }] });
    expect(host.dispatch('interruptCounts', { cpu: 1 })).toMatchObject({ ok: false });
  });

  it('N2/U3: masked fire pends; unmask delivers the pending message', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('writeMmio', { address: BAR1 + 12, size: 4, value: 1 }));
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    let snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap.pba[0]! & 1).toBe(1);
    expect(snap.delivered[0]).toBe(0);
    value(host.dispatch('writeMmio', { address: BAR1 + 12, size: 4, value: 0 }));
    snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap.pba[0]! & 1).toBe(0);
    expect(snap.delivered[0]).toBe(1);
  });

  it('snapshot: table, PBA, counts, Enable and Function Mask, and where the table is', () => {
    const host = hostWith(TWO_DEVICES);
    let snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap).toMatchObject({ vectors: 3, enabled: false, functionMask: false, functionMasked: true, tableAddress: null, pbaAddress: null });
    expect(snap.table).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(snap.useCount).toEqual([1, 1, 1]);
    bringUpNic(host);
    value(host.dispatch('writeConfig', { bdf: NIC, offset: 0x86, size: 2, value: 0xc000 }));
    snap = value(host.dispatch('vectorSnapshot', { bdf: NIC }));
    expect(snap).toMatchObject({ enabled: true, functionMask: true, functionMasked: true, tableAddress: BAR1, pbaAddress: BAR1 + 0x800 });
  });

  it('V1/V2: use and unuse answer the new count, attributed to the user', () => {
    const host = hostWith(TWO_DEVICES);
    expect(value(host.dispatch('useVector', { bdf: NIC, vector: 1 }))).toEqual({ useCount: 2 });
    const log = host.session.machine.log;
    expect(log.origin[log.indexOf(log.total - 1)]).toBe(Origin.User);
    expect(value(host.dispatch('unuseVector', { bdf: NIC, vector: 1 }))).toEqual({ useCount: 1 });
    expect(value(host.dispatch('unuseVector', { bdf: NIC, vector: 1 }))).toEqual({ useCount: 0 });
    expect(value(host.dispatch('unuseVector', { bdf: NIC, vector: 1 }))).toEqual({ useCount: 0 });
  });

  it('starts, lists (in the snapshot) and stops interval sources', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    const before = host.session.machine.log.total;
    expect(value(host.dispatch('startSource', { bdf: NIC, vector: 2, ratePerSecond: 1000 }))).toEqual({ bdf: NIC, vector: 2, ratePerSecond: 1000 });
    expect(value(host.dispatch('vectorSnapshot', { bdf: NIC })).sources).toEqual([{ bdf: NIC, vector: 2, ratePerSecond: 1000 }]);
    host.session.machine.step(10_000_000);
    expect(host.session.machine.log.total - before).toBe(10);
    expect(value(host.dispatch('stopSource', { bdf: NIC, vector: 2 }))).toEqual({ stopped: true });
    expect(value(host.dispatch('stopSource', { bdf: NIC, vector: 2 }))).toEqual({ stopped: false });
  });

  it('refuses a source too slow to have a due time, which no saved session could hold; the slowest allowed round-trips', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    for (const ratePerSecond of [5e-324, 1e-300, 1e-8]) {
      const reply = host.dispatch('startSource', { bdf: NIC, vector: 2, ratePerSecond });
      expect(reply.ok).toBe(false);
      expect(!reply.ok && reply.error).toMatch(/^startSource\.ratePerSecond: expected at least 1\.1e-7 per second/);
    }
    expect(host.session.machine.listSources()).toEqual([]);
    value(host.dispatch('startSource', { bdf: NIC, vector: 2, ratePerSecond: 1.2e-7 }));
    const other = hostWith(TWO_DEVICES);
    value(other.dispatch('openSession', { data: value(host.dispatch('saveSession', {})).data }));
    expect(other.session.machine.listSources().map((s) => s.timer.due)).toEqual(host.session.machine.listSources().map((s) => s.timer.due));
  });

  it('reads and writes ports: the 0xCF8/0xCFC pair reaches config space', () => {
    const host = hostWith(TWO_DEVICES);
    value(host.dispatch('writePort', { port: 0xcf8, size: 4, value: 0x80001800 }));
    expect(value(host.dispatch('readPort', { port: 0xcfc, size: 4 }))).toEqual({ value: 0x10001af4, high: 0, status: 'ok' });
  });

  it('A3: an unclaimed MMIO read says so', () => {
    const host = hostWith(TWO_DEVICES);
    expect(value(host.dispatch('readMmio', { address: 0xd0000000, size: 4 }))).toEqual({ value: 0, high: 0, status: 'unclaimed' });
  });

  it('runs qtest lines against the same machine', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    expect(value(host.dispatch('qtest', { line: `readl 0x${BAR1.toString(16)}` }))).toEqual({ reply: 'OK 0x00000000fee01000' });
    expect(value(host.dispatch('qtest', { line: 'bogus' }))).toEqual({ reply: "FAIL Unknown command 'bogus'" });
    expect(value(host.dispatch('qtest', { line: '# comment' }))).toEqual({ reply: null });
  });

  it('loads a preset or machine text, replacing the machine, and reports its status', () => {
    const host = hostWith(TWO_DEVICES);
    const old = host.session.machine;
    const status = value(host.dispatch('loadMachine', { source: 'preset', preset: 'nvme' }));
    expect(host.session.machine).not.toBe(old);
    // The q35 host bridge at 00:00.0 and the controller.
    expect(status).toMatchObject({ preset: 'nvme', devices: 2, total: 0, evicted: 0 });
    expect(status.name).toMatch(/NVMe/);
    const fromText = value(host.dispatch('loadMachine', { source: 'text', text: JSON.stringify(TWO_DEVICES), fileName: 'two.json' }));
    expect(fromText).toMatchObject({ name: 'two devices', preset: null, devices: 2 });
    expect(value(host.dispatch('listPresets', {})).map((p) => p.name)).toEqual(['e1000e', 'nvme', 'q35-bridges', 'virtio-net']);
  });

  it('resets the machine as system_reset does', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('resetMachine', {}));
    expect(value(host.dispatch('readConfig', { bdf: NIC, offset: 4, size: 2 }))).toEqual({ value: 0 });
    expect(value(host.dispatch('vectorSnapshot', { bdf: NIC })).tableAddress).toBeNull();
  });
});
