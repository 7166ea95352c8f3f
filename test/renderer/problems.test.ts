import { beforeEach, describe, expect, it } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { batch } from './fixtures';
import { useProblemsStore } from '../../src-renderer/stores/problems';
import { useStatusStore } from '../../src-renderer/stores/status';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import ProblemsPanel from '../../src-renderer/components/ProblemsPanel.vue';
import StatusBar from '../../src-renderer/components/StatusBar.vue';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { DoctorReport } from '../../src-shared/ipc/contract';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });
const REPORT: DoctorReport = {
  events: 12,
  notKept: 0,
  findings: [
    { rule: 'DR-BUS-MASTER-OFF', severity: 'error', device: '00:03.0', bdf: 0x18, vector: 0, seqs: [11], count: 1, why: 'dropped: Bus Master is off', source: 'msix-semantics N3' },
    { rule: 'DR-PBA-WRITE', severity: 'warning', device: '00:03.0', bdf: 0x18, vector: null, seqs: [9, 10], count: 2, why: 'the PBA is read-only', source: 'msix-semantics P1' },
  ],
};

beforeEach(() => {
  ({ transport } = setup());
  transport.on('doctorFindings', () => REPORT);
});

describe('Problems', () => {
  it('counts errors and warnings in the status bar, fetched when events arrive, and opens the panel', async () => {
    const bar = mount(StatusBar, opts());
    useTimelineStore().ingest(batch([{ time: 5, kind: EventKind.PbaWrite }], 9));
    await new Promise((r) => setTimeout(r, 10));
    await flushPromises();
    expect(transport.named('doctorFindings')).toHaveLength(1);
    const count = bar.get('[data-testid="status-problems"]');
    expect(count.text()).toBe('problems 1 ● 1 ▲');
    expect(count.classes()).toContain('bad');
    await count.trigger('click');
    expect(useProblemsStore().panelOpen).toBe(true);
  });

  it('lists each finding with its why and source; clicking an event shows it selected on the timeline', async () => {
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 100, kind: EventKind.PbaWrite }, { time: 200, kind: EventKind.PbaWrite }, { time: 300, kind: EventKind.NotifyDropped }], 9));
    const panel = mount(ProblemsPanel, opts());
    await flushPromises();
    const item = panel.get('[data-testid="problem-DR-BUS-MASTER-OFF"]');
    expect(item.text()).toContain('dropped: Bus Master is off');
    expect(item.text()).toContain('msix-semantics N3');
    expect(panel.get('[data-testid="problem-DR-PBA-WRITE"]').text()).toContain('×2');
    await panel.get('[data-testid="problem-DR-PBA-WRITE-seq-10"]').trigger('click');
    expect(useStatusStore().view).toBe('timeline');
    expect(timeline.selected).toBe(timeline.events.indexOfSeq(10));
    expect(timeline.follow).toBe(false);
    expect((timeline.view.start + timeline.view.end) / 2).toBe(200);
  });
});

describe('the why column', () => {
  it('shows each vector\'s line from the snapshot, naming the event on hover, and the dropped total', async () => {
    const { useVectorsStore } = await import('../../src-renderer/stores/vectors');
    const { default: VectorTableGrid } = await import('../../src-renderer/components/VectorTableGrid.vue');
    const { nicSnapshot } = await import('./fixtures');
    useVectorsStore().snapshot = nicSnapshot({
      why: [
        { text: 'masked (vector bit) since #12, 2 notifies pending', seq: 14 },
        { text: 'dropped: vector not in use ×3', seq: 20 },
        { text: 'MSI-X disabled', seq: null },
      ],
      dropped: 3,
    });
    const grid = mount(VectorTableGrid, opts());
    await flushPromises();
    const cell = grid.get('[data-testid="vector-0-why"]');
    expect(cell.text()).toBe('masked (vector bit) since #12, 2 notifies pending');
    expect(cell.attributes('title')).toBe('masked (vector bit) since #12, 2 notifies pending — event #14');
    expect(grid.get('[data-testid="vector-2-why"]').attributes('title')).toBe('MSI-X disabled');
  });
});

describe('viewing an earlier event', () => {
  it('asks the machine for the state at the event, shows the banner, steps back with Shift+F10 and returns to live', async () => {
    const { useHistoryStore } = await import('../../src-renderer/stores/history');
    const { default: ViewingBanner } = await import('../../src-renderer/components/ViewingBanner.vue');
    transport.on('viewAt', (p) => ({ seq: p.seq })).on('listDevices', () => []);
    useTimelineStore().ingest(batch([{ time: 1, kind: EventKind.TableWrite }, { time: 2, kind: EventKind.NotifyPended, detail: 1 }], 11));
    const banner = mount(ViewingBanner, { ...opts(), attachTo: document.body });
    expect(banner.find('[data-testid="viewing-banner"]').exists()).toBe(false);
    await useHistoryStore().view(12);
    await flushPromises();
    expect(banner.get('[data-testid="viewing-banner"]').text()).toContain('viewing #12');
    expect(banner.text()).toContain('NotifyPended');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F10', shiftKey: true }));
    await flushPromises();
    expect(transport.named('viewAt')).toEqual([{ seq: 12 }, { seq: 11 }]);
    expect(banner.text()).toContain('viewing #11');
    await banner.get('[data-testid="viewing-live"]').trigger('click');
    await flushPromises();
    expect(transport.named('viewAt').at(-1)).toEqual({ seq: null });
    expect(banner.find('[data-testid="viewing-banner"]').exists()).toBe(false);
    banner.unmount();
  });

  it('Shift+F5 goes back to the event the last breakpoint stopped at', async () => {
    const { useHistoryStore } = await import('../../src-renderer/stores/history');
    transport.on('viewAt', (p) => ({ seq: p.seq })).on('listDevices', () => []);
    useTimelineStore().ingest(batch([{ time: 1, kind: EventKind.VectorUnmasked }, { time: 1, kind: EventKind.Breakpoint, detail: 0, a: 1, b: 20 }, { time: 2, kind: EventKind.NotifyDelivered }], 20));
    await useHistoryStore().backToBreakpoint();
    expect(transport.named('viewAt')).toEqual([{ seq: 20 }]);
  });
});
