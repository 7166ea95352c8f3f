// Every refusal says why, next to the field, in the user's words; a later
// successful action clears the errors on screen.
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { getActivePinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { BAR1, NIC, nicConfig, nicDevice, nicSnapshot } from './fixtures';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useStatusStore } from '../../src-renderer/stores/status';
import VectorTableGrid from '../../src-renderer/components/VectorTableGrid.vue';
import VectorsView from '../../src-renderer/components/VectorsView.vue';
import MmioPokePanel from '../../src-renderer/components/MmioPokePanel.vue';
import { userError, userWords } from '../../src-renderer/lib/user-words';
import { parseRate } from '../../src-renderer/lib/rate';

let transport: FakeTransport;
const opts = () => ({ global: { plugins: [getActivePinia()!] } });
beforeEach(() => ({ transport } = setup()));

async function nic(vectors = 3) {
  transport
    .on('listDevices', () => [nicDevice(BAR1, vectors)])
    .on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1 }, vectors))
    .on('readConfigSpace', () => nicConfig());
  await useDevicesStore().refresh();
  await useVectorsStore().refresh();
}

describe("main's refusals in the user's words", () => {
  it('names the field as the screen does, not the contract path', () => {
    expect(userWords('startSource.ratePerSecond: at most 10,000,000 per second')).toBe('rate: at most 10,000,000 per second');
    expect(userWords('addBreakpoint.spec.vectors: 70 out of range 0..64')).toBe('vectors: 70 out of range 0..64');
    expect(userWords('addBreakpoint.spec.condition.minHits: a hit count below 1')).toBe('hit count: a hit count below 1');
    expect(userWords('importDumps.barSizes[0].size: a BAR size below 1')).toBe('size: a BAR size below 1');
    expect(userWords('continue: the machine is not paused')).toBe('Continue: the machine is not paused');
    expect(userError('addBreakpoint.spec.offset: past the end')).toEqual({ field: 'offset', message: 'offset: past the end' });
    expect(userWords('something else entirely')).toBe('something else entirely');
  });

  it('a later successful action clears the reported errors; the app reading the machine does not', async () => {
    const status = useStatusStore();
    transport.on('fireVector', () => ({ ok: false, error: 'fireVector.vector: a vector number above 0x7ff' })).on('vectorSnapshot', () => nicSnapshot());
    await status.call('fireVector', { bdf: NIC, vector: 5000 });
    expect(status.lastError?.message).toBe('vector: a vector number above 0x7ff');
    await status.call('vectorSnapshot', { bdf: NIC });
    expect(status.lastError).not.toBeNull();
    transport.on('fireVector', () => ({ events: 1, queued: null }));
    await status.call('fireVector', { bdf: NIC, vector: 0 });
    expect(status.lastError).toBeNull();
  });
});

describe('the rate field', () => {
  it.each([
    ['abc', "'abc' is not a rate: raises per second, e.g. 1000 or 2.5"],
    ['-5', 'the rate must be above 0 (got -5)'],
    ['0', 'the rate must be above 0 (got 0)'],
    ['1e9', 'at most 10,000,000 per second (got 1,000,000,000)'],
    ['', 'type a rate in raises per second, e.g. 1000'],
  ])('refuses %j, saying why next to the field, and sends nothing', async (text, why) => {
    await nic();
    const grid = mount(VectorTableGrid, { ...opts(), attachTo: document.body });
    await grid.get('[data-testid="vector-1-rate-input"]').setValue(text);
    await grid.get('[data-testid="vector-1-rate"]').trigger('click');
    expect(grid.get('[data-testid="vector-1-rate-error"]').text()).toBe(why);
    expect(transport.named('startSource')).toEqual([]);
    grid.unmount();
  });

  it('takes 1.5 per second (a fractional rate is a rate) and clears the reason', async () => {
    await nic();
    transport.on('startSource', (p) => ({ bdf: p.bdf, vector: p.vector, ratePerSecond: p.ratePerSecond }));
    const grid = mount(VectorTableGrid, { ...opts(), attachTo: document.body });
    await grid.get('[data-testid="vector-1-rate-input"]').setValue('abc');
    await grid.get('[data-testid="vector-1-rate"]').trigger('click');
    await grid.get('[data-testid="vector-1-rate-input"]').setValue('1.5');
    await grid.get('[data-testid="vector-1-rate"]').trigger('click');
    await flushPromises();
    expect(transport.named('startSource')).toEqual([{ bdf: NIC, vector: 1, ratePerSecond: 1.5 }]);
    expect(grid.find('[data-testid="vector-1-rate-error"]').exists()).toBe(false);
    expect(parseRate('1_000')).toEqual({ ok: true, rate: 1000 });
    grid.unmount();
  });
});

describe('address and data cells', () => {
  it('a bad address or data value says why under the field', async () => {
    await nic();
    const grid = mount(VectorTableGrid, { ...opts(), attachTo: document.body });
    await grid.get('[data-testid="vector-0-address"]').trigger('click');
    await grid.get('[data-testid="edit-address"]').setValue('fee0100g');
    await grid.get('[data-testid="edit-address"]').trigger('keydown', { key: 'Enter' });
    expect(grid.get('[data-testid="edit-error"]').text()).toBe("'fee0100g' is not a 64-bit hex address: type hi:lo (00000000:fee01000) or one hex number (fee01000)");
    await grid.get('[data-testid="edit-address"]').trigger('keydown', { key: 'Escape' });
    await grid.get('[data-testid="vector-0-data"]').trigger('click');
    await grid.get('[data-testid="edit-data"]').setValue('123456789');
    await grid.get('[data-testid="edit-data"]').trigger('keydown', { key: 'Enter' });
    expect(grid.get('[data-testid="edit-error"]').text()).toBe("'123456789' is not a 32-bit hex value (up to 8 hex digits, e.g. 00000041)");
    expect(transport.named('writeMmio')).toEqual([]);
    grid.unmount();
  });
});

describe('jump to vector', () => {
  it.each([
    ['999', 'no vector 999: 00:03.0 has vectors 0..2'],
    ['abc', "'abc' is not a vector number (0x1f or 31)"],
    ['', 'type a vector number'],
  ])('refuses %j next to the field', async (text, why) => {
    await nic();
    const view = mount(VectorsView, { ...opts(), attachTo: document.body });
    await view.get('[data-testid="vector-jump"]').setValue(text);
    await view.get('.jump').trigger('submit');
    expect(view.get('[data-testid="vector-jump-error"]').text()).toBe(why);
    await view.get('[data-testid="vector-jump"]').setValue('2');
    await view.get('.jump').trigger('submit');
    expect(view.find('[data-testid="vector-jump-error"]').exists()).toBe(false);
    view.unmount();
  });
});

describe('the poke panel', () => {
  it('a refusal is cleared by the next successful action', async () => {
    await nic();
    await useRegistersStore().load();
    transport.on('readMmio', () => ({ value: 1, high: 0, status: 'ok' as const })).on('setpci', ({ line }) => ({ command: `setpci -s 00:03.0 ${line}`, output: ['0006'], errors: [], notes: [], exitCode: 0 }));
    const panel = mount(MmioPokePanel, opts());
    await panel.get('[data-testid="poke-address"]').setValue('nowhere');
    await panel.get('[data-testid="poke-read"]').trigger('submit');
    expect(panel.get('[data-testid="poke-error"]').text()).toContain("'nowhere' is not an address");
    await panel.get('[data-testid="setpci-line"]').setValue('COMMAND');
    await panel.get('[data-testid="setpci-run"]').trigger('submit');
    await flushPromises();
    expect(panel.find('[data-testid="poke-error"]').exists()).toBe(false);
  });
});

describe('vectors in use', () => {
  it('the vector view says when vectors are not in use (their notifies drop), and when all are', async () => {
    transport.on('listDevices', () => [nicDevice(BAR1)]).on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1, useCount: [0, 1, 0] }));
    await useDevicesStore().refresh();
    await useVectorsStore().refresh();
    const view = mount(VectorsView, opts());
    expect(view.get('[data-testid="vectors-unused"]').text()).toContain('2 of 3 vectors are not in use');
    transport.on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1, useCount: [0, 0, 0] }));
    await useVectorsStore().refresh();
    expect(view.get('[data-testid="vectors-unused"]').text()).toContain('No vector is in use');
    transport.on('vectorSnapshot', () => nicSnapshot({ tableAddress: BAR1 }));
    await useVectorsStore().refresh();
    expect(view.get('[data-testid="vectors-unused"]').text()).toBe('Every vector is in use (as a driver that requested them).');
  });
});
