import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { nicDevice, nicSnapshot, BAR1 } from './fixtures';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import InterruptCountsPanel from '../../src-renderer/components/InterruptCountsPanel.vue';

let transport: FakeTransport;
let pinia: Pinia;

beforeEach(() => {
  ({ transport, pinia } = setup());
  transport.on('listDevices', () => [nicDevice(BAR1)]).on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1 }));
});

describe('InterruptCountsPanel', () => {
  it('shows the APIC counts as /proc/interrupts does: a row per IDT vector, a column per CPU', async () => {
    transport.on('interruptCounts', () => ({ cpus: 2, rows: [{ label: '0x31', perCpu: [0, 1234] }, { label: 'NMI', perCpu: [1, 0] }] }));
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
    const panel = mount(InterruptCountsPanel, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(panel.findAll('thead th').map((t) => t.text())).toEqual(['IDT vector', 'CPU0', 'CPU1']);
    expect(panel.get('[data-testid="interrupts-0x31"]').findAll('td').map((t) => t.text())).toEqual(['0', '1,234']);
    expect(panel.get('[data-testid="interrupts-NMI"]').text()).toContain('NMI');
  });

  it('says so when nothing has been delivered', async () => {
    transport.on('interruptCounts', () => ({ cpus: 4, rows: [] }));
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
    const panel = mount(InterruptCountsPanel, { global: { plugins: [pinia] } });
    expect(panel.text()).toContain('No interrupt has reached a CPU yet.');
  });
});
