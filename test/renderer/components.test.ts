import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { BAR1, NIC, PLAIN, nicConfig, nicDevice, nicSnapshot } from './fixtures';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useStatusStore } from '../../src-renderer/stores/status';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import ConfigHexGrid from '../../src-renderer/components/ConfigHexGrid.vue';
import ConfigBitEditor from '../../src-renderer/components/ConfigBitEditor.vue';
import ConfigHeaderPanel from '../../src-renderer/components/ConfigHeaderPanel.vue';
import BarAddressTable from '../../src-renderer/components/BarAddressTable.vue';
import CapabilityChainPanel from '../../src-renderer/components/CapabilityChainPanel.vue';
import MmioPokePanel from '../../src-renderer/components/MmioPokePanel.vue';
import VectorTableGrid from '../../src-renderer/components/VectorTableGrid.vue';
import StatusBar from '../../src-renderer/components/StatusBar.vue';
import DeviceTree from '../../src-renderer/components/DeviceTree.vue';
import App from '../../src-renderer/App.vue';
import { batch } from './fixtures';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { LIVE_TEXT_MS } from '../../src-renderer/lib/live-text';
import { fillByteMasks } from '../../src-shared/registers/layout';
import { aerRegisters, expressRegisters } from '../../src-shared/registers/capability-layouts';
import type { ConfigSpaceImage } from '../../src-shared/ipc/contract';

let transport: FakeTransport;
const opts = (): { global: { plugins: [ReturnType<typeof getActivePinia> & object] } } => ({ global: { plugins: [getActivePinia()!] } });

async function loadNic(command = 0, control = 0x0002, mappedAt: number | null = null): Promise<void> {
  transport
    .on('listDevices', () => [nicDevice(mappedAt)])
    .on('readConfigSpace', () => nicConfig(command, control))
    .on('writeConfig', (p) => ({ value: p.value }));
  await useDevicesStore().refresh();
  await useRegistersStore().load();
}

beforeEach(() => {
  ({ transport } = setup());
});

describe('ConfigHexGrid', () => {
  it('shows read-only, writable and write-1-to-clear bytes differently, from the write masks', async () => {
    await loadNic();
    const grid = mount(ConfigHexGrid, { props: { selectedOffset: 4, width: 2 }, ...opts() });
    const cell = (o: number) => grid.get(`[data-offset="${o}"]`);
    expect(cell(0).classes()).toContain('ro');
    expect(cell(0).text()).toBe('f4');
    expect(cell(4).classes()).toContain('partial');
    expect(cell(7).classes()).toContain('w1c');
    expect(cell(0x15).classes()).toContain('partial');
    expect(cell(0x16).classes()).toContain('rw');
    expect(cell(4).classes()).toContain('selected');
    expect(cell(5).classes()).toContain('selected');
    expect(grid.findAll('[role="gridcell"]')).toHaveLength(256);
  });

  it('reports the byte clicked (not the unit start), so the view can keep it across width changes', async () => {
    await loadNic();
    const grid = mount(ConfigHexGrid, { props: { selectedOffset: 4, width: 4, chosen: 7 }, ...opts() });
    await grid.get('[data-offset="7"]').trigger('click');
    expect(grid.emitted('select')).toEqual([[7]]);
    expect(grid.get('[data-offset="7"]').classes()).toContain('chosen');
    expect(grid.get('[data-offset="4"]').classes()).toEqual(expect.arrayContaining(['selected']));
    expect(grid.get('[data-offset="4"]').classes()).not.toContain('chosen');
  });
});

describe('ConfigBitEditor', () => {
  it('shows read-only bits as disabled and toggles a writable bit with a real config write', async () => {
    await loadNic(0x0002);
    const editor = mount(ConfigBitEditor, { props: { offset: 4, width: 2 }, ...opts() });
    expect(editor.get('[data-testid="bit-3"]').attributes('disabled')).toBeDefined();
    expect(editor.get('[data-testid="bit-2"]').attributes('disabled')).toBeUndefined();
    await editor.get('[data-testid="bit-2"]').trigger('click');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 4, size: 2, value: 0x0006 }]);
  });

  it('clears a write-1-to-clear bit by writing only that bit', async () => {
    await loadNic();
    const image = nicConfig();
    image.bytes[7] = 0x20;
    transport.on('readConfigSpace', () => image);
    await useRegistersStore().load();
    const editor = mount(ConfigBitEditor, { props: { offset: 6, width: 2 }, ...opts() });
    await editor.get('[data-testid="bit-13"]').trigger('click');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 6, size: 2, value: 0x2000 }]);
  });

  it('writes a typed hex value, and refuses one that does not fit', async () => {
    await loadNic();
    const editor = mount(ConfigBitEditor, { props: { offset: 0x3c, width: 1 }, ...opts() });
    await editor.get('[data-testid="config-value-input"]').setValue('1ff');
    await editor.get('form').trigger('submit');
    expect(editor.text()).toContain('not a 8-bit hex value');
    await editor.get('[data-testid="config-value-input"]').setValue('0b');
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 0x3c, size: 1, value: 0x0b }]);
  });
});

describe('ConfigHeaderPanel', () => {
  it('B2: Command bits are switches; read-only ones cannot be flipped; a flip is a config write', async () => {
    await loadNic(0x0004);
    const panel = mount(ConfigHeaderPanel, { ...opts() });
    expect(panel.text()).toContain('1af4');
    expect(panel.text()).toContain('Ethernet controller');
    expect(panel.get('[data-testid="command-specialCycles"] input').attributes('disabled')).toBeDefined();
    await panel.get('[data-testid="command-mem"] input').setValue(true);
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 4, size: 2, value: 0x0006 }]);
  });
});

describe('BarAddressTable', () => {
  it('B3: assigns a BAR by writing its register, and shows where it decodes', async () => {
    await loadNic(0, 2, BAR1);
    const table = mount(BarAddressTable, { ...opts() });
    expect(table.get('[data-testid="bar-1-mapped"]').text()).toBe('0xfebf0000');
    expect(table.get('[data-testid="bar-0-mapped"]').text()).toBe('unmapped');
    await table.get('[data-testid="bar-1-input"]').setValue('0xfebf0000');
    await table.get('[data-testid="bar-1"] form').trigger('submit');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 0x14, size: 4, value: 0xfebf0000 }]);
  });
});

describe('CapabilityChainPanel', () => {
  it('R1/R2: decodes MSI-X with Enable and Function Mask as switches that write Message Control', async () => {
    await loadNic(0, 0x4002);
    const panel = mount(CapabilityChainPanel, { ...opts() });
    expect(panel.get('[data-testid="msix-table-size"]').text()).toContain('3 vectors');
    expect(panel.text()).toContain('BIR 1, offset 0800');
    expect((panel.get('[data-testid="msix-function-mask"] input').element as HTMLInputElement).checked).toBe(true);
    await panel.get('[data-testid="msix-enable"] input').setValue(true);
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 0x86, size: 2, value: 0xc002 }]);
  });
});

/** A 4 KiB PCI Express endpoint: Express at 0x40 -> MSI-X at 0x84, AER at 0x100; masks from the register descriptions. */
function expressConfig(): ConfigSpaceImage {
  const nic = nicConfig();
  const bytes = new Uint8Array(4096);
  bytes.set(nic.bytes);
  const writable = new Uint8Array(4096);
  writable.set(nic.writable);
  const w1c = new Uint8Array(4096);
  w1c.set(nic.w1c);
  bytes.set([0x10, 0x84, 0x02, 0x00], 0x40);
  bytes[0x34] = 0x40;
  bytes[0x4a] = 0x09;
  bytes.set([0x01, 0x00, 0x02, 0x00], 0x100);
  fillByteMasks(expressRegisters(0x0002), 0x40, writable, w1c);
  fillByteMasks(aerRegisters(0), 0x100, writable, w1c);
  return { bdf: NIC, bytes: [...bytes], writable: [...writable], w1c: [...w1c] };
}

describe('CapabilityChainPanel: every capability decoded from its register description', () => {
  beforeEach(async () => {
    transport
      .on('listDevices', () => [{ ...nicDevice(null), configSize: 4096 as const }])
      .on('readConfigSpace', () => expressConfig())
      .on('writeConfig', (p) => ({ value: p.value }));
    await useDevicesStore().refresh();
    await useRegistersStore().load();
  });

  it("names capabilities as lspci does, extended ones included, and lists their registers' fields", () => {
    const panel = mount(CapabilityChainPanel, { ...opts() });
    expect(panel.text()).toContain('Express (v2) Endpoint, MSI 00');
    expect(panel.text()).toContain('Advanced Error Reporting');
    expect(panel.text()).not.toContain('extended capability 0x0001');
    expect(panel.get('[data-testid="field-DEVCAP-MaxPayload"]').text()).toBe('MaxPayload=0');
    expect(panel.get('[data-testid="field-DEVSTA-CorrErr"]').text()).toContain('CorrErr+');
    expect(panel.get('[data-testid="field-UESTA-DLP"]').attributes('title')).toContain('write 1 to clear');
  });

  it('a control bit toggles with a config write; a set status bit is cleared by writing 1', async () => {
    const panel = mount(CapabilityChainPanel, { ...opts() });
    await panel.get('[data-testid="field-DEVCTL-CorrErr"] button').trigger('click');
    await flushPromises();
    await panel.get('[data-testid="field-DEVSTA-CorrErr"] button.clear').trigger('click');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([
      { bdf: NIC, offset: 0x48, size: 2, value: 0x0001 },
      { bdf: NIC, offset: 0x4a, size: 2, value: 0x0001 },
    ]);
  });

  it('the bit editor names the capability register under the cursor and each bit\'s field', () => {
    const editor = mount(ConfigBitEditor, { props: { offset: 0x48, width: 2 }, ...opts() });
    expect(editor.text()).toContain('DEVCTL (capability [40])');
    expect(editor.get('[data-testid="bit-3"]').attributes('title')).toContain('Unsupported request reporting');
  });
});

describe('MmioPokePanel', () => {
  it('resolves barN+offset, reads, and keeps the result in the history', async () => {
    await loadNic(2, 2, BAR1);
    transport.on('readMmio', () => ({ value: 0xfee01000, high: 0, status: 'ok' as const }));
    const panel = mount(MmioPokePanel, { ...opts() });
    await panel.get('[data-testid="poke-address"]').setValue('bar1+0x0');
    expect(panel.text()).toContain('→ 0xfebf0000 (memory)');
    await panel.get('[data-testid="poke-read"]').trigger('submit');
    await flushPromises();
    expect(transport.named('readMmio')).toEqual([{ address: BAR1, size: 4 }]);
    expect(panel.get('[data-testid="poke-history"]').text()).toContain('0xfee01000');
  });

  it('shows the error main answers for a malformed request', async () => {
    await loadNic();
    transport.on('writePort', () => ({ ok: false, error: 'writePort.size: must be 1, 2 or 4 bytes' }));
    const panel = mount(MmioPokePanel, { ...opts() });
    await panel.get('[data-testid="poke-space"]').setValue('io');
    await panel.get('[data-testid="poke-address"]').setValue('0xcf8');
    await panel.get('[data-testid="poke-size"]').setValue('8');
    await panel.get('[data-testid="poke-write"]').trigger('click');
    await flushPromises();
    expect(panel.get('[data-testid="poke-history"]').text()).toContain('size: must be 1, 2 or 4 bytes');
  });
});

describe('VectorTableGrid', () => {
  async function grid(vectors: number, tableAddress: number | null) {
    transport.on('listDevices', () => [nicDevice(tableAddress, vectors)]).on('vectorSnapshot', () => nicSnapshot({ tableAddress }, vectors));
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
    return mount(VectorTableGrid, { ...opts(), attachTo: document.body });
  }

  it('renders only the rows in view for 2048 vectors, and others after scrolling', async () => {
    const wrapper = await grid(2048, BAR1);
    const rows = () => wrapper.findAll('[role="row"]').length - 1;
    expect(rows()).toBeGreaterThan(10);
    expect(rows()).toBeLessThan(60);
    expect(wrapper.find('[data-testid="vector-row-2000"]').exists()).toBe(false);
    const viewport = wrapper.get('[data-testid="vector-viewport"]');
    (viewport.element as HTMLElement).scrollTop = 2000 * 24;
    await viewport.trigger('scroll');
    expect(wrapper.find('[data-testid="vector-row-2000"]').exists()).toBe(true);
    expect(rows()).toBeLessThan(60);
    wrapper.unmount();
  });

  it('over a watch-only target (a real QEMU) greys out edits, Fire, use and sources, saying why', async () => {
    const why = 'a real QEMU: its guest’s driver owns the devices';
    useStatusStore().machine = { name: 'qemu', preset: null, timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1, watchOnly: why };
    const wrapper = await grid(3, BAR1);
    const fire = wrapper.get('[data-testid="vector-0-fire"]');
    expect(fire.attributes('disabled')).toBeDefined();
    expect(fire.attributes('title')).toBe(why);
    expect(wrapper.get('[data-testid="vector-0-rate"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[aria-label="use vector 0"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="vector-0-mask"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="vector-0-data"]').attributes('disabled')).toBeDefined();
    await fire.trigger('click');
    await flushPromises();
    expect(transport.named('fireVector')).toHaveLength(0);
    wrapper.unmount();
    // The simulated machine takes them.
    useStatusStore().machine = { name: 'virtio', preset: 'virtio-net', timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 };
    const again = await grid(3, BAR1);
    expect(again.get('[data-testid="vector-0-fire"]').attributes('disabled')).toBeUndefined();
    again.unmount();
  });

  it('edits data and mask inline as guest MMIO writes into the table', async () => {
    const wrapper = await grid(3, BAR1);
    transport.on('writeMmio', () => ({ value: 0, high: 0, status: 'ok' as const }));
    await wrapper.get('[data-testid="vector-1-data"]').trigger('click');
    const input = wrapper.get('[data-testid="edit-data"]');
    await input.setValue('4031');
    await input.trigger('keydown', { key: 'Enter' });
    await wrapper.get('[data-testid="vector-2-mask"]').setValue(false);
    await flushPromises();
    expect(transport.named('writeMmio')).toEqual([
      { address: BAR1 + 16 + 8, size: 4, value: 0x4031 },
      { address: BAR1 + 32 + 12, size: 4, value: 0 },
    ]);
    wrapper.unmount();
  });

  it('writes only the address halves that changed', async () => {
    const wrapper = await grid(3, BAR1);
    transport.on('writeMmio', () => ({ value: 0, high: 0, status: 'ok' as const }));
    await wrapper.get('[data-testid="vector-0-address"]').trigger('click');
    const input = wrapper.get('[data-testid="edit-address"]');
    await input.setValue('00000000:fee01000');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(transport.named('writeMmio')).toEqual([{ address: BAR1, size: 4, value: 0xfee01000 }]);
    wrapper.unmount();
  });

  it('disables guest-side edits while the table BAR is unmapped; Fire still works', async () => {
    const wrapper = await grid(3, null);
    transport.on('fireVector', () => ({ events: 1, queued: null }));
    expect(wrapper.get('[data-testid="vector-0-mask"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="vector-0-data"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="vector-0-fire"]').trigger('click');
    await flushPromises();
    expect(transport.named('fireVector')).toEqual([{ bdf: NIC, vector: 0 }]);
    wrapper.unmount();
  });

  it('flashes a row when its state changes', async () => {
    const wrapper = await grid(3, BAR1);
    useVectorsStore().snapshot = nicSnapshot({ tableAddress: BAR1, delivered: [0, 0, 1] });
    await flushPromises();
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    await flushPromises();
    expect(wrapper.get('[data-testid="vector-row-2"]').classes()).toContain('flash');
    expect(wrapper.get('[data-testid="vector-row-1"]').classes()).not.toContain('flash');
    wrapper.unmount();
  });
});

describe('StatusBar and app shell', () => {
  it('shows the machine, the event count, evicted and lost', () => {
    useStatusStore().machine = { name: 'virtio', preset: 'virtio-net', timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 };
    useTimelineStore().ingest(batch([{ time: 5, kind: EventKind.ConfigWrite }], 40, { lost: 3, total: 41, evicted: 20 }));
    const bar = mount(StatusBar, { ...opts() });
    expect(bar.get('[data-testid="status-machine"]').text()).toBe('virtio');
    expect(bar.get('[data-testid="status-events"]').text()).toBe('events 41');
    expect(bar.get('[data-testid="status-evicted"]').text()).toBe('evicted 20');
    expect(bar.get('[data-testid="status-lost"]').text()).toBe('lost 3');
  });

  it('says when the host holds fewer events than it asked for (the system refused the reservation)', async () => {
    const timeline = useTimelineStore();
    const bar = mount(StatusBar, { ...opts() });
    expect(bar.find('[data-testid="status-history-reduced"]').exists()).toBe(false);
    timeline.hostWindow = { startNs: 0, endNs: 10, pixels: 10, total: 0, evicted: 0, missed: 0, oldestTimeNs: null, newestTimeNs: null, lanes: [], activeLanes: [], filter: null, reduced: { asked: 1 << 24, capacity: 1 << 22 } };
    await flushPromises();
    expect(bar.get('[data-testid="status-history-reduced"]').text()).toBe(`history ${(1 << 22).toLocaleString('en-US')} of ${(1 << 24).toLocaleString('en-US')}`);
    bar.unmount();
  });

  it('rewrites its live counters at most every LIVE_TEXT_MS under a stream, and shows the newest in the end', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      useStatusStore().machine = { name: 'virtio', preset: 'virtio-net', timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 };
      const timeline = useTimelineStore();
      const bar = mount(StatusBar, { ...opts() });
      const shown: string[] = [];
      // A batch every 4 ms for 200 ms: 50 changes of the count.
      for (let k = 1; k <= 50; k++) {
        timeline.ingest(batch([{ time: k, kind: EventKind.ConfigWrite }], k - 1, { total: k }));
        await vi.advanceTimersByTimeAsync(4);
        shown.push(bar.get('[data-testid="status-events"]').text());
      }
      const distinct = new Set(shown).size;
      expect(distinct).toBeGreaterThanOrEqual(2);
      expect(distinct).toBeLessThanOrEqual(200 / LIVE_TEXT_MS + 2);
      await vi.advanceTimersByTimeAsync(LIVE_TEXT_MS);
      await flushPromises();
      expect(bar.get('[data-testid="status-events"]').text()).toBe('events 50');
      bar.unmount();
    } finally {
      vi.useRealTimers();
    }
  });

  it('lists devices as a tree and selects on click', async () => {
    transport.on('listDevices', () => [nicDevice(), { ...nicDevice(), bdf: 0x19, address: '00:03.1', name: 'nic1', msix: null }]);
    await useDevicesStore().refresh();
    const tree = mount(DeviceTree, { ...opts() });
    expect(tree.findAll('[role="treeitem"]')).toHaveLength(2);
    await tree.get('[data-testid="device-00:03.1"]').trigger('click');
    expect(useDevicesStore().selectedBdf).toBe(0x19);
  });

  it('nests each bus under the bridge that leads to it; a bus no bridge leads to is a root', async () => {
    const bridge = { ...PLAIN, bdf: 0xe0, address: '00:1c.0', name: 'rp0', bridge: { secondary: 1, subordinate: 2 } };
    const inner = { ...PLAIN, bdf: 0x108, address: '01:01.0', name: 'br1', bridge: { secondary: 2, subordinate: 2 } };
    const far = { ...nicDevice(), bdf: 0x218, address: '02:03.0', name: 'far' };
    const orphan = { ...PLAIN, bdf: 0x8000, address: '80:00.0', name: 'root80', msi: { vectors: 4, capOffset: 0x50, is64bit: true, perVectorMask: false } };
    transport.on('listDevices', () => [bridge, inner, far, orphan]);
    await useDevicesStore().refresh();
    const tree = mount(DeviceTree, { ...opts() });
    expect(tree.get('[data-testid="bus-00"] [data-testid="bus-01"] [data-testid="bus-02"] [data-testid="device-02:03.0"]').text()).toContain('MSI-X 3');
    expect(tree.get('[data-testid="device-00:1c.0"]').text()).toContain('bridge → 01');
    expect(tree.find('[data-testid="bus-00"] [data-testid="bus-80"]').exists()).toBe(false);
    expect(tree.get('[data-testid="bus-80"]').text()).toContain('MSI 4');
  });

  it('says above every view when the target is watch-only, and why', async () => {
    const app = mount(App, { ...opts(), attachTo: document.body });
    expect(app.find('[data-testid="watch-only"]').exists()).toBe(false);
    useStatusStore().machine = { name: 'qemu', preset: null, timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1, watchOnly: 'a real QEMU: edits are refused' };
    await flushPromises();
    expect(app.get('[data-testid="watch-only"]').text()).toBe('Watching a real QEMU: edits are refused.');
    app.unmount();
  });

  it('switches views with Ctrl+1/2/3', async () => {
    const app = mount(App, { ...opts(), attachTo: document.body });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', ctrlKey: true }));
    await flushPromises();
    expect(useStatusStore().view).toBe('vectors');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3', ctrlKey: true }));
    await flushPromises();
    expect(app.find('[data-testid="timeline-canvas"]').exists()).toBe(true);
    app.unmount();
  });
});

describe('EventDetailsPanel', () => {
  it('describes the selected event', async () => {
    const { default: EventDetailsPanel } = await import('../../src-renderer/components/EventDetailsPanel.vue');
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 2500, kind: EventKind.NotifyPended, vector: 2, detail: 1 }], 9));
    const panel = mount(EventDetailsPanel, { ...opts() });
    expect(panel.text()).toContain('Click a marker');
    timeline.selected = 0;
    await flushPromises();
    expect(panel.get('[data-testid="event-kind"]').text()).toBe('NotifyPended');
    expect(panel.text()).toContain('masked: pending bit set');
    expect(panel.text()).toContain('2.500 µs');
  });
});
