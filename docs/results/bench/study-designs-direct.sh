#!/bin/bash
# Issue 20, few-channel kernels: the SV2P designs (OTOR, OTLR) and LTOR at `quick` size, as in
# study-designs-kernels.sh (2 rounds, 1 wasm thread, the same scaled-down workloads), with
# tfjs' kernels (none), ours (all groups, with `direct`) and ours without `direct` (nodirect:
# the kernels before it). Raw: study-direct-kernels-*.json; CPU ms = median wall x ownCores.
# (The first session ran the none/ours rounds, then the nodirect rounds, in that order.)
set -e
cd "$(dirname "$0")/../../.."
B="node tools/bench/src/bench.mjs study-designs --threads 1 --presets quick --warmup 1 --repeats 3"
R=docs/results/bench
P=study-direct
for round in 0 1; do
  for kernels in none ours nodirect; do
    env_kernels=()
    [ "$kernels" = none ] && env_kernels=(VMBRL_WASM_KERNELS=none)
    [ "$kernels" = nodirect ] && env_kernels=(VMBRL_WASM_KERNELS=gemm,conv,unary,gru,tile,sum)
    tag="kernels-$kernels-r$round"
    env "${env_kernels[@]}" $B --designs OTOR,OTLR --batch 2 --J 16 --I 1 --json $R/$P-$tag-video.json > $R/$P-$tag-video.txt 2>&1
    env "${env_kernels[@]}" $B --designs LTOR --I 1 --json $R/$P-$tag-ltor.json > $R/$P-$tag-ltor.txt 2>&1
  done
done
