// A saved session's header: the JSON part of the session file, naming the binary
// sections that hold the bulk state (src-main/session/session-container.ts has the
// byte layout). Shared so the app can show what a file holds before opening it.
import { z } from 'zod';
import { debuggerStateSchema } from '../debugger/breakpoints';
import { sourceRateSchema } from '../machine-file/description';

export const SESSION_FORMAT = 'irqscope-session';
/** Bump when a reader of the previous version could not read the new one. */
export const SESSION_VERSION = 2;
/**
 * The oldest format this version reads. Format 1 held the local APIC's drops in the
 * layout of before the event schema; they are upgraded on opening (upgradeLegacyRow).
 */
export const OLDEST_SESSION_VERSION = 1;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const u32 = z.number().int().min(0).max(0xffffffff);
/** A function's address: domain * 0x10000 + bus/dev.fn (src-shared/pci-text/bdf.ts). */
const bdf = z.number().int().min(0).max(0xffffffff);

export const sectionEntrySchema = z.strictObject({
  name: z.string().min(1),
  /** Byte offset in the payload. */
  offset: count,
  /** Bytes stored (deflate-raw compressed). */
  length: count,
  /** Bytes after inflating. */
  rawLength: count,
});
export type SectionEntry = z.output<typeof sectionEntrySchema>;

export const sessionHeaderSchema = z.strictObject({
  format: z.literal(SESSION_FORMAT),
  version: z.number().int().min(OLDEST_SESSION_VERSION).max(SESSION_VERSION),
  savedAt: z.string(),
  generator: z.string(),
  /** The machine file it was built from, as the builder accepts it. */
  description: z.unknown(),
  clock: z.strictObject({
    /** Whole ns, at most 2^53 - 1 where the clock ends. */
    nowNs: count,
    /** Interval sources in the order the clock holds their timers (ties fire in that order). A due time may lie past the clock's end: that source never fires again. `carry` is the timer's carried remainder (src-main/machine/clock.ts). */
    sources: z.array(z.strictObject({ bdf, vector: z.number().int().min(0).max(0xffff), ratePerSecond: sourceRateSchema, dueNs: z.number().int().min(0), carry: count })),
  }),
  /** The 0xCF8 CONFIG_ADDRESS latch. */
  pciConfigAddress: u32,
  /** Each function's sections: `fn.<bdf>.config|writable|w1c` and, with MSI-X, `fn.<bdf>.msix.table|pba|useCount|delivered`. */
  functions: z.array(z.strictObject({ bdf, name: z.string(), configSize: z.union([z.literal(256), z.literal(4096)]), msixVectors: z.number().int().min(1).max(2048).nullable() })),
  /** Only RAM pages holding a non-zero byte are saved: section `ram.<i>` is those pages back to back. */
  ram: z.array(z.strictObject({ base: count, size: count, pageSize: z.number().int().positive(), pages: z.array(count) })),
  /** Sections `log.<column>` hold the retained events, oldest first. */
  log: z.strictObject({ capacity: count, total: count, retained: count }),
  debugger: debuggerStateSchema,
  sections: z.array(sectionEntrySchema),
});
export type SessionHeader = z.output<typeof sessionHeaderSchema>;

/** What `session info` shows: a summary of a session file, without opening it. */
export interface SessionInfo {
  version: number;
  savedAt: string;
  generator: string;
  machineName: string | null;
  devices: { bdf: number; name: string; msixVectors: number | null }[];
  timeNs: number;
  events: { total: number; retained: number; evicted: number };
  breakpoints: number;
  paused: boolean;
  ramPagesSaved: number;
  fileBytes: number;
}

export function summarize(header: SessionHeader, fileBytes: number): SessionInfo {
  const description = header.description as { name?: unknown };
  return {
    version: header.version,
    savedAt: header.savedAt,
    generator: header.generator,
    machineName: typeof description?.name === 'string' ? description.name : null,
    devices: header.functions.map((f) => ({ bdf: f.bdf, name: f.name, msixVectors: f.msixVectors })),
    timeNs: header.clock.nowNs,
    events: { total: header.log.total, retained: header.log.retained, evicted: header.log.total - header.log.retained },
    breakpoints: header.debugger.breakpoints.length,
    paused: header.debugger.paused !== null,
    ramPagesSaved: header.ram.reduce((n, r) => n + r.pages.length, 0),
    fileBytes,
  };
}
