// The two socket roles of a qtest server. `listen`: irqscope's own (`--socket PATH`),
// serving clients one after another. `connect`: QEMU's (`-qtest unix:PATH`), joining a
// harness that listens and serving that one connection until it closes.
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { UsageError } from './cli-io';
import type { QtestEndpoint } from '../target/target';
import { pumpLines } from '../qtest/line-pump';

/** A stale socket file (nothing listening) is removed; a live one or any other file is left alone and refused. */
async function claimSocketPath(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new UsageError(`${path} exists and is not a socket; not replacing it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new UsageError(`something is listening on ${path} (a harness waiting for QEMU? join it with --connect ${path})`);
  rmSync(path);
}

/** Serves clients one after another until SIGINT/SIGTERM, or after the first with `once`. */
export async function listenQtest(session: QtestEndpoint, path: string, once: boolean, say: (line: string) => void): Promise<void> {
  await claimSocketPath(path);
  return new Promise((done, fail) => {
    let server: Server | undefined = undefined;
    const clients = new Set<Socket>();
    const stop = (): void => {
      for (const conn of clients) conn.destroy();
      server?.close();
      if (existsSync(path)) rmSync(path);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    // Half-open: a client that sends its script and shuts its side still gets every
    // reply, though back-pressure holds some back until after its end arrived.
    server = createServer({ allowHalfOpen: true }, (conn) => {
      clients.add(conn);
      conn.on('close', () => clients.delete(conn));
      // A client reset mid-reply is that client's end, not the server's.
      conn.on('error', () => conn.destroy());
      pumpLines(session, conn, conn).then(
        () => {
          conn.end();
          if (once) stop();
        },
        () => conn.destroy(),
      );
    });
    server.on('error', fail);
    server.listen(path, () => say(`irqscope qtest: listening on ${path}`));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Connects to a listening harness, as QEMU's `-qtest unix:PATH` does. */
export function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => reject(new UsageError(`cannot connect to ${path}: ${err.message}`)));
  });
}

/** Serves the one connection to `path` until the harness closes it. */
export async function connectQtest(session: QtestEndpoint, path: string): Promise<void> {
  const socket = await connectSocket(path);
  await pumpLines(session, socket, socket).finally(() => socket.end());
}
