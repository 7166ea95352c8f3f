// The breakpoint form takes what the CLI and the poke panel take: register names
// for config breakpoints (one parser with qtest's `break config`) and `barN+offset`
// for MMIO breakpoints (one parser with the poke panel).
import { describe, expect, it } from 'vitest';
import { emptyForm, fieldOfError, specFromForm, type FormDevices } from '../../src-renderer/lib/breakpoint-form';
import { BAR1, NIC, PLAIN, nicDevice } from './fixtures';

const nic = nicDevice(BAR1, 65);
const DEVICES: FormDevices = { list: [nic, PLAIN], selected: nic };

describe('config breakpoints by register name', () => {
  it('COMMAND, BASE_ADDRESS_1 and MSIX_FLAGS resolve on the device; the length defaults to the register', () => {
    const config = (offset: string, length = '', bdf: number | null = NIC) => specFromForm({ ...emptyForm(bdf), kind: 'config-write', offset, length }, DEVICES);
    expect(config('COMMAND')).toEqual({ ok: true, spec: { kind: 'config-write', bdf: NIC, offset: 4, length: 2, tracepoint: false } });
    expect(config('base_address_1')).toMatchObject({ spec: { offset: 0x14, length: 4 } });
    expect(config('MSIX_FLAGS')).toMatchObject({ spec: { offset: 0x86, length: 2 } });
    expect(config('COMMAND', '1')).toMatchObject({ spec: { offset: 4, length: 1 } });
    expect(config('0x3d')).toMatchObject({ spec: { offset: 0x3d, length: 1 } });
    expect(config('STATUS', '', null)).toMatchObject({ spec: { bdf: null, offset: 6, length: 2 } });
  });

  it('says why a name does not resolve, as qtest does', () => {
    const config = (offset: string, bdf: number | null) => specFromForm({ ...emptyForm(bdf), kind: 'config-write', offset }, DEVICES);
    expect(config('MSIX_FLAGS', null)).toEqual({ ok: false, field: 'offset', error: 'offset: MSIX_FLAGS is at a different offset on each device: name one' });
    expect(config('MSIX_FLAGS', PLAIN.bdf)).toEqual({ ok: false, field: 'offset', error: 'offset: 00:05.0 has no MSI-X capability' });
    expect(config('COMMANDO', NIC)).toMatchObject({ ok: false, field: 'offset', error: expect.stringMatching(/^offset: 'COMMANDO' is neither an offset nor a register name/) });
  });
});

describe('MMIO breakpoints at barN+offset', () => {
  it('resolves against the selected device as the poke panel does', () => {
    const access = (start: string, length = '4') => specFromForm({ ...emptyForm(), kind: 'access', start, length }, DEVICES);
    expect(access('bar1+0x800')).toEqual({ ok: true, spec: { kind: 'access', space: 'memory', start: BAR1 + 0x800, length: 4, direction: 'both', tracepoint: false } });
    expect(access('0xfebf0000')).toMatchObject({ spec: { start: 0xfebf0000 } });
    expect(access('bar0+0x2')).toEqual({ ok: false, field: 'start', error: 'start address: BAR 0 of 00:03.0 is not mapped (assign it and enable I/O space)' });
    expect(access('bar1+0x2000')).toMatchObject({ ok: false, field: 'start', error: expect.stringContaining('past the end of BAR 1') });
    expect(access('bar1+0x0', '')).toEqual({ ok: false, field: 'length', error: 'length: empty (type a number: 0x1f or 31)' });
  });
});

describe('vectors against the device', () => {
  it('a vector past the device’s table is refused in the form, naming its range', () => {
    expect(specFromForm({ ...emptyForm(NIC), vectors: '3,70' }, DEVICES)).toEqual({ ok: false, field: 'vectors', error: 'vectors: 70 is past the last vector of 00:03.0 (it has 0..64)' });
  });

  it("main's refusal (in the app's words) is put on the field it names", () => {
    expect(fieldOfError('vectors: 9 out of range 0..2')).toBe('vectors');
    expect(fieldOfError('hit count: a hit count below 1')).toBe('minHits');
    expect(fieldOfError('start address: range runs past the end of memory space')).toBe('start');
    expect(fieldOfError('there are already 1024 breakpoints')).toBeNull();
  });
});
