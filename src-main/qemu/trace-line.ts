// One line of QEMU's trace log backend (`-trace NAME -D FILE`, Debian's QEMU 7.2), as
// a typed record. With `-msg timestamp=on` each line starts `TID@SECONDS.MICROS:`;
// without it there is no time, and `timeUs` is NaN. Formats, from QEMU's trace-events:
//   pci_cfg_write DEV BB:DD.F @0xOFF <- 0xVAL            (hw/pci: no access size)
//   pci_cfg_read DEV BB:DD.F @0xOFF -> 0xVAL
//   msix_write_config dev DEV enabled E masked M
//   memory_region_ops_read|write cpu N mr 0xPTR addr 0xADDR value 0xVAL size S name 'REGION'
//   apic_deliver_irq dest D dest_mode M delivery_mode M vector V trigger_mode T
//   ioapic_set_irq vector: LINE level: L
// Lines of any other event (or truncated ones) are not records: the caller counts them.

export type TraceRecord =
  | { kind: 'cfg-write' | 'cfg-read'; timeUs: number; device: string; bdf: number; offset: number; value: number }
  | { kind: 'msix-config'; timeUs: number; device: string; enabled: boolean; masked: boolean }
  | { kind: 'mr-read' | 'mr-write'; timeUs: number; cpu: number; addr: number; value: number; size: number; region: string }
  | { kind: 'apic-deliver'; timeUs: number; dest: number; destMode: number; deliveryMode: number; vector: number; trigger: number }
  | { kind: 'ioapic-irq'; timeUs: number; line: number; level: number };

/** The events irqscope enables, in the order `-trace help` lists them for the README. */
export const TRACE_EVENTS = ['pci_cfg_write', 'pci_cfg_read', 'msix_write_config', 'memory_region_ops_read', 'memory_region_ops_write', 'apic_deliver_irq', 'ioapic_set_irq'] as const;

const STAMP = /^\d+@(\d+)\.(\d{6}):/;
const CFG = /^pci_cfg_(write|read) (.+) ([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) @0x([0-9a-f]+) (?:<-|->) 0x([0-9a-f]+)$/;
const MSIX = /^msix_write_config dev (.+) enabled (\d) masked (\d)$/;
const MR = /^memory_region_ops_(read|write) cpu (-?\d+) mr 0x[0-9a-f]+ addr 0x([0-9a-f]+) value 0x([0-9a-f]+) size (\d+) name '(.*)'$/;
const APIC = /^apic_deliver_irq dest (\d+) dest_mode (\d+) delivery_mode (\d+) vector (\d+) trigger_mode (\d+)$/;
const IOAPIC = /^ioapic_set_irq vector: (\d+) level: (\d+)$/;

const hex = (s: string): number => Number.parseInt(s, 16);

export function parseTraceLine(line: string): TraceRecord | null {
  let body = line;
  let timeUs = Number.NaN;
  const stamp = STAMP.exec(line);
  if (stamp !== null) {
    timeUs = Number(stamp[1]) * 1e6 + Number(stamp[2]);
    body = line.slice(stamp[0].length);
  }
  let m: RegExpExecArray | null;
  switch (body.slice(0, 6)) {
    case 'memory':
      if ((m = MR.exec(body)) === null) return null;
      return { kind: m[1] === 'read' ? 'mr-read' : 'mr-write', timeUs, cpu: Number(m[2]), addr: hex(m[3]!), value: hex(m[4]!), size: Number(m[5]), region: m[6]! };
    case 'pci_cf':
      if ((m = CFG.exec(body)) === null) return null;
      return { kind: m[1] === 'write' ? 'cfg-write' : 'cfg-read', timeUs, device: m[2]!, bdf: (hex(m[3]!) << 8) | (hex(m[4]!) << 3) | Number(m[5]), offset: hex(m[6]!), value: hex(m[7]!) };
    case 'msix_w':
      if ((m = MSIX.exec(body)) === null) return null;
      return { kind: 'msix-config', timeUs, device: m[1]!, enabled: m[2] === '1', masked: m[3] === '1' };
    case 'apic_d':
      if ((m = APIC.exec(body)) === null) return null;
      return { kind: 'apic-deliver', timeUs, dest: Number(m[1]), destMode: Number(m[2]), deliveryMode: Number(m[3]), vector: Number(m[4]), trigger: Number(m[5]) };
    case 'ioapic':
      if ((m = IOAPIC.exec(body)) === null) return null;
      return { kind: 'ioapic-irq', timeUs, line: Number(m[1]), level: Number(m[2]) };
    default:
      return null;
  }
}
