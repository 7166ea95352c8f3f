// The banner says its vector state is the state at the event (and shows the present
// beside it); an armed step or run-until is shown until it lands and can be
// cancelled; "Show on timeline" reveals the event every time and focuses the canvas.
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { BAR1, NIC, batch, nicDevice, nicSnapshot } from './fixtures';
import { pauseAt, state } from './debugger-fixtures';
import { useDebuggerStore } from '../../src-renderer/stores/debugger';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import { useStatusStore } from '../../src-renderer/stores/status';
import PausedBanner from '../../src-renderer/components/PausedBanner.vue';
import DebugControls from '../../src-renderer/components/DebugControls.vue';
import TimelineCanvas from '../../src-renderer/components/TimelineCanvas.vue';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { DebuggerState } from '../../src-shared/debugger/breakpoints';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });
beforeEach(() => ({ transport } = setup()));

describe('the paused banner', () => {
  it('labels its vector state "at the event" and shows the vector as it is now beside it', async () => {
    const pending = pauseAt(3, { vector: { bdf: NIC, vector: 0, masked: false, maskBit: false, pending: true, useCount: 1, delivered: 0, functionMask: false, enabled: true } });
    const snapshot = nicSnapshot({ tableAddress: BAR1, enabled: true, functionMasked: false, delivered: [1, 0, 0], table: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1] });
    transport.on('listDevices', () => [nicDevice(BAR1)]).on('vectorSnapshot', () => snapshot);
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
    const banner = mount(PausedBanner, opts());
    useDebuggerStore().apply(state({ paused: pending }));
    await flushPromises();
    const line = banner.get('[data-testid="paused-vector"]').text();
    expect(line).toContain('v0 at the event:');
    expect(line).toContain('pending 1');
    expect(banner.get('[data-testid="paused-vector-now"]').text()).toBe('· now: unmasked, pending 0, delivered 1');
  });
});

describe('an armed step or run-until', () => {
  function main(initial: DebuggerState): { current: DebuggerState } {
    const box = { current: initial };
    transport
      .on('debuggerState', () => box.current)
      .on('step', () => {
        box.current = { ...box.current, paused: null, mode: 'step' };
        return { paused: false, ran: 0 };
      })
      .on('runUntilVectorEvent', () => {
        box.current = { ...box.current, paused: null, mode: 'until-vector', until: { bdf: NIC, vector: 0 } };
        return { paused: false, ran: 0 };
      })
      .on('cancelRun', () => {
        const cancelled = box.current.mode as 'step' | 'until-vector';
        box.current = { ...box.current, mode: 'run', until: null };
        return { cancelled };
      });
    return box;
  }

  it('F10 with nothing queued shows "step armed" until cancelled; Cancel disarms it in main', async () => {
    main(state({ paused: pauseAt(3) }));
    const debug = useDebuggerStore();
    await debug.refresh();
    const controls = mount(DebugControls, { ...opts(), attachTo: document.body });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F10' }));
    await flushPromises();
    expect(controls.get('[data-testid="run-state"]').classes()).toContain('armed');
    expect(controls.get('[data-testid="debug-armed"]').text()).toContain('step armed');
    expect(controls.get('[data-testid="debug-armed"]').attributes('title')).toBe('step armed: pauses at the next event, whatever logs it');
    await controls.get('[data-testid="debug-cancel-armed"]').trigger('click');
    await flushPromises();
    expect(transport.named('cancelRun')).toEqual([{}]);
    expect(controls.find('[data-testid="debug-armed"]').exists()).toBe(false);
    expect(controls.get('[data-testid="run-state"]').text()).toBe('running');
    controls.unmount();
  });

  it('run to the vector’s next event names the vector while it waits, and lands as a pause', async () => {
    const box = main(state({ paused: pauseAt(3) }));
    const debug = useDebuggerStore();
    await debug.refresh();
    const controls = mount(DebugControls, opts());
    await debug.runUntilVectorEvent();
    await flushPromises();
    expect(controls.get('[data-testid="debug-armed"]').text()).toContain('run to 00:03.0 v0 armed');
    expect(controls.get('[data-testid="debug-armed"]').attributes('title')).toContain("run to 00:03.0 v0's next event armed");
    box.current = state({ paused: pauseAt(9, { reason: 'until-vector', breakpoint: null }) });
    debug.apply(box.current);
    await flushPromises();
    expect(controls.find('[data-testid="debug-armed"]').exists()).toBe(false);
    expect(controls.get('[data-testid="run-state"]').text()).toBe('paused');
  });
});

describe('Show on timeline', () => {
  it('reveals the paused event every time it is pressed, and the canvas takes the keyboard', async () => {
    const timeline = useTimelineStore();
    timeline.ingest(batch([{ time: 5000, kind: EventKind.VectorUnmasked, vector: 0 }, { time: 9_000_000, kind: EventKind.ConfigWrite }], 0, { now: 9_000_000 }));
    transport.on('debuggerState', () => state({ paused: pauseAt(0) }));
    const debug = useDebuggerStore();
    await debug.refresh();
    const status = useStatusStore();
    const banner = mount(PausedBanner, opts());
    for (let round = 0; round < 2; round++) {
      // The user looks elsewhere: another view, panned far away, another event selected.
      status.view = 'devices';
      timeline.setView(8_000_000, 9_000_000);
      timeline.selected = timeline.events.indexOfSeq(1);
      await banner.get('[data-testid="debug-show-event"]').trigger('click');
      expect(status.view).toBe('timeline');
      expect(timeline.view.start).toBeLessThan(5000);
      expect(timeline.view.end).toBeGreaterThan(5000);
      expect(timeline.selected).toBe(timeline.events.indexOfSeq(0));
      expect(timeline.focusPending).toBe(true);
      const canvas = mount(TimelineCanvas, { ...opts(), attachTo: document.body });
      await flushPromises();
      expect(document.activeElement).toBe(canvas.get('[data-testid="timeline-canvas"]').element);
      expect(timeline.focusPending).toBe(false);
      canvas.unmount();
    }
  });
});
