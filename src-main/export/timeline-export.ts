// One entry point for every export format, for the CLI and the app's menus.
import type { Machine } from '../machine/machine';
import { toCsv } from './csv';
import { toPerfettoTrace } from './perfetto';
import { toVcd } from './vcd';
import { timelineOf, type TimeAxis } from './timeline-source';

export const EXPORT_FORMATS = ['vcd', 'perfetto', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { vcd: '.vcd', perfetto: '.json', csv: '.csv' };

export function exportTimeline(machine: Machine, format: ExportFormat, axis: TimeAxis = 'ns'): string {
  const source = timelineOf(machine);
  switch (format) {
    case 'vcd':
      return toVcd(source, { axis });
    case 'perfetto':
      return JSON.stringify(toPerfettoTrace(source, axis));
    case 'csv':
      return toCsv(source);
  }
}
