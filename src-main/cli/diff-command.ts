// `irqscope diff A B [--events] [--context N] [--json]`
// Two runs (session files, or --events JSON-lines files) aligned event by event: the
// first divergence with the events around it, then a summary. Exits 0 when the runs
// are the same, 1 when they differ, 2 when one cannot be read.
import { UsageError, parseOptions, type CliCommand, type CliIo } from './cli-io';
import { loadEvents } from './event-source';
import { diffRuns, runsDiffer, type RunDiff } from '../../src-shared/diff/run-diff';
import type { EventColumns } from '../../src-shared/timeline/columns';
import { eventRecord } from '../../src-shared/timeline/event-record';

const USAGE = 'usage: irqscope diff A B [--events] [--context N] [--json]   (A and B: session files, or --events JSON-lines files)';

export const diffCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '--events': 'flag', '--context': 'value', '--json': 'flag' });
  if (positional.length !== 2) throw new UsageError(`expected two runs, got ${positional.length} (${USAGE})`);
  const context = Number(options.get('--context') ?? 3);
  if (!Number.isInteger(context) || context < 0 || context > 1000) throw new UsageError(`--context must be a whole number of events 0..1000`);
  const runs: EventColumns[] = [];
  for (const path of positional) {
    const loaded = await loadEvents(options.has('--events') ? { events: path } : { session: path }, io);
    if (!loaded.ok) {
      io.stderr.write(`irqscope diff: ${loaded.error}\n`);
      return 2;
    }
    runs.push(loaded.columns);
  }
  const [a, b] = runs as [EventColumns, EventColumns];
  const diff = diffRuns(a, b);
  if (options.has('--json')) io.stdout.write(`${JSON.stringify(diff)}\n`);
  else printDiff(diff, a, b, context, io);
  return runsDiffer(diff) ? 1 : 0;
};

const OP_WORDS = { onlyA: 'only in A', onlyB: 'only in B', different: 'different outcome' } as const;

function printDiff(diff: RunDiff, a: EventColumns, b: EventColumns, context: number, io: CliIo): void {
  const first = diff.divergences[0];
  if (first !== undefined) {
    io.stdout.write(`first divergence: A#${first.a} vs B#${first.b} (${OP_WORDS[first.op]})\n`);
    for (const [name, cols, seq] of [['A', a, first.a], ['B', b, first.b]] as const) {
      const end = cols.firstSeq + cols.kind.length;
      if (seq >= end) io.stdout.write(`  > ${name}#${seq}: (the run ends here)\n`);
      for (let s = Math.max(cols.firstSeq, seq - context); s < Math.min(end, seq + context + 1); s++) {
        const r = eventRecord(cols, s - cols.firstSeq);
        io.stdout.write(`  ${s === seq ? '>' : ' '} ${name}#${s} ${r.kind}${r.bdf ? ` ${r.bdf}` : ''}: ${r.text}\n`);
      }
    }
  }
  io.stdout.write(
    `${runsDiffer(diff) ? 'runs differ' : 'runs are the same'}: ${diff.eventsA} events in A, ${diff.eventsB} in B; ${diff.alike} alike, ${diff.onlyA} only in A, ${diff.onlyB} only in B, ${diff.different} with different outcomes\n`,
  );
}
