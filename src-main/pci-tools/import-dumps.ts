// Dump files in, a machine out: what `irqscope import` and the app's Import both
// do. Files are read (lspci text, or a binary sysfs config told apart by its
// bytes), their devices imported into one description, and the description built
// the way a machine file is loaded, so that what the user gets always loads.
import { parseLspciText, parseSysfsConfig, type LspciDevice } from '../../src-shared/pci-text/lspci-dump';
import { importDevices, type ImportOptions, type ImportResult } from '../../src-shared/pci-text/import';
import { bdfFromPath, isBinaryConfig } from '../../src-shared/pci-text/dump-file';
import { parseMachineDescription } from '../../src-shared/machine-file/description';
import { buildMachine } from '../machine/machine-builder';
import type { Machine } from '../machine/machine';

/**
 * One input file. Bytes are told apart like the CLI reads them; text is known to
 * be lspci text. `path`, when known, may name the device (…/0000:03:00.0/config).
 */
export type DumpSource = { name: string; path?: string } & ({ bytes: Uint8Array } | { text: string });

export interface DumpMessage {
  file: string;
  level: 'warning' | 'error';
  text: string;
}

export interface DumpImport {
  /** What each file's parser said, in file order. */
  messages: DumpMessage[];
  /** Some file gave errors and not one device. */
  unreadable: boolean;
  /** Undefined when no device could be read from any file. */
  imported: ImportResult | undefined;
}

export function importDumpFiles(files: readonly DumpSource[], options: ImportOptions = {}): DumpImport {
  const devices: LspciDevice[] = [];
  const messages: DumpMessage[] = [];
  let unreadable = false;
  files.forEach((file, i) => {
    const parsed =
      'text' in file
        ? parseLspciText(file.text)
        : isBinaryConfig(file.bytes)
          ? parseSysfsConfig(file.bytes, bdfFromPath(file.path ?? file.name, i))
          : parseLspciText(new TextDecoder().decode(file.bytes));
    for (const text of parsed.warnings) messages.push({ file: file.name, level: 'warning', text });
    for (const text of parsed.errors) messages.push({ file: file.name, level: 'error', text });
    if (parsed.errors.length > 0 && parsed.devices.length === 0) unreadable = true;
    devices.push(...parsed.devices);
  });
  return { messages, unreadable, imported: devices.length === 0 ? undefined : importDevices(devices, options) };
}

export type ImportedMachine = { ok: true; machine: Machine; imported: ImportResult } | { ok: false; problem: string; details: string[] };

export const NO_DEVICE_READ = 'no device could be read';

/** Builds an import's machine exactly as `--machine` will load the written file. */
/** `vectorsInUse` 'all' marks every MSI-X vector in use (a driver's view); 'none' leaves them as msix_init does. */
export function buildImportedMachine(dump: DumpImport, vectorsInUse: 'all' | 'none' = 'none'): ImportedMachine {
  if (dump.imported === undefined) return { ok: false, problem: NO_DEVICE_READ, details: [] };
  const description = dump.imported.description;
  const input = vectorsInUse === 'none' ? description : { ...description, devices: (description.devices ?? []).map((d) => (d.msix ? { ...d, msix: { ...d.msix, used: 'all' as const } } : d)) };
  const parsed = parseMachineDescription(input);
  const built = parsed.ok ? buildMachine(parsed.value) : parsed;
  return built.ok ? { ok: true, machine: built.machine, imported: dump.imported } : { ok: false, problem: 'the imported machine does not load', details: built.errors };
}

export function formatDumpMessage(m: DumpMessage): string {
  return `${m.file}: ${m.level}: ${m.text}`;
}
