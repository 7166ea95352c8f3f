// The Script tab's starter script, written for the machine that is loaded: its first
// MSI-X function's BARs, capability, table and PBA, as a driver's bring-up of
// vector 0 (program the BARs, enable memory space and bus master, enable MSI-X,
// aim vector 0 at APIC 1, raise it masked, unmask it).
import type { BarInfo, DeviceInfo } from '../ipc/contract';

const PREFERRED_BASE = 0xfebd0000;
const FALLBACK_BASE = 0x80000000;
const FOUR_GIB = 0x100000000;

const h = (n: number, digits = 0): string => `0x${n.toString(16).padStart(digits, '0')}`;
const alignUp = (n: number, size: number): number => Math.ceil(n / size) * size;

/** Where the script puts each BAR it needs: the first free aligned place from 0xfebd0000 (or 2 GiB for large BARs). */
function placeBars(bars: BarInfo[]): Map<number, number> {
  const at = new Map<number, number>();
  let next = PREFERRED_BASE;
  for (const bar of bars) {
    let base = alignUp(next, bar.size);
    if (base + bar.size > FOUR_GIB) base = alignUp(FALLBACK_BASE, bar.size);
    at.set(bar.index, base);
    next = base + bar.size;
  }
  return at;
}

/** qtest's config cycle address for `offset` of `bdf` (port 0xcf8). */
const configAddress = (bdf: number, offset: number): string => h((0x80000000 | (bdf << 8) | offset) >>> 0);

export function starterScript(devices: readonly DeviceInfo[]): string {
  const device = devices.find((d) => d.msix !== null);
  if (device === undefined || device.msix === null) {
    const first = devices[0];
    if (first === undefined) return '# This machine has no PCI devices.\n';
    return `# No device on this machine has MSI-X. ${first.name} (${first.address}) as setpci reads it:\nsetpci -s ${first.address} VENDOR_ID DEVICE_ID COMMAND STATUS\n`;
  }
  const msix = device.msix;
  const needed = [...new Set([msix.tableBar, msix.pbaBar])].map((i) => device.bars.find((b) => b.index === i)).filter((b): b is BarInfo => b !== undefined);
  const base = placeBars(needed);
  const table = (base.get(msix.tableBar) ?? 0) + msix.tableOffset;
  const pba = (base.get(msix.pbaBar) ?? 0) + msix.pbaOffset;
  const lines = [`# ${device.name} (${device.address}): ${needed.map((b) => `BAR${b.index} at ${h(base.get(b.index)!, 8)}`).join(', ')}, memory space and bus master on`];
  for (const bar of needed) {
    const offset = 0x10 + 4 * bar.index;
    const address = base.get(bar.index)!;
    lines.push(`outl 0xcf8 ${configAddress(device.bdf, offset)}`, `outl 0xcfc ${h(address % FOUR_GIB, 8)}`);
    if (bar.type === 'mem64') lines.push(`outl 0xcf8 ${configAddress(device.bdf, offset + 4)}`, `outl 0xcfc ${h(Math.floor(address / FOUR_GIB))}`);
  }
  lines.push(
    `outl 0xcf8 ${configAddress(device.bdf, 0x04)}`,
    'outw 0xcfc 0x0006',
    `# MSI-X Enable (Message Control, capability at ${h(msix.capOffset, 2)})`,
    `setpci -s ${device.address} CAP_MSIX+2.w=0x8000:0xc000`,
    '# vector 0 -> APIC 1, IDT vector 0x41, still masked',
    `writel ${h(table, 8)} 0xfee01000`,
    `writel ${h(table + 8, 8)} 0x41`,
    `device_irq ${device.address} 0`,
    `readl ${h(pba, 8)}`,
    '# unmask: the pending interrupt is delivered',
    `writel ${h(table + 12, 8)} 0x0`,
    `readl ${h(pba, 8)}`,
  );
  return `${lines.join('\n')}\n`;
}
