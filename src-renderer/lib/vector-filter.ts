// The timeline's vector filter: "0-3, 7, 12" (empty for every vector).
export type VectorFilter = { ok: true; accepts: (vector: number) => boolean } | { ok: false; error: string };

export function parseVectorFilter(text: string): VectorFilter {
  const t = text.trim();
  if (t === '') return { ok: true, accepts: () => true };
  const ranges: [number, number][] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) return { ok: false, error: `'${part.trim()}' is not a vector or a range like 0-7` };
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return { ok: false, error: `range ${from}-${to} runs backwards` };
    ranges.push([from, to]);
  }
  return { ok: true, accepts: (v) => ranges.some(([from, to]) => v >= from && v <= to) };
}
