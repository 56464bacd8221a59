#!/usr/bin/env node
// The vmbrl-online executable. It lives outside dist/ so the package manager links it onto PATH
// at install time, before the first build writes dist/cli.js.
import '../dist/cli.js';
