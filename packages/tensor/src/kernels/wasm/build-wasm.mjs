#!/usr/bin/env node
/**
 * Rebuilds wasm-binaries.ts (the committed builds of this folder's C kernels, base64):
 *   pnpm --filter @vmbrl/tensor build:wasm        (or: node src/kernels/wasm/build-wasm.mjs)
 * Needs clang >= 16 and lld with the wasm32 target (Debian: apt-get install clang-16 lld-16);
 * clang 14 encodes relaxed SIMD with pre-standard opcodes that Node rejects. CLANG=path picks
 * the compiler. `--check` builds in a temp dir and exits 1 if wasm-binaries.ts would change.
 * The package's normal build does not run this: a fresh install needs no compiler.
 *
 * Four builds of one module (gemm.c, conv.c, unary.c, gru.c): plain 128-bit SIMD or relaxed SIMD
 * (f32x4.relaxed_madd, a fused multiply-add where the CPU has one), each importing tfjs' heap
 * either unshared (its single-threaded build) or shared (its threaded build, so that worker
 * threads can run parts of one product). The module has no data segments (it would write them
 * into tfjs' heap when instantiated) and exports its stack pointer, which the loader points
 * at a stack it allocates on the heap.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = ['gemm.c', 'conv.c', 'conv_direct.c', 'unary.c', 'gru.c'];
const HEADERS = ['simd.h', 'gemm.h'];
const target = path.join(here, 'wasm-binaries.ts');
const check = process.argv.includes('--check');

/** Flags shared by every build: no libc, imported heap, exported stack pointer. */
const COMMON = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-nostdlib',
  '-fno-builtin',
  // a * b + c stays two roundings, as in tfjs' element-wise kernels; FMA only where asked for.
  '-ffp-contract=off',
  // Loop strength reduction turns the micro-kernel's constant load offsets into separate adds,
  // which V8 then compiles to one extra instruction per load (measured ~10% slower).
  '-mllvm',
  '-disable-lsr',
  '-Wl,--no-entry',
  '-Wl,--import-memory',
  '-Wl,--export=__stack_pointer',
  '-Wl,--strip-all',
];
const VARIANTS = {
  plain: { unshared: [], shared: ['-matomics', '-mbulk-memory'] },
  relaxed: {
    unshared: ['-mrelaxed-simd', '-DRELAXED'],
    shared: ['-mrelaxed-simd', '-DRELAXED', '-matomics', '-mbulk-memory'],
  },
};
const SHARED_LINK = ['-Wl,--shared-memory', '-Wl,--max-memory=4294967296'];

function findClang() {
  const candidates = process.env.CLANG ? [process.env.CLANG] : ['clang-16', 'clang-19', 'clang'];
  for (const cc of candidates) {
    try {
      const version = execFileSync(cc, ['--version'], { encoding: 'utf8' });
      const major = Number(/clang version (\d+)/.exec(version)?.[1] ?? 0);
      if (major >= 16) return { cc, version: version.split('\n')[0].trim() };
    } catch {
      // not installed; try the next
    }
  }
  console.error(
    'build-wasm: needs clang >= 16 with the wasm32 target and lld (Debian: apt-get install clang-16 lld-16), or CLANG=path',
  );
  process.exit(2);
}

/** Ids of the sections of a wasm binary. */
function sectionIds(bytes) {
  const ids = [];
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i++];
    let size = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[i++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    ids.push(id);
    i += size;
  }
  return ids;
}

function build(cc, flags, shared) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbrl-wasm-'));
  const out = path.join(dir, 'kernels.wasm');
  try {
    const inputs = SOURCES.map((f) => path.join(here, f));
    execFileSync(cc, [...COMMON, ...flags, ...(shared ? SHARED_LINK : []), '-o', out, ...inputs], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const bytes = fs.readFileSync(out);
    if (sectionIds(bytes).includes(11)) {
      throw new Error('build-wasm: the module has a data section; it would overwrite tfjs heap');
    }
    return bytes;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Base64 split into lines that fit the formatter's width. */
function chunks(bytes) {
  const text = bytes.toString('base64');
  const lines = [];
  for (let i = 0; i < text.length; i += 92) lines.push(`      '${text.slice(i, i + 92)}',`);
  return lines.join('\n');
}

/** SHA-256 over the sources and headers, in a fixed order. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const f of [...SOURCES, ...HEADERS]) hash.update(fs.readFileSync(path.join(here, f)));
  return hash.digest('hex');
}

function main() {
  const { cc, version } = findClang();
  const parts = [];
  for (const [variant, memories] of Object.entries(VARIANTS)) {
    parts.push(`  ${variant}: {`);
    for (const [memory, flags] of Object.entries(memories)) {
      const bytes = build(cc, flags, memory === 'shared');
      parts.push(`    // ${bytes.length} bytes`);
      parts.push(`    ${memory}: [\n${chunks(bytes)}\n    ].join(''),`);
    }
    parts.push('  },');
  }
  const text = `// Generated by build-wasm.mjs from ${SOURCES.join(', ')}; do not edit (pnpm build:wasm).
// Compiler: ${version}

/** SHA-256 of the C sources and headers these builds were compiled from. */
export const KERNELS_SOURCE_SHA256 =
  '${sourceHash()}';

/** The C kernels for wasm32 + SIMD, base64: plain or relaxed SIMD, unshared or shared heap. */
export const KERNELS_WASM_BASE64 = {
${parts.join('\n')}
} as const;
`;
  if (check) {
    const same = fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text;
    console.log(
      same ? 'wasm-binaries.ts is up to date' : 'wasm-binaries.ts differs from a fresh build',
    );
    process.exit(same ? 0 : 1);
  }
  fs.writeFileSync(`${target}.tmp`, text);
  fs.renameSync(`${target}.tmp`, target);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${cc}: ${version})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
