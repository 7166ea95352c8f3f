// The renderer's only door to the machine: the contract through one of two
// transports (the Electron preload bridge or the browser host's WebSocket).
import type { Reply, RequestName, RequestParams, RequestResult, StreamName, StreamPayload } from '../../src-shared/ipc/contract';

export interface Transport {
  readonly kind: 'electron' | 'websocket';
  invoke<N extends RequestName>(name: N, params: RequestParams<N>): Promise<Reply<RequestResult<N>>>;
  subscribe<S extends StreamName>(stream: S, listener: (payload: StreamPayload<S>) => void): () => void;
  /** Called each time the connection goes away (the bridge never does). */
  onDisconnect(listener: (reason: string) => void): void;
  /** Called when a dropped connection is back: what the app holds may be stale. */
  onReconnect(listener: () => void): void;
}

let current: Transport | null = null;

export function installTransport(transport: Transport): void {
  current = transport;
}

export function useTransport(): Transport {
  if (current === null) throw new Error('no transport installed: call installTransport() before using the stores');
  return current;
}
