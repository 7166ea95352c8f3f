// A dump file on its way to the importer: lspci text travels as text, a binary
// sysfs `config` blob as base64 (both transports carry JSON). The CLI, the
// Electron menu and the browser's file input all tell the two apart the same way.

import { bytesToBase64 } from '../base64';

export type DumpFileData = { name: string; encoding: 'text'; text: string } | { name: string; encoding: 'base64'; base64: string };

/** A file is a sysfs config image when it has a config space's length and is not text. */
export function isBinaryConfig(bytes: Uint8Array): boolean {
  if (bytes.length !== 256 && bytes.length !== 4096) return false;
  return bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b > 0x7e);
}

/** `/sys/bus/pci/devices/0000:03:00.0/config` names its device (a domain past 0000 kept); otherwise the file's place in the list gives it one. */
export function bdfFromPath(path: string, index: number): string {
  const folder = path.split(/[\\/]/).slice(-2, -1)[0] ?? '';
  const m = /^(?:([0-9a-f]{4}):)?([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])$/i.exec(folder);
  if (!m) return `00:${(index + 1).toString(16).padStart(2, '0')}.0`;
  return m[1] === undefined || m[1] === '0000' ? m[2]! : `${m[1]}:${m[2]}`;
}

export function encodeDumpFile(name: string, bytes: Uint8Array): DumpFileData {
  if (!isBinaryConfig(bytes)) return { name, encoding: 'text', text: new TextDecoder().decode(bytes) };
  return { name, encoding: 'base64', base64: bytesToBase64(bytes) };
}
