// Reading registers through their descriptions: a register's value, and its
// fields by name. The lspci printer and the app's editors decode with this, so
// a bit position lives only in the description (src-shared/registers/).
import type { RegisterDef, RegisterField } from './layout';

export type ConfigRead = (offset: number, size: 1 | 2 | 4) => number;

export interface RegisterView {
  readonly def: RegisterDef;
  readonly value: number;
  /** A field's value, shifted down. */
  get(name: string): number;
  /** `+` or `-` for a one-bit field, as lspci prints flags. */
  flag(name: string): string;
  /** `Name+ Other-` for the named one-bit fields. */
  flags(...names: string[]): string;
}

export function fieldValue(value: number, field: RegisterField): number {
  if (field.width >= 32) return value >>> 0;
  return Math.floor(value / 2 ** field.lsb) % 2 ** field.width;
}

export function fieldNamed(def: RegisterDef, name: string): RegisterField {
  const field = def.fields.find((x) => x.name === name);
  if (!field) throw new Error(`register ${def.name} has no field ${name}`);
  return field;
}

export function viewOf(def: RegisterDef, value: number): RegisterView {
  const get = (name: string) => fieldValue(value, fieldNamed(def, name));
  const flag = (name: string) => (get(name) ? '+' : '-');
  return { def, value, get, flag, flags: (...names) => names.map((n) => `${n}${flag(n)}`).join(' ') };
}

/** The register `def` of the structure at `base`. */
export function readRegister(read: ConfigRead, base: number, def: RegisterDef): RegisterView {
  return viewOf(def, read(base + def.offset, def.size));
}

/** The register called `name` in a list. */
export function registerNamed(defs: readonly RegisterDef[], name: string): RegisterDef {
  const def = defs.find((d) => d.name === name);
  if (!def) throw new Error(`no register ${name}`);
  return def;
}
