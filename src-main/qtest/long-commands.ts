// The qtest commands whose one line may take long: clock advances (each firing of an
// interval source is a notify), resuming a paused machine (it runs the queued
// advances) and the bulk memory commands (up to 16 MiB each). The line pump hands
// every reply it holds to the output before such a line runs, so while it runs the
// user sees everything before it answered.
const LONG = new Set(['clock_step', 'clock_set', 'continue', 'step', 'until', 'read', 'write', 'b64read', 'b64write', 'memset']);

/** Called on every line: a plain cut at the first space, no regular expression. */
export function mayRunLong(line: string): boolean {
  const text = line.charCodeAt(0) <= 32 ? line.trimStart() : line;
  const space = text.indexOf(' ');
  return LONG.has(space < 0 ? text.trimEnd() : text.slice(0, space));
}

/** The commands that run the clock; it has one driver at a time, so while one runs these wait their turn. */
const DRIVES_CLOCK = new Set(['clock_step', 'clock_set', 'continue', 'step', 'until']);

/** The line's command when it runs the clock (its first word, as the session splits it), else null. */
export function clockCommand(line: string): string | null {
  const space = line.indexOf(' ');
  const name = space < 0 ? line : line.slice(0, space);
  return DRIVES_CLOCK.has(name) ? name : null;
}
