// The capability chain panel names every capability from the shared PCI-SIG table
// (src-shared/registers/capability-names.ts), the table lspci's text also reads.
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { nicConfig, nicDevice } from './fixtures';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import CapabilityChainPanel from '../../src-renderer/components/CapabilityChainPanel.vue';
import { capabilityName, EXTENDED_CAPABILITIES } from '../../src-shared/registers/capability-names';
import { capabilityLines } from '../../src-shared/pci-text/lspci-capabilities';
import { bytesReader } from '../../src-shared/pci-text/config-decode';

let transport: FakeTransport;
beforeEach(() => ({ transport } = setup()));

/** The NIC's config space grown to 4 KiB, with a PCI Express capability and AER → Secondary PCIe → LTR → L1 PM Substates. */
function pcieImage() {
  const image = nicConfig();
  const bytes = [...image.bytes, ...new Array<number>(4096 - 256).fill(0)];
  const put = (at: number, size: number, v: number): void => {
    for (let i = 0; i < size; i++) bytes[at + i] = Math.floor(v / 256 ** i) & 0xff;
  };
  put(0x85, 1, 0x40); // MSI-X → PCIe at 0x40
  put(0x40, 2, 0x0010);
  put(0x42, 2, 0x0002);
  const chain = [
    [0x100, 0x0001],
    [0x148, 0x0019],
    [0x158, 0x0018],
    [0x160, 0x001e],
  ] as const;
  chain.forEach(([at, id], i) => put(at, 4, id + (1 << 16) + (chain[i + 1]?.[0] ?? 0) * 2 ** 20));
  return { ...image, bytes, writable: [...image.writable, ...new Array<number>(3840).fill(0)], w1c: [...image.w1c, ...new Array<number>(3840).fill(0)] };
}

describe('capability names', () => {
  it('the panel names extended capabilities (AER, Secondary PCIe, LTR, L1 PM Substates) and standard ones', async () => {
    const image = pcieImage();
    transport.on('listDevices', () => [{ ...nicDevice(), configSize: 4096 as const }]).on('readConfigSpace', () => image);
    await useDevicesStore().refresh();
    await useRegistersStore().load();
    const panel = mount(CapabilityChainPanel, { global: { plugins: [getActivePinia()!] } });
    await flushPromises();
    const names = panel.findAll('.name').map((n) => n.text());
    expect(names).toEqual(['MSI-X', 'PCI Express', 'Advanced Error Reporting (AER)', 'Secondary PCI Express', 'Latency Tolerance Reporting (LTR)', 'L1 PM Substates']);
    expect(panel.text()).not.toContain('extended capability 0x');
  });

  it('lspci text reads the same table, in its own wording', () => {
    const bytes = Uint8Array.from(pcieImage().bytes);
    const lines = capabilityLines(bytesReader(bytes), 4096, 1).join('\n');
    for (const id of [0x0001, 0x0019, 0x0018, 0x001e]) expect(lines).toContain(`] ${EXTENDED_CAPABILITIES[id]!.lspci!}`);
  });

  it('an unassigned ID keeps its number', () => {
    expect(capabilityName(0x7f, true)).toBe('extended capability 0x007f');
    expect(capabilityName(0x42, false)).toBe('capability 0x42');
    expect(capabilityName(0x0034, true)).toBe('Flit Error Injection');
  });
});
