// The contract through the Electron preload's `window.irqscope`.
import type { IrqscopeBridge } from '../../src-shared/ipc/bridge';
import type { Transport } from './transport';

export function bridgeTransport(bridge: IrqscopeBridge): Transport {
  return {
    kind: 'electron',
    invoke: (name, params) => (bridge[name] as (p: typeof params) => ReturnType<IrqscopeBridge[typeof name]>)(params) as never,
    subscribe: (stream, listener) => (bridge.on[stream] as (l: typeof listener) => () => void)(listener),
    onDisconnect: () => undefined,
  };
}
