// Where a function's MSI-X structures live and how big they are: the table and PBA
// by BAR and offset, the checks msix_init makes on them (I3) and QEMU's exclusive-BAR
// layout (I6). Pure arithmetic; the engine and the machine builder use it.
import { MSIX_ENTRY_SIZE, type MsixLayout } from '../../../src-shared/registers/layout';
import { pbaBytes, tableBytes } from '../../../src-shared/registers/msix-entry';
import { nextPowerOfTwo } from '../../../src-shared/power-of-two';

/** I3: every reason the reference would refuse a table/PBA layout (empty when valid). */
export function layoutProblems(layout: MsixLayout, tableBarSize: number, pbaBarSize: number): string[] {
  const problems: string[] = [];
  const tSize = tableBytes(layout.vectors);
  const pSize = pbaBytes(layout.vectors);
  if (layout.tableOffset % 8 !== 0) problems.push(`table offset 0x${layout.tableOffset.toString(16)} is not 8-byte aligned`);
  if (layout.pbaOffset % 8 !== 0) problems.push(`PBA offset 0x${layout.pbaOffset.toString(16)} is not 8-byte aligned`);
  if (layout.tableOffset + tSize > tableBarSize) {
    problems.push(
      `table (0x${layout.tableOffset.toString(16)}..0x${(layout.tableOffset + tSize).toString(16)}) does not fit in BAR ${layout.tableBar} (size 0x${tableBarSize.toString(16)})`,
    );
  }
  if (layout.pbaOffset + pSize > pbaBarSize) {
    problems.push(
      `PBA (0x${layout.pbaOffset.toString(16)}..0x${(layout.pbaOffset + pSize).toString(16)}) does not fit in BAR ${layout.pbaBar} (size 0x${pbaBarSize.toString(16)})`,
    );
  }
  if (layout.tableBar === layout.pbaBar && layout.tableOffset < layout.pbaOffset + pSize && layout.pbaOffset < layout.tableOffset + tSize) {
    problems.push(
      `table (BAR ${layout.tableBar}, 0x${layout.tableOffset.toString(16)}..0x${(layout.tableOffset + tSize).toString(16)}) overlaps PBA (BAR ${layout.pbaBar}, 0x${layout.pbaOffset.toString(16)}..0x${(layout.pbaOffset + pSize).toString(16)})`,
    );
  }
  return problems;
}

/** I6: the exclusive-BAR layout for N vectors. */
export function exclusiveBarLayout(vectors: number): { barSize: number; pbaOffset: number } {
  let barSize = 4096;
  let pbaOffset = barSize / 2;
  const pbaSize = (Math.floor(vectors / 8) + 1) * 8;
  if (vectors * MSIX_ENTRY_SIZE > barSize / 2) pbaOffset = vectors * MSIX_ENTRY_SIZE;
  if (pbaOffset + pbaSize > 4096) barSize = pbaOffset + pbaSize;
  return { barSize: nextPowerOfTwo(barSize), pbaOffset };
}
