// The one door from any transport into the handler table: checks the request name,
// validates the params with the contract's zod schema, and turns every refusal into
// a Reply whose error names the request and the field (`writeConfig.size: …`).
import { requests, type Reply, type RequestParams, type RequestResult } from '../../src-shared/ipc/contract';
import { isRequestName, type RequestName } from '../../src-shared/ipc/names';
import { formatPath } from '../../src-shared/machine-file/description';
import { RequestError, type Handlers } from './handler-kit';

/**
 * Typed for callers that know what they send; transports pass whatever arrived. Every
 * request of a simulated target answers at once; one a target answers later (a qtest
 * line to QEMU) comes back as a Promise of the Reply, so the transports await every reply.
 */
export interface Dispatch {
  <N extends RequestName>(name: N, params: RequestParams<N>): Reply<RequestResult<N>>;
  (name: unknown, params: unknown): Reply<unknown>;
}

export function createDispatch(handlers: Handlers, onInternalError: (err: unknown) => void = () => undefined): Dispatch {
  return ((name: unknown, params: unknown): Reply<unknown> => {
    if (!isRequestName(name)) return { ok: false, error: `request: unknown request ${describeName(name)}` };
    const parsed = requests[name].params.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length === 0 ? name : `${name}.${formatPath(issue.path)}`;
      return { ok: false, error: `${where}: ${issue.message}` };
    }
    const refused = (err: unknown): Reply<unknown> => {
      if (err instanceof RequestError) return { ok: false, error: `${err.field === '' ? name : `${name}.${err.field}`}: ${err.message}` };
      onInternalError(err);
      return { ok: false, error: `${name}: internal error: ${err instanceof Error ? err.message : String(err)}` };
    };
    try {
      const value = call(handlers, name, parsed.data);
      // A later answer travels as a Promise in the Reply's place (see Dispatch).
      if (value instanceof Promise) return value.then((v: unknown): Reply<unknown> => ({ ok: true, value: v }), refused) as unknown as Reply<unknown>;
      return { ok: true, value };
    } catch (err) {
      return refused(err);
    }
  }) as Dispatch;
}

/**
 * Names what came instead of a request name without serialising it whole: a name may be
 * any JSON a client sent (nested 10,000 deep, megabytes long), and the error must not throw
 * or echo it back at length.
 */
function describeName(name: unknown): string {
  if (typeof name !== 'string') return `(${name === null ? 'null' : Array.isArray(name) ? 'an array' : `a ${typeof name}`}, not a string)`;
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  return `${JSON.stringify(shown)}${name.length > 64 ? ` (${name.length} characters)` : ''}`;
}

function call<N extends RequestName>(handlers: Handlers, name: N, params: unknown): unknown {
  // The schema for `name` produced `params`, so it is that request's valid params.
  return (handlers[name] as (p: unknown) => unknown)(params);
}
