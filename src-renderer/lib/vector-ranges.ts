// Vectors as people type them: "0-3, 7, 12" (the timeline filter, breakpoint forms).
export type VectorRanges = { ok: true; ranges: [number, number][] } | { ok: false; error: string };

export function parseVectorRanges(text: string): VectorRanges {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) return { ok: false, error: `'${part.trim()}' is not a vector or a range like 0-7` };
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return { ok: false, error: `range ${from}-${to} runs backwards` };
    ranges.push([from, to]);
  }
  return { ok: true, ranges };
}
