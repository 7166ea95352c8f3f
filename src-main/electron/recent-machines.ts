// The recent machine files, newest first, kept in the user-data folder.
import { readFileSync, writeFileSync } from 'node:fs';

export const MAX_RECENT = 8;

export function readRecent(file: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function withRecent(list: readonly string[], path: string): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

export function writeRecent(file: string, list: readonly string[]): void {
  writeFileSync(file, JSON.stringify(list, null, 2));
}
