// DR-MSI-AND-MSIX: a function must use one interrupt mechanism at a time — INTx,
// MSI or MSI-X. QEMU lets software enable MSI and MSI-X together (MSI-X then wins,
// MD1), and enabling either deasserts INTx (C3, MW1): each is a driver's mistake.
import type { DeviceTrack } from './device-track';

/** Why the device's modes conflict right now, or null. */
export function interruptModeConflict(dev: DeviceTrack): string | null {
  if (dev.msiEnabled && dev.msixEnabled) return 'MSI and MSI-X are enabled together: a function may use only one of them';
  if (dev.intx && dev.msixEnabled) {
    return 'INTx was asserted while MSI-X was enabled: enabling MSI-X deasserts INTx (C3), so the interrupt raised on INTx is lost';
  }
  if (dev.intx && dev.msiEnabled) {
    return 'INTx was asserted while MSI was enabled: enabling MSI deasserts INTx (MW1), so the interrupt raised on INTx is lost';
  }
  return null;
}

/** The events that show the conflict: when each mode involved began. */
export function conflictSeqs(dev: DeviceTrack): number[] {
  const seqs: number[] = [];
  if (dev.intx) seqs.push(dev.intxSince);
  if (dev.msixEnabled) seqs.push(dev.msixEnabledSince);
  if (dev.msiEnabled) seqs.push(dev.msiEnabledSince);
  return seqs.filter((s) => s >= 0);
}
