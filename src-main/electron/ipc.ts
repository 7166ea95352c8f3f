// ipcMain.handle for every request of the contract: the sender is checked (our
// window's main frame, on our page) and every payload goes through the same
// validating dispatch as the web host's.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { REQUEST_NAMES, requestChannel, streamChannel } from '../../src-shared/ipc/names';
import type { Reply, StreamName, StreamPayload } from '../../src-shared/ipc/contract';
import type { Dispatch } from '../host/dispatch';
import type { SessionClient } from '../host/machine-session';
import { isAppUrl } from './window';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: Dispatch, isTrusted: SenderCheck): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(requestChannel(name), (event, params: unknown): Reply<unknown> => {
      if (!isTrusted(event)) return { ok: false, error: `${name}: refused: the request did not come from the irqscope window` };
      return dispatch(name, params);
    });
  }
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(requestChannel(name));
  };
}

/** Trusts the main frame of `window` while it shows our page, nothing else (no subframes, no other windows). */
export function trustedSender(window: BrowserWindow, appUrl: string): SenderCheck {
  return (event) => {
    if (window.isDestroyed()) return false;
    const contents = window.webContents;
    const frame = event.senderFrame;
    return event.sender === contents && frame !== null && frame === contents.mainFrame && isAppUrl(frame.url, appUrl);
  };
}

/** The window as a session client: streams go out as IPC messages on their channels. */
export function windowClient(window: BrowserWindow): SessionClient {
  return {
    ready: () => !window.isDestroyed() && !window.webContents.isLoading(),
    send: <S extends StreamName>(stream: S, payload: StreamPayload<S>) => {
      if (!window.isDestroyed()) window.webContents.send(streamChannel(stream), payload);
    },
  };
}
