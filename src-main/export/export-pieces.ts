// Every export format is a generator of pieces of its file, each made from one chunk
// of events: whoever drives it (the CLI, the host's export job) decides when to ask
// for the next piece, so a long export can yield to the event loop between pieces,
// report progress and stop early, and nothing ever holds the whole file.
import type { EventPredicate, TimeAxis } from './timeline-source';

export interface ExportPiece {
  data: string | Uint8Array;
  /** How far the export is, 0 to 1. */
  progress: number;
}

export type ExportPieces = Generator<ExportPiece, void, undefined>;

export interface ExportOptions {
  axis: TimeAxis;
  /** Only these events are written as events (rows, instants, pulses); levels follow every event. */
  filter?: EventPredicate;
  /** The VCD's $date (default: now). */
  date?: Date;
}

/** Events read per piece: small enough that a piece takes a few milliseconds. */
export const CHUNK_EVENTS = 8192;
