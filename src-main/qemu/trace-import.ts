// A trace log captured with plain QEMU, turned into what the simulated machine can
// replay: the functions as the guest read them (each byte's first value read before
// any write; BAR sizes from the guest's own sizing), and a qtest script of the guest's
// config writes, table and PBA accesses, and the device's deliveries as msix_notify at
// the points QEMU delivered them. The log is run through the shadow model, so the
// script holds exactly what the model accepted and the import reports divergences too.
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';
import { formatBdf } from '../machine/pci/pci-bus';
import { barFromSizingMask, buildShadowMachine, type ScannedBar, type ScannedFunction } from './shadow-machine';
import { ShadowModel, type ReplayStep } from './shadow-model';
import { parseTraceLine, type TraceRecord } from './trace-line';

export interface TraceImport {
  description: MachineDescriptionInput;
  script: string[];
  records: number;
  deliveries: number;
  divergences: number;
  warnings: string[];
}

export class TraceImportError extends Error {}

interface SeenFunction {
  name: string;
  config: Uint8Array;
  known: Uint8Array;
  /** BAR offset written with all ones, waiting for the read that gives its mask. */
  sizing: Set<number>;
  masks: Map<number, number>;
}

const CONFIG_BYTES = 256;

type ConfigRecord = Extract<TraceRecord, { kind: 'cfg-read' | 'cfg-write' }>;
const ACCESS_NAMES: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

function configAccess(seen: Map<number, SeenFunction>, rec: ConfigRecord, size: number): void {
  if (rec.bdf >>> 8 !== 0 || rec.offset + size > CONFIG_BYTES) return;
  let f = seen.get(rec.bdf);
  if (f === undefined) {
    f = { name: rec.device, config: new Uint8Array(CONFIG_BYTES), known: new Uint8Array(CONFIG_BYTES), sizing: new Set(), masks: new Map() };
    seen.set(rec.bdf, f);
  }
  const isBar = rec.offset >= 0x10 && rec.offset < 0x28 && (rec.offset & 3) === 0 && size === 4;
  if (rec.kind === 'cfg-write') {
    for (let k = 0; k < size; k++) f.known[rec.offset + k] = 1;
    if (isBar && rec.value === 0xffffffff) f.sizing.add(rec.offset);
    return;
  }
  if (isBar && f.sizing.delete(rec.offset) && !f.masks.has(rec.offset)) f.masks.set(rec.offset, rec.value);
  for (let k = 0; k < size; k++) {
    if (f.known[rec.offset + k] === 1) continue;
    f.known[rec.offset + k] = 1;
    f.config[rec.offset + k] = (rec.value >>> (8 * k)) & 0xff;
  }
}

/**
 * The guest's view of each function, from config reads before writes. Neither config
 * event gives the access size: a write's comes from the data-window access traced just
 * before it, a read's from the one traced just after (QEMU traces a read once it has
 * the value).
 */
function readFunctions(records: readonly TraceRecord[]): ScannedFunction[] {
  const seen = new Map<number, SeenFunction>();
  let writeSize = 4;
  let pendingRead: ConfigRecord | null = null;
  for (const rec of records) {
    if ((rec.kind === 'mr-read' || rec.kind === 'mr-write') && (rec.region === 'pci-conf-data' || rec.region === 'pcie-mmcfg-mmio')) {
      if (rec.kind === 'mr-write') writeSize = rec.size;
      else if (pendingRead !== null) configAccess(seen, pendingRead, rec.size);
      pendingRead = null;
    } else if (rec.kind === 'cfg-read') pendingRead = rec;
    else if (rec.kind === 'cfg-write') configAccess(seen, rec, writeSize);
  }
  const functions: ScannedFunction[] = [];
  for (const [bdf, f] of seen) {
    if ((f.config[0]! | (f.config[1]! << 8)) === 0) continue;
    const bars: ScannedBar[] = [];
    for (const [offset, mask] of [...f.masks].sort((a, b) => a[0] - b[0])) {
      const bar = barFromSizingMask((offset - 0x10) / 4, mask);
      if (bar !== null) bars.push(bar);
    }
    functions.push({ bdf, name: f.name, config: f.config, bars });
  }
  return functions.sort((a, b) => a.bdf - b.bdf);
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function scriptLines(step: ReplayStep): string[] {
  switch (step.kind) {
    case 'config-write':
      return [`outl 0xcf8 ${hex(0x80000000 | (step.bdf << 8) | (step.offset & 0xfc))}`, `out${ACCESS_NAMES[step.size] ?? 'l'} ${hex(0xcfc + (step.offset & 3))} ${hex(step.value)}`];
    case 'mmio-write':
      return [`write${ACCESS_NAMES[step.size] ?? 'l'} ${hex(step.addr)} ${hex(step.value)}`];
    case 'mmio-read':
      return [`read${ACCESS_NAMES[step.size] ?? 'l'} ${hex(step.addr)}`];
    case 'notify':
      return [`msix_notify ${formatBdf(step.bdf)} ${step.vector}`];
  }
}

export function importTrace(text: string): TraceImport {
  const records: TraceRecord[] = [];
  for (const line of text.split('\n')) {
    const rec = parseTraceLine(line);
    if (rec !== null) records.push(rec);
  }
  if (records.length === 0) throw new TraceImportError('no trace record irqscope reads (see the README for the -trace options to capture with)');
  const functions = readFunctions(records);
  if (functions.length === 0) throw new TraceImportError('the log has no config read of any device (capture with -trace pci_cfg_read from the start of the boot)');
  const built = buildShadowMachine(functions);
  if (!built.ok) throw new TraceImportError(`the devices read from the log do not make a machine:\n  ${built.errors.join('\n  ')}`);
  const script = [`# replay of a QEMU trace: ${records.length} records`];
  const shadow = new ShadowModel(built.machine, (step) => script.push(...scriptLines(step)));
  for (const rec of records) shadow.apply(rec);
  return { description: built.description, script, records: records.length, deliveries: shadow.counts.deliveries, divergences: shadow.counts.divergences, warnings: built.warnings };
}
