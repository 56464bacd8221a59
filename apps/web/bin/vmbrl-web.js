#!/usr/bin/env node
// The vmbrl-web executable. It lives outside dist-node/ so the package manager links it onto
// PATH at install time, before the first build writes dist-node/cli.js.
import '../dist-node/cli.js';
