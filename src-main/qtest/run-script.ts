// Runs a qtest script (a file, or '-' for stdin) against a machine: for the CLI
// commands that start from a machine or a session and then save or export it.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Machine } from '../machine/machine';
import { QtestSession } from './qtest-session';
import { pumpLines } from './line-pump';

export async function runQtestScript(machine: Machine, script: string, cwd: string, stdin: Readable, replies: Writable): Promise<void> {
  const session = new QtestSession(machine, { replyToEveryLine: script === '-' });
  const input = script === '-' ? stdin : createReadStream(resolve(cwd, script));
  try {
    await pumpLines(session, input, replies);
  } finally {
    session.dispose();
  }
}
