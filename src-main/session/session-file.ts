// Saving and opening session files: what hosts (CLI, app menus) call.
import { readFileSync } from 'node:fs';
import type { Target } from '../target/target';
import { openSessionBytes } from '../target/simulated/open-simulated';
import { writeFileAtomic, type AtomicWriteSteps } from './atomic-write';
import { SessionFormatError, decodeContainer } from './session-container';
import { summarize, type SessionHeader, type SessionInfo } from '../../src-shared/session/session-header';

/**
 * Saves atomically: a failure at any point leaves the previous file as it was. Returns
 * the bytes written; throws when the target has no state to save, or the write fails.
 */
export function saveSession(target: Target, path: string, steps?: AtomicWriteSteps): number {
  const bytes = target.save();
  if (!bytes.ok) throw new Error(bytes.error);
  writeFileAtomic(path, bytes.value, steps);
  return bytes.value.length;
}

export type OpenResult = { ok: true; target: Target; header: SessionHeader } | { ok: false; error: string };

/** A new target in the saved state; a file that cannot be read or trusted is refused with the reason. */
export function openSession(path: string): OpenResult {
  const bytes = readFile(path);
  if (!bytes.ok) return bytes;
  const r = openSessionBytes(bytes.value);
  return r.ok ? r : { ok: false, error: `${path}: ${r.error}` };
}

/** The header summary of a session file, checked (signature, version, length, checksum) but not opened. */
export function readSessionInfo(path: string): { ok: true; info: SessionInfo } | { ok: false; error: string } {
  const bytes = readFile(path);
  if (!bytes.ok) return bytes;
  try {
    return { ok: true, info: summarize(decodeContainer(bytes.value).header, bytes.value.length) };
  } catch (err) {
    if (err instanceof SessionFormatError) return { ok: false, error: `${path}: ${err.message}` };
    throw err;
  }
}

function readFile(path: string): { ok: true; value: Buffer } | { ok: false; error: string } {
  try {
    return { ok: true, value: readFileSync(path) };
  } catch (err) {
    return { ok: false, error: `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
}
