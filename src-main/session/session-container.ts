// The session file's byte layout: a fixed preamble, a JSON header, then binary
// sections (typed-array bytes, little-endian, each deflate-raw compressed).
//
//   offset  size  field
//   0       8     signature "IRQSCOPE"
//   8       4     u32 LE  format version (SESSION_VERSION)
//   12      4     u32 LE  header length H
//   16      8     u64 LE  payload length P
//   24      4     u32 LE  CRC-32 (IEEE, as zlib) of bytes 8..24 then 28..28+H+P
//   28      H     header: UTF-8 JSON (session-header.ts), listing the sections
//   28+H    P     payload: the sections at the offsets the header gives
//
// The file is exactly 28+H+P bytes. The header is plain text in the file, so `strings`
// or `irqscope session info` shows what a file holds.
import { endianness } from 'node:os';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { formatPath } from '../../src-shared/machine-file/description';
import { OLDEST_SESSION_VERSION, SESSION_VERSION, sessionHeaderSchema, type SectionEntry, type SessionHeader } from '../../src-shared/session/session-header';

const SIGNATURE = Buffer.from('IRQSCOPE', 'latin1');
export const PREAMBLE_BYTES = 28;
/** Fast enough for a million-event log; the bulk (event columns, RAM) compresses well at any level. */
const DEFLATE_LEVEL = 1;

export class SessionFormatError extends Error {}

// Sections are typed-array bytes as they lie in memory; every platform Node runs on is little-endian.
if (endianness() !== 'LE') throw new Error('irqscope session files need a little-endian machine');

/** Assembles a file from the header fields and the named sections. */
export function encodeContainer(header: Omit<SessionHeader, 'sections'>, sections: ReadonlyMap<string, Uint8Array>): Buffer {
  const entries: SectionEntry[] = [];
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const [name, raw] of sections) {
    const packed = deflateRawSync(raw, { level: DEFLATE_LEVEL });
    entries.push({ name, offset, length: packed.length, rawLength: raw.byteLength });
    blobs.push(packed);
    offset += packed.length;
  }
  const json = Buffer.from(JSON.stringify({ ...header, sections: entries }), 'utf8');
  const out = Buffer.alloc(PREAMBLE_BYTES + json.length + offset);
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(SESSION_VERSION, 8);
  out.writeUInt32LE(json.length, 12);
  out.writeBigUInt64LE(BigInt(offset), 16);
  json.copy(out, PREAMBLE_BYTES);
  let at = PREAMBLE_BYTES + json.length;
  for (const blob of blobs) {
    blob.copy(out, at);
    at += blob.length;
  }
  out.writeUInt32LE(checksum(out), 24);
  return out;
}

function checksum(file: Buffer): number {
  return crc32(file.subarray(PREAMBLE_BYTES), crc32(file.subarray(8, 24)));
}

export interface DecodedContainer {
  header: SessionHeader;
  /** A section's bytes, checked to be `expectedBytes` long; throws SessionFormatError. */
  section(name: string, expectedBytes: number): Uint8Array;
  /** Whether the file has the section (one added after the oldest format it reads). */
  has(name: string): boolean;
}

/** Checks signature, version, length and checksum, then the header's shape. Throws SessionFormatError. */
export function decodeContainer(bytes: Uint8Array): DecodedContainer {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.length < SIGNATURE.length || !file.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new SessionFormatError('not an irqscope session file (no IRQSCOPE signature)');
  }
  if (file.length < PREAMBLE_BYTES) throw new SessionFormatError(`truncated: ${file.length} bytes, shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  const version = file.readUInt32LE(8);
  if (version > SESSION_VERSION) {
    throw new SessionFormatError(`written by a newer irqscope (session format ${version}); this one reads format ${SESSION_VERSION}`);
  }
  if (version < OLDEST_SESSION_VERSION) throw new SessionFormatError(`unknown session format ${version}`);
  const headerBytes = file.readUInt32LE(12);
  const payloadBytes = Number(file.readBigUInt64LE(16));
  const expected = PREAMBLE_BYTES + headerBytes + payloadBytes;
  if (file.length < expected) throw new SessionFormatError(`truncated: the file is ${file.length} bytes, its preamble says ${expected}`);
  if (file.length > expected) throw new SessionFormatError(`corrupted: ${file.length - expected} bytes past the end the preamble gives (${expected})`);
  const stored = file.readUInt32LE(24);
  const actual = checksum(file);
  if (stored !== actual) throw new SessionFormatError(`corrupted: checksum mismatch (stored 0x${hex8(stored)}, computed 0x${hex8(actual)})`);
  const header = parseHeader(file.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes));
  const payload = file.subarray(PREAMBLE_BYTES + headerBytes);
  const entries = new Map(header.sections.map((s) => [s.name, s]));
  return {
    header,
    has: (name) => entries.has(name),
    section(name, expectedBytes) {
      const entry = entries.get(name);
      if (entry === undefined) throw new SessionFormatError(`corrupted: section ${name} is missing`);
      if (entry.rawLength !== expectedBytes) throw new SessionFormatError(`section ${name} holds ${entry.rawLength} bytes, the machine needs ${expectedBytes}`);
      if (entry.offset + entry.length > payload.length) throw new SessionFormatError(`corrupted: section ${name} runs past the payload`);
      let raw: Buffer;
      try {
        raw = inflateRawSync(payload.subarray(entry.offset, entry.offset + entry.length), { maxOutputLength: Math.max(1, expectedBytes) });
      } catch (err) {
        throw new SessionFormatError(`corrupted: section ${name} does not inflate (${(err as Error).message})`);
      }
      if (raw.length !== expectedBytes) throw new SessionFormatError(`corrupted: section ${name} inflates to ${raw.length} bytes, not ${expectedBytes}`);
      return raw;
    },
  };
}

function parseHeader(bytes: Buffer): SessionHeader {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new SessionFormatError(`corrupted: the header is not JSON (${(err as Error).message})`);
  }
  const r = sessionHeaderSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SessionFormatError(`invalid header: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return r.data;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
