// printf-style hex formatting shared by the lspci/setpci text modules, which must
// reproduce pciutils' zero-padded lowercase output exactly.

/** `%0<digits>x` */
export function hex(value: number | bigint, digits = 0): string {
  return value.toString(16).padStart(digits, '0');
}

/** `0x..` without padding, the way irqscope writes numbers in machine files and warnings. */
export function hex0x(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}
