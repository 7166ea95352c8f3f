// Powers of two for BAR sizes, in exact integer math: a double's log2 rounds
// (Math.log2(2^50 + 1) is 50), so a size one past a power of two would pass.
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n <= 0) return false;
  const b = BigInt(n);
  return (b & (b - 1n)) === 0n;
}

/** The smallest power of two at least `n` (and at least 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
