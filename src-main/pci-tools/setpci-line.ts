// A setpci line typed in the app's poke panel: setpci's own syntax and messages,
// except that a line naming no device (no -s or -d before its first register)
// applies to the device selected in the UI.
import type { Machine } from '../machine/machine';
import { formatBdf } from '../machine/pci/pci-bus';
import { runSetpci, type SetpciResult } from '../../src-shared/pci-text/setpci';
import { configAccessor } from './machine-pci-view';

/** Leading option words setpci takes before any filter: -v, -f, -D, -r and their combinations. */
const OPTIONS_WORD = /^-[vfDr]+$/;

/** The words setpci will run: `selected` (`00:03.0`) is filled in as `-s` when the line selects no device. */
export function setpciWords(line: string, selected: string | null): string[] {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words[0] === 'setpci') words.shift();
  let i = 0;
  while (i < words.length && OPTIONS_WORD.test(words[i]!)) i++;
  const first = words[i];
  if (selected !== null && first !== undefined && !first.startsWith('-')) words.splice(i, 0, '-s', selected);
  return words;
}

export interface SetpciLineResult extends SetpciResult {
  command: string;
}

export function runSetpciLine(machine: Machine, line: string, selectedBdf: number | null): SetpciLineResult {
  const words = setpciWords(line, selectedBdf === null ? null : formatBdf(selectedBdf));
  return { command: ['setpci', ...words].join(' '), ...runSetpci(words, configAccessor(machine), { noDeviceIsError: true }) };
}
