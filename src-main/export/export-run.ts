// Drives an export's pieces into a sink in slices: a few milliseconds of work, then
// the event loop gets its turn (the runner's slices, requests, the page), so the
// longest export never freezes anything. Progress is reported as it goes; an abort
// stops it between two pieces and the sink drops what it had, as it does on an error.
import type { Writable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { openAtomic } from '../session/atomic-write';
import type { ExportPieces } from './export-pieces';

export interface ExportSink {
  /** Resolves when the sink can take more (back-pressure). */
  write(data: Uint8Array): Promise<void> | void;
  /** The file is complete. */
  finish(): Promise<void> | void;
  /** The file is abandoned: nothing half-written is left as if it were whole. */
  abort(): void;
}

export interface ExportRunOptions {
  signal?: AbortSignal;
  onProgress?(progress: number, bytes: number): void;
  /** Longest stretch of work between two turns of the event loop (ms). */
  sliceMs?: number;
  now?: () => number;
}

export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
  }
}

/** Bytes gathered before they go to the sink in one write. */
const WRITE_BYTES = 1 << 20;

export async function runExport(pieces: ExportPieces, sink: ExportSink, options: ExportRunOptions = {}): Promise<{ bytes: number }> {
  const sliceMs = options.sliceMs ?? 8;
  const now = options.now ?? (() => performance.now());
  let bytes = 0;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const flush = async (): Promise<void> => {
    if (heldBytes === 0) return;
    const data = held.length === 1 ? held[0]! : Buffer.concat(held, heldBytes);
    held = [];
    heldBytes = 0;
    await sink.write(data);
  };
  try {
    let sliceStart = now();
    for (const piece of pieces) {
      const data = typeof piece.data === 'string' ? Buffer.from(piece.data, 'utf8') : piece.data;
      if (data.length > 0) {
        held.push(data);
        heldBytes += data.length;
        bytes += data.length;
      }
      if (heldBytes >= WRITE_BYTES) await flush();
      if (now() - sliceStart >= sliceMs) {
        options.onProgress?.(piece.progress, bytes);
        await yieldToEventLoop();
        if (options.signal?.aborted) throw new ExportCancelled();
        sliceStart = now();
      }
    }
    await flush();
    if (options.signal?.aborted) throw new ExportCancelled();
    await sink.finish();
    options.onProgress?.(1, bytes);
    return { bytes };
  } catch (err) {
    sink.abort();
    throw err;
  }
}

/** A file that appears at `path` only when the export completes (atomically, as a saved session does). */
export function fileSink(path: string): ExportSink {
  const file = openAtomic(path);
  return { write: (data) => file.write(data), finish: () => file.commit(), abort: () => file.discard() };
}

/**
 * A stream (standard output, an HTTP response), written with its back-pressure. A
 * stream that closes before it is finished (the browser abandoned the download)
 * cancels the export at its next write.
 */
export function streamSink(stream: Writable, end = true): ExportSink {
  let gone: Error | null = null;
  stream.once('close', () => {
    if (!stream.writableFinished) gone ??= new ExportCancelled();
  });
  stream.on('error', (err: Error) => void (gone ??= err));
  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (gone !== null || stream.destroyed) return reject(gone ?? new ExportCancelled());
        if (stream.write(data)) return resolve();
        const settle = (): void => {
          stream.off('drain', settle);
          stream.off('close', settle);
          if (gone !== null) reject(gone);
          else resolve();
        };
        stream.on('drain', settle);
        stream.on('close', settle);
      }),
    finish: () =>
      new Promise<void>((resolve, reject) => {
        if (gone !== null) return reject(gone);
        if (!end) return resolve();
        stream.end(() => (gone === null ? resolve() : reject(gone)));
      }),
    abort: () => {
      if (end) stream.destroy();
    },
  };
}
