// What the Electron preload exposes to the renderer as `window.irqscope`: one
// method per request and one subscription per stream, typed from the contract.
import type { Reply, RequestParams, RequestResult, StreamPayload } from './contract';
import type { RequestName, StreamName } from './names';

export const BRIDGE_GLOBAL = 'irqscope';

export type BridgeRequests = { [N in RequestName]: (params: RequestParams<N>) => Promise<Reply<RequestResult<N>>> };

/** Subscribing returns the unsubscribe; listeners get the payload only. */
export type BridgeStreams = { [S in StreamName]: (listener: (payload: StreamPayload<S>) => void) => () => void };

export interface IrqscopeBridge extends BridgeRequests {
  on: BridgeStreams;
}
