// What every export reads: the retained events of a target's stream, with the devices
// they name. Taken from a live target or from one opened from a session file.
import type { Target } from '../target/target';
import type { EventColumns } from '../../src-shared/timeline/columns';
import type { TimeAxis } from '../../src-shared/timeline/export-formats';

export interface ExportDevice {
  bdf: number;
  name: string;
  /** MSI-X vectors, 0 without MSI-X. */
  vectors: number;
}

export interface TimelineSource {
  machineName: string | null;
  /** The retained events, oldest first; `firstSeq` is the first one's sequence number. */
  columns: EventColumns;
  /** Events overwritten before the first retained one. */
  evicted: number;
  devices: ExportDevice[];
}

export function timelineOf(target: Target): TimelineSource {
  const log = target.events;
  return {
    machineName: target.name,
    columns: log.slice(log.firstSeq, log.total),
    evicted: log.evicted,
    devices: target.devices().map((fn) => ({ bdf: fn.bdf, name: fn.name, vectors: fn.msix?.vectors ?? 0 })),
  };
}

export type { TimeAxis } from '../../src-shared/timeline/export-formats';

export function axisTime(source: TimelineSource, axis: TimeAxis, i: number): number {
  return axis === 'ns' ? source.columns.time[i]! : source.columns.firstSeq + i;
}
