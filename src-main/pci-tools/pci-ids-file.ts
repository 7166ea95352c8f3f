// The installed PCI ID database (Debian's pci.ids package) and, when udev is
// installed, its hardware database, which Debian's lspci asks for names
// pci.ids lacks. Read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { parseHwdbPci, parsePciIds, withHwdb, type PciIds } from '../../src-shared/pci-text/pci-ids';

/** Where pciutils looks on Debian; `IRQSCOPE_PCI_IDS` names another file, or `none` for no database. */
export const DEFAULT_PCI_IDS = '/usr/share/misc/pci.ids';
/** The source of udev's hwdb.bin entries for PCI; `IRQSCOPE_HWDB=none` leaves it out. */
export const DEFAULT_HWDB = '/usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb';

let cached: { key: string; ids: PciIds | undefined } | undefined;

export function installedPciIds(path = process.env.IRQSCOPE_PCI_IDS ?? DEFAULT_PCI_IDS, hwdbPath = process.env.IRQSCOPE_HWDB ?? DEFAULT_HWDB): PciIds | undefined {
  const key = `${path}\0${hwdbPath}`;
  if (cached?.key === key) return cached.ids;
  let ids = path !== 'none' && existsSync(path) ? parsePciIds(readFileSync(path, 'utf8')).ids : undefined;
  if (ids && hwdbPath !== 'none' && existsSync(hwdbPath)) ids = withHwdb(ids, parseHwdbPci(readFileSync(hwdbPath, 'utf8')));
  cached = { key, ids };
  return ids;
}
