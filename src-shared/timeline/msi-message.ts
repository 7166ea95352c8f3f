// Rule A1 as data for the UI: what an MSI-X message (address, data) means to the
// x86 interrupt controller. Pure, so the vector grid and the timeline's details
// decode the same way.
import { DELIVERY_MODE_NAMES } from './event-kinds';

export const MSI_WINDOW = 0xfee;

export interface MsiMessage {
  /** A1: upper address 0 and address bits 31:20 = 0xFEE. Otherwise an ordinary memory write (A2). */
  interrupt: boolean;
  destination: number;
  logical: boolean;
  redirectionHint: boolean;
  vector: number;
  deliveryMode: number;
  deliveryModeName: string;
  levelAssert: boolean;
  levelTriggered: boolean;
  /** A fixed interrupt with a vector below 16: an error worth flagging. */
  badVector: boolean;
}

export function decodeMsiMessage(addrLo: number, addrHi: number, data: number): MsiMessage {
  const deliveryMode = (data >>> 8) & 7;
  const vector = data & 0xff;
  return {
    interrupt: addrHi === 0 && addrLo >>> 20 === MSI_WINDOW,
    destination: (addrLo >>> 12) & 0xff,
    logical: ((addrLo >>> 2) & 1) === 1,
    redirectionHint: ((addrLo >>> 3) & 1) === 1,
    vector,
    deliveryMode,
    deliveryModeName: DELIVERY_MODE_NAMES[deliveryMode]!,
    levelAssert: ((data >>> 14) & 1) === 1,
    levelTriggered: ((data >>> 15) & 1) === 1,
    badVector: deliveryMode === 0 && vector < 16,
  };
}
