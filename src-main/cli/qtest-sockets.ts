// The two socket roles of a qtest server. `listen`: irqscope's own (`--socket PATH`),
// serving any number of clients at once, on one machine. `connect`: QEMU's (`-qtest unix:PATH`), joining a
// harness that listens and serving that one connection until it closes.
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { UsageError } from './cli-io';
import type { QtestEndpoint } from '../target/target';
import { pumpLines, type PumpOptions } from '../qtest/line-pump';

/** How long (ms) clients of a server stopped by a signal have to read their last replies before they are cut off. */
const LAST_REPLIES_MS = 1000;

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

/**
 * Serves clients until the pump's signal (Ctrl+C, SIGTERM), or after the first client
 * with `once`. The signal stops every client's pump at its next slice, a running line
 * answered with how far it got, before the server closes.
 */
export async function listenQtest(session: QtestEndpoint, path: string, once: boolean, say: (line: string) => void, pump: PumpOptions = {}): Promise<void> {
  await claimSocketPath(path);
  return new Promise((done, fail) => {
    let server: Server | undefined = undefined;
    /** Each client and its pump, which resolves once its last reply is written. */
    const clients = new Map<Socket, Promise<void>>();
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      pump.signal?.removeEventListener('abort', signalled);
      for (const conn of clients.keys()) conn.destroy();
      server?.close();
      if (existsSync(path)) rmSync(path);
      done();
    };
    const signalled = (): void => {
      server?.close();
      // Each pump answers its running line; the clients then have a moment to read the last replies.
      void Promise.all(clients.values()).then(() => {
        if (clients.size === 0) return stop();
        const grace = setTimeout(stop, LAST_REPLIES_MS);
        for (const conn of clients.keys()) {
          conn.once('close', () => {
            if (clients.size > 0) return;
            clearTimeout(grace);
            stop();
          });
        }
      });
    };
    // Half-open: a client that sends its script and shuts its side still gets every
    // reply, though back-pressure holds some back until after its end arrived.
    server = createServer({ allowHalfOpen: true }, (conn) => {
      // A client reset mid-reply is that client's end, not the server's.
      conn.on('error', () => conn.destroy());
      const pumped = pumpLines(session, conn, conn, pump).then(
        () => {
          conn.end();
          if (once) stop();
        },
        () => void conn.destroy(),
      );
      clients.set(conn, pumped);
      conn.on('close', () => clients.delete(conn));
    });
    server.on('error', fail);
    server.listen(path, () => say(`irqscope qtest: listening on ${path}`));
    pump.signal?.addEventListener('abort', signalled, { once: true });
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
export async function connectQtest(session: QtestEndpoint, path: string, pump: PumpOptions = {}): Promise<void> {
  const socket = await connectSocket(path);
  await pumpLines(session, socket, socket, pump).finally(() => socket.end());
}
