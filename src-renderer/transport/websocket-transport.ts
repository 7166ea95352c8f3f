// The contract over the browser host's WebSocket: JSON requests matched to replies
// by id, JSON events, and timeline batches as binary frames. A connection that drops
// after it was up is re-opened with a growing delay; the app then reloads its state.
import type { Reply, StreamName } from '../../src-shared/ipc/contract';
import { WS_PATH, type WsServerMessage } from '../../src-shared/ipc/ws-protocol';
import type { Transport } from './transport';

/** The socket URL beside the page: the page's path carries the token. */
export function socketUrl(pageUrl: string): string {
  const url = new URL(WS_PATH, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

type Listener = (payload: never) => void;

export interface ReconnectPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
}

export const RECONNECT: ReconnectPolicy = { firstDelayMs: 500, maxDelayMs: 5000 };

export function connectWebSocket(
  url: string,
  makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  policy: ReconnectPolicy = RECONNECT,
  schedule: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms),
): Promise<Transport> {
  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  const listeners = new Map<StreamName, Set<Listener>>();
  const disconnectListeners: ((reason: string) => void)[] = [];
  const reconnectListeners: (() => void)[] = [];
  let socket: WebSocket;
  let nextId = 1;
  let closed: string | null = null;
  let delay = policy.firstDelayMs;

  const emit = (stream: StreamName, payload: unknown): void => {
    for (const l of listeners.get(stream) ?? []) (l as (p: unknown) => void)(payload);
  };

  const onMessage = (event: MessageEvent): void => {
    if (event.data instanceof ArrayBuffer) {
      emit('timeline', event.data);
      return;
    }
    const message = JSON.parse(String(event.data)) as WsServerMessage;
    if (message.type === 'event') emit(message.stream, message.payload);
    else if (message.id !== null) {
      pending.get(message.id)?.(message.reply);
      pending.delete(message.id);
    }
  };

  const onDropped = (event: CloseEvent): void => {
    closed = event.reason || `connection closed (code ${event.code})`;
    for (const [id, answer] of pending) answer({ ok: false, error: `request ${id}: ${closed}` });
    pending.clear();
    for (const l of disconnectListeners) l(closed);
    schedule(reopen, delay);
  };

  /** One attempt; a failed one schedules the next, each waiting twice as long up to the cap. */
  const reopen = (): void => {
    const next = makeSocket(url);
    next.binaryType = 'arraybuffer';
    next.addEventListener('open', () => {
      socket = next;
      closed = null;
      delay = policy.firstDelayMs;
      next.addEventListener('message', onMessage);
      next.addEventListener('close', onDropped);
      for (const l of reconnectListeners) l();
    });
    next.addEventListener('close', () => {
      if (socket === next) return;
      delay = Math.min(delay * 2, policy.maxDelayMs);
      schedule(reopen, delay);
    });
  };

  const transport: Transport = {
    kind: 'websocket',
    invoke: (name, params) => {
      if (closed !== null) return Promise.resolve({ ok: false, error: `${name}: not connected (${closed})` });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (reply: Reply<unknown>) => void);
        socket.send(JSON.stringify({ id, name, params }));
      });
    },
    subscribe: (stream, listener) => {
      let set = listeners.get(stream);
      if (set === undefined) listeners.set(stream, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onDisconnect: (listener) => {
      disconnectListeners.push(listener);
    },
    onReconnect: (listener) => {
      reconnectListeners.push(listener);
    },
  };

  // The first connection is not retried: a page that cannot reach its host says so at once.
  return new Promise((resolve, reject) => {
    socket = makeSocket(url);
    socket.binaryType = 'arraybuffer';
    const first = socket;
    const refuse = (event: CloseEvent): void => reject(new Error(`cannot connect to ${url}: ${event.reason || `connection closed (code ${event.code})`}`));
    first.addEventListener('close', refuse);
    first.addEventListener('open', () => {
      first.removeEventListener('close', refuse);
      first.addEventListener('message', onMessage);
      first.addEventListener('close', onDropped);
      resolve(transport);
    });
  });
}
