// Starting where the user left off, for both hosts (`irqscope web`, `npm start`): a
// saved session replaces the machine, then a qtest bring-up runs on it, before any
// window or page connects. What fails is said line by line, and the host does not start.
import { Writable, type Readable } from 'node:stream';
import { resolve } from 'node:path';
import type { AppHost } from './app-host';
import { openSession } from '../session/session-file';
import { runQtestScript } from '../qtest/run-script';

export interface StartFrom {
  /** A saved session file. */
  session?: string;
  /** A qtest script run after it (`-`: standard input). */
  script?: string;
}

/** Opens the session and runs the script; answers the problems (none: started). */
export async function startFrom(host: AppHost, from: StartFrom, cwd: string, stdin: Readable): Promise<string[]> {
  if (from.session !== undefined) {
    const opened = openSession(resolve(cwd, from.session));
    if (!opened.ok) return [opened.error];
    host.session.replace({ target: opened.target, name: opened.target.name ?? from.session, preset: null });
  }
  if (from.script === undefined) return [];
  const problems: string[] = [];
  let line = 0;
  const replies = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const reply of chunk.toString('utf8').split('\n')) {
        if (reply === '') continue;
        line++;
        if (reply.startsWith('FAIL')) problems.push(`${from.script}: reply ${line}: ${reply}`);
      }
      done();
    },
  });
  try {
    await runQtestScript(host.session.target, from.script, cwd, stdin, replies);
  } catch (err) {
    return [`${from.script}: ${(err as Error).message}`];
  }
  if (problems.length > 0) problems.push(`${from.script}: ${problems.length} line${problems.length === 1 ? '' : 's'} failed (see above)`);
  return problems;
}
