// The contract over a WebSocket: requests and replies as JSON text frames, the
// other streams as JSON events, timeline batches as binary frames (one batch each).
import type { Reply, StreamPayloads } from './contract';
import type { RequestName, StreamName } from './names';

export interface WsRequest {
  id: number;
  name: RequestName;
  params: unknown;
}

/** `id` is null when the frame could not be read as a request at all. */
export interface WsReply {
  type: 'reply';
  id: number | null;
  reply: Reply<unknown>;
}

export type JsonStreamName = Exclude<StreamName, 'timeline'>;

export interface WsEvent<S extends JsonStreamName = JsonStreamName> {
  type: 'event';
  stream: S;
  payload: StreamPayloads[S];
}

export type WsServerMessage = WsReply | WsEvent;

/** The page URL carries the token as its first path segment; the socket lives beside the page. */
export const WS_PATH = 'ws';
