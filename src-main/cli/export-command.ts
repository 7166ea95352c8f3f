// `irqscope export --format vcd|perfetto|perfetto-json|csv (--session IN | --machine FILE|PRESET [--script FILE|-]) [--out FILE] [--axis ns|seq] [--filter EXPR]`
// Exports the retained timeline of a saved session, or of a machine after a qtest
// script. The export streams to --out (which appears, whole, only when it is done)
// or to stdout; qtest replies go to stderr so they never mix with it.
import { resolve } from 'node:path';
import { UsageError, parseOptions, type CliCommand } from './cli-io';
import { loadMachineOption } from './machine-option';
import { runQtestScript } from '../qtest/run-script';
import { openSession } from '../session/session-file';
import { EXPORT_FORMATS, exportPieces, type ExportFormat } from '../export/timeline-export';
import { ExportError, timelineOf, type TimeAxis } from '../export/timeline-source';
import { fileSink, runExport, streamSink } from '../export/export-run';
import { SEQ_AXIS_FORMATS, TIME_AXES } from '../../src-shared/timeline/export-formats';
import { compileFilter } from '../../src-shared/timeline/event-filter';

export const exportCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, {
    '--format': 'value',
    '--session': 'value',
    '--machine': 'value',
    '--script': 'value',
    '--out': 'value',
    '--axis': 'value',
    '--filter': 'value',
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const format = options.get('--format');
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}${typeof format === 'string' ? `, not '${format}'` : ''}`);
  }
  const axis = options.get('--axis') ?? 'ns';
  if (!(TIME_AXES as readonly unknown[]).includes(axis)) throw new UsageError(`--axis must be ns (virtual time) or seq (one tick per event), not '${String(axis)}'`);
  if (axis === 'seq' && !SEQ_AXIS_FORMATS.includes(format as ExportFormat)) {
    throw new UsageError(`--axis seq is for ${SEQ_AXIS_FORMATS.join(' and ')}: a ${String(format)} export's time is virtual time, where every event has its own time step`);
  }
  const filterText = options.get('--filter');
  const filter = compileFilter(typeof filterText === 'string' ? filterText : '');
  if (!filter.ok) throw new UsageError(`--filter: ${filter.error}`);
  const session = options.get('--session');
  if (typeof session === 'string' && options.has('--machine')) throw new UsageError('--session and --machine exclude each other');
  if (typeof session === 'string' && options.has('--script')) throw new UsageError('--script runs on --machine; to run one on a session use `irqscope session open IN --script FILE --save OUT`');

  let machine;
  if (typeof session === 'string') {
    const opened = openSession(resolve(io.cwd, session));
    if (!opened.ok) {
      io.stderr.write(`irqscope export: ${opened.error}\n`);
      return 1;
    }
    machine = opened.machine;
  } else {
    if (!options.has('--machine')) throw new UsageError('export from --session FILE, or from --machine FILE|PRESET (with an optional --script)');
    machine = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
    const script = options.get('--script');
    if (typeof script === 'string') await runQtestScript(machine, script, io.cwd, io.stdin, io.stderr);
  }

  const pieces = exportPieces(timelineOf(machine), format as ExportFormat, { axis: axis as TimeAxis, filter: filter.matches ?? undefined });
  const out = options.get('--out');
  try {
    await runExport(pieces, typeof out === 'string' ? fileSink(resolve(io.cwd, out)) : streamSink(io.stdout, false));
  } catch (err) {
    if (!(err instanceof ExportError)) throw err;
    io.stderr.write(`irqscope export: ${err.message}\n`);
    return 1;
  }
  return 0;
};
