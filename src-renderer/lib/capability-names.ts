// Names of the standard capability IDs a bring-up engineer meets (PCI Code and ID Assignment).
const NAMES: Readonly<Record<number, string>> = {
  0x01: 'Power Management',
  0x03: 'VPD',
  0x05: 'MSI',
  0x09: 'Vendor Specific',
  0x0d: 'Bridge subsystem ID',
  0x10: 'PCI Express',
  0x11: 'MSI-X',
  0x12: 'SATA',
  0x13: 'Advanced Features',
  0x14: 'Enhanced Allocation',
};

export function capabilityName(id: number): string {
  return NAMES[id] ?? `capability 0x${id.toString(16).padStart(2, '0')}`;
}
