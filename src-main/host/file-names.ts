// The names a saved session or an export is offered under, from the machine's name.
import { EXPORT_EXTENSIONS, type ExportFormat } from '../../src-shared/timeline/export-formats';

export const SESSION_EXTENSION = '.irqsession';

/** What a name is taken from: the session's machine name. */
export interface Named {
  readonly name: string;
}

/** `virtio-net-like NIC` → `virtio-net-like-nic`: a file name to offer, from the machine's name. */
export function fileStem(session: Named): string {
  const slug = session.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'irqscope' : slug;
}

export const exportFileName = (session: Named, format: ExportFormat): string => `${fileStem(session)}${EXPORT_EXTENSIONS[format]}`;
export const sessionFileName = (session: Named): string => `${fileStem(session)}${SESSION_EXTENSION}`;
