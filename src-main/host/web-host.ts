// The browser host: serves the built renderer and the contract over a WebSocket,
// on 127.0.0.1 only, behind a random token that is the first segment of every
// path (page, assets and socket alike). Anything without it is refused, as is a
// Host header that is not this loopback address (DNS rebinding) or a socket whose
// Origin is not the page's.
//
// Every reply goes through back-pressure: once a client has more than
// replyHighWaterBytes unsent, the host stops reading its requests until it drains, so
// a client that never reads holds at most one reply past that mark. One that stays
// behind for stallMs, or passes maxClientBytes unsent, is dropped and the log says so;
// the other clients are answered meanwhile.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { MachineSession, SessionClient } from './machine-session';
import type { Dispatch } from './dispatch';
import { readStatic } from './static-files';
import { streamSink } from '../export/export-run';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';
import { WS_PATH, type WsReply, type WsServerMessage } from '../../src-shared/ipc/ws-protocol';
import type { StreamName, StreamPayload } from '../../src-shared/ipc/contract';

export interface WebHostOptions {
  session: MachineSession;
  dispatch: Dispatch;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** A client whose socket holds more unsent bytes than this is skipped by the pump. */
  maxBufferedBytes?: number;
  /** Unsent bytes past which the host stops reading a client's requests (default 1 MiB). */
  replyHighWaterBytes?: number;
  /** How long (ms) a client may stay past the high-water mark before it is dropped (default 30 s). */
  stallMs?: number;
  /** Unsent bytes past which a client is dropped at once (default 256 MiB). */
  maxClientBytes?: number;
  /** Where the host says it dropped a client (default: standard error). */
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** The contract's largest session file (32 MiB of base64) with room for the request around it. */
const MAX_REQUEST_BYTES = (32 << 20) + (64 << 10);

function dropSocket(this: Duplex): void {
  this.destroy();
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newToken();
  const maxBuffered = options.maxBufferedBytes ?? 16 << 20;
  const highWater = options.replyHighWaterBytes ?? 1 << 20;
  const stallMs = options.stallMs ?? 30_000;
  const maxClientBytes = options.maxClientBytes ?? 256 << 20;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = options.port;

  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`];

  /** The path below the token, or null when the request is not ours to serve. */
  const authorise = (req: IncomingMessage): string | null => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return null;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const slash = path.indexOf('/', 1);
    const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
    if (!sameToken(first, token)) return null;
    return slash < 0 ? '' : path.slice(slash + 1);
  };

  const server = createServer((req, res) => void serveHttp(req, res));

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rest = authorise(req);
    if (rest === null) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('irqscope: forbidden (the URL needs the token printed at start-up)\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const download = /^export\/([1-9][0-9]{0,15})$/.exec(rest);
    if (download !== null) {
      serveExport(Number(download[1]), req, res);
      return;
    }
    if (rest === '' && !req.url?.split('?')[0]?.endsWith('/')) {
      // Relative asset URLs resolve against the folder: send /TOKEN to /TOKEN/.
      res.writeHead(308, { location: `/${token}/` }).end();
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(rest);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = await readStatic(options.rendererDir, relative);
    if (!file.ok) {
      const hint = relative === '' ? ' (the renderer is not built: run `npx electron-vite build`)' : '';
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`irqscope: not found${hint}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  /** An export the page asked for, streamed into the response as it is made (host/export-jobs.ts). */
  function serveExport(id: number, req: IncomingMessage, res: ServerResponse): void {
    const job = req.method === 'GET' ? options.session.exports.claim(id) : null;
    if (job === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`irqscope: no export ${id} waiting (it was fetched, cancelled, or waited too long)\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': job.info.mimeType,
      'content-disposition': `attachment; filename="${job.info.fileName.replace(/["\\\r\n]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    void job.run(streamSink(res));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The HTTP server stops watching a socket it hands over for an upgrade: an error
    // there (a client resetting the connection) with no listener would end the process.
    socket.on('error', dropSocket);
    const rest = authorise(req);
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
    if (rest !== WS_PATH || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.off('error', dropSocket);
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  const sockets = new Set<WebSocket>();

  let clientCount = 0;

  function connect(ws: WebSocket): void {
    sockets.add(ws);
    const name = `client ${++clientCount}`;
    let stall: ReturnType<typeof setTimeout> | null = null;
    const drop = (why: string): void => {
      if (ws.readyState === ws.CLOSED) return;
      log(`irqscope web: dropped ${name}: ${why} (${(ws.bufferedAmount / 2 ** 20).toFixed(1)} MiB unsent)`);
      ws.terminate();
    };
    const drained = (): void => {
      if (stall === null || ws.bufferedAmount >= highWater) return;
      clearTimeout(stall);
      stall = null;
      ws.resume();
    };
    /** Sends, then stops reading the client's requests while it is behind. */
    const send = (data: string | ArrayBuffer): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(data, drained);
      if (ws.bufferedAmount > maxClientBytes) drop(`more than ${maxClientBytes >> 20} MiB of replies and events unread`);
      else if (stall === null && ws.bufferedAmount >= highWater) {
        ws.pause();
        stall = setTimeout(() => drop(`it read nothing for ${stallMs / 1000} s`), stallMs);
      }
    };
    const client: SessionClient = {
      ready: () => ws.readyState === ws.OPEN && ws.bufferedAmount < maxBuffered,
      send: <S extends StreamName>(stream: S, payload: StreamPayload<S>) => {
        if (stream === 'timeline') send(payload as ArrayBuffer);
        else send(JSON.stringify({ type: 'event', stream, payload } as WsServerMessage));
      },
    };
    const detach = options.session.attach(client);
    // A frame ws refuses (not UTF-8, over maxPayload, a bad opcode) is an error event on
    // this socket, and ws has already begun closing it with the matching code; unheard,
    // the event would end the process.
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      send(JSON.stringify(answer(data, isBinary)));
    });
    ws.on('close', () => {
      if (stall !== null) clearTimeout(stall);
      detach();
      sockets.delete(ws);
    });
  }

  function answer(data: RawData, isBinary: boolean): WsReply {
    const refuse = (error: string): WsReply => ({ type: 'reply', id: null, reply: { ok: false, error } });
    if (isBinary) return refuse('request: binary frames are not requests');
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return refuse('request: not valid JSON');
    }
    if (typeof message !== 'object' || message === null || !Number.isSafeInteger((message as { id?: unknown }).id)) {
      return refuse('request: expected {"id": <integer>, "name": <request>, "params": {…}}');
    }
    const { id, name, params } = message as { id: number; name?: unknown; params?: unknown };
    return { type: 'reply', id, reply: options.dispatch(name, params) };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  port = typeof bound === 'object' && bound !== null ? bound.port : options.port;

  return {
    url: `http://${HOST}:${port}/${token}/`,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
