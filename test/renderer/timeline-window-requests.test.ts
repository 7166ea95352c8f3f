// The timeline canvas asks the host for its window once per animation frame, however
// many batches and view moves a frame brings (a flood brings several).
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { mount, flushPromises } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { batch } from './fixtures';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import TimelineCanvas from '../../src-renderer/components/TimelineCanvas.vue';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { TimelineWindow } from '../../src-shared/timeline/window';

let transport: FakeTransport;
beforeEach(() => ({ transport } = setup()));

const emptyWindow = (p: { startNs: number; endNs: number; pixels: number }): TimelineWindow => ({
  ...p,
  total: 0,
  evicted: 0,
  missed: 0,
  oldestTimeNs: null,
  newestTimeNs: null,
  lanes: [],
  activeLanes: [],
  filter: null,
});
const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

describe('timeline window requests', () => {
  it('one per animation frame for a frame of batches and view changes', async () => {
    transport.on('timelineWindow', (p) => emptyWindow(p));
    const timeline = useTimelineStore();
    const canvas = mount(TimelineCanvas, { global: { plugins: [getActivePinia()!] }, attachTo: document.body });
    await nextFrame();
    await flushPromises();
    const asked = transport.named('timelineWindow').length;
    expect(asked).toBeGreaterThanOrEqual(1);
    for (let k = 0; k < 5; k++) {
      timeline.ingest(batch([{ time: 100 * k, kind: EventKind.ConfigWrite }], k, { total: k + 1 }));
      timeline.setView(0, 1000 + k);
      // The watchers run (each would have asked), no frame comes between.
      await nextTick();
    }
    expect(transport.named('timelineWindow').length).toBe(asked);
    await nextFrame();
    await flushPromises();
    expect(transport.named('timelineWindow').length).toBe(asked + 1);
    expect(transport.named('timelineWindow').at(-1)).toMatchObject({ startNs: 0, endNs: 1004 });
    canvas.unmount();
  });
});
