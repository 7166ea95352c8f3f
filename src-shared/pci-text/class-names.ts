// A small subset of pci.ids' class and programming-interface names, enough for
// the devices irqscope simulates and the ones users import. Anything else is
// printed the way lspci prints it without an ID database: `Class 0502`.
import { hex } from './hex';

const CLASS_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'Non-VGA unclassified device',
  0x0001: 'VGA compatible unclassified device',
  0x0100: 'SCSI storage controller',
  0x0101: 'IDE interface',
  0x0104: 'RAID bus controller',
  0x0105: 'ATA controller',
  0x0106: 'SATA controller',
  0x0107: 'Serial Attached SCSI controller',
  0x0108: 'Non-Volatile memory controller',
  0x0180: 'Mass storage controller',
  0x0200: 'Ethernet controller',
  0x0207: 'Infiniband controller',
  0x0208: 'Fabric controller',
  0x0280: 'Network controller',
  0x0300: 'VGA compatible controller',
  0x0302: '3D controller',
  0x0380: 'Display controller',
  0x0401: 'Multimedia audio controller',
  0x0403: 'Audio device',
  0x0500: 'RAM memory',
  0x0501: 'FLASH memory',
  0x0580: 'Memory controller',
  0x0600: 'Host bridge',
  0x0601: 'ISA bridge',
  0x0604: 'PCI bridge',
  0x0680: 'Bridge',
  0x0700: 'Serial controller',
  0x0806: 'IOMMU',
  0x0880: 'System peripheral',
  0x0b40: 'Co-processor',
  0x0c03: 'USB controller',
  0x0c04: 'Fibre Channel',
  0x0c05: 'SMBus',
  0x1200: 'Processing accelerators',
  0xff00: 'Unassigned class',
};

const PROG_IF_NAMES: Readonly<Record<number, string>> = {
  0x010601: 'AHCI 1.0',
  0x010801: 'NVMHCI',
  0x010802: 'NVM Express',
  0x030000: 'VGA controller',
  0x060400: 'Normal decode',
  0x060401: 'Subtractive decode',
  0x0c0300: 'UHCI',
  0x0c0310: 'OHCI',
  0x0c0320: 'EHCI',
  0x0c0330: 'XHCI',
};

/** `classDevice` is base class << 8 | subclass. */
export function className(classDevice: number): string {
  return CLASS_NAMES[classDevice] ?? `Class ${hex(classDevice, 4)}`;
}

export function progIfName(classDevice: number, progIf: number): string | undefined {
  return PROG_IF_NAMES[(classDevice << 8) | progIf];
}
