#!/bin/bash
# The PERFORMANCE.md session: run on a quiet machine, one command after another.
cd "$(dirname "$0")/../../.."
B="node tools/bench/src/bench.mjs"
$B w3 w1 w2 --reference --rounds 2 --threads 1 --json docs/results/bench/ref-t1.json > docs/results/bench/ref-t1.txt 2>&1
$B w3 w1 w2 --reference --rounds 2 --threads 2 --json docs/results/bench/ref-t2.json > docs/results/bench/ref-t2.txt 2>&1
$B w1big --reference --rounds 1 --repeats 3 --warmup 1 --threads 1 --json docs/results/bench/ref-big.json > docs/results/bench/ref-big.txt 2>&1
$B conv-step --backends wasm --kernels both --repeats 10 --json docs/results/bench/conv-step.json > docs/results/bench/conv-step.txt 2>&1
$B conv-kernels --backends wasm --json docs/results/bench/conv-kernels.json > docs/results/bench/conv-kernels.txt 2>&1
$B planet-update dreamer-update alm-update --json docs/results/bench/agents.json > docs/results/bench/agents.txt 2>&1
$B alm-update --agent alm-model-free --json docs/results/bench/alm-mf.json > docs/results/bench/alm-mf.txt 2>&1
$B replay-sample --json docs/results/bench/replay.json > docs/results/bench/replay.txt 2>&1
$B env-physics env-pixels render --json docs/results/bench/env.json > docs/results/bench/env.txt 2>&1
node tools/bench/src/bench.mjs w3 w1 --reference --rounds 2 --threads 2 --json docs/results/bench/ref-t2b.json > docs/results/bench/ref-t2b.txt 2>&1
