// Feeds a byte stream to a QtestSession line by line and writes the replies back in
// one write per chunk, so a pipelined client is answered at full speed.
import type { Readable, Writable } from 'node:stream';
import type { QtestSession } from './qtest-session';

export function pumpLines(session: QtestSession, input: Readable, output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      const text = pending + chunk;
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        pending = text;
        return;
      }
      pending = text.slice(end + 1);
      const replies = runLines(session, text.slice(0, end));
      if (replies !== '') output.write(replies);
    });
    input.on('end', () => {
      // Input ending in a newline leaves nothing: that is no line to answer.
      const replies = pending === '' ? '' : runLines(session, pending);
      if (replies !== '') output.write(replies);
      resolve();
    });
    input.on('error', reject);
  });
}

function runLines(session: QtestSession, text: string): string {
  let out = '';
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const reply = session.execute(text.slice(start, nl));
    if (reply !== null) out += reply + '\n';
    start = nl + 1;
  }
  return out;
}
