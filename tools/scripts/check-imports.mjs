#!/usr/bin/env node
// Checks the import graph of the workspace's sources (tests aside), prints every problem and
// exits 1 if there is one:
// - no import cycle between the files of a package (relative imports);
// - packages import only the packages below them (core <- tensor <- envs, replay <- ...);
// - the run loop (packages/agents/src/loop) imports no agent folder;
// - nothing reachable from a browser entry (a package's src/browser.ts, the web page's
//   apps/web/src/main.ts) imports a Node module (`node:*`, `fs`, `worker_threads`...).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The workspace to check: the argument, or the one this script is in.
const root = resolve(process.argv[2] ?? new URL('../..', import.meta.url).pathname);

/** What each package may import of ours (DESIGN.md: arrows point down). */
const ALLOWED = {
  core: [],
  tensor: ['core'],
  envs: ['core'],
  replay: ['core'],
  'world-models': ['core', 'tensor'],
  planners: ['core', 'tensor'],
  objectives: ['core', 'tensor'],
  metrics: ['core'],
  sweep: ['core'],
  agents: ['core', 'tensor', 'envs', 'replay', 'world-models', 'planners', 'objectives', 'metrics'],
  online: [
    'core',
    'tensor',
    'envs',
    'replay',
    'world-models',
    'planners',
    'objectives',
    'metrics',
    'agents',
  ],
  ablation: [
    'core',
    'tensor',
    'envs',
    'replay',
    'world-models',
    'planners',
    'objectives',
    'metrics',
    'agents',
    'sweep',
  ],
  web: ['core', 'tensor', 'envs', 'agents'],
  offline: [
    'core',
    'tensor',
    'envs',
    'replay',
    'world-models',
    'planners',
    'objectives',
    'metrics',
    'agents',
  ],
};

/** Folders of a package whose files may not import some sibling folders. */
const FORBIDDEN_FOLDERS = [
  { from: 'packages/agents/src/loop', to: ['planet', 'dreamer', 'alm', 'oracle', 'registry.ts'] },
];

function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

function imports(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const pattern = /(?:import|export)[^'"]*?from\s*'([^']+)'|import\s*\(?\s*'([^']+)'/g;
  for (const m of text.matchAll(pattern)) {
    found.push(m[1] ?? m[2]);
  }
  return found;
}

/** Imports that stay in the built code: `import type` and `export type` are erased. */
function valueImports(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const pattern = /(?:import|export)(\s+type\b)?[^'"]*?from\s*'([^']+)'|import\s*\(?\s*'([^']+)'/g;
  for (const m of text.matchAll(pattern)) {
    if (!m[1]) found.push(m[2] ?? m[3]);
  }
  return found;
}

const problems = [];
const packages = [
  ...readdirSync(join(root, 'packages')).map((name) => ['packages', name]),
  ...readdirSync(join(root, 'apps')).map((name) => ['apps', name]),
];
for (const [group, name] of packages) {
  const src = join(root, group, name, 'src');
  let files;
  try {
    files = sources(src);
  } catch {
    continue;
  }
  const graph = new Map();
  for (const file of files) {
    const edges = [];
    for (const spec of imports(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        edges.push(target.endsWith('.ts') ? target : `${target}.ts`);
        for (const rule of FORBIDDEN_FOLDERS) {
          const from = join(root, rule.from);
          if (!file.startsWith(`${from}/`)) continue;
          const into = relative(dirname(from), target).split('/')[0];
          if (rule.to.includes(into) || rule.to.includes(`${into}.ts`)) {
            problems.push(`${relative(root, file)} imports ${spec}: ${rule.from} names no agent`);
          }
        }
      } else if (spec.startsWith('@vmbrl/')) {
        const dep = spec.slice('@vmbrl/'.length).split('/')[0];
        if (dep !== name && !(ALLOWED[name] ?? []).includes(dep)) {
          problems.push(
            `${relative(root, file)} imports ${spec}: ${name} may import ${(ALLOWED[name] ?? []).join(', ') || 'none of ours'}`,
          );
        }
      }
    }
    graph.set(file, edges);
  }
  // Cycles: depth-first search with colours; each back edge closes a cycle.
  const colour = new Map();
  const stack = [];
  const visit = (file) => {
    colour.set(file, 'grey');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (colour.get(next) === 'grey') {
        const cycle = stack.slice(stack.indexOf(next)).concat(next);
        problems.push(`import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`);
      } else if (!colour.has(next)) visit(next);
    }
    stack.pop();
    colour.set(file, 'black');
  };
  for (const file of graph.keys()) if (!colour.has(file)) visit(file);
}

// Browser entries: follow relative imports and @vmbrl/* (to the package's browser.ts when it
// has one, the package's index.ts otherwise) and report the first path to each Node module.
const NODE_BUILTINS = new Set(
  'assert buffer child_process cluster crypto dgram dns events fs fs/promises http https module net os path perf_hooks process readline stream url util v8 vm worker_threads zlib'.split(
    ' ',
  ),
);
const exists = (file) => {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
};
const browserRoots = [
  ...packages.map(([group, name]) => join(root, group, name, 'src', 'browser.ts')),
  join(root, 'apps', 'web', 'src', 'main.ts'),
].filter(exists);
const seen = new Map();
const queue = browserRoots.map((file) => [file, [file]]);
while (queue.length > 0) {
  const [file, path] = queue.shift();
  if (seen.has(file)) continue;
  seen.set(file, path);
  for (const spec of valueImports(file)) {
    let target = null;
    if (spec.startsWith('.')) {
      const base = resolve(dirname(file), spec).replace(/\.js$/, '');
      target = [`${base}.ts`, join(base, 'index.ts')].find(exists) ?? null;
    } else if (spec.startsWith('@vmbrl/')) {
      const dep = spec.slice('@vmbrl/'.length).split('/')[0];
      const where = packages.find(([, name]) => name === dep);
      if (where) {
        const src = join(root, where[0], dep, 'src');
        target = [join(src, 'browser.ts'), join(src, 'index.ts')].find(exists) ?? null;
      }
    } else if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) {
      const chain = path.map((f) => relative(root, f)).join(' -> ');
      problems.push(`browser entry imports Node module '${spec}': ${chain}`);
    }
    if (target) queue.push([target, [...path, target]]);
  }
}

for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(
  `check-imports: ${packages.length} packages, no cycles, layering kept, ${browserRoots.length} browser entries free of Node modules (${seen.size} files)`,
);
