#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx irqscope` works straight after `npm install`.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src-main/cli/main.ts', import.meta.url);
const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
process.exitCode = code;
