#!/usr/bin/env node
// Runs the built CLI (see scripts/cli-bundle.mjs: built by `npm install`, rebuilt when stale).
import { pathToFileURL } from 'node:url';
import { ensureCliBuilt } from '../scripts/cli-bundle.mjs';

const { main } = await import(pathToFileURL(await ensureCliBuilt()).href);
const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
process.exitCode = code;
