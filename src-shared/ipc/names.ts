// The names of the contract's requests and event streams, free of any runtime
// dependency so the sandboxed preload can enumerate them without bundling zod.
// contract.ts checks at compile time that its tables have exactly these keys.
export const REQUEST_NAMES = [
  'status',
  'interruptCounts',
  'listPresets',
  'loadMachine',
  'resetMachine',
  'listDevices',
  'readConfigSpace',
  'readConfig',
  'writeConfig',
  'readMmio',
  'writeMmio',
  'readPort',
  'writePort',
  'vectorSnapshot',
  'fireVector',
  'useVector',
  'unuseVector',
  'startSource',
  'stopSource',
  'qtest',
  'inspectDumps',
  'importDumps',
  'setpci',
  'debuggerState',
  'addBreakpoint',
  'replaceBreakpoint',
  'removeBreakpoint',
  'setBreakpointEnabled',
  'pause',
  'continue',
  'step',
  'runUntilVectorEvent',
  'cancelRun',
  'saveSession',
  'openSession',
  'exportTimeline',
  'cancelExport',
  'timelineWindow',
  'timelineEvents',
  'eventRows',
  'locateEvent',
  'doctorFindings',
  'viewAt',
  'compareSession',
  'comparisonWindow',
  'comparisonPair',
  'closeComparison',
] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

export const STREAM_NAMES = ['timeline', 'deviceStateChanged', 'machineLoaded', 'viewRequested', 'importRequested', 'debuggerChanged', 'exportProgress'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && (REQUEST_NAMES as readonly string[]).includes(name);
}

/** Electron IPC channel names; the WebSocket host uses the bare names. */
export const requestChannel = (name: RequestName): string => `irqscope:request:${name}`;
export const streamChannel = (name: StreamName): string => `irqscope:stream:${name}`;
