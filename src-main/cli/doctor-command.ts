// `irqscope doctor (--session FILE | --machine FILE|PRESET [--script FILE|-] | --events FILE) [--json]`
// The doctor's findings over a run: one line each (or JSON). Exits 1 when any finding
// is an error, so it can gate a CI job; 0 otherwise; 2 on bad usage.
import { UsageError, parseOptions, type CliCommand } from './cli-io';
import { eventSourceOption, loadEvents } from './event-source';
import { Doctor } from '../../src-shared/doctor/doctor';
import { formatFinding, hasError } from '../../src-shared/doctor/finding';

export const doctorCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '--session': 'value', '--machine': 'value', '--script': 'value', '--events': 'value', '--json': 'flag' });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const loaded = await loadEvents(eventSourceOption(options), io);
  if (!loaded.ok) {
    io.stderr.write(`irqscope doctor: ${loaded.error}\n`);
    return 2;
  }
  const doctor = new Doctor();
  doctor.feed(loaded.columns);
  const findings = doctor.findings();
  if (options.has('--json')) {
    io.stdout.write(`${JSON.stringify({ events: loaded.columns.kind.length, findings, notKept: doctor.overflow }, null, 2)}\n`);
  } else {
    for (const f of findings) io.stdout.write(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    io.stdout.write(`${findings.length === 0 ? 'no findings' : `${findings.length} finding${findings.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}`} in ${loaded.columns.kind.length} events\n`);
  }
  return hasError(findings) ? 1 : 0;
};
