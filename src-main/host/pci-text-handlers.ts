// The requests of the pci-text tools: importing lspci dumps and sysfs config files
// (inspect first, then import and load), and setpci lines against the machine.
// An import replaces the running machine only once the imported one has built.
import { Buffer } from 'node:buffer';
import { RequestError, valueOf, type Handlers, type LiveTarget, type TargetSwap } from './handler-kit';
import { formatDumpMessage, importDumpFiles, type DumpImport, type DumpSource } from '../pci-tools/import-dumps';
import { openImported } from '../target/simulated/open-simulated';
import { parseMachineDescription } from '../../src-shared/machine-file/description';
import type { DumpInspection } from '../../src-shared/ipc/contract';
import type { DumpFileData } from '../../src-shared/pci-text/dump-file';

export type PciTextRequestName = 'inspectDumps' | 'importDumps' | 'setpci';

function sources(files: readonly DumpFileData[]): DumpSource[] {
  return files.map((f) => (f.encoding === 'text' ? { name: f.name, text: f.text } : { name: f.name, bytes: new Uint8Array(Buffer.from(f.base64, 'base64')) }));
}

function readOrRefuse(files: readonly DumpFileData[], barSizes: readonly { index: number; size: number }[] = []): DumpImport & { imported: NonNullable<DumpImport['imported']> } {
  const dump = importDumpFiles(sources(files), { barSizeDefaults: Object.fromEntries(barSizes.map((b) => [b.index, b.size])) });
  if (dump.imported === undefined) {
    const why = dump.messages.filter((m) => m.level === 'error').map(formatDumpMessage);
    throw new RequestError('files', `no device could be read${why.length > 0 ? `: ${why.join('; ')}` : ''}`);
  }
  return { ...dump, imported: dump.imported };
}

/** `…/0000:03:00.0/config` keeps its folder, which names the device; other paths shorten to the file name. */
function shortName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.slice(parts.at(-1) === 'config' ? -2 : -1).join('/');
}

const warningsOf = (dump: DumpImport): string[] => [...dump.messages.map(formatDumpMessage), ...(dump.imported?.warnings ?? [])];

/** What a dry import would make of the files: its devices and the BAR sizes it had to assume. */
function inspect(dump: ReturnType<typeof readOrRefuse>): DumpInspection {
  const parsed = parseMachineDescription(dump.imported.description);
  if (!parsed.ok) throw new RequestError('files', `the imported description is not valid: ${parsed.errors.join('; ')}`);
  const devices = parsed.value.devices;
  return {
    devices: devices.map((d) => ({ address: d.bdf.replace(/^0000:/, ''), name: d.name, title: d.title ?? null, msixVectors: d.msix?.vectors ?? null })),
    assumedBars: devices.flatMap((d) =>
      d.bars.filter((b) => b.sizeAssumed === true).map((b) => ({ address: d.bdf.replace(/^0000:/, ''), device: d.name, index: b.index, type: b.type, size: b.size })),
    ),
    warnings: warningsOf(dump),
  };
}

export function createPciTextHandlers(session: LiveTarget & TargetSwap): Pick<Handlers, PciTextRequestName> {
  return {
    inspectDumps: ({ files }) => inspect(readOrRefuse(files)),
    importDumps: ({ files, barSizes, vectorsInUse }) => {
      const dump = readOrRefuse(files, barSizes);
      const built = openImported(dump, vectorsInUse ?? 'all');
      if (!built.ok) throw new RequestError('files', `${built.problem}, the running machine is unchanged: ${built.details.join('; ')}`);
      session.replace({ target: built.target, name: `imported from ${files.map((f) => shortName(f.name)).join(', ')}`, preset: null });
      return { status: session.status(), devices: built.target.functionCount(), warnings: warningsOf(dump) };
    },
    setpci: ({ line, bdf }) => valueOf(session.target.setpci(line, bdf ?? null)),
  };
}
