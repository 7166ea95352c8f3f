// A million events exported in every format: the file's size and the time it takes,
// through the same piece-by-piece run the app's export jobs use (into a sink that
// only counts, so the disk is not measured). The run is a periodic source on one
// vector, with a second vector masked and unmasked every 1000 notifies so that
// pending pulses, counters and flows are part of it too.
import { benchMachine, BENCH_BAR as BAR } from './bench-machine';
import { timelineOf } from '../src-main/export/timeline-source';
import { exportPieces } from '../src-main/export/timeline-export';
import { runExport } from '../src-main/export/export-run';
import type { Machine } from '../src-main/machine/machine';
import type { ExportFormat } from '../src-shared/timeline/export-formats';

export interface ExportFigure {
  format: ExportFormat;
  events: number;
  bytes: number;
  seconds: number;
}

export function floodLog(events: number): Machine {
  const { m, fn } = benchMachine(2, 2);
  for (let v = 0; v < 2; v++) {
    m.memory.write(BAR + v * 16, 4, 0xfee00000);
    m.memory.write(BAR + v * 16 + 8, 4, 0x40 + v);
    m.memory.write(BAR + v * 16 + 12, 4, 0);
  }
  m.startSource(fn, 0, 1_000_000);
  while (m.log.total < events) {
    m.memory.write(BAR + 16 + 12, 4, 1);
    fn.msix!.notify(1);
    m.memory.write(BAR + 16 + 12, 4, 0);
    m.step(1_000_000);
  }
  return m;
}

export async function measureExports(events: number): Promise<ExportFigure[]> {
  const m = floodLog(events);
  const out: ExportFigure[] = [];
  for (const format of ['perfetto', 'perfetto-json', 'csv', 'vcd'] as const) {
    const source = timelineOf(m);
    let bytes = 0;
    const start = performance.now();
    await runExport(exportPieces(source, format, { axis: 'ns' }), { write: (d) => void (bytes += d.length), finish: () => undefined, abort: () => undefined });
    out.push({ format, events: source.endSeq - source.firstSeq, bytes, seconds: (performance.now() - start) / 1000 });
  }
  return out;
}
