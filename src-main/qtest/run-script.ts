// Runs a qtest script (a file, or '-' for stdin) against a target: for the CLI
// commands that start from a machine or a session and then save or export it.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Target } from '../target/target';
import { pumpLines } from './line-pump';

export async function runQtestScript(target: Target, script: string, cwd: string, stdin: Readable, replies: Writable): Promise<void> {
  const session = target.qtest({ replyToEveryLine: script === '-' });
  const input = script === '-' ? stdin : createReadStream(resolve(cwd, script));
  try {
    await pumpLines(session, input, replies);
  } finally {
    session.dispose();
  }
}
