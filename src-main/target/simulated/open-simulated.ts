// The ways a simulated target comes to be: from a machine file (text or object), from
// a saved session, from imported lspci dumps. Hosts and the CLI open targets here and
// get a Target back: the Machine inside stays this folder's business.
import { loadMachineObject, loadMachineText, type BuildResult } from '../../machine/machine-builder';
import { decodeSession } from '../../session/machine-snapshot';
import { buildImportedMachine, type DumpImport } from '../../pci-tools/import-dumps';
import type { SessionHeader } from '../../../src-shared/session/session-header';
import type { Target } from '../target';
import { SimulatedTarget } from './simulated-target';

export type Opened = { ok: true; target: Target; warnings: string[] } | { ok: false; errors: string[] };

function opened(built: BuildResult): Opened {
  return built.ok ? { ok: true, target: new SimulatedTarget(built.machine), warnings: built.warnings } : built;
}

/** A machine file's text (JSON): errors name their field. */
export const openMachineText = (text: string): Opened => opened(loadMachineText(text));

/** A machine description given as a value (the qemu-compat command line builds one). */
export const openMachineObject = (value: unknown): Opened => opened(loadMachineObject(value));

/** A saved session: the target in the saved state, with the file's header. */
export function openSessionBytes(bytes: Uint8Array): { ok: true; target: Target; header: SessionHeader } | { ok: false; error: string } {
  const r = decodeSession(bytes);
  return r.ok ? { ok: true, target: new SimulatedTarget(r.machine), header: r.header } : r;
}

/** The devices of imported dumps as a machine; what could not be built is refused with the details. */
export function openImported(dump: DumpImport, vectorsInUse: 'all' | 'none'): { ok: true; target: Target } | { ok: false; problem: string; details: string[] } {
  const built = buildImportedMachine(dump, vectorsInUse);
  return built.ok ? { ok: true, target: new SimulatedTarget(built.machine) } : built;
}
