import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { BAR1, NIC, batch, nicDevice, nicSnapshot } from './fixtures';
import { useDebuggerStore, pauseHeadline } from '../../src-renderer/stores/debugger';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import { useStatusStore } from '../../src-renderer/stores/status';
import { startAppSession } from '../../src-renderer/app-session';
import PausedBanner from '../../src-renderer/components/PausedBanner.vue';
import DebugControls from '../../src-renderer/components/DebugControls.vue';
import BreakpointPanel from '../../src-renderer/components/BreakpointPanel.vue';
import VectorTableGrid from '../../src-renderer/components/VectorTableGrid.vue';
import EventDetailsPanel from '../../src-renderer/components/EventDetailsPanel.vue';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { BreakpointSpec, DebuggerState } from '../../src-shared/debugger/breakpoints';
import { UNMASK_0, bp, pauseAt, state } from './debugger-fixtures';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });

/** A main that keeps a debugger state and answers the debugger requests from it. */
function scriptDebugger(initial: DebuggerState = state()): { current: DebuggerState } {
  const box = { current: initial };
  transport
    .on('debuggerState', () => box.current)
    .on('addBreakpoint', (p) => {
      const added = bp(box.current.nextId, { tracepoint: false, ...p.spec } as BreakpointSpec, { enabled: p.enabled ?? true });
      box.current = { ...box.current, breakpoints: [...box.current.breakpoints, added], nextId: box.current.nextId + 1 };
      return added;
    })
    .on('setBreakpointEnabled', ({ id, enabled }) => {
      box.current = { ...box.current, breakpoints: box.current.breakpoints.map((b) => (b.id === id ? { ...b, enabled } : b)) };
      return box.current.breakpoints.find((b) => b.id === id)!;
    })
    .on('removeBreakpoint', ({ id }) => {
      box.current = { ...box.current, breakpoints: box.current.breakpoints.filter((b) => b.id !== id) };
      return { removed: id };
    })
    .on('replaceBreakpoint', ({ id, spec }) => {
      box.current = { ...box.current, breakpoints: box.current.breakpoints.map((b) => (b.id === id ? { ...b, spec: spec as BreakpointSpec } : b)) };
      return box.current.breakpoints.find((b) => b.id === id)!;
    })
    .on('continue', () => {
      box.current = { ...box.current, paused: null };
      return { paused: false, ran: 0 };
    })
    .on('step', () => {
      box.current = { ...box.current, paused: null, mode: 'step' };
      return { paused: false, ran: 0 };
    });
  return box;
}

async function showNic(vectors = 3): Promise<void> {
  transport.on('listDevices', () => [nicDevice(BAR1, vectors)]).on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1, enabled: true, functionMasked: false }, vectors));
  await useDevicesStore().refresh();
  await useVectorsStore().refresh();
}

beforeEach(() => {
  ({ transport } = setup());
});

describe('debugger store', () => {
  it('a pause selects the paused device, reveals the event on the timeline once its batch arrives, and stamps its arrival', async () => {
    transport.on('listDevices', () => [{ ...nicDevice(BAR1), bdf: 0x10, address: '00:02.0' }, nicDevice(BAR1)]);
    await useDevicesStore().refresh();
    useDevicesStore().select(0x10);
    const debug = useDebuggerStore();
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 100, kind: EventKind.ConfigWrite }], 0));
    debug.apply(state({ paused: pauseAt(3) }));
    expect(debug.pauseReceivedAt).toBeTypeOf('number');
    expect(useDevicesStore().selectedBdf).toBe(NIC);
    expect(timeline.follow).toBe(false);
    expect((timeline.view.start + timeline.view.end) / 2).toBe(5000);
    expect(timeline.selected).toBeNull();
    timeline.ingest(batch([{ time: 200, kind: EventKind.TableWrite }, { time: 5000, kind: EventKind.VectorUnmasked }], 1, { total: 5 }));
    // Absolute index 2 holds seq 2; seq 3 is not here yet.
    expect(timeline.selected).toBeNull();
    timeline.ingest(batch([{ time: 5000, kind: EventKind.VectorUnmasked }], 3));
    expect(timeline.selected).toBe(3);
    expect(debug.pausedVector).toEqual({ bdf: NIC, vector: 0 });
  });

  it('the same pause announced twice is news once; a resume clears it', () => {
    const debug = useDebuggerStore();
    debug.apply(state({ paused: pauseAt(3) }));
    const first = debug.pauseReceivedAt;
    useTimelineStore().selected = null;
    debug.apply(state({ paused: pauseAt(3), breakpoints: [bp(1)] }));
    expect(debug.pauseReceivedAt).toBe(first);
    expect(useTimelineStore().selected).toBeNull();
    debug.apply(state());
    expect(debug.paused).toBeNull();
    expect(debug.pauseReceivedAt).toBeNull();
  });

  it('"break when unmasked" adds one breakpoint, enables a disabled twin, and never doubles it', async () => {
    const main = scriptDebugger();
    const debug = useDebuggerStore();
    expect((await debug.breakOnUnmask(NIC, 0)).ok).toBe(true);
    expect(transport.named('addBreakpoint')).toEqual([{ spec: { kind: 'unmask', bdf: NIC, vectors: [0] }, enabled: true }]);
    expect(debug.breakpoints.map((b) => b.id)).toEqual([1]);
    main.current = { ...main.current, breakpoints: [{ ...main.current.breakpoints[0]!, spec: UNMASK_0 }] };
    await debug.refresh();
    await debug.breakOnUnmask(NIC, 0);
    expect(transport.named('addBreakpoint')).toHaveLength(1);
    await debug.setEnabled(1, false);
    await debug.breakOnUnmask(NIC, 0);
    expect(transport.named('setBreakpointEnabled')).toEqual([
      { id: 1, enabled: false },
      { id: 1, enabled: true },
    ]);
    await debug.breakOnUnmask(NIC, 1);
    expect(transport.named('addBreakpoint')).toHaveLength(2);
  });

  it('a refused request answers the error, reports it, and the state is re-read', async () => {
    scriptDebugger();
    transport.on('continue', () => ({ ok: false, error: 'continue: the machine is not paused' }));
    const debug = useDebuggerStore();
    const reply = await debug.continueRun();
    expect(reply).toEqual({ ok: false, error: 'Continue: the machine is not paused' });
    expect(useStatusStore().lastError?.message).toBe('Continue: the machine is not paused');
    expect(transport.calls.map((c) => c.name)).toEqual(['continue', 'debuggerState']);
  });

  it('the app session applies debuggerChanged, and re-reads the debugger when a machine loads', async () => {
    const main = scriptDebugger(state({ breakpoints: [bp(1)], nextId: 2 }));
    transport.on('status', () => ({ name: 'm', preset: null, timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 })).on('listPresets', () => []);
    transport.on('listDevices', () => [nicDevice(BAR1)]).on('vectorSnapshot', () => nicSnapshot()).on('readConfigSpace', () => ({ bdf: NIC, bytes: [], writable: [], w1c: [] }));
    const session = startAppSession(transport, getActivePinia()!);
    await flushPromises();
    const debug = useDebuggerStore();
    expect(debug.breakpoints).toHaveLength(1);
    transport.emit('debuggerChanged', state({ paused: pauseAt(7) }));
    expect(debug.paused?.markerSeq).toBe(8);
    main.current = state({ paused: pauseAt(7) });
    transport.emit('machineLoaded', { name: 'n', preset: null, timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 });
    expect(debug.state).toBeNull();
    await flushPromises();
    // The new machine's pause is news though its marker has the old number.
    expect(debug.paused?.markerSeq).toBe(8);
    expect(debug.pauseReceivedAt).not.toBeNull();
    session.stop();
  });
});

describe('PausedBanner and the F5/F10 keys', () => {
  it('names the breakpoint, the event and the vector state; stamps the frame it was painted in', async () => {
    const debug = useDebuggerStore();
    const banner = mount(PausedBanner, { ...opts(), attachTo: document.body });
    expect(banner.find('[data-testid="paused-banner"]').exists()).toBe(false);
    debug.apply(state({ paused: pauseAt(3), queue: [{ kind: 'raise', bdf: NIC, vector: 0 }] }));
    await flushPromises();
    expect(banner.get('[data-testid="paused-reason"]').text()).toBe('Paused at breakpoint #1: unmask 00:03.0 0');
    expect(banner.get('[data-testid="paused-event"]').text()).toContain('VectorUnmasked');
    expect(banner.get('[data-testid="paused-event"]').text()).toContain('vector 0 unmasked (vector bit)');
    expect(banner.get('[data-testid="paused-vector"]').text()).toContain('unmasked');
    expect(banner.get('[data-testid="paused-vector"]').text()).toContain('MSI-X enabled');
    expect(banner.get('[data-testid="paused-queue"]').text()).toBe('1 device-side action queued: runs at Continue or Step');
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const el = banner.get('[data-testid="paused-banner"]').element as HTMLElement;
    expect(el.dataset.marker).toBe('4');
    expect(Number(el.dataset.paintedAt)).toBeGreaterThanOrEqual(Number(el.dataset.receivedAt));
    banner.unmount();
  });

  it('words a step and a run-until pause without a breakpoint', () => {
    expect(pauseHeadline(pauseAt(3, { reason: 'step', breakpoint: null }))).toBe('Paused: step ended');
    expect(pauseHeadline(pauseAt(3, { reason: 'until-vector', breakpoint: null }))).toBe('Paused: run until vector event ended');
  });

  it('Continue and Step buttons, F5 and F10 (only while paused; F5 never reloads)', async () => {
    scriptDebugger(state({ paused: pauseAt(3) }));
    const debug = useDebuggerStore();
    await debug.refresh();
    const controls = mount(DebugControls, { ...opts(), attachTo: document.body });
    const banner = mount(PausedBanner, { ...opts(), attachTo: document.body });
    await flushPromises();
    expect(controls.get('[data-testid="run-state"]').text()).toBe('paused');
    const f5 = new KeyboardEvent('keydown', { key: 'F5', cancelable: true });
    window.dispatchEvent(f5);
    expect(f5.defaultPrevented).toBe(true);
    await flushPromises();
    expect(transport.named('continue')).toHaveLength(1);
    expect(banner.find('[data-testid="paused-banner"]').exists()).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F10' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F5' }));
    await flushPromises();
    expect(transport.named('step')).toHaveLength(0);
    expect(transport.named('continue')).toHaveLength(1);
    debug.apply(state({ paused: pauseAt(9) }));
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F10' }));
    await flushPromises();
    expect(transport.named('step')).toHaveLength(1);
    debug.apply(state({ paused: pauseAt(12) }));
    await flushPromises();
    await banner.get('[data-testid="debug-continue"]').trigger('click');
    await flushPromises();
    expect(transport.named('continue')).toHaveLength(2);
    controls.unmount();
    banner.unmount();
  });
});

describe('BreakpointPanel', () => {
  const DELIVERY: BreakpointSpec = { kind: 'delivery', cpu: 1, idtVector: null, condition: { value: { equals: 0x31, mask: 0xffffffff } }, tracepoint: true };

  it('lists breakpoints with hit counts; toggles, removes, and marks the one that stopped the machine', async () => {
    scriptDebugger(state({ breakpoints: [bp(1, UNMASK_0, { hits: 2 }), bp(2, DELIVERY, { hits: 1, enabled: false })], nextId: 3, paused: pauseAt(3) }));
    await useDebuggerStore().refresh();
    const panel = mount(BreakpointPanel, { ...opts() });
    expect(panel.get('[data-testid="bp-1-text"]').text()).toBe('unmask 00:03.0 0');
    expect(panel.get('[data-testid="bp-1-hits"]').text()).toBe('2 hits');
    expect(panel.get('[data-testid="bp-2-text"]').text()).toBe('deliver 1 any value=0x31 trace');
    expect(panel.get('[data-testid="bp-2-hits"]').text()).toBe('1 hit');
    expect(panel.get('[data-testid="bp-1"]').classes()).toContain('hit');
    expect(panel.get('[data-testid="bp-2"]').classes()).toContain('disabled');
    await panel.get('[data-testid="bp-2-enabled"]').setValue(true);
    await flushPromises();
    expect(transport.named('setBreakpointEnabled')).toEqual([{ id: 2, enabled: true }]);
    await panel.get('[data-testid="bp-1-remove"]').trigger('click');
    await flushPromises();
    expect(transport.named('removeBreakpoint')).toEqual([{ id: 1 }]);
    expect(panel.find('[data-testid="bp-1"]').exists()).toBe(false);
  });

  it('adds each kind from the editor, with conditions and as a tracepoint', async () => {
    scriptDebugger();
    await showNic();
    const panel = mount(BreakpointPanel, { ...opts() });
    const add = async (fill: (p: typeof panel) => Promise<void>): Promise<void> => {
      await panel.get('[data-testid="bp-add"]').trigger('click');
      await fill(panel);
      await panel.get('[data-testid="breakpoint-editor"]').trigger('submit');
      await flushPromises();
    };
    const field = (id: string) => panel.get(`[data-testid="${id}"]`);
    await add(async () => {
      await field('bp-vectors').setValue('0-1, 2');
      await field('bp-cause-load').setValue(false);
    });
    await add(async () => {
      await field('bp-kind').setValue('notify');
      (panel.findAll('[data-testid="bp-device"] option')[0]!.element as HTMLOptionElement).selected = true;
      await field('bp-device').trigger('change');
      await field('bp-vectors').setValue('any');
      await field('bp-outcome-delivered').setValue(false);
      await field('bp-min-hits').setValue('3');
    });
    await add(async () => {
      await field('bp-kind').setValue('pending');
    });
    await add(async () => {
      await field('bp-kind').setValue('config-write');
      await field('bp-offset').setValue('0x86');
      await field('bp-length').setValue('2');
      await field('bp-value').setValue('0x8000');
      await field('bp-mask').setValue('0xc000');
    });
    await add(async () => {
      await field('bp-kind').setValue('access');
      await field('bp-space').setValue('io');
      await field('bp-direction').setValue('write');
      await field('bp-start').setValue('0xcf8');
      await field('bp-length').setValue('4');
      await field('bp-enabled').setValue(false);
    });
    await add(async () => {
      await field('bp-kind').setValue('delivery');
      await field('bp-cpu').setValue('1');
      await field('bp-idt').setValue('0x31');
      await field('bp-tracepoint').setValue(true);
    });
    expect(transport.named('addBreakpoint')).toEqual([
      { spec: { kind: 'unmask', bdf: NIC, vectors: [0, 1, 2], causes: ['vector-bit', 'function-mask', 'enable'], tracepoint: false }, enabled: true },
      { spec: { kind: 'notify', bdf: null, vectors: 'any', outcomes: ['pended', 'dropped'], condition: { minHits: 3 }, tracepoint: false }, enabled: true },
      { spec: { kind: 'pending', bdf: NIC, vectors: 'any', tracepoint: false }, enabled: true },
      { spec: { kind: 'config-write', bdf: NIC, offset: 0x86, length: 2, condition: { value: { equals: 0x8000, mask: 0xc000 } }, tracepoint: false }, enabled: true },
      { spec: { kind: 'access', space: 'io', start: 0xcf8, length: 4, direction: 'write', tracepoint: false }, enabled: false },
      { spec: { kind: 'delivery', cpu: 1, idtVector: 0x31, tracepoint: true }, enabled: true },
    ]);
    expect(panel.findAll('li')).toHaveLength(6);
  });

  it('shows what the form cannot read, and main\'s refusal, without closing', async () => {
    scriptDebugger();
    await showNic();
    transport.on('addBreakpoint', () => ({ ok: false, error: 'addBreakpoint.spec.vectors: 9 out of range 0..2 on 00:03.0' }));
    const panel = mount(BreakpointPanel, { ...opts() });
    await panel.get('[data-testid="bp-add"]').trigger('click');
    await panel.get('[data-testid="bp-vectors"]').setValue('3-1');
    await panel.get('[data-testid="breakpoint-editor"]').trigger('submit');
    await flushPromises();
    expect(panel.get('[data-testid="bp-field-error"]').text()).toBe('vectors: range 3-1 runs backwards');
    expect(panel.get('[data-testid="bp-vectors"]').classes()).toContain('bad');
    expect(transport.named('addBreakpoint')).toHaveLength(0);
    await panel.get('[data-testid="bp-vectors"]').setValue('9');
    await panel.get('[data-testid="breakpoint-editor"]').trigger('submit');
    await flushPromises();
    // The form knows the device has 3 vectors: refused before main is asked.
    expect(panel.get('[data-testid="bp-field-error"]').text()).toBe('vectors: 9 is past the last vector of 00:03.0 (it has 0..2)');
    expect(transport.named('addBreakpoint')).toHaveLength(0);
    // Main's refusal, in the app's words, goes under the field it names.
    await panel.get('[data-testid="bp-vectors"]').setValue('2');
    await panel.get('[data-testid="breakpoint-editor"]').trigger('submit');
    await flushPromises();
    expect(panel.get('[data-testid="bp-field-error"]').text()).toBe('vectors: 9 out of range 0..2 on 00:03.0');
    expect(panel.find('[data-testid="bp-error"]').exists()).toBe(false);
    expect(panel.find('[data-testid="breakpoint-editor"]').exists()).toBe(true);
  });

  it('edits a breakpoint in place, starting from its spec', async () => {
    scriptDebugger(state({ breakpoints: [bp(4, { kind: 'config-write', bdf: NIC, offset: 0x86, length: 2, condition: { minHits: 2 }, tracepoint: false })], nextId: 5 }));
    await showNic();
    await useDebuggerStore().refresh();
    const panel = mount(BreakpointPanel, { ...opts() });
    await panel.get('[data-testid="bp-4-edit"]').trigger('click');
    expect((panel.get('[data-testid="bp-offset"]').element as HTMLInputElement).value).toBe('0x86');
    expect((panel.get('[data-testid="bp-min-hits"]').element as HTMLInputElement).value).toBe('2');
    await panel.get('[data-testid="bp-min-hits"]').setValue('');
    await panel.get('[data-testid="bp-length"]').setValue('1');
    await panel.get('[data-testid="breakpoint-editor"]').trigger('submit');
    await flushPromises();
    expect(transport.named('replaceBreakpoint')).toEqual([{ id: 4, spec: { kind: 'config-write', bdf: NIC, offset: 0x86, length: 1, tracepoint: false } }]);
    expect(panel.get('[data-testid="bp-4-text"]').text()).toBe('config 00:03.0 0x86 1');
  });
});

describe('quick breakpoints from the grid and the timeline', () => {
  it('the row context menu adds "break when unmasked" and opens the panel; the paused vector row is highlighted', async () => {
    scriptDebugger();
    await showNic();
    const grid = mount(VectorTableGrid, { ...opts(), attachTo: document.body });
    await grid.get('[data-testid="vector-row-1"]').trigger('contextmenu', { clientX: 40, clientY: 60 });
    const menu = grid.get('[data-testid="vector-context-menu"]');
    expect(menu.attributes('style')).toContain('left: 40px');
    await menu.get('[data-testid="ctx-break-unmask"]').trigger('click');
    await flushPromises();
    expect(transport.named('addBreakpoint')).toEqual([{ spec: { kind: 'unmask', bdf: NIC, vectors: [1] }, enabled: true }]);
    expect(useDebuggerStore().panelOpen).toBe(true);
    expect(grid.find('[data-testid="vector-context-menu"]').exists()).toBe(false);

    await grid.get('[data-testid="vector-row-2"]').trigger('contextmenu');
    await grid.get('[data-testid="ctx-break-dropped"]').trigger('click');
    await flushPromises();
    expect(transport.named('addBreakpoint')[1]).toEqual({ spec: { kind: 'notify', bdf: NIC, vectors: [2], outcomes: ['dropped'] }, enabled: true });

    expect(grid.find('[aria-current="true"]').exists()).toBe(false);
    useDebuggerStore().apply(state({ paused: pauseAt(3, { vector: { ...pauseAt(3).vector!, vector: 2 } }) }));
    await flushPromises();
    expect(grid.get('[data-testid="vector-row-2"]').classes()).toContain('paused-at');
    expect(grid.get('[data-testid="vector-row-0"]').classes()).not.toContain('paused-at');
    grid.unmount();
  });

  it('the context menu closes on Escape and on a click elsewhere', async () => {
    await showNic();
    const grid = mount(VectorTableGrid, { ...opts(), attachTo: document.body });
    await grid.get('[data-testid="vector-row-0"]').trigger('contextmenu');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(grid.find('[data-testid="vector-context-menu"]').exists()).toBe(false);
    await grid.get('[data-testid="vector-row-0"]').trigger('contextmenu');
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await flushPromises();
    expect(grid.find('[data-testid="vector-context-menu"]').exists()).toBe(false);
    grid.unmount();
  });

  it('the event details offer "break when unmasked" for a vector event, not for a function event', async () => {
    scriptDebugger();
    await showNic();
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 10, kind: EventKind.NotifyPended, vector: 2, detail: 1 }, { time: 20, kind: EventKind.ConfigWrite, vector: 0, detail: 2 }], 0));
    const panel = mount(EventDetailsPanel, { ...opts() });
    timeline.selected = 1;
    await flushPromises();
    expect(panel.find('[data-testid="details-break-unmask"]').exists()).toBe(false);
    timeline.selected = 0;
    await flushPromises();
    await panel.get('[data-testid="details-break-unmask"]').trigger('click');
    await flushPromises();
    expect(transport.named('addBreakpoint')).toEqual([{ spec: { kind: 'unmask', bdf: NIC, vectors: [2] }, enabled: true }]);
    expect(useDebuggerStore().panelOpen).toBe(true);
  });
});

describe('files store (browser downloads and uploads)', () => {
  it('saves a session as a download of the bytes main answered', async () => {
    const offered: { blob: Blob; name: string }[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      offered.push({ blob: blob as Blob, name: '' });
      return 'blob:fake';
    });
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      offered.at(-1)!.name = this.download;
    });
    const { useFilesStore } = await import('../../src-renderer/stores/files');
    transport.on('saveSession', () => ({ fileName: 'nic.irqsession', mimeType: 'application/octet-stream', data: btoa('IRQSCOPE\u0001'), bytes: 9 }));
    transport.on('exportTimeline', ({ format }) => ({ id: 7, fileName: `nic.${format}`, mimeType: 'text/csv', events: 12, delivery: 'download' as const }));
    const files = useFilesStore();
    expect(await files.saveSession()).toBe(true);
    expect(offered[0]!.name).toBe('nic.irqsession');
    expect(new Uint8Array(await offered[0]!.blob.arrayBuffer())).toEqual(new Uint8Array([...'IRQSCOPE'].map((c) => c.charCodeAt(0)).concat(1)));
    clicked.mockRestore();
    vi.restoreAllMocks();
  });

  it('downloads an export from the host, shows its progress with a cancel, and what became of it', async () => {
    const hrefs: [string, string][] = [];
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      hrefs.push([this.getAttribute('href')!, this.download]);
    });
    const { useFilesStore } = await import('../../src-renderer/stores/files');
    transport.on('exportTimeline', ({ format }) => ({ id: 7, fileName: `nic.${format}`, mimeType: 'text/csv', events: 12, delivery: 'download' as const }));
    transport.on('cancelExport', () => ({ cancelled: true }));
    const files = useFilesStore();
    expect(await files.exportTimeline('csv')).toBe(true);
    expect(transport.named('exportTimeline')).toEqual([{ format: 'csv' }]);
    // Relative to the page, which the browser host serves below its token.
    expect(hrefs).toEqual([['export/7', 'nic.csv']]);
    const report = { id: 7, fileName: 'nic.csv', state: 'running' as const, progress: 0.5, bytes: 100, events: 12 };
    files.exportProgressed(report);
    expect(files.exports).toEqual([report]);
    await files.cancelExport(7);
    expect(transport.named('cancelExport')).toEqual([{ id: 7 }]);
    files.exportProgressed({ ...report, state: 'cancelled' });
    expect(files.exports).toEqual([]);
    expect(files.note).toEqual({ ok: true, text: 'export of nic.csv cancelled' });
    files.exportProgressed({ ...report, id: 8, state: 'done', progress: 1, bytes: 3 << 20 });
    expect(files.note).toEqual({ ok: true, text: 'exported nic.csv (12 events, 3.0 MiB)' });
    files.exportProgressed({ ...report, id: 9, state: 'failed', error: 'events #0..#9 were overwritten' });
    expect(files.note).toEqual({ ok: false, text: 'export of nic.csv failed: events #0..#9 were overwritten' });
    // In Electron main writes the file itself: nothing to download here.
    transport.on('exportTimeline', () => ({ id: 10, fileName: 'nic.vcd', mimeType: 'text/x-vcd', events: 12, delivery: 'host' as const }));
    expect(await files.exportTimeline('vcd')).toBe(true);
    expect(hrefs).toHaveLength(1);
    clicked.mockRestore();
  });

  it('opens a session by sending the file as base64; a refusal shows main\'s reason and changes nothing here', async () => {
    const { useFilesStore } = await import('../../src-renderer/stores/files');
    const files = useFilesStore();
    const status = useStatusStore();
    transport.on('openSession', () => ({ ok: false, error: 'openSession.data: x.irqsession: truncated (the running machine is unchanged)' }));
    const before = { name: 'm', preset: null, timeNs: 1, total: 0, retained: 0, evicted: 0, capacity: 16, devices: 1 };
    status.machine = before;
    const file = new File([new Uint8Array([0x49, 0x52, 0xff, 0])], 'x.irqsession');
    expect(await files.openSession(file)).toBe(false);
    expect(transport.named('openSession')).toEqual([{ data: 'SVL/AA==', fileName: 'x.irqsession' }]);
    expect(files.note).toEqual({ ok: false, text: 'session file: x.irqsession: truncated (the running machine is unchanged)' });
    expect(status.machine).toEqual(before);
    const after = { ...before, name: 'opened' };
    transport.on('openSession', () => after);
    expect(await files.openSession(file)).toBe(true);
    expect(status.machine).toEqual(after);
  });

  it('refuses a session too big for the socket before sending anything', async () => {
    const { useFilesStore, MAX_UPLOAD_BYTES } = await import('../../src-renderer/stores/files');
    const files = useFilesStore();
    const big = new File([new Uint8Array(MAX_UPLOAD_BYTES + 1)], 'big.irqsession');
    expect(await files.openSession(big)).toBe(false);
    expect(transport.named('openSession')).toHaveLength(0);
    expect(files.note?.text).toContain('big.irqsession: 25,165,825 bytes is more than the browser can send');
  });
});
