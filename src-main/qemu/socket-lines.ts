// Lines from a stream (a socket, QEMU's trace pipe), split without keeping more than
// one partial line.
import type { Readable } from 'node:stream';

export function onLines(stream: Readable, each: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = partial + chunk.slice(start, nl);
      partial = '';
      start = nl + 1;
      each(line);
    }
    partial += chunk.slice(start);
  });
}
