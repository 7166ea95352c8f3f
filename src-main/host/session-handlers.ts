// Saved sessions and timeline exports over the contract. The browser host cannot
// touch the user's disk, so a saved session travels in the reply as base64, an
// export is a download the page fetches (host/export-jobs.ts), and a session to open
// arrives as base64. The Electron menu reads
// and writes the files itself (electron/file-menu-actions.ts) with the same helpers.
import { decodeSession, encodeSession } from '../session/machine-snapshot';
import type { MachineSession } from './machine-session';
import { RequestError, type Handlers } from './handler-kit';
import type { MachineStatus } from '../../src-shared/ipc/contract';
import { sessionFileName } from './file-names';
import { compileFilter } from '../../src-shared/timeline/event-filter';

export const SESSION_MIME_TYPE = 'application/octet-stream';

export type SessionRequest = 'saveSession' | 'openSession' | 'exportTimeline' | 'cancelExport';

/**
 * Replaces the session's machine with the one saved in `bytes`. A file that cannot be
 * read or trusted is refused with the reason, prefixed by `label`, and the running
 * machine is left exactly as it was.
 */
export function openSessionBytes(session: MachineSession, bytes: Uint8Array, label: string): { ok: true; status: MachineStatus } | { ok: false; error: string } {
  const opened = decodeSession(bytes);
  if (!opened.ok) return { ok: false, error: `${label}: ${opened.error}` };
  session.replace({ machine: opened.machine, name: opened.machine.description.name ?? label, preset: null });
  return { ok: true, status: session.status() };
}

export function sessionHandlers(session: MachineSession): Pick<Handlers, SessionRequest> {
  return {
    saveSession: () => {
      const bytes = encodeSession(session.machine);
      return { fileName: sessionFileName(session), mimeType: SESSION_MIME_TYPE, data: bytes.toString('base64'), bytes: bytes.length };
    },
    openSession: ({ data, fileName }) => {
      const opened = openSessionBytes(session, Buffer.from(data, 'base64'), fileName ?? 'the session file');
      if (!opened.ok) throw new RequestError('data', `${opened.error} (the running machine is unchanged)`);
      return opened.status;
    },
    exportTimeline: ({ format, axis, filter }) => {
      const compiled = compileFilter(filter ?? '');
      if (!compiled.ok) throw new RequestError('filter', compiled.error);
      return session.exports.start({ format, axis: axis ?? 'ns', filter: compiled.matches ?? undefined });
    },
    cancelExport: ({ id }) => ({ cancelled: session.exports.cancel(id) }),
  };
}
