// qtest `doctor`: the doctor's findings over the retained log, on one reply line
// (`OK none`, or `OK 2 findings: DR-… ; DR-…`), so a script can print them mid-run.
import type { Machine } from '../machine/machine';
import { diagnose } from '../../src-shared/doctor/doctor';
import { formatFinding } from '../../src-shared/doctor/finding';

export function doctorReply(machine: Machine): string {
  const log = machine.log;
  const findings = diagnose(log.slice(log.firstSeq, log.total));
  if (findings.length === 0) return 'OK none';
  return `OK ${findings.length} finding${findings.length === 1 ? '' : 's'}: ${findings.map(formatFinding).join(' ; ')}`;
}
