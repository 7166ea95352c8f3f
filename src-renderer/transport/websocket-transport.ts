// The contract over the browser host's WebSocket: JSON requests matched to replies
// by id, JSON events, and timeline batches as binary frames.
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

export function connectWebSocket(url: string, makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u)): Promise<Transport> {
  const socket = makeSocket(url);
  socket.binaryType = 'arraybuffer';
  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  const listeners = new Map<StreamName, Set<Listener>>();
  const disconnectListeners: ((reason: string) => void)[] = [];
  let nextId = 1;
  let closed: string | null = null;

  const emit = (stream: StreamName, payload: unknown): void => {
    for (const l of listeners.get(stream) ?? []) (l as (p: unknown) => void)(payload);
  };

  socket.addEventListener('message', (event: MessageEvent) => {
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
  });

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
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(transport));
    socket.addEventListener('close', (event: CloseEvent) => {
      closed = event.reason || `connection closed (code ${event.code})`;
      for (const [id, answer] of pending) answer({ ok: false, error: `request ${id}: ${closed}` });
      pending.clear();
      for (const l of disconnectListeners) l(closed);
      reject(new Error(`cannot connect to ${url}: ${closed}`));
    });
  });
}
