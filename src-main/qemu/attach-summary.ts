// What an attach prints when QEMU exits: what was seen, what it was, what disagreed.
import { formatBdf } from '../machine/pci/pci-bus';
import type { QemuAttachment } from './qemu-attach';

export function attachSummary(a: QemuAttachment): string[] {
  const c = a.shadow.counts;
  const lines = [
    `irqscope qemu: ${c.records} trace records applied (and ${a.otherLines} lines of other events), ${a.machine.log.total} events; ${c.deliveries} MSI-X deliveries, ${c.otherMessages} other APIC messages (I/O APIC, not a device's MSI-X: left out); ${c.divergences} divergences`,
  ];
  for (const fn of a.machine.functions()) {
    const msix = fn.msix;
    if (msix === null) continue;
    const counts = Array.from(msix.delivered, (n, v) => `${v}:${n}`).join(' ');
    lines.push(`  ${formatBdf(fn.bdf)} MSI-X ${msix.enabled ? 'enabled' : 'disabled'}, delivered per vector ${counts}`);
  }
  lines.push(`  live table and PBA: ${a.live.reads} reads over qtest (${c.ownReads} dwords checked against the model), ${a.live.refused} refused`);
  if (!Number.isNaN(a.firstDeliveryUs)) lines.push(`  first MSI-X delivery ${((a.firstDeliveryUs - a.startedUs) / 1e6).toFixed(2)} s after start`);
  for (const s of a.stops) lines.push(`  stop at event #${s.report.event.seq}: guest stopped ${((s.stopTimeUs - s.eventTimeUs) / 1000).toFixed(3)} ms after the event`);
  return lines;
}
