// The words of breakpoint specs (causes, outcomes, directions, which kinds carry a
// value), free of zod so the renderer can offer them without bundling the schemas.
// breakpoints.ts builds the schemas from these lists.

/** Where an unmask came from: the VectorUnmasked event's MaskCause, in MaskCause order. */
export const MASK_CAUSES = ['vector-bit', 'function-mask', 'enable', 'load'] as const;
export type MaskCauseName = (typeof MASK_CAUSES)[number];
export const NOTIFY_OUTCOMES = ['delivered', 'pended', 'dropped'] as const;
export type NotifyOutcome = (typeof NOTIFY_OUTCOMES)[number];
export const ACCESS_DIRECTIONS = ['read', 'write', 'both'] as const;
export type AccessDirection = (typeof ACCESS_DIRECTIONS)[number];

/** The kinds whose events carry a value a condition can test, and what that value is. */
export const VALUE_OF = {
  'config-write': 'the bytes written inside the range, little-endian from its first byte (bytes not written count as 0)',
  access: 'the value read or written (its low 32 bits)',
  delivery: 'the message data',
} as const;
