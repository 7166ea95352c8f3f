import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { NIC, nicConfig, nicDevice } from './fixtures';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useStatusStore } from '../../src-renderer/stores/status';
import { readDumpFiles, useImportStore } from '../../src-renderer/stores/import';
import { startAppSession } from '../../src-renderer/app-session';
import ImportDialog from '../../src-renderer/components/ImportDialog.vue';
import ImportButton from '../../src-renderer/components/ImportButton.vue';
import MmioPokePanel from '../../src-renderer/components/MmioPokePanel.vue';
import type { DumpImportResult, DumpInspection, MachineStatus } from '../../src-shared/ipc/contract';
import type { DumpFileData } from '../../src-shared/pci-text/dump-file';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });

const RUNNING: MachineStatus = { name: 'virtio-net-like NIC', preset: 'virtio-net', timeNs: 0, total: 0, retained: 0, evicted: 0, capacity: 1 << 20, devices: 1 };
const IMPORTED: MachineStatus = { ...RUNNING, name: 'imported from 0000:00:07.0/config', preset: null };
const SYSFS: DumpFileData = { name: '0000:00:07.0/config', encoding: 'base64', base64: 'AAAA' };

/** A sysfs config file's device: no BAR sizes, so all three are asked for. */
const INSPECTION: DumpInspection = {
  devices: [{ address: '00:07.0', name: 'device-1af4-1000', title: null, msixVectors: 3 }],
  assumedBars: [
    { address: '00:07.0', device: 'device-1af4-1000', index: 0, type: 'io', size: 32 },
    { address: '00:07.0', device: 'device-1af4-1000', index: 1, type: 'mem32', size: 0x1000 },
    { address: '00:07.0', device: 'device-1af4-1000', index: 2, type: 'mem32', size: 0x1000 },
  ],
  warnings: ['00:07.0: BAR 2 has no [size=..] in the dump; using the default 0x1000'],
};

function imported(warnings: string[]): DumpImportResult {
  return { status: IMPORTED, devices: 1, warnings };
}

async function openDialog() {
  transport.on('inspectDumps', () => INSPECTION);
  useStatusStore().machine = RUNNING;
  const dialog = mount(ImportDialog, { ...opts(), attachTo: document.body });
  await useImportStore().open([SYSFS]);
  await flushPromises();
  return dialog;
}

const sizeInput = (dialog: Awaited<ReturnType<typeof openDialog>>, index: number) => dialog.get(`[data-testid="import-bar-${index}-size"]`);

beforeEach(() => {
  ({ transport } = setup());
});

describe('ImportDialog', () => {
  it('lists the devices and one size field per BAR the dump lacks, filled with the stated default', async () => {
    const dialog = await openDialog();
    expect(transport.named('inspectDumps')).toEqual([{ files: [SYSFS] }]);
    expect(dialog.get('[data-testid="import-files"]').text()).toContain('0000:00:07.0/config (sysfs config, 3 bytes)');
    expect(dialog.get('[data-testid="import-devices"]').text()).toContain('MSI-X, 3 vectors');
    expect((sizeInput(dialog, 0).element as HTMLInputElement).value).toBe('0x20');
    expect((sizeInput(dialog, 2).element as HTMLInputElement).value).toBe('0x1000');
    expect(dialog.get('[data-testid="import-bar-sizes"]').text()).toContain('0x1000 (4 KiB)');
    dialog.unmount();
  });

  it('imports with only the sizes the user changed, then shows the warnings', async () => {
    const dialog = await openDialog();
    transport.on('importDumps', () => imported(['00:07.0: BAR 2 has no [size=..] in the dump; using the given default 0x80000']));
    await sizeInput(dialog, 2).setValue('512K');
    expect(dialog.text()).toContain('512 KiB');
    await dialog.get('[data-testid="import-confirm"]').trigger('click');
    await flushPromises();
    expect(transport.named('importDumps')).toEqual([{ files: [SYSFS], vectorsInUse: 'all', barSizes: [{ index: 2, size: 0x80000 }] }]);
    expect(dialog.get('[data-testid="import-done"]').text()).toContain('imported from 0000:00:07.0/config');
    expect(dialog.get('[data-testid="import-warnings"]').text()).toContain('using the given default 0x80000');
    expect(useStatusStore().machine).toEqual(IMPORTED);
    await dialog.get('[data-testid="import-cancel"]').trigger('click');
    expect(dialog.find('[data-testid="import-dialog"]').exists()).toBe(false);
    dialog.unmount();
  });

  it("offers all vectors in use (the default, as a driver would) or none (QEMU's msix_init)", async () => {
    const dialog = await openDialog();
    transport.on('importDumps', () => imported([]));
    expect((dialog.get('[data-testid="import-in-use-all"]').element as HTMLInputElement).checked).toBe(true);
    await dialog.get('[data-testid="import-in-use-none"]').setValue(true);
    await dialog.get('[data-testid="import-confirm"]').trigger('click');
    await flushPromises();
    expect(transport.named('importDumps')).toEqual([{ files: [SYSFS], vectorsInUse: 'none' }]);
    dialog.unmount();
  });

  it('confirming the defaults sends no sizes: the importer applies its own', async () => {
    const dialog = await openDialog();
    transport.on('importDumps', () => imported([]));
    await dialog.get('[data-testid="import-confirm"]').trigger('click');
    await flushPromises();
    expect(transport.named('importDumps')).toEqual([{ files: [SYSFS], vectorsInUse: 'all' }]);
    dialog.unmount();
  });

  it('refuses a size that is not one, before asking main', async () => {
    const dialog = await openDialog();
    await sizeInput(dialog, 1).setValue('big');
    await dialog.get('[data-testid="import-confirm"]').trigger('click');
    await flushPromises();
    expect(transport.named('importDumps')).toEqual([]);
    expect(dialog.get('[data-testid="import-error"]').text()).toContain("BAR 1: 'big' is not a size");
    dialog.unmount();
  });

  it('shows why main refused the import, says the running machine is unchanged, and lets the user try again', async () => {
    const dialog = await openDialog();
    const error = 'importDumps.files: the imported machine does not load, the running machine is unchanged: devices[0].bars[1].size: 0x1800 is not a power of two >= 16';
    transport.on('importDumps', () => ({ ok: false, error }));
    await sizeInput(dialog, 1).setValue('0x1800');
    await dialog.get('[data-testid="import-confirm"]').trigger('click');
    await flushPromises();
    expect(dialog.get('[data-testid="import-error"]').text()).toContain('0x1800 is not a power of two');
    expect(dialog.get('[data-testid="import-error"]').text()).toContain('The running machine (virtio-net-like NIC) is unchanged.');
    expect(useStatusStore().machine).toEqual(RUNNING);
    expect(dialog.get('[data-testid="import-confirm"]').attributes('disabled')).toBeUndefined();
    dialog.unmount();
  });

  it('says there is nothing to ask when the dump gives every size', async () => {
    transport.on('inspectDumps', () => ({ ...INSPECTION, assumedBars: [] }));
    const dialog = mount(ImportDialog, { ...opts() });
    await useImportStore().open([{ name: 'lspci.txt', encoding: 'text', text: '00:09.0 …' }]);
    await flushPromises();
    expect(dialog.get('[data-testid="import-no-sizes"]').text()).toContain('nothing to ask');
    expect(dialog.find('[data-testid="import-bar-sizes"]').exists()).toBe(false);
  });

  it('shows an inspection refused by main, with no way to import', async () => {
    transport.on('inspectDumps', () => ({ ok: false, error: 'inspectDumps.files: no device could be read: junk.txt: error: no lspci device line' }));
    const dialog = mount(ImportDialog, { ...opts() });
    await useImportStore().open([{ name: 'junk.txt', encoding: 'text', text: 'junk' }]);
    await flushPromises();
    expect(dialog.get('[data-testid="import-error"]').text()).toContain('no device could be read');
    expect(dialog.get('[data-testid="import-confirm"]').attributes('disabled')).toBeDefined();
  });
});

describe('import store', () => {
  it('keeps only the latest files chosen, and a closed dialog stays closed when a late reply comes', async () => {
    transport.on('inspectDumps', ({ files }) => ({ ...INSPECTION, devices: [{ ...INSPECTION.devices[0]!, name: files[0]!.name }] }));
    const importer = useImportStore();
    await Promise.all([importer.open([{ ...SYSFS, name: 'first' }]), importer.open([{ ...SYSFS, name: 'second' }])]);
    expect(importer.inspection?.devices[0]!.name).toBe('second');
    expect(importer.files.map((f) => f.name)).toEqual(['second']);
    const late = importer.open([SYSFS]);
    importer.close();
    await late;
    expect(importer.phase).toBe('closed');
    expect(importer.inspection).toBeNull();
  });
});

describe('where the files come from', () => {
  it('the file input sends text as text and a binary sysfs config as base64', async () => {
    const binary = new Uint8Array(256);
    binary.set([0xf4, 0x1a, 0x00, 0x10]);
    const files = await readDumpFiles([new File(['00:09.0 Ethernet controller: x\n00: f4 1a\n'], 'dump.txt'), new File([binary], 'config')]);
    expect(files[0]).toEqual({ name: 'dump.txt', encoding: 'text', text: '00:09.0 Ethernet controller: x\n00: f4 1a\n' });
    expect(files[1]!.encoding).toBe('base64');
    expect(files[1]!.encoding === 'base64' && Uint8Array.from(atob(files[1]!.base64), (c) => c.charCodeAt(0))).toEqual(binary);
  });

  it('the Import button opens the dialog on the chosen files', async () => {
    transport.on('inspectDumps', () => INSPECTION);
    const button = mount(ImportButton, { ...opts() });
    const input = button.get('[data-testid="import-file-input"]');
    Object.defineProperty(input.element, 'files', { value: [new File(['00:09.0 x\n'], 'a.txt')], configurable: true });
    await input.trigger('change');
    await flushPromises();
    expect(transport.named('inspectDumps')).toEqual([{ files: [{ name: 'a.txt', encoding: 'text', text: '00:09.0 x\n' }] }]);
    expect(useImportStore().phase).toBe('confirm');
  });

  it('File ▸ Import… in Electron arrives as an importRequested event and opens the dialog', async () => {
    transport.on('inspectDumps', () => INSPECTION);
    startAppSession(transport, getActivePinia()!);
    transport.emit('importRequested', { files: [SYSFS] });
    await flushPromises();
    expect(transport.named('inspectDumps')).toEqual([{ files: [SYSFS] }]);
    expect(useImportStore().fields.map((f) => f.index)).toEqual([0, 1, 2]);
  });
});

describe('setpci in the poke panel', () => {
  async function panel() {
    let command = 0;
    transport
      .on('listDevices', () => [nicDevice()])
      .on('readConfigSpace', () => nicConfig(command))
      .on('setpci', ({ line }) => {
        if (line.includes('BOGUS')) return { command: `setpci -s 00:03.0 ${line}`, output: [], errors: ['setpci: Unknown register "BOGUS".', "Try `setpci --help' for more information."], notes: [], exitCode: 1 };
        if (line === '0x84.l') return { command: 'setpci -s 00:03.0 0x84.l', output: ['c0020011'], errors: [], notes: [], exitCode: 0 };
        command = 6;
        return { command: `setpci -s 00:03.0 ${line}`, output: [], errors: [], notes: [], exitCode: 0 };
      });
    await useDevicesStore().refresh();
    await useRegistersStore().load();
    return mount(MmioPokePanel, { ...opts() });
  }

  async function run(p: Awaited<ReturnType<typeof panel>>, line: string): Promise<void> {
    await p.get('[data-testid="setpci-line"]').setValue(line);
    await p.get('[data-testid="setpci-run"]').trigger('submit');
    await flushPromises();
  }

  it('runs a line for the selected device in main and re-reads config space after it', async () => {
    const p = await panel();
    expect(useRegistersStore().read(4, 2)).toBe(0);
    await run(p, 'COMMAND=0x0006');
    expect(transport.named('setpci')).toEqual([{ line: 'COMMAND=0x0006', bdf: NIC }]);
    expect(useRegistersStore().read(4, 2)).toBe(6);
    const row = p.get('[data-testid="setpci-record"]');
    expect(row.get('[data-testid="setpci-command"]').text()).toBe('-s 00:03.0 COMMAND=0x0006');
    expect(row.text()).toContain('ok');
    expect(row.classes()).not.toContain('failed');
  });

  it('shows values read, and setpci’s wording for a mistake', async () => {
    const p = await panel();
    await run(p, '0x84.l');
    expect(p.get('[data-testid="setpci-record"] .result').text()).toBe('c0020011');
    await run(p, 'BOGUS');
    const rows = p.findAll('[data-testid="setpci-record"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('setpci: Unknown register "BOGUS".');
    expect(rows[0]!.classes()).toContain('failed');
  });

  it('shows a refused request in the history too', async () => {
    const p = await panel();
    transport.on('setpci', () => ({ ok: false, error: 'setpci.line: one line, without line breaks' }));
    await run(p, 'COMMAND');
    expect(p.get('[data-testid="setpci-record"]').text()).toContain('line: one line, without line breaks');
  });

  it('without a selected device the line goes as typed', async () => {
    transport.on('setpci', () => ({ command: 'setpci -s 00:05.0 VENDOR_ID', output: ['8086'], errors: [], notes: [], exitCode: 0 })).on('listDevices', () => []);
    await useDevicesStore().refresh();
    const p = mount(MmioPokePanel, { ...opts() });
    await run(p, '-s 00:05.0 VENDOR_ID');
    expect(transport.named('setpci')).toEqual([{ line: '-s 00:05.0 VENDOR_ID' }]);
    expect(p.get('[data-testid="setpci-record"] .result').text()).toBe('8086');
  });
});
