// What every export reads: a run of events read in chunks, with the devices they
// name. Taken from the host's history (the app: everything it holds), or from a
// machine's own log (the CLI: a machine after a script, or opened from a session).
// The run is fixed when the source is made; events the machine logs afterwards are
// not part of it, and events of the run that are overwritten before they are read
// end the export with an error rather than a file with a silent hole.
import type { Target } from '../target/target';
import type { EventColumns } from '../../src-shared/timeline/columns';
import type { EventHistory } from '../host/event-history';

export type { TimeAxis } from '../../src-shared/timeline/export-formats';

export interface ExportDevice {
  bdf: number;
  name: string;
  /** MSI-X vectors, 0 without MSI-X. */
  vectors: number;
}

/** Which events an export writes as events (rows, instants, pulses); levels always follow every event. A compiled display filter. */
export type { EventPredicate } from '../../src-shared/timeline/event-filter';

export interface TimelineSource {
  machineName: string | null;
  /** Sequence numbers [firstSeq, endSeq) are the run. */
  firstSeq: number;
  endSeq: number;
  /** Events before the run that were overwritten (so levels at its start are unknown). */
  evicted: number;
  devices: ExportDevice[];
  /** The run's events [fromSeq, fromSeq + count); throws ExportError when any of them is gone. */
  read(fromSeq: number, count: number): EventColumns;
}

export class ExportError extends Error {}

const devicesOf = (target: Target): ExportDevice[] => target.devices().map((fn) => ({ bdf: fn.bdf, name: fn.name, vectors: fn.msix?.vectors ?? 0 }));

function checked(columns: EventColumns, fromSeq: number, count: number): EventColumns {
  if (columns.firstSeq !== fromSeq || columns.kind.length !== count) {
    throw new ExportError(`events #${fromSeq}..#${fromSeq + count - 1} were overwritten while exporting (the machine went on logging); pause it first`);
  }
  return columns;
}

/** The run [firstSeq, total) of `held` (the target's events or the host's history), as it is now. */
function sourceOf(target: Target, held: { firstSeq: number; total: number; evicted: number }, read: TimelineSource['read']): TimelineSource {
  return { machineName: target.name, firstSeq: held.firstSeq, endSeq: held.total, evicted: held.evicted, devices: devicesOf(target), read };
}

/** The target's event stream as it is now. */
export function timelineOf(target: Target): TimelineSource {
  const log = target.events;
  return sourceOf(target, log, (fromSeq, count) => checked(log.slice(Math.max(fromSeq, log.firstSeq), fromSeq + count), fromSeq, count));
}

/** The host's history as it is now, naming the devices of `target`. */
export function historyTimeline(history: EventHistory, target: Target): TimelineSource {
  const generation = history.generation;
  return sourceOf(target, history, (fromSeq, count) => {
    if (history.generation !== generation) throw new ExportError('another machine was loaded while exporting');
    return checked(history.slice(fromSeq, count), fromSeq, count);
  });
}

/** The run in chunks of at most `size` events, oldest first. */
export function* chunksOf(source: TimelineSource, size: number): Generator<EventColumns> {
  for (let seq = source.firstSeq; seq < source.endSeq; seq += size) yield source.read(seq, Math.min(size, source.endSeq - seq));
}
