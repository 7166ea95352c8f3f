// One entry point for every export format, for the CLI, the host's export jobs and
// the app's menus.
import type { Machine } from '../machine/machine';
import { csvPieces } from './csv';
import { perfettoPieces } from './perfetto';
import { perfettoJsonPieces } from './perfetto-json';
import { vcdPieces } from './vcd';
import { timelineOf, type TimelineSource } from './timeline-source';
import type { ExportOptions, ExportPieces } from './export-pieces';
import type { ExportFormat } from '../../src-shared/timeline/export-formats';

export { EXPORT_FORMATS, type ExportFormat } from '../../src-shared/timeline/export-formats';

export function exportPieces(source: TimelineSource, format: ExportFormat, options: ExportOptions): ExportPieces {
  switch (format) {
    case 'vcd':
      return vcdPieces(source, options);
    case 'perfetto':
      return perfettoPieces(source, options);
    case 'perfetto-json':
      return perfettoJsonPieces(source, options);
    case 'csv':
      return csvPieces(source, options);
  }
}

/** The whole file at once: for small runs and tests (a long one goes through an export job). */
export function exportBytes(source: TimelineSource, format: ExportFormat, options: ExportOptions): Buffer {
  const parts: Buffer[] = [];
  for (const piece of exportPieces(source, format, options)) parts.push(typeof piece.data === 'string' ? Buffer.from(piece.data, 'utf8') : Buffer.from(piece.data));
  return Buffer.concat(parts);
}

/** A machine's retained log, exported whole. */
export function exportTimeline(machine: Machine, format: ExportFormat, options: ExportOptions = { axis: 'ns' }): Buffer {
  return exportBytes(timelineOf(machine), format, options);
}
