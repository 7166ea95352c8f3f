// What the doctor reports: one finding per rule and place (device, vector), with the
// events that show it. Plain data, so it crosses the contract and prints as JSON.
export type Severity = 'error' | 'warning';

export interface Finding {
  /** Stable: DR-… (docs/doctor.md documents every one). */
  rule: string;
  severity: Severity;
  /** `00:03.0`, or null when no device is named. */
  device: string | null;
  bdf: number | null;
  vector: number | null;
  /** The events that show it, oldest first: the first few and the latest. */
  seqs: number[];
  /** How many times the stream showed it. */
  count: number;
  /** One sentence of why, about the first time. */
  why: string;
  /** Where the rule comes from: the msix-semantics rule, the PCI spec, QEMU's source. */
  source: string;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1 };

export function hasError(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** `DR-PBA-WRITE warning 00:03.0 vector 0 #12,#14 (×2): why [source]` — the CLI's and qtest's line. */
export function formatFinding(f: Finding): string {
  const place = [f.device, f.vector === null ? null : `vector ${f.vector}`].filter((p) => p !== null).join(' ');
  const seqs = f.seqs.map((s) => `#${s}`).join(',');
  return `${f.rule} ${f.severity}${place ? ` ${place}` : ''} ${seqs}${f.count > 1 ? ` (×${f.count})` : ''}: ${f.why} [${f.source}]`;
}
