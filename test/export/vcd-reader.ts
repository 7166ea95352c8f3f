// A strict reader for the VCD subset irqscope writes (IEEE 1364-2005 section 18.2):
// it throws on anything a conforming viewer would reject, so tests parse what the
// exporter writes instead of matching strings.
export interface VcdVar {
  type: string;
  size: number;
  id: string;
  /** Scope path and reference, joined with '.'. */
  path: string;
}

export interface VcdChange {
  time: number;
  id: string;
  value: string;
}

export interface VcdFile {
  timescale: string;
  vars: Map<string, VcdVar>;
  byPath: Map<string, VcdVar>;
  /** Values in $dumpvars, by id. */
  initial: Map<string, string>;
  dumpTime: number;
  changes: VcdChange[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const VAR_TYPES = new Set(['event', 'integer', 'parameter', 'real', 'realtime', 'reg', 'supply0', 'supply1', 'time', 'tri', 'triand', 'trior', 'trireg', 'tri0', 'tri1', 'wand', 'wire', 'wor']);

/**
 * `foreignIds`: accept identifier codes that start with '$', as other writers use
 * them (GTKWave's fst2vcd); irqscope never writes one, so its own files are read without.
 */
export function readVcd(text: string, options: { foreignIds?: boolean } = {}): VcdFile {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  let k = 0;
  const next = (): string => {
    const t = tokens[k++];
    if (t === undefined) throw new Error('unexpected end of file');
    return t;
  };
  const until$end = (): string[] => {
    const out: string[] = [];
    for (let t = next(); t !== '$end'; t = next()) {
      if (t.startsWith('$') && !options.foreignIds) throw new Error(`${t} inside a command`);
      out.push(t);
    }
    return out;
  };
  const file: VcdFile = { timescale: '', vars: new Map(), byPath: new Map(), initial: new Map(), dumpTime: -1, changes: [] };
  const scopes: string[] = [];
  // Declarations.
  for (;;) {
    const cmd = next();
    if (cmd === '$enddefinitions') {
      if (until$end().length !== 0) throw new Error('$enddefinitions takes nothing');
      break;
    }
    const args = until$end();
    switch (cmd) {
      case '$date':
      case '$version':
      case '$comment':
        break;
      case '$timescale':
        if (!/^(1|10|100)(s|ms|us|ns|ps|fs)$/.test(args.join(''))) throw new Error(`bad timescale ${args.join(' ')}`);
        file.timescale = args.join(' ');
        break;
      case '$scope':
        if (args.length !== 2 || !['module', 'task', 'function', 'begin', 'fork'].includes(args[0]!) || !IDENT.test(args[1]!)) throw new Error(`bad $scope ${args.join(' ')}`);
        scopes.push(args[1]!);
        break;
      case '$upscope':
        if (args.length !== 0 || scopes.pop() === undefined) throw new Error('unbalanced $upscope');
        break;
      case '$var': {
        const [type, size, id, ref] = args;
        if (args.length !== 4 || !VAR_TYPES.has(type!) || !/^[1-9][0-9]*$/.test(size!) || !/^[!-~]+$/.test(id!) || !IDENT.test(ref!)) throw new Error(`bad $var ${args.join(' ')}`);
        if (scopes.length === 0) throw new Error(`$var ${ref} outside any scope`);
        if (file.vars.has(id!)) throw new Error(`identifier ${id} declared twice`);
        const v = { type: type!, size: Number(size), id: id!, path: [...scopes, ref].join('.') };
        if (file.byPath.has(v.path)) throw new Error(`${v.path} declared twice`);
        file.vars.set(id!, v);
        file.byPath.set(v.path, v);
        break;
      }
      default:
        throw new Error(`unknown declaration ${cmd}`);
    }
  }
  if (scopes.length !== 0) throw new Error('unclosed $scope');
  if (file.timescale === '') throw new Error('no $timescale');
  // Simulation.
  let time = -1;
  let inDump = false;
  while (k < tokens.length) {
    const t = next();
    if (t.startsWith('#')) {
      if (!/^#[0-9]+$/.test(t)) throw new Error(`bad time ${t}`);
      const at = Number(t.slice(1));
      if (at <= time) throw new Error(`time ${at} does not advance past ${time}`);
      time = at;
    } else if (t === '$dumpvars') {
      if (time < 0 || file.dumpTime >= 0) throw new Error('$dumpvars before any time, or twice');
      file.dumpTime = time;
      inDump = true;
    } else if (t === '$end') {
      if (!inDump) throw new Error('$end without a command');
      inDump = false;
    } else if (t === '$comment') {
      until$end();
    } else {
      const m = /^([01xXzZ])(.+)$/.exec(t);
      if (m === null) throw new Error(`not a scalar value change: ${t}`);
      const v = file.vars.get(m[2]!);
      if (v === undefined) throw new Error(`change of undeclared identifier ${m[2]}`);
      if (v.size !== 1) throw new Error(`scalar change of ${v.size}-bit ${v.path}`);
      if (time < 0) throw new Error('value change before any time');
      if (inDump) {
        if (v.type === 'event') throw new Error(`event ${v.path} in $dumpvars`);
        file.initial.set(v.id, m[1]!);
      } else {
        if (v.type === 'event' && m[1] !== '1') throw new Error(`event ${v.path} triggered with ${m[1]}`);
        file.changes.push({ time, id: v.id, value: m[1]! });
      }
    }
  }
  if (inDump) throw new Error('$dumpvars not closed');
  return file;
}

/** A variable's value after every change (its last value). */
export function finalValue(file: VcdFile, path: string): string | undefined {
  const v = file.byPath.get(path);
  if (v === undefined) throw new Error(`no variable ${path}`);
  let value = file.initial.get(v.id);
  for (const c of file.changes) if (c.id === v.id) value = c.value;
  return value;
}

export function triggers(file: VcdFile, path: string): number[] {
  const v = file.byPath.get(path);
  if (v === undefined) throw new Error(`no variable ${path}`);
  return file.changes.filter((c) => c.id === v.id).map((c) => c.time);
}
