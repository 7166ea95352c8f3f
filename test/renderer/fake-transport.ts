// A transport that answers from scripted handlers and records every request, with
// streams the test pushes by hand.
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Reply, RequestName, RequestParams, RequestResult, StreamName, StreamPayload } from '../../src-shared/ipc/contract';
import { installTransport, type Transport } from '../../src-renderer/transport/transport';

type Handler<N extends RequestName> = (params: RequestParams<N>) => RequestResult<N> | Reply<RequestResult<N>>;

export class FakeTransport implements Transport {
  readonly kind = 'websocket' as const;
  readonly calls: { name: RequestName; params: unknown }[] = [];
  private readonly handlers = new Map<RequestName, Handler<never>>();
  private readonly listeners = new Map<StreamName, Set<(payload: never) => void>>();
  private disconnect: ((reason: string) => void) | null = null;

  on<N extends RequestName>(name: N, handler: Handler<N>): this {
    this.handlers.set(name, handler as unknown as Handler<never>);
    return this;
  }

  invoke<N extends RequestName>(name: N, params: RequestParams<N>): Promise<Reply<RequestResult<N>>> {
    this.calls.push({ name, params });
    const handler = this.handlers.get(name) as Handler<N> | undefined;
    if (handler === undefined) return Promise.resolve({ ok: false, error: `${name}: not scripted in this test` });
    const out = handler(params);
    const reply = typeof out === 'object' && out !== null && 'ok' in out && ('value' in out || 'error' in out) ? (out as Reply<RequestResult<N>>) : { ok: true as const, value: out as RequestResult<N> };
    return Promise.resolve(reply);
  }

  subscribe<S extends StreamName>(stream: S, listener: (payload: StreamPayload<S>) => void): () => void {
    let set = this.listeners.get(stream);
    if (set === undefined) this.listeners.set(stream, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  private reconnect: (() => void) | null = null;

  onReconnect(listener: () => void): void {
    this.reconnect = listener;
  }

  /** The connection is back (as the WebSocket transport reports it). */
  back(): void {
    this.reconnect?.();
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.disconnect = listener;
  }

  emit<S extends StreamName>(stream: S, payload: StreamPayload<S>): void {
    for (const l of this.listeners.get(stream) ?? []) (l as (p: StreamPayload<S>) => void)(payload);
  }

  drop(reason: string): void {
    this.disconnect?.(reason);
  }

  named(name: RequestName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.params);
  }
}

export function setup(): { transport: FakeTransport; pinia: Pinia } {
  const transport = new FakeTransport();
  installTransport(transport);
  const pinia = createPinia();
  setActivePinia(pinia);
  return { transport, pinia };
}

export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
