// The object the preload exposes: one method per request, one subscription per
// stream. Listeners get the payload only, never Electron's IpcRendererEvent.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { REQUEST_NAMES, STREAM_NAMES, requestChannel, streamChannel } from '../../src-shared/ipc/names';
import type { BridgeRequests, BridgeStreams, IrqscopeBridge } from '../../src-shared/ipc/bridge';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridge(ipc: BridgeIpc): IrqscopeBridge {
  const requests = Object.fromEntries(
    REQUEST_NAMES.map((name) => [name, (params: unknown) => ipc.invoke(requestChannel(name), params)]),
  ) as unknown as BridgeRequests;
  const on = Object.fromEntries(
    STREAM_NAMES.map((stream) => [
      stream,
      (listener: (payload: unknown) => void) => {
        const channel = streamChannel(stream);
        const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
        ipc.on(channel, forward);
        return () => {
          ipc.removeListener(channel, forward);
        };
      },
    ]),
  ) as unknown as BridgeStreams;
  return { ...requests, on };
}
