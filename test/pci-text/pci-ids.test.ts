// The PCI ID database and the names lspci builds from it: a small pci.ids and
// hwdb excerpt in the files' own formats, looked up as lspci looks them up.
import { describe, expect, it } from 'vitest';
import { classNameFromIds, deviceName, pciIdsFromText, subsystemName, withHwdb } from '../../src-shared/pci-text/pci-ids';

const PCI_IDS = [
  '# comment',
  '1af4  Red Hat, Inc.',
  '\t1000  Virtio network device',
  '\t\t1af4 0001  Virtio network device',
  '\t1041  Virtio 1.0 network device',
  '8086  Intel Corporation',
  '#\tcommented-out device',
  '\t10d3  82574L Gigabit Network Connection',
  '\t\t8086 a01f  Gigabit CT Desktop Adapter',
  'C 01  Mass storage controller',
  '\t08  Non-Volatile memory controller',
  '\t\t02  NVM Express',
  'C 06  Bridge',
  '\t04  PCI bridge',
  '',
].join('\n');

// The hardware database may name a device differently from pci.ids (Debian's names 10ec:8168 `RTL8111/8168/8211/8411`, pci.ids `RTL8111/8168/8411`).
const HWDB = [
  'pci:v00001BF5*', ' ID_VENDOR_FROM_DATABASE=Greenliant', '',
  'pci:v00008086d0000FFFF*', ' ID_MODEL_FROM_DATABASE=Newer device', '',
  'pci:v00008086d000010D3*', ' ID_MODEL_FROM_DATABASE=82574L Gigabit Network Connection (hwdb)', '',
].join('\n');

describe('PCI ID names as lspci prints them', () => {
  const ids = pciIdsFromText(PCI_IDS);

  it('vendor and device, vendor only, or neither', () => {
    expect(deviceName(ids, 0x8086, 0x10d3)).toBe('Intel Corporation 82574L Gigabit Network Connection');
    expect(deviceName(ids, 0x8086, 0x1234)).toBe('Intel Corporation Device 1234');
    expect(deviceName(ids, 0x1234, 0x5678)).toBe('Device 1234:5678');
  });

  it('classes: the subclass name, the base class with the code, or Class xxxx; prog-if names', () => {
    expect(classNameFromIds(ids, 0x0108)).toBe('Non-Volatile memory controller');
    expect(classNameFromIds(ids, 0x0180)).toBe('Mass storage controller [0180]');
    expect(classNameFromIds(ids, 0x0b40)).toBe('Class 0b40');
    expect(ids.progIf(0x0108, 0x02)).toBe('NVM Express');
    expect(ids.progIf(0x0604, 0x00)).toBeUndefined();
  });

  it('subsystems: the entry; the device name only when the IDs repeat the device (no hardware database)', () => {
    expect(subsystemName(ids, 0x8086, 0x10d3, 0x8086, 0xa01f)).toBe('Intel Corporation Gigabit CT Desktop Adapter');
    expect(subsystemName(ids, 0x1af4, 0x1000, 0x1af4, 0x1000)).toBe('Red Hat, Inc. Virtio network device');
    expect(subsystemName(ids, 0x8086, 0x10d3, 0x8086, 0x0000)).toBe('Intel Corporation Device 0000');
  });

  it("with udev's hardware database: names pci.ids lacks; an unknown subsystem takes the database's device name, as its pattern matches", () => {
    const both = withHwdb(ids, HWDB);
    expect(deviceName(both, 0x8086, 0xffff)).toBe('Intel Corporation Newer device');
    expect(deviceName(both, 0x8086, 0x10d3)).toBe('Intel Corporation 82574L Gigabit Network Connection');
    expect(subsystemName(both, 0x8086, 0x10d3, 0x8086, 0x0000)).toBe('Intel Corporation 82574L Gigabit Network Connection (hwdb)');
    expect(subsystemName(both, 0x8086, 0x10d3, 0x1bf5, 0xe092)).toBe('Greenliant 82574L Gigabit Network Connection (hwdb)');
    expect(subsystemName(both, 0x8086, 0x10d3, 0x4321, 0x0001)).toBe('Device 4321:0001');
    // Neither pci.ids nor the database has this subsystem, and the database lacks the device: no name.
    expect(subsystemName(both, 0x1af4, 0x1041, 0x1af4, 0x0002)).toBe('Red Hat, Inc. Device 0002');
  });
});
