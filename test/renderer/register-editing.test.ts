// Register and BAR editing as a new user meets it: the selection stays on the byte
// chosen, a write to read-only bits says what took effect, and a BAR address is
// exact to 64 bits and refused (with the reason, next to the field) when unaligned.
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { NIC, nicConfig, nicDevice } from './fixtures';
import type { DeviceInfo } from '../../src-shared/ipc/contract';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import DevicesView from '../../src-renderer/components/DevicesView.vue';
import ConfigBitEditor from '../../src-renderer/components/ConfigBitEditor.vue';
import BarAddressTable from '../../src-renderer/components/BarAddressTable.vue';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });

/** A config space that applies the write masks, as the machine does. */
function maskedConfig(device: DeviceInfo = nicDevice()) {
  const image = nicConfig();
  transport
    .on('listDevices', () => [device])
    .on('readConfigSpace', () => ({ ...image, bytes: [...image.bytes] }))
    .on('writeConfig', ({ offset, size, value }) => {
      for (let i = 0; i < size; i++) {
        const v = (value >>> (8 * i)) & 0xff;
        const wm = image.writable[offset + i]!;
        image.bytes[offset + i] = ((image.bytes[offset + i]! & ~wm) | (v & wm)) & ~(v & image.w1c[offset + i]!);
      }
      let back = 0;
      for (let i = size - 1; i >= 0; i--) back = back * 256 + image.bytes[offset + i]!;
      return { value: back };
    });
  return image;
}

async function load(device?: DeviceInfo) {
  const image = maskedConfig(device);
  await useDevicesStore().refresh();
  await useRegistersStore().load();
  return image;
}

beforeEach(() => ({ transport } = setup()));

describe('the config selection', () => {
  it('stays on the byte the user chose across width changes (0x3D, Interrupt Pin)', async () => {
    await load();
    const view = mount(DevicesView, opts());
    await flushPromises();
    expect(view.get('[data-testid="width-2"]').attributes('aria-checked')).toBe('true');
    await view.get('[data-offset="61"]').trigger('click');
    const where = () => view.get('[data-testid="config-bit-editor"] .where').text();
    expect(where()).toBe('0x03c');
    await view.get('[data-testid="width-1"]').trigger('click');
    expect(where()).toBe('0x03d');
    expect(view.get('[data-testid="config-bit-editor"]').text()).toContain('INTERRUPT_PIN');
    await view.get('[data-testid="width-4"]').trigger('click');
    await view.get('[data-testid="width-1"]').trigger('click');
    expect(where()).toBe('0x03d');
    await view.get('[data-testid="config-value-input"]').setValue('05');
    await view.get('[data-testid="config-bit-editor"] form').trigger('submit');
    await flushPromises();
    expect(transport.named('writeConfig')).toEqual([{ bdf: NIC, offset: 0x3d, size: 1, value: 5 }]);
  });
});

describe('a write to read-only bits', () => {
  it('VENDOR_ID=1234: the editor says it is read-only and the field shows what the register holds', async () => {
    await load();
    const editor = mount(ConfigBitEditor, { props: { offset: 0, width: 2 }, ...opts() });
    await editor.get('[data-testid="config-value-input"]').setValue('1234');
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(editor.get('[data-testid="config-write-effect"]').text()).toBe('read-only: wrote 0x1234, it still reads 0x1af4');
    expect((editor.get('[data-testid="config-value-input"]').element as HTMLInputElement).value).toBe('1af4');
  });

  it('COMMAND=ffff: shows what took effect and which bits were ignored; a clean write says nothing', async () => {
    await load();
    const editor = mount(ConfigBitEditor, { props: { offset: 4, width: 2 }, ...opts() });
    await editor.get('[data-testid="config-value-input"]').setValue('ffff');
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(editor.get('[data-testid="config-write-effect"]').text()).toBe('wrote 0xffff, took effect as 0x0547: bits 0xfab8 are read-only and kept their value');
    await editor.get('[data-testid="config-value-input"]').setValue('0006');
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(editor.find('[data-testid="config-write-effect"]').exists()).toBe(false);
  });
});

describe('BAR assign', () => {
  const wide: DeviceInfo = { ...nicDevice(), bars: [...nicDevice().bars, { index: 2, type: 'mem64', size: 0x10000, prefetchable: true, mappedAt: null }] };

  async function table() {
    const image = await load(wide);
    // BAR2/3 as a 64 KiB 64-bit BAR: address bits 16..63 writable, type bits 0b1100.
    image.bytes[0x18] = 0x0c;
    image.writable.splice(0x18, 8, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    await useRegistersStore().load();
    return mount(BarAddressTable, opts());
  }

  async function assign(t: Awaited<ReturnType<typeof table>>, text: string): Promise<void> {
    await t.get('[data-testid="bar-2-input"]').setValue(text);
    await t.get('[data-testid="bar-2"] form').trigger('submit');
    await flushPromises();
  }

  it('takes a 64-bit address at or above 2^53 exactly and shows it back exactly', async () => {
    const t = await table();
    await assign(t, '0xfedcba9876540000');
    expect(transport.named('writeConfig')).toEqual([
      { bdf: NIC, offset: 0x18, size: 4, value: 0x76540000 },
      { bdf: NIC, offset: 0x1c, size: 4, value: 0xfedcba98 },
    ]);
    expect(t.get('[data-testid="bar-2"]').text()).toContain('0xfedcba9876540000');
    expect(t.get('[data-testid="bar-2-mapped"]').text()).toContain('above 2^53');
    expect(t.find('[data-testid="bar-2-error"]').exists()).toBe(false);
  });

  it('refuses an unaligned address, saying where it would have decoded, and writes nothing', async () => {
    const t = await table();
    await assign(t, '0x12345');
    expect(transport.named('writeConfig')).toEqual([]);
    expect(t.get('[data-testid="bar-2-error"]').text()).toBe(
      "0x12345 is not aligned to the BAR's size (64 KiB): its low bits are read-only, so it would decode at 0x10000. Use 0x10000 or 0x20000.",
    );
    await assign(t, 'zz');
    expect(t.get('[data-testid="bar-2-error"]').text()).toContain("'zz' is not a number");
    await assign(t, '0x1_0000_0000_0000_0000');
    expect(t.get('[data-testid="bar-2-error"]').text()).toContain('does not fit a mem64 BAR');
    await assign(t, '0x20000');
    expect(t.find('[data-testid="bar-2-error"]').exists()).toBe(false);
    expect(transport.named('writeConfig')).toHaveLength(2);
  });
});
