// The machine's PCI functions and which one is selected.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DeviceInfo } from '../../src-shared/ipc/contract';
import { useStatusStore } from './status';

export const useDevicesStore = defineStore('devices', () => {
  const status = useStatusStore();
  const list = ref<DeviceInfo[]>([]);
  const selectedBdf = ref<number | null>(null);

  const selected = computed(() => list.value.find((d) => d.bdf === selectedBdf.value) ?? null);
  /** Devices with message-signalled vectors: MSI-X or plain MSI. */
  const withVectors = computed(() => list.value.filter((d) => d.msix !== null || d.msi !== undefined));

  async function refresh(): Promise<void> {
    const devices = await status.call('listDevices', {});
    if (devices === undefined) return;
    list.value = devices;
    if (!devices.some((d) => d.bdf === selectedBdf.value)) {
      selectedBdf.value = (devices.find((d) => d.msix !== null) ?? devices[0])?.bdf ?? null;
    }
  }

  function select(bdf: number): void {
    if (list.value.some((d) => d.bdf === bdf)) selectedBdf.value = bdf;
  }

  return { list, selectedBdf, selected, withVectors, refresh, select };
});
