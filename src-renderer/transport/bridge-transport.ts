// The contract through the Electron preload's `window.irqscope`.
import type { IrqscopeBridge } from '../../src-shared/ipc/bridge';
import type { Transport } from './transport';

export function bridgeTransport(bridge: IrqscopeBridge): Transport {
  return {
    kind: 'electron',
    // The bridge's table is keyed by the same names, so bridge[name] takes name's params.
    invoke: (name, params) => (bridge[name] as unknown as (p: unknown) => Promise<never>)(params),
    subscribe: (stream, listener) => (bridge.on[stream] as unknown as (l: unknown) => () => void)(listener),
    onDisconnect: () => undefined,
    onReconnect: () => undefined,
  };
}
