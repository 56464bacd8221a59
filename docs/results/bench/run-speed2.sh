#!/bin/bash
# Issue 20 (speed, round two): our wasm kernels side by side with PyTorch, and tfjs' own wasm
# kernels (VMBRL_WASM_KERNELS=none) in the same session. One command after another; every row
# records the machine's other load. REF_SCRIPT overrides where the PyTorch anchor is.
cd "$(dirname "$0")/../../.."
B="node tools/bench/src/bench.mjs"
REF="--reference-script ${REF_SCRIPT:-../shared/anchors/torch_reference/planet_bench.py}"
R=docs/results/bench
$B w3 w1 w2 --reference $REF --rounds 2 --threads 1 --json $R/speed2-ref-t1.json > $R/speed2-ref-t1.txt 2>&1
VMBRL_WASM_KERNELS=none $B w3 w1 w2 --threads 1,2 --json $R/speed2-tfjs-kernels.json > $R/speed2-tfjs-kernels.txt 2>&1
$B w3 w1 w2 --reference $REF --rounds 1 --threads 2 --json $R/speed2-ref-t2.json > $R/speed2-ref-t2.txt 2>&1
$B wasm-kernels --json $R/speed2-wasm-kernels.json > $R/speed2-wasm-kernels.txt 2>&1
