// Saved sessions and timeline exports over the contract. The browser host cannot
// touch the user's disk, so a saved session travels in the reply as base64, an
// export as text, and a session to open arrives as base64. The Electron menu reads
// and writes the files itself (electron/file-menu-actions.ts) with the same helpers.
import { exportTimeline } from '../export/timeline-export';
import { openSessionBytes } from '../target/simulated/open-simulated';
import { RequestError, valueOf, type Handlers, type LiveTarget, type TargetSwap } from './handler-kit';
import type { MachineStatus } from '../../src-shared/ipc/contract';
import { EXPORT_EXTENSIONS, EXPORT_MIME_TYPES, type ExportFormat } from '../../src-shared/timeline/export-formats';

export const SESSION_EXTENSION = '.irqsession';
export const SESSION_MIME_TYPE = 'application/octet-stream';

export type SessionRequest = 'saveSession' | 'openSession' | 'exportTimeline';

/** What saving, opening and exporting see of the session: the target, its name, and swapping it. */
export interface SessionAccess extends LiveTarget, TargetSwap {
  readonly name: string;
}

/** `virtio-net-like NIC` → `virtio-net-like-nic`: a file name to offer, from the machine's name. */
export function fileStem(session: { readonly name: string }): string {
  const slug = session.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'irqscope' : slug;
}

export const exportFileName = (session: { readonly name: string }, format: ExportFormat): string => `${fileStem(session)}${EXPORT_EXTENSIONS[format]}`;
export const sessionFileName = (session: { readonly name: string }): string => `${fileStem(session)}${SESSION_EXTENSION}`;

/**
 * Replaces the session's machine with the one saved in `bytes`. A file that cannot be
 * read or trusted is refused with the reason, prefixed by `label`, and the running
 * machine is left exactly as it was.
 */
export function openSessionInto(session: TargetSwap, bytes: Uint8Array, label: string): { ok: true; status: MachineStatus } | { ok: false; error: string } {
  const opened = openSessionBytes(bytes);
  if (!opened.ok) return { ok: false, error: `${label}: ${opened.error}` };
  session.replace({ target: opened.target, name: opened.target.name ?? label, preset: null });
  return { ok: true, status: session.status() };
}

export function sessionHandlers(session: SessionAccess): Pick<Handlers, SessionRequest> {
  return {
    saveSession: () => {
      const bytes = Buffer.from(valueOf(session.target.save()));
      return { fileName: sessionFileName(session), mimeType: SESSION_MIME_TYPE, data: bytes.toString('base64'), bytes: bytes.length };
    },
    openSession: ({ data, fileName }) => {
      const opened = openSessionInto(session, Buffer.from(data, 'base64'), fileName ?? 'the session file');
      if (!opened.ok) throw new RequestError('data', `${opened.error} (the running machine is unchanged)`);
      return opened.status;
    },
    exportTimeline: ({ format, axis }) => ({
      format,
      fileName: exportFileName(session, format),
      mimeType: EXPORT_MIME_TYPES[format],
      text: exportTimeline(session.target, format, axis ?? 'ns'),
    }),
  };
}
