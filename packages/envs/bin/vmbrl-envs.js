#!/usr/bin/env node
// The vmbrl-envs executable. It lives outside dist/ so the package manager links it onto PATH
// at install time, before the first build writes dist/cli.js.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
