// Main's refusals name the request and the field as the contract spells them
// (`startSource.ratePerSecond: …`, `addBreakpoint.spec.vectors: …`): exact, but
// internal. The app says them in the words on screen: the field the user typed
// into, or the action they took.
import type { RequestName } from '../../src-shared/ipc/contract';

/** Contract field names (the last part of the path) as the UI labels them. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  ratePerSecond: 'rate',
  vectors: 'vectors',
  vector: 'vector',
  minHits: 'hit count',
  equals: 'value',
  mask: 'mask',
  value: 'value',
  high: 'value (high dword)',
  offset: 'offset',
  length: 'length',
  start: 'start address',
  address: 'address',
  port: 'port',
  size: 'size',
  cpu: 'CPU',
  idtVector: 'IDT vector',
  bdf: 'device',
  causes: 'unmasked by',
  outcomes: 'outcome',
  line: 'line',
  files: 'files',
  barSizes: 'BAR size',
  data: 'session file',
  target: 'vector',
  id: 'breakpoint',
};

/** What the user did, for refusals of a request as a whole. */
const ACTION_WORDS: Partial<Record<RequestName, string>> = {
  continue: 'Continue',
  step: 'Step',
  runUntilVectorEvent: 'Run to next event',
  cancelRun: 'Cancel',
  writeConfig: 'config write',
  readMmio: 'memory read',
  writeMmio: 'memory write',
  readPort: 'port read',
  writePort: 'port write',
  fireVector: 'Fire',
  startSource: 'Start',
  stopSource: 'Stop',
  useVector: 'use',
  unuseVector: 'unuse',
  addBreakpoint: 'breakpoint',
  replaceBreakpoint: 'breakpoint',
  removeBreakpoint: 'breakpoint',
  setBreakpointEnabled: 'breakpoint',
  loadMachine: 'load machine',
  importDumps: 'import',
  inspectDumps: 'import',
  openSession: 'open session',
  saveSession: 'save session',
  exportTimeline: 'export',
};

export interface UserError {
  /** The contract field (last part of the path), when the refusal names one. */
  field: string | null;
  message: string;
}

/** `request.path.to.field: message` → `field words: message`; anything else passes unchanged. */
export function userError(error: string): UserError {
  const m = /^([a-zA-Z]+)((?:\.[a-zA-Z]+|\[\d+\])*): ([\s\S]*)$/.exec(error);
  if (m === null) return { field: null, message: error };
  const [, request, path, message] = m as unknown as [string, RequestName, string, string];
  const field = path.split(/\.|\[\d+\]/).filter((p) => p !== '').at(-1) ?? null;
  if (field !== null) return { field, message: `${FIELD_WORDS[field] ?? field}: ${message}` };
  const action = ACTION_WORDS[request];
  return { field: null, message: action === undefined ? error : `${action}: ${message}` };
}

export const userWords = (error: string): string => userError(error).message;
