#!/usr/bin/env node
// qemu-system-x86_64 as a qtest harness sees it: give this file as QTEST_QEMU_BINARY (or
// to QEMUQtestMachine as its binary) and the harness drives irqscope unchanged.
import { pathToFileURL } from 'node:url';
import { ensureCliBuilt } from '../scripts/cli-bundle.mjs';

const { main } = await import(pathToFileURL(await ensureCliBuilt()).href);
const code = await main(['qemu-compat', ...process.argv.slice(2)], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
process.exit(code);
