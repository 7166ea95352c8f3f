// The timeline's vector filter: "0-3, 7, 12" (empty for every vector).
import { parseVectorRanges } from './vector-ranges';

export type VectorFilter = { ok: true; accepts: (vector: number) => boolean } | { ok: false; error: string };

export function parseVectorFilter(text: string): VectorFilter {
  if (text.trim() === '') return { ok: true, accepts: () => true };
  const parsed = parseVectorRanges(text);
  if (!parsed.ok) return parsed;
  return { ok: true, accepts: (v) => parsed.ranges.some(([from, to]) => v >= from && v <= to) };
}
