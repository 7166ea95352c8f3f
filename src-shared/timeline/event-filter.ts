// Display filters over events, in the syntax of Wireshark's display filters:
//   vector == 3 && kind == pended
//   bdf == 00:03.0 && !(kind == delivered)
//   text contains "bus master" || reason == "no such CPU"
//   time >= 1.5ms and time < 2ms and vector in {0 2..4}
// compiled once into a predicate over (columns, index, seq), so the host can run it
// over millions of events without building a record per event. A small
// recursive-descent parser: the grammar is a dozen rules, and an error names the
// column and what was expected there.
//
//   expr    := xor (('||' | 'or') xor)*
//   xor     := and (('^^' | 'xor') and)*
//   and     := unary (('&&' | 'and') unary)*
//   unary   := ('!' | 'not') unary | '(' expr ')' | test
//   test    := FIELD [ OP value | 'in' '{' item (','? item)* '}' ]
//   OP      := == eq != ne < lt <= le > gt >= ge contains matches ~
//
// As in Wireshark, a test of a field the event does not have is false (`vector != 3`
// is false for a config write; `!(vector == 3)` is true), and a bare field name tests
// that the event has it.
import type { EventColumns } from './columns';
import { EVENT_FIELDS, EVENT_FIELD_NAMES, eventField, type EventField, type NumberGetter } from './event-fields';
import { parseEventBdf } from '../pci-text/bdf';

export type EventPredicate = (cols: EventColumns, i: number, seq: number) => boolean;

export type CompiledFilter =
  /** `matches` null: the filter is blank and lets every event through. */
  | { ok: true; matches: EventPredicate | null; text: string }
  | { ok: false; error: string; column: number };

/** The filter's predicate, or where and why it does not parse. */
export function compileFilter(text: string): CompiledFilter {
  if (text.trim() === '') return { ok: true, matches: null, text };
  try {
    const parser = new Parser(text);
    const matches = parser.parse();
    return { ok: true, matches, text };
  } catch (err) {
    if (!(err instanceof FilterSyntaxError)) throw err;
    return { ok: false, error: `column ${err.at + 1}: ${err.message}`, column: err.at + 1 };
  }
}

class FilterSyntaxError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

type TokenType = 'punct' | 'word' | 'string' | 'end';
interface Token {
  type: TokenType;
  /** Punctuation and words as written; a string's contents unescaped. */
  text: string;
  at: number;
}

const PUNCT = ['&&', '||', '^^', '==', '!=', '<=', '>=', '(', ')', '{', '}', ',', '!', '<', '>', '~'];
const WORD = /[A-Za-z0-9_.:µ+-]/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const punct = PUNCT.find((p) => src.startsWith(p, i));
    if (punct !== undefined) {
      out.push({ type: 'punct', text: punct, at: i });
      i += punct.length;
    } else if (ch === '"') {
      const at = i++;
      let text = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        text += src[i++];
      }
      if (i >= src.length) throw new FilterSyntaxError(at, 'this string has no closing "');
      i++;
      out.push({ type: 'string', text, at });
    } else if (WORD.test(ch)) {
      const at = i;
      while (i < src.length && WORD.test(src[i]!)) i++;
      out.push({ type: 'word', text: src.slice(at, i), at });
    } else {
      throw new FilterSyntaxError(i, `unexpected character "${ch}"`);
    }
  }
  out.push({ type: 'end', text: '', at: src.length });
  return out;
}

type Op = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'matches';
const OPS: Record<string, Op> = {
  '==': '==',
  eq: '==',
  '!=': '!=',
  ne: '!=',
  '<': '<',
  lt: '<',
  '<=': '<=',
  le: '<=',
  '>': '>',
  gt: '>',
  '>=': '>=',
  ge: '>=',
  contains: 'contains',
  matches: 'matches',
  '~': 'matches',
};
const ORDERED: ReadonlySet<Op> = new Set(['<', '<=', '>', '>=']);

const describe = (t: Token): string => (t.type === 'end' ? 'the end of the filter' : `"${t.text}"`);
const isWord = (t: Token, ...words: string[]): boolean => t.type === 'word' && words.includes(t.text.toLowerCase());
const isPunct = (t: Token, ...p: string[]): boolean => t.type === 'punct' && p.includes(t.text);

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(src: string) {
    this.tokens = tokenize(src);
  }

  private get next(): Token {
    return this.tokens[this.pos]!;
  }

  private take(): Token {
    return this.tokens[this.pos++]!;
  }

  private fail(expected: string, token = this.next): never {
    throw new FilterSyntaxError(token.at, `expected ${expected}, found ${describe(token)}`);
  }

  parse(): EventPredicate {
    const expr = this.or();
    if (this.next.type !== 'end') this.fail('"&&", "||" or the end of the filter');
    return expr;
  }

  private or(): EventPredicate {
    let left = this.xor();
    while (isPunct(this.next, '||') || isWord(this.next, 'or')) {
      this.take();
      const l = left;
      const r = this.xor();
      left = (c, i, s) => l(c, i, s) || r(c, i, s);
    }
    return left;
  }

  private xor(): EventPredicate {
    let left = this.and();
    while (isPunct(this.next, '^^') || isWord(this.next, 'xor')) {
      this.take();
      const l = left;
      const r = this.and();
      left = (c, i, s) => l(c, i, s) !== r(c, i, s);
    }
    return left;
  }

  private and(): EventPredicate {
    let left = this.unary();
    while (isPunct(this.next, '&&') || isWord(this.next, 'and')) {
      this.take();
      const l = left;
      const r = this.unary();
      left = (c, i, s) => l(c, i, s) && r(c, i, s);
    }
    return left;
  }

  private unary(): EventPredicate {
    if (isPunct(this.next, '!') || isWord(this.next, 'not')) {
      this.take();
      const inner = this.unary();
      return (c, i, s) => !inner(c, i, s);
    }
    if (isPunct(this.next, '(')) {
      this.take();
      const inner = this.or();
      if (!isPunct(this.next, ')')) this.fail('")"');
      this.take();
      return inner;
    }
    return this.test();
  }

  private test(): EventPredicate {
    const name = this.next;
    if (name.type !== 'word') this.fail(`a field name (${EVENT_FIELD_NAMES.join(', ')}), "!" or "("`);
    const field = eventField(name.text.toLowerCase());
    if (field === undefined) throw new FilterSyntaxError(name.at, `unknown field "${name.text}": fields are ${EVENT_FIELD_NAMES.join(', ')}`);
    this.take();
    if (isWord(this.next, 'in')) {
      this.take();
      return this.inSet(field);
    }
    const opToken = this.next;
    const op = opToken.type === 'end' || isPunct(opToken, ')', '&&', '||', '^^') || isWord(opToken, 'and', 'or', 'xor') ? null : OPS[opToken.text.toLowerCase()];
    if (op === null) return present(field);
    if (op === undefined) this.fail('a comparison (==, !=, <, <=, >, >=, contains, matches, in) or "&&", "||"', opToken);
    this.take();
    const value = this.take();
    if (value.type !== 'word' && value.type !== 'string') this.fail(`a value after "${opToken.text}"`, value);
    return compare(field, op, value, opToken);
  }

  /** `in {1 2 5..7}`: any of the items (ranges inclusive). */
  private inSet(field: EventField): EventPredicate {
    if (!isPunct(this.next, '{')) this.fail('"{" after "in"');
    this.take();
    const tests: EventPredicate[] = [];
    while (!isPunct(this.next, '}')) {
      const item = this.take();
      if (item.type !== 'word' && item.type !== 'string') this.fail(tests.length === 0 ? 'a value' : 'a value or "}"', item);
      const range = item.type === 'word' ? /^(.+?)\.\.(.+)$/.exec(item.text) : null;
      if (range !== null) {
        if (field.type !== 'number') throw new FilterSyntaxError(item.at, `a range needs a numeric field; ${field.name} is not one`);
        const lo = numberLiteral(field, { ...item, text: range[1]! });
        const hi = numberLiteral(field, { ...item, text: range[2]!, at: item.at + range[1]!.length + 2 });
        const get = field.get;
        tests.push((c, i, s) => {
          const x = get(c, i, s);
          return x !== undefined && x >= lo && x <= hi;
        });
      } else {
        tests.push(compare(field, '==', item, item));
      }
      if (isPunct(this.next, ',')) this.take();
    }
    if (tests.length === 0) this.fail('a value', this.next);
    this.take();
    return (c, i, s) => {
      for (const t of tests) if (t(c, i, s)) return true;
      return false;
    };
  }
}

function present(field: EventField): EventPredicate {
  if (field.type === 'text') return () => true;
  const get = field.get;
  return (c, i, s) => get(c, i, s) !== undefined;
}

function compare(field: EventField, op: Op, value: Token, opToken: Token): EventPredicate {
  switch (field.type) {
    case 'number':
      if (op === 'contains' || op === 'matches') throw new FilterSyntaxError(opToken.at, `${field.name} is a number: "${op}" takes a text field (text, kind, reason, …)`);
      return numberTest(field.get, op, numberLiteral(field, value));
    case 'enum':
      return enumTest(field, op, value, opToken);
    case 'text': {
      if (ORDERED.has(op)) throw new FilterSyntaxError(opToken.at, `${field.name} is text: use ==, !=, contains or matches`);
      const get = field.get;
      const test = textTest(op, value);
      return (c, i) => {
        const x = get(c, i);
        return x !== undefined && test(x);
      };
    }
  }
}

function numberTest(get: NumberGetter, op: Op, v: number): EventPredicate {
  switch (op) {
    case '==':
      return (c, i, s) => get(c, i, s) === v;
    case '!=':
      return (c, i, s) => {
        const x = get(c, i, s);
        return x !== undefined && x !== v;
      };
    case '<':
      return (c, i, s) => (get(c, i, s) ?? Infinity) < v;
    case '<=':
      return (c, i, s) => (get(c, i, s) ?? Infinity) <= v;
    case '>':
      return (c, i, s) => (get(c, i, s) ?? -Infinity) > v;
    default:
      return (c, i, s) => (get(c, i, s) ?? -Infinity) >= v;
  }
}

/** A string test: equality, substring (case-sensitive, as Wireshark's contains) or a regular expression. */
function textTest(op: Op, value: Token): (x: string) => boolean {
  const v = value.text;
  switch (op) {
    case '==':
      return (x) => x === v;
    case '!=':
      return (x) => x !== v;
    case 'contains':
      return (x) => x.includes(v);
    default: {
      let re: RegExp;
      try {
        re = new RegExp(v);
      } catch (err) {
        throw new FilterSyntaxError(value.at, `not a regular expression: ${(err as Error).message}`);
      }
      return (x) => re.test(x);
    }
  }
}

/** Compares a named number by name (`kind == pended`, case-insensitive), number, substring or pattern of its name. */
function enumTest(field: EventField & { type: 'enum' }, op: Op, value: Token, opToken: Token): EventPredicate {
  if (ORDERED.has(op)) throw new FilterSyntaxError(opToken.at, `${field.name} has no order: use ==, !=, contains, matches or in`);
  const accepted = new Uint8Array(Math.max(256, field.names.length));
  const want = value.text.toLowerCase();
  let any = false;
  const accept = (v: number): void => {
    accepted[v] = 1;
    any = true;
  };
  if (op === 'contains' || op === 'matches') {
    const test = textTest(op, { ...value, text: op === 'contains' ? want : value.text });
    field.names.forEach((n, v) => {
      if (n !== undefined && test(op === 'contains' ? n.toLowerCase() : n)) accept(v);
    });
  } else {
    const alias = field.aliases?.[want];
    if (alias !== undefined) accept(alias);
    field.names.forEach((n, v) => {
      if (n !== undefined && n.toLowerCase() === want) accept(v);
    });
    if (!any && value.type === 'word' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(value.text)) accept(Number(value.text));
    if (!any) {
      const names = [...Object.keys(field.aliases ?? {}), ...field.names.filter((n) => n !== undefined)];
      throw new FilterSyntaxError(value.at, `unknown ${field.name} "${value.text}": expected one of ${names.map((n) => (/\s/.test(n) ? `"${n}"` : n)).join(', ')}`);
    }
  }
  const get = field.get;
  const has = op === '!=' ? (x: number) => accepted[x] !== 1 : (x: number) => accepted[x] === 1;
  return (c, i, s) => {
    const x = get(c, i, s);
    return x !== undefined && has(x);
  };
}

const TIME_UNITS: Record<string, number> = { ns: 0, us: 3, µs: 3, ms: 6, s: 9 };

/** A numeric literal for this field: decimal or 0x hex; a time may carry a unit (exact to the ns); a bdf is written 00:03.0. */
function numberLiteral(field: EventField, token: Token): number {
  const t = token.text;
  if (token.type === 'word' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) {
    const n = Number(t);
    if (Number.isSafeInteger(n)) return n;
    throw new FilterSyntaxError(token.at, `${t} is beyond 2^53`);
  }
  if (field.type === 'number' && field.literal === 'bdf') {
    const bdf = parseEventBdf(t);
    if (bdf !== undefined) return bdf;
    throw new FilterSyntaxError(token.at, `expected a bus:device.function such as 00:03.0 (events carry no domain), found "${t}"`);
  }
  if (field.type === 'number' && field.literal === 'time') {
    const m = /^([0-9]+)(?:\.([0-9]+))?(ns|us|µs|ms|s)$/.exec(t);
    if (m === null) throw new FilterSyntaxError(token.at, `expected a time such as 1500, 1.5us, 2ms or 0.25s, found "${t}"`);
    const exp = TIME_UNITS[m[3]!]!;
    const frac = (m[2] ?? '').replace(/0+$/, '');
    if (frac.length > exp) throw new FilterSyntaxError(token.at, `${t} is finer than 1 ns: virtual time is whole nanoseconds`);
    const n = Number(m[1]!) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
    if (Number.isSafeInteger(n)) return n;
    throw new FilterSyntaxError(token.at, `${t} is past the end of virtual time`);
  }
  throw new FilterSyntaxError(token.at, `expected a number for ${field.name} (decimal or 0x hex), found ${describe(token)}`);
}

/** One line per field, for the filter box's help. */
export const FILTER_FIELD_HELP: readonly string[] = EVENT_FIELDS.map((f) => `${f.name}: ${f.doc}`);
