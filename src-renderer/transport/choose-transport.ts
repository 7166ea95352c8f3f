// Electron's preload bridge when present, otherwise the browser host's socket.
import { BRIDGE_GLOBAL, type IrqscopeBridge } from '../../src-shared/ipc/bridge';
import { bridgeTransport } from './bridge-transport';
import { connectWebSocket, socketUrl } from './websocket-transport';
import type { Transport } from './transport';

export function chooseTransport(win: Window): Promise<Transport> {
  const bridge = (win as unknown as Record<string, IrqscopeBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge !== undefined) return Promise.resolve(bridgeTransport(bridge));
  return connectWebSocket(socketUrl(win.location.href));
}
