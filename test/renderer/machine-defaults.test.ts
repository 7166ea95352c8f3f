// Defaults that fit the machine that is loaded: the poke panel's address and setpci
// placeholder, the Script tab's starter; another machine clears the poke log.
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { NIC, PLAIN, nicConfig, nicDevice, nicSnapshot } from './fixtures';
import type { DeviceInfo, MachineStatus } from '../../src-shared/ipc/contract';
import { startAppSession } from '../../src-renderer/app-session';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useScriptStore, EXAMPLE_SCRIPT } from '../../src-renderer/stores/script';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { starterScript } from '../../src-shared/qtest/bringup-script';
import MmioPokePanel from '../../src-renderer/components/MmioPokePanel.vue';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });
beforeEach(() => ({ transport } = setup()));

const STATUS: MachineStatus = { name: 'virtio', preset: 'virtio-net', timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 1 << 16, devices: 1 };
/** An nvme-like function at 00:04.0: MSI-X in a 64-bit BAR0. */
const NVME: DeviceInfo = {
  ...nicDevice(),
  bdf: 0x20,
  address: '00:04.0',
  name: 'nvme0',
  bars: [{ index: 0, type: 'mem64', size: 0x4000, prefetchable: false, mappedAt: null }],
  msix: { vectors: 65, capOffset: 0x80, tableBar: 0, tableOffset: 0x2000, pbaBar: 0, pbaOffset: 0x3000 },
};

async function session(devices: DeviceInfo[]): Promise<{ devices: { current: DeviceInfo[] } }> {
  const box = { current: devices };
  transport
    .on('status', () => STATUS)
    .on('listPresets', () => [])
    .on('debuggerState', () => ({ breakpoints: [], nextId: 1, mode: 'run' as const, until: null, paused: null, queue: [] }))
    .on('listDevices', () => box.current)
    .on('readConfigSpace', ({ bdf }) => ({ ...nicConfig(), bdf }))
    .on('vectorSnapshot', ({ bdf }) => ({ ...nicSnapshot(), bdf }))
    .on('interruptCounts', () => ({ cpus: 1, rows: [] }))
    .on('readMmio', () => ({ value: 0, high: 0, status: 'ok' as const }));
  startAppSession(transport, getActivePinia()!);
  await flushPromises();
  return { devices: box };
}

describe('defaults that fit the machine', () => {
  it('for virtio-net the starter script is the example the app has always shown', () => {
    expect(starterScript([nicDevice()])).toBe(EXAMPLE_SCRIPT);
  });

  it('the poke panel starts at a BAR the selected device has, and setpci names it', async () => {
    await session([NVME]);
    const panel = mount(MmioPokePanel, opts());
    await flushPromises();
    expect((panel.get('[data-testid="poke-address"]').element as HTMLInputElement).value).toBe('bar0+0x0');
    expect(panel.get('[data-testid="setpci-line"]').attributes('placeholder')).toContain('(no -s: 00:04.0)');
    expect(panel.get('[data-testid="setpci-line"]').attributes('placeholder')).not.toContain('00:03.0');
  });

  it('a device without BARs starts at an absolute address', async () => {
    await session([PLAIN]);
    const panel = mount(MmioPokePanel, opts());
    await flushPromises();
    expect((panel.get('[data-testid="poke-address"]').element as HTMLInputElement).value).toBe('0x0');
  });

  it('the Script tab starts with a script for the machine, and keeps one the user wrote', async () => {
    const { devices } = await session([NVME]);
    const script = useScriptStore();
    expect(script.text).not.toBe(EXAMPLE_SCRIPT);
    expect(script.text).toContain('setpci -s 00:04.0 CAP_MSIX+2.w=0x8000:0xc000');
    expect(script.text).toContain('writel 0xfebd2000 0xfee01000');
    // Another machine: the untouched starter follows it…
    devices.current = [nicDevice()];
    transport.emit('machineLoaded', { ...STATUS, name: 'other' });
    await flushPromises();
    expect(script.text).toBe(EXAMPLE_SCRIPT);
    // …but the user's own script stays.
    script.edited('readl 0x0\n');
    devices.current = [NVME];
    transport.emit('machineLoaded', STATUS);
    await flushPromises();
    expect(script.text).toBe('readl 0x0\n');
  });

  it('another machine clears the poke log', async () => {
    await session([nicDevice()]);
    const registers = useRegistersStore();
    await registers.poke({ space: 'memory', op: 'read', address: 0x1000, size: 4, value: 0, high: 0, text: '0x1000' });
    expect(registers.history).toHaveLength(1);
    transport.emit('machineLoaded', { ...STATUS, name: 'other' });
    expect(registers.history).toEqual([]);
    await flushPromises();
    expect(registers.image?.bdf).toBe(NIC);
    expect(useDevicesStore().selectedBdf).toBe(NIC);
  });
});
