import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getActivePinia } from 'pinia';
import { setup, flush, type FakeTransport } from './fake-transport';
import { BAR1, NIC, PLAIN, batch, nicConfig, nicDevice, nicSnapshot } from './fixtures';
import { useStatusStore } from '../../src-renderer/stores/status';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import { STREAM_REFRESH_MS, startAppSession } from '../../src-renderer/app-session';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { FUNCTION_LANE, laneKey } from '../../src-renderer/timeline/event-store';
import type { MachineStatus, PresetInfo, VectorSnapshot } from '../../src-shared/ipc/contract';

let transport: FakeTransport;

const STATUS: MachineStatus = { name: 'virtio', preset: 'virtio-net', timeNs: 5, total: 0, retained: 0, evicted: 0, capacity: 1 << 20, devices: 2 };

beforeEach(() => {
  ({ transport } = setup());
});

describe('status store', () => {
  it('reports a refused request with the error main gave, and answers undefined', async () => {
    transport.on('writeConfig', () => ({ ok: false, error: 'writeConfig.size: must be 1, 2 or 4 bytes' }));
    const status = useStatusStore();
    expect(await status.call('writeConfig', { bdf: NIC, offset: 4, size: 2, value: 1 })).toBeUndefined();
    expect(status.lastError?.message).toBe('size: must be 1, 2 or 4 bytes');
    status.dismissErrors();
    expect(status.lastError).toBeNull();
  });

  it('loads a preset and takes the status it answers', async () => {
    transport.on('loadMachine', () => STATUS);
    const status = useStatusStore();
    expect(await status.loadPreset('virtio-net')).toBe(true);
    expect(transport.named('loadMachine')).toEqual([{ source: 'preset', preset: 'virtio-net' }]);
    expect(status.machine).toEqual(STATUS);
  });

  it('marks the connection closed when the transport goes away', () => {
    const status = useStatusStore();
    status.connected();
    expect(status.connection).toBe('open');
    transport.drop('host stopped');
    expect(status.connection).toBe('closed');
    expect(status.disconnectReason).toBe('host stopped');
  });
});

describe('devices store', () => {
  it('selects the first device with MSI-X, and keeps a selection that still exists; MSI devices have vectors too', async () => {
    const edu = { ...PLAIN, bdf: 0x20, address: '00:04.0', name: 'edu', msi: { vectors: 1, capOffset: 0x40, is64bit: true, perVectorMask: false } };
    transport.on('listDevices', () => [PLAIN, edu, nicDevice()]);
    const devices = useDevicesStore();
    await devices.refresh();
    expect(devices.selectedBdf).toBe(NIC);
    devices.select(PLAIN.bdf);
    await devices.refresh();
    expect(devices.selectedBdf).toBe(PLAIN.bdf);
    devices.select(0x99);
    expect(devices.selectedBdf).toBe(PLAIN.bdf);
    expect(devices.withVectors.map((d) => d.bdf)).toEqual([0x20, NIC]);
  });
});

describe('registers store', () => {
  beforeEach(async () => {
    transport.on('listDevices', () => [nicDevice()]).on('readConfigSpace', () => nicConfig(0x0006));
    await useDevicesStore().refresh();
  });

  it('reads little-endian values and masks from the image', async () => {
    const registers = useRegistersStore();
    await registers.load();
    expect(registers.read(0, 4)).toBe(0x10001af4);
    expect(registers.read(4, 2)).toBe(0x0006);
    expect(registers.mask('writable', 4, 2)).toBe(0x0547);
    expect(registers.mask('w1c', 6, 2)).toBe(0xf900);
  });

  it('makes every edit a real config write, then re-reads the image and the devices', async () => {
    transport.on('writeConfig', (p) => ({ value: p.value }));
    const registers = useRegistersStore();
    await registers.writeConfig(4, 2, 0x0006);
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 4, size: 2, value: 6 }]);
    expect(transport.named('readConfigSpace')).toHaveLength(1);
    expect(transport.named('listDevices')).toHaveLength(2);
  });

  it('pokes memory and ports, keeping a history with results and refusals', async () => {
    transport
      .on('readMmio', () => ({ value: 0xfee00000, high: 0, status: 'ok' as const }))
      .on('writeMmio', () => ({ value: 0, high: 0, status: 'unclaimed' as const }))
      .on('writePort', () => ({ ok: false, error: 'writePort.size: must be 1, 2 or 4 bytes' }));
    const registers = useRegistersStore();
    const read = await registers.poke({ space: 'memory', op: 'read', address: BAR1, size: 4, value: 0, high: 0, text: 'bar1+0' });
    expect(read.result).toEqual({ value: 0xfee00000, high: 0, status: 'ok' });
    await registers.poke({ space: 'memory', op: 'write', address: 0x1000, size: 8, value: 1, high: 2, text: '0x1000' });
    expect(transport.named('writeMmio')).toEqual([{ address: 0x1000, size: 8, value: 1, high: 2 }]);
    const refused = await registers.poke({ space: 'io', op: 'write', address: 0xcf8, size: 8, value: 1, high: 0, text: '0xcf8' });
    expect(refused.error).toBe('size: must be 1, 2 or 4 bytes');
    expect(registers.history.map((r) => r.id)).toEqual([3, 2, 1]);
  });
});

describe('vectors store', () => {
  async function withSnapshot(snapshot = nicSnapshot()): Promise<ReturnType<typeof useVectorsStore>> {
    transport.on('listDevices', () => [nicDevice(snapshot.tableAddress)]).on('vectorSnapshot', () => snapshot);
    await useDevicesStore().refresh();
    const vectors = useVectorsStore();
    await vectors.refresh();
    return vectors;
  }

  it('A1: decodes each row: destination CPU, vector and delivery mode, pending from the PBA', async () => {
    const table = [0xfee01000, 0, 0x4031, 0, 0xfee0200c, 0, 0x0105, 1, 0x1000, 0, 0x22, 0];
    const vectors = await withSnapshot(nicSnapshot({ table, pba: [0b010], enabled: true, functionMasked: false, delivered: [4, 0, 0] }));
    const [r0, r1, r2] = vectors.rows;
    expect(r0).toMatchObject({ masked: false, effectivelyMasked: false, pending: false, delivered: 4 });
    expect(r0!.message).toMatchObject({ interrupt: true, destination: 1, vector: 0x31, deliveryModeName: 'fixed', levelAssert: true });
    expect(r1).toMatchObject({ masked: true, pending: true });
    expect(r1!.message).toMatchObject({ destination: 2, logical: true, redirectionHint: true, vector: 5, deliveryModeName: 'lowest', badVector: false });
    expect(r2!.message.interrupt).toBe(false);
  });

  it('T3: writes table fields as guest MMIO at the BAR address, keeping the other control bits', async () => {
    const table = [0, 0, 0, 0x80000001, 0, 0, 0, 1, 0, 0, 0, 1];
    const vectors = await withSnapshot(nicSnapshot({ table, tableAddress: BAR1 }));
    transport.on('writeMmio', () => ({ value: 0, high: 0, status: 'ok' as const }));
    await vectors.writeEntry(2, 'DATA', 0x41);
    await vectors.setMasked(0, false);
    expect(transport.named('writeMmio')).toEqual([
      { address: BAR1 + 2 * 16 + 8, size: 4, value: 0x41 },
      { address: BAR1 + 12, size: 4, value: 0x80000000 },
    ]);
  });

  it('refuses guest-side writes while the BAR is unmapped, sending nothing', async () => {
    const vectors = await withSnapshot();
    expect(await vectors.writeEntry(0, 'ADDR_LO', 0xfee00000)).toBe(false);
    expect(transport.named('writeMmio')).toEqual([]);
    expect(useStatusStore().lastError?.message).toMatch(/not mapped/);
  });

  it('fires, counts uses and runs sources device-side, re-reading the snapshot after each', async () => {
    const vectors = await withSnapshot();
    transport
      .on('fireVector', () => ({ events: 1, queued: null }))
      .on('useVector', () => ({ useCount: 2 }))
      .on('startSource', (p) => ({ bdf: p.bdf, vector: p.vector, ratePerSecond: p.ratePerSecond }))
      .on('stopSource', () => ({ stopped: true }));
    await vectors.fire(1);
    await vectors.use(2);
    await vectors.setRate(0, 5000);
    await vectors.setRate(0, null);
    expect(transport.calls.map((c) => c.name).filter((n) => n !== 'vectorSnapshot' && n !== 'listDevices' && n !== 'interruptCounts')).toEqual(['fireVector', 'useVector', 'startSource', 'stopSource']);
    expect(transport.named('startSource')).toEqual([{ bdf: NIC, vector: 0, ratePerSecond: 5000 }]);
    expect(transport.named('vectorSnapshot')).toHaveLength(5);
  });

  it('gives each row a signature that changes with what the row shows', async () => {
    const vectors = await withSnapshot();
    const before = vectors.rows.map((r) => r.signature);
    vectors.snapshot = nicSnapshot({ delivered: [0, 1, 0] });
    const after = vectors.rows.map((r) => r.signature);
    expect(after.map((s, i) => s !== before[i])).toEqual([false, true, false]);
  });
});

describe('timeline store', () => {
  beforeEach(async () => {
    transport.on('listDevices', () => [nicDevice()]).on('vectorSnapshot', () => nicSnapshot());
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
  });

  it('ingests binary batches into columns, counting what was lost and what only the host holds', () => {
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 10, kind: EventKind.NotifyDelivered, vector: 1 }, { time: 20, kind: EventKind.NotifyPended, vector: 1 }], 0));
    timeline.ingest(batch([{ time: 30, kind: EventKind.FunctionMaskChanged, vector: 0, a: 1 }], 7, { lost: 2, skipped: 3, total: 8, evicted: 7, now: 40 }));
    expect(timeline.received).toBe(3);
    expect(timeline.lost).toBe(2);
    expect(timeline.skipped).toBe(3);
    expect(timeline.machineTotal).toBe(8);
    expect(timeline.machineEvicted).toBe(7);
    expect(timeline.now).toBe(40);
    const events = timeline.events;
    expect(Array.from(events.seq.subarray(0, 3))).toEqual([0, 1, 7]);
    expect([events.laneOf(0), events.laneOf(2)]).toEqual([laneKey(NIC, 1), laneKey(NIC, FUNCTION_LANE)]);
    expect(timeline.revision).toBe(2);
  });

  it('knows how many logged events are still on their way: the machine total past the last batch', () => {
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 10, kind: EventKind.NotifyDelivered }], 0, { total: 5000 }));
    expect(timeline.unsent).toBe(4999);
    timeline.ingest(batch([{ time: 20, kind: EventKind.NotifyDelivered }], 4999, { total: 5000 }));
    expect(timeline.unsent).toBe(0);
  });

  it('reports a batch it cannot decode and changes nothing', () => {
    const timeline = useTimelineStore();
    timeline.ingest(new ArrayBuffer(12));
    expect(timeline.received).toBe(0);
    expect(useStatusStore().lastError?.message).toMatch(/^timeline: /);
  });

  it('opens on the events: the view fits them as they arrive until the user zooms or pans', () => {
    const timeline = useTimelineStore();
    expect(timeline.follow).toBe(false);
    timeline.ingest(batch([{ time: 25e9, kind: EventKind.NotifyDelivered }, { time: 26e9, kind: EventKind.NotifyDelivered }], 0, { now: 26e9 }));
    expect(timeline.view.start).toBeLessThan(25e9);
    expect(timeline.view.start).toBeGreaterThan(24e9);
    timeline.zoom(0.5);
    const chosen = { ...timeline.view };
    timeline.ingest(batch([{ time: 30e9, kind: EventKind.NotifyDelivered }], 2, { now: 30e9 }));
    expect(timeline.view).toEqual(chosen);
  });

  it('follows live: the view ends at the newest time, keeping its span; a pan away says follow is off', () => {
    const timeline = useTimelineStore();
    timeline.setView(0, 1000);
    timeline.setFollow(true);
    timeline.ingest(batch([{ time: 5000, kind: EventKind.NotifyDelivered }], 0, { now: 6000 }));
    expect(timeline.view).toEqual({ start: 5000, end: 6000 });
    expect(timeline.followNotice).toBeNull();
    timeline.pan(-0.5);
    expect(timeline.follow).toBe(false);
    expect(timeline.followNotice).toMatch(/^Follow live is off: you panned into the past/);
    timeline.ingest(batch([{ time: 9000, kind: EventKind.NotifyDelivered }], 1, { now: 9000 }));
    expect(timeline.view).toEqual({ start: 4500, end: 5500 });
  });

  it('lays out a function lane and one lane per vector, filtered by device and vector', () => {
    const timeline = useTimelineStore();
    timeline.showIdleLanes = true;
    expect(timeline.lanes.map((l) => l.label)).toEqual(['00:03.0 function', '00:03.0 v0', '00:03.0 v1', '00:03.0 v2']);
    expect(timeline.lanes.map((l) => l.maskedNow)).toEqual([true, true, true, true]);
    timeline.vectorFilterText = '0,2';
    expect(timeline.lanes.map((l) => l.vector)).toEqual([FUNCTION_LANE, 0, 2]);
    timeline.vectorFilterText = '2-1';
    expect(timeline.vectorFilter.ok).toBe(false);
    timeline.deviceFilter = [];
    expect(timeline.lanes).toEqual([]);
  });

  it('hides idle lanes by default: a vector lane shows once the host holds an event of it', async () => {
    const timeline = useTimelineStore();
    expect(timeline.lanes.map((l) => l.label)).toEqual(['00:03.0 function']);
    transport.on('timelineWindow', (p) => ({ startNs: p.startNs, endNs: p.endNs, pixels: p.pixels, total: 1, evicted: 0, missed: 0, oldestTimeNs: 5, newestTimeNs: 5, lanes: [], activeLanes: [laneKey(NIC, 2)], filter: null }));
    timeline.requestWindow({ startNs: 0, endNs: 10, pixels: 10, lanes: [] });
    await flush();
    expect(timeline.lanes.map((l) => l.label)).toEqual(['00:03.0 function', '00:03.0 v2']);
  });

  it('zooms around a point and fits everything loaded', () => {
    const timeline = useTimelineStore();
    timeline.setView(0, 1000);
    timeline.zoom(0.5, 500);
    expect(timeline.view).toEqual({ start: 250, end: 750 });
    timeline.ingest(batch([{ time: 100, kind: EventKind.NotifyDelivered }, { time: 10100, kind: EventKind.NotifyDelivered }], 0, { now: 10100 }));
    timeline.fitAll();
    expect(timeline.view.start).toBeLessThan(100);
    expect(timeline.view.end).toBeGreaterThan(10100);
    expect(timeline.follow).toBe(false);
  });
});

describe('app session wiring', () => {
  /** Past the pacing of notice-driven re-reads, and the re-read done. */
  const paced = async (): Promise<void> => {
    await new Promise((r) => setTimeout(r, STREAM_REFRESH_MS));
    await flush();
    await flush();
  };
  /** Main as the app session finds it: the NIC, its config space, `snapshot` for its vectors and these presets. */
  const serveNic = (snapshot: () => VectorSnapshot = () => nicSnapshot(), presets: PresetInfo[] = []): FakeTransport =>
    transport
      .on('status', () => STATUS)
      .on('listPresets', () => presets)
      .on('listDevices', () => [nicDevice()])
      .on('readConfigSpace', () => nicConfig())
      .on('vectorSnapshot', snapshot);

  it('under a stream of device-change notices, re-reads the vectors at most every STREAM_REFRESH_MS, and after the last', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      let delivered = 0;
      serveNic(() => ({ ...nicSnapshot(), delivered: [delivered, 0, 0] }));
      startAppSession(transport, getActivePinia()!);
      await vi.advanceTimersByTimeAsync(0);
      const before = transport.named('vectorSnapshot').length;
      // A pump's notice every 16 ms for a second, as a flood makes them.
      for (let pump = 0; pump < 60; pump++) {
        delivered++;
        transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [] });
        await vi.advanceTimersByTimeAsync(1000 / 60);
      }
      await vi.advanceTimersByTimeAsync(STREAM_REFRESH_MS);
      const asked = transport.named('vectorSnapshot').length - before;
      expect(asked).toBeGreaterThanOrEqual(1000 / STREAM_REFRESH_MS - 1);
      expect(asked).toBeLessThanOrEqual(1000 / STREAM_REFRESH_MS + 2);
      // The last notice's change is shown.
      expect(useVectorsStore().snapshot?.delivered[0]).toBe(60);
    } finally {
      vi.useRealTimers();
    }
  });

  it("after the user's own edit, the next notice (the machine's answer to it) is re-read at once, not paced", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      serveNic(() => nicSnapshot({ tableAddress: BAR1 }))
        .on('writeMmio', () => ({ value: 0, high: 0, status: 'ok' as const }));
      startAppSession(transport, getActivePinia()!);
      await vi.advanceTimersByTimeAsync(0);
      const reads = () => transport.named('vectorSnapshot').length;
      transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [] });
      await vi.advanceTimersByTimeAsync(1);
      // Paced: the start-up re-read was just now.
      const paced = reads();
      await useVectorsStore().setMasked(0, true);
      await vi.advanceTimersByTimeAsync(0);
      const afterEdit = reads();
      expect(afterEdit).toBe(paced + 1);
      transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [] });
      await vi.advanceTimersByTimeAsync(1);
      expect(reads()).toBe(afterEdit + 1);
      // The one after it is paced again.
      transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [] });
      await vi.advanceTimersByTimeAsync(1);
      expect(reads()).toBe(afterEdit + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a change of vectors only re-reads the vectors, not the device list and config space", async () => {
    serveNic();
    startAppSession(transport, getActivePinia()!);
    await flush();
    await flush();
    const count = () => ({ devices: transport.named('listDevices').length, config: transport.named('readConfigSpace').length, vectors: transport.named('vectorSnapshot').length });
    const before = count();
    transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [] });
    await paced();
    expect(count()).toEqual({ ...before, vectors: before.vectors + 1 });
    transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [NIC] });
    await paced();
    expect(count()).toEqual({ devices: before.devices + 1, config: before.config + 1, vectors: before.vectors + 2 });
  });

  it('refreshes the selected device when main says it changed, and resets the timeline on a load', async () => {
    serveNic(undefined, [{ name: 'virtio-net', title: 'NIC' }]);
    startAppSession(transport, getActivePinia()!);
    await flush();
    await flush();
    expect(useStatusStore().presets).toHaveLength(1);
    const snapshotsBefore = transport.named('vectorSnapshot').length;
    transport.emit('deviceStateChanged', { bdfs: [0x28], registers: [0x28] });
    await flush();
    expect(transport.named('vectorSnapshot').length).toBe(snapshotsBefore);
    transport.emit('deviceStateChanged', { bdfs: [NIC], registers: [NIC] });
    await paced();
    expect(transport.named('vectorSnapshot').length).toBe(snapshotsBefore + 1);
    const timeline = useTimelineStore();
    transport.emit('timeline', batch([{ time: 1, kind: EventKind.ConfigWrite }], 0));
    expect(timeline.received).toBe(1);
    transport.emit('machineLoaded', { ...STATUS, name: 'other' });
    expect(timeline.received).toBe(0);
    expect(timeline.events.length).toBe(0);
    expect(useStatusStore().machine?.name).toBe('other');
    transport.emit('viewRequested', { view: 'timeline' });
    expect(useStatusStore().view).toBe('timeline');
  });

  it('after a dropped connection comes back, starts the timeline over and reloads what it shows', async () => {
    serveNic();
    startAppSession(transport, getActivePinia()!);
    await flush();
    const status = useStatusStore();
    const timeline = useTimelineStore();
    transport.emit('timeline', batch([{ time: 1, kind: EventKind.ConfigWrite }], 0));
    transport.drop('host restarted');
    expect(status.connection).toBe('closed');
    const statusCalls = transport.named('status').length;
    const snapshots = transport.named('vectorSnapshot').length;
    transport.back();
    await flush();
    await flush();
    expect(status.connection).toBe('open');
    // The host resends the retained timeline from its start: nothing may be counted twice.
    expect(timeline.received).toBe(0);
    expect(transport.named('status').length).toBe(statusCalls + 1);
    expect(transport.named('vectorSnapshot').length).toBe(snapshots + 1);
  });
});
