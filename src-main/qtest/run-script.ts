// Runs a qtest script (a file, or '-' for stdin) against a target: for the CLI
// commands that start from a machine or a session and then save or export it. These
// take no --max-firings: a target with no bound of its own gets qtest's default for the
// script, so no line runs for more than a few seconds (an advance past it is refused
// and changes nothing); the app's target keeps its own, smaller bound.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Target } from '../target/target';
import { pumpLines } from './line-pump';
import { DEFAULT_QTEST_FIRINGS } from '../operations/limits';

export async function runQtestScript(target: Target, script: string, cwd: string, stdin: Readable, replies: Writable): Promise<void> {
  const limits = target.debugger.limits;
  if (limits.advanceFirings === Infinity) {
    target.debugger.limits = { ...limits, advanceFirings: DEFAULT_QTEST_FIRINGS, advanceFiringsHint: 'run the script with irqscope qtest --max-firings N' };
  }
  const session = target.qtest({ replyToEveryLine: script === '-' });
  const input = script === '-' ? stdin : createReadStream(resolve(cwd, script));
  try {
    await pumpLines(session, input, replies);
  } finally {
    session.dispose();
    target.debugger.limits = limits;
  }
}
