#!/usr/bin/env node
/** The `vmbrl-dataset` executable. */
import { runCli } from './cli-commands';

process.exitCode = runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
