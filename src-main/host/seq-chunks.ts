// An ascending list of sequence numbers (their low 32 bits: the owner expands them,
// knowing the span it holds is narrower than 2^32) in fixed-size Uint32 chunks: growing never
// copies, the slack is at most one chunk, and dropping the oldest entries releases
// whole chunks. Positions are absolute (entries ever pushed), so dropping never
// renumbers them.
const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

export class SeqChunks {
  private chunks: Uint32Array[] = [];
  /** Position of the first entry of chunks[0]. */
  private base = 0;
  /** Positions below this were dropped. */
  start = 0;
  /** One past the last position. */
  end = 0;

  push(seq32: number): void {
    const local = this.end - this.base;
    if ((local & CHUNK_MASK) === 0 && local >>> CHUNK_BITS === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
    this.chunks[local >>> CHUNK_BITS]![local & CHUNK_MASK] = seq32;
    this.end++;
  }

  /** Pushes the n consecutive sequence numbers from `seq` (a run of events in one lane), a chunk at a time. */
  pushRun(seq: number, n: number): void {
    while (n > 0) {
      const local = this.end - this.base;
      const at = local & CHUNK_MASK;
      if (at === 0 && local >>> CHUNK_BITS === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
      const chunk = this.chunks[local >>> CHUNK_BITS]!;
      const m = Math.min(n, CHUNK - at);
      for (let k = 0; k < m; k++) chunk[at + k] = (seq + k) >>> 0;
      this.end += m;
      seq += m;
      n -= m;
    }
  }

  at(pos: number): number {
    const local = pos - this.base;
    return this.chunks[local >>> CHUNK_BITS]![local & CHUNK_MASK]!;
  }

  /** Drops the entries below position `pos`, releasing the chunks they filled. */
  dropBelow(pos: number): void {
    this.start = Math.max(this.start, Math.min(pos, this.end));
    while (this.start - this.base >= CHUNK) {
      this.chunks.shift();
      this.base += CHUNK;
    }
  }

  /** First position in [from, to) whose key is >= `key` (`to` when none is), for keys ascending with position. */
  lowerBound(key: number, keyOf: (seq32: number) => number, from = this.start, to = this.end): number {
    let lo = Math.max(from, this.start);
    let hi = to;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (keyOf(this.at(mid)) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * As lowerBound, starting from `guess`, a position near the answer: galloping out from
   * it costs about twice the log of how far off it was, not the log of the whole range
   * (a window walks a lane column by column, each about as full as the last).
   */
  lowerBoundNear(key: number, keyOf: (seq32: number) => number, from: number, guess: number): number {
    let lo = Math.max(from, this.start);
    let hi = this.end;
    const g = Math.min(hi, Math.max(lo, guess));
    if (g < hi && keyOf(this.at(g)) < key) {
      // The answer is past g.
      lo = g + 1;
      for (let step = 1; ; step *= 2) {
        const p = g + step;
        if (p >= hi) break;
        if (keyOf(this.at(p)) >= key) {
          hi = p;
          break;
        }
        lo = p + 1;
      }
    } else {
      // The answer is g or before it.
      hi = g;
      for (let step = 1; ; step *= 2) {
        const p = g - step;
        if (p < lo) break;
        if (keyOf(this.at(p)) < key) {
          lo = p + 1;
          break;
        }
        hi = p;
      }
    }
    return this.lowerBound(key, keyOf, lo, hi);
  }

  /** Bytes held, slack included. */
  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
}
