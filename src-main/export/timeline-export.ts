// One entry point for every export format, for the CLI and the app's menus.
import type { Target } from '../target/target';
import { toCsv } from './csv';
import { toPerfettoTrace } from './perfetto';
import { toVcd } from './vcd';
import { timelineOf, type TimeAxis } from './timeline-source';
import type { ExportFormat } from '../../src-shared/timeline/export-formats';

export { EXPORT_FORMATS, type ExportFormat } from '../../src-shared/timeline/export-formats';

export function exportTimeline(target: Target, format: ExportFormat, axis: TimeAxis = 'ns'): string {
  const source = timelineOf(target);
  switch (format) {
    case 'vcd':
      return toVcd(source, { axis });
    case 'perfetto':
      return JSON.stringify(toPerfettoTrace(source, axis));
    case 'csv':
      return toCsv(source);
  }
}
