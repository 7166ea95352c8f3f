// Comparing two runs in the app: the current run (A, the history as it stands when
// asked) against a saved session sent as base64 (B); then windows of the shared axis
// and the pair of events at a step. One comparison is open at a time; comparing again
// or closing lets the last one go.
import { decodeSession } from '../session/machine-snapshot';
import type { MachineSession } from './machine-session';
import { RequestError, type Handlers } from './handler-kit';
import { OpenComparison } from './run-comparison';
import { MAX_COMPARED_EVENTS } from '../../src-shared/diff/comparison';

export type ComparisonRequest = 'compareSession' | 'comparisonWindow' | 'comparisonPair' | 'closeComparison';

const tooMany = (what: string, n: number): string =>
  `${what} holds ${n.toLocaleString('en-US')} events; a comparison takes at most ${MAX_COMPARED_EVENTS.toLocaleString('en-US')} (compare with \`irqscope diff\`)`;

export function comparisonHandlers(session: MachineSession): Pick<Handlers, ComparisonRequest> {
  let open: OpenComparison | null = null;
  const current = (): OpenComparison => {
    if (open === null) throw new RequestError('', 'no comparison is open: compare with a session first');
    return open;
  };
  return {
    compareSession: ({ data, fileName }) => {
      const label = fileName ?? 'the session file';
      const decoded = decodeSession(Buffer.from(data, 'base64'));
      if (!decoded.ok) throw new RequestError('data', `${label}: ${decoded.error}`);
      const log = decoded.machine.log;
      if (log.total - log.firstSeq > MAX_COMPARED_EVENTS) throw new RequestError('data', tooMany(label, log.total - log.firstSeq));
      const history = session.history;
      history.ingest(session.machine.log);
      if (history.retained > MAX_COMPARED_EVENTS) throw new RequestError('', tooMany('the current run', history.retained));
      open = new OpenComparison(history.slice(history.firstSeq, history.retained), log.slice(log.firstSeq, log.total), [session.name, label]);
      return open.summary;
    },
    comparisonWindow: ({ axis, start, end, pixels }) => current().window(axis, start, end, pixels),
    comparisonPair: ({ run, seq }) => {
      const pair = current().pairOf(run, seq);
      if (pair === null) throw new RequestError('seq', `run ${run.toUpperCase()} holds no event #${seq}`);
      return pair;
    },
    closeComparison: () => {
      const was = open !== null;
      open = null;
      return { closed: was };
    },
  };
}
