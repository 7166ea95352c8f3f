// `irqscope export --format vcd|perfetto|csv (--session IN | --machine FILE|PRESET [--script FILE|-]) [--out FILE] [--axis ns|seq]`
// Exports the retained timeline of a saved session, or of a machine after a qtest
// script. The export goes to --out (written atomically) or stdout; qtest replies go
// to stderr so they never mix with it.
import { resolve } from 'node:path';
import { UsageError, parseOptions, type CliCommand } from './cli-io';
import { loadMachineOption } from './machine-option';
import { runQtestScript } from '../qtest/run-script';
import { openSession } from '../session/session-file';
import { writeFileAtomic } from '../session/atomic-write';
import { EXPORT_FORMATS, exportTimeline, type ExportFormat } from '../export/timeline-export';
import type { TimeAxis } from '../export/timeline-source';

const AXES: readonly TimeAxis[] = ['ns', 'seq'];

export const exportCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, {
    '--format': 'value',
    '--session': 'value',
    '--machine': 'value',
    '--script': 'value',
    '--out': 'value',
    '--axis': 'value',
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const format = options.get('--format');
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}${typeof format === 'string' ? `, not '${format}'` : ''}`);
  }
  const axis = options.get('--axis') ?? 'ns';
  if (!(AXES as readonly unknown[]).includes(axis)) throw new UsageError(`--axis must be ns (virtual time) or seq (one tick per event), not '${String(axis)}'`);
  const session = options.get('--session');
  if (typeof session === 'string' && options.has('--machine')) throw new UsageError('--session and --machine exclude each other');
  if (typeof session === 'string' && options.has('--script')) throw new UsageError('--script runs on --machine; to run one on a session use `irqscope session open IN --script FILE --save OUT`');

  let target;
  if (typeof session === 'string') {
    const opened = openSession(resolve(io.cwd, session));
    if (!opened.ok) {
      io.stderr.write(`irqscope export: ${opened.error}\n`);
      return 1;
    }
    target = opened.target;
  } else {
    if (!options.has('--machine')) throw new UsageError('export from --session FILE, or from --machine FILE|PRESET (with an optional --script)');
    target = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
    const script = options.get('--script');
    if (typeof script === 'string') await runQtestScript(target, script, io.cwd, io.stdin, io.stderr);
  }

  const text = exportTimeline(target, format as ExportFormat, axis as TimeAxis);
  const out = options.get('--out');
  if (typeof out === 'string') writeFileAtomic(resolve(io.cwd, out), Buffer.from(text, 'utf8'));
  else io.stdout.write(text);
  return 0;
};
