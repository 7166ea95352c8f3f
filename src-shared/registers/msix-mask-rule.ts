// Rules M1 and M2 once, for the engine and every view of its state: whether the
// function is masked as a whole, and whether a vector is. The engine caches M1 as
// the reference caches msix_function_masked; the debugger, the "why" column and the
// renderer's grid and timeline lanes ask the same two functions.

/** M1: the function is masked while MSI-X is disabled or Function Mask is set. */
export function functionMasked(enabled: boolean, functionMask: boolean): boolean {
  return !enabled || functionMask;
}

/** M2: a vector is masked by its own mask bit or by the function (M1's result). */
export function vectorMasked(maskBit: boolean, masked: boolean): boolean {
  return maskBit || masked;
}
