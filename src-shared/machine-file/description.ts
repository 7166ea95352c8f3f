// The machine file: what a user writes (or `irqscope import` produces) to describe
// a simulated machine. Validated with zod so every error names the JSON path.
import { z } from 'zod';

/** A number written as `"0x1f"`, `"31"` or `31`. */
const hexNumber = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const n = typeof value === 'number' ? value : parseNumberText(value);
    if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `not a non-negative integer: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return n;
  });

export function parseNumberText(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

const bdfText = z.string().regex(/^(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/, 'expected a bus/device.function address like "00:03.0", or with its domain "0001:02:00.1"');

/**
 * A PCI domain (segment) past 0000, as a PC with several host bridges has one: its
 * ECAM window sits at a fixed address (ACPI's MCFG entry), `buses` MiB from bus 0;
 * 0xCF8/0xCFC reaches domain 0000 only.
 */
const domainDescription = z.strictObject({
  domain: z.number().int().min(1).max(0xffff),
  ecam: hexNumber,
  buses: z.number().int().min(1).max(256).default(256),
});

const barDescription = z.strictObject({
  index: z.number().int().min(0).max(5),
  type: z.enum(['mem32', 'mem64', 'io']),
  size: hexNumber,
  prefetchable: z.boolean().optional(),
  /** Imported: the dump gave no size, so `size` is a default and lspci output leaves `[size=..]` out, as lspci did. */
  sizeAssumed: z.boolean().optional(),
  /** Imported: the address the OS reported for a BAR whose register reads 0 (Enhanced Allocation). */
  virtualAddress: hexNumber.optional(),
});

/** An address window of a bridge, both ends inclusive: `{"base": "0xfe800000", "limit": "0xfe9fffff"}`. */
const bridgeWindow = z.strictObject({ base: hexNumber, limit: hexNumber });

/**
 * A PCI-to-PCI bridge (a PCI Express root port when the device is `"pcie": true`):
 * the bus numbers and windows firmware would have programmed.
 */
const bridgeDescription = z.strictObject({
  secondary: z.number().int().min(1).max(255),
  /** Highest bus behind the bridge; the secondary bus when left out. */
  subordinate: z.number().int().min(1).max(255).optional(),
  io: bridgeWindow.optional(),
  memory: bridgeWindow.optional(),
  prefetchable: bridgeWindow.optional(),
});

/** Plain MSI as QEMU's msi_init takes it: a power-of-two count up to 32, 64-bit address, per-vector masking. */
const msiDescription = z.strictObject({
  vectors: z.number().int(),
  is64bit: z.boolean().default(true),
  perVectorMask: z.boolean().default(false),
  capOffset: hexNumber.optional(),
});

const usedVectors = z.union([z.literal('all'), z.array(z.number().int().min(0))]);

const msixExplicit = z.strictObject({
  vectors: z.number().int(),
  capOffset: hexNumber.optional(),
  table: z.strictObject({ bar: z.number().int().min(0).max(5), offset: hexNumber }),
  pba: z.strictObject({ bar: z.number().int().min(0).max(5), offset: hexNumber }),
  used: usedVectors.optional(),
});

const msixExclusive = z.strictObject({
  vectors: z.number().int(),
  capOffset: hexNumber.optional(),
  exclusiveBar: z.number().int().min(0).max(5),
  used: usedVectors.optional(),
});

// The limits of an interval source's rate, in raises per second, for every way one is
// started: machine files and sessions, the machine itself, qtest's source_start, the
// app's requests and its rate field all check against these.

/** Slowest source: one firing per 2^53 ns (about 104 days), so every due time stays an exact number. */
export const MIN_SOURCE_RATE = 1e9 / Number.MAX_SAFE_INTEGER;
/** Fastest source the machine runs: one firing per virtual nanosecond. */
export const MAX_SOURCE_RATE = 1e9;
/** Fastest source the app may start: below it the hosts stay responsive while the machine runs in real time. */
export const MAX_APP_SOURCE_RATE = 10_000_000;

/** Why `rate` is no source rate of at most `max` raises per second, or null when it is one. */
export function sourceRateProblem(rate: number, max: number = MAX_SOURCE_RATE): string | null {
  if (!(rate > 0)) return 'the rate must be above 0';
  if (rate < MIN_SOURCE_RATE) return `expected at least ${MIN_SOURCE_RATE.toPrecision(2)} per second (one firing every 104 days)`;
  if (!(rate <= max)) return `at most ${max.toLocaleString('en-US')} per second`;
  return null;
}

/** Raises per second of an interval source, wherever one is written down (machine files, sessions). */
export const sourceRateSchema = z.number().min(MIN_SOURCE_RATE).max(MAX_SOURCE_RATE);

const intervalSource = z.strictObject({
  vector: z.number().int().min(0),
  ratePerSecond: sourceRateSchema,
});

const deviceDescription = z.strictObject({
  bdf: bdfText,
  name: z.string().min(1),
  /** The device's own name, as lspci printed it (imported devices); lspci output uses it. */
  title: z.string().optional(),
  vendor: hexNumber,
  device: hexNumber,
  class: hexNumber,
  revision: hexNumber.optional(),
  subsystemVendor: hexNumber.optional(),
  subsystem: hexNumber.optional(),
  interruptPin: z.number().int().min(0).max(4).optional(),
  pcie: z.boolean().optional(),
  bars: z.array(barDescription).default([]),
  msix: z.union([msixExplicit, msixExclusive]).optional(),
  msi: msiDescription.optional(),
  bridge: bridgeDescription.optional(),
  /** Initial configuration space as hex bytes (imported devices): 256 or 4096 bytes. */
  config: z.string().optional(),
  sources: z.array(intervalSource).optional(),
});

export const machineDescriptionSchema = z.strictObject({
  name: z.string().optional(),
  /** `q35`: QEMU q35's host bridge at 00:00.0 and its ECAM window (PCIEXBAR), as after reset. */
  platform: z.enum(['q35']).optional(),
  cpus: z.number().int().min(1).max(32),
  ram: z.array(z.strictObject({ base: hexNumber, size: hexNumber })).default([]),
  eventLogCapacity: z.number().int().min(16).max(1 << 26).optional(),
  domains: z.array(domainDescription).default([]),
  devices: z.array(deviceDescription).default([]),
});

export type MachineDescription = z.output<typeof machineDescriptionSchema>;
export type MachineDescriptionInput = z.input<typeof machineDescriptionSchema>;
export type DeviceDescription = MachineDescription['devices'][number];
export type BarDescription = DeviceDescription['bars'][number];
export type MsixDescription = NonNullable<DeviceDescription['msix']>;
export type BridgeDescription = NonNullable<DeviceDescription['bridge']>;
export type DomainDescription = MachineDescription['domains'][number];

/** Formats a zod issue path the way users read JSON: `devices[0].msix.pba.offset`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
}

/**
 * A union (the two MSI-X layouts) that matches neither shape reports one issue per
 * shape; the shape with the fewest complaints is the one the user meant, so its
 * issues are the ones named.
 */
function flattenIssue(issue: Issue, prefix: PropertyKey[] = []): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    if (closest.length > 0) return closest.flatMap((i) => flattenIssue(i, path));
  }
  return [`${formatPath(path)}: ${issue.message}`];
}

/** Shape check only; layout rules (alignment, overlap, fit) are checked by the machine builder. */
export function parseMachineDescription(input: unknown): ParseResult<MachineDescription> {
  const result = machineDescriptionSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: result.error.issues.flatMap((i) => flattenIssue(i as Issue)) };
}

export function parseMachineText(text: string): ParseResult<MachineDescription> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`(root): not valid JSON: ${(err as Error).message}`] };
  }
  return parseMachineDescription(json);
}
