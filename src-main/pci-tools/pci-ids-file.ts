// The installed PCI ID database (Debian's pci.ids package), read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { parsePciIds, type PciIds } from '../../src-shared/pci-text/pci-ids';

/** Where pciutils looks on Debian; `IRQSCOPE_PCI_IDS` names another file, or `none` for no database. */
export const DEFAULT_PCI_IDS = '/usr/share/misc/pci.ids';

let cached: { path: string; ids: PciIds | undefined } | undefined;

export function installedPciIds(path = process.env.IRQSCOPE_PCI_IDS ?? DEFAULT_PCI_IDS): PciIds | undefined {
  if (cached?.path === path) return cached.ids;
  const ids = path !== 'none' && existsSync(path) ? parsePciIds(readFileSync(path, 'utf8')).ids : undefined;
  cached = { path, ids };
  return ids;
}
