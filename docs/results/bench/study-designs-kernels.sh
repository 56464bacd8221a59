#!/bin/bash
# Issue 20's per-design target: every study design at `quick` size (Table 10's CEM, as the first
# study-designs table), tfjs' own wasm kernels (VMBRL_WASM_KERNELS=none) against ours, run
# alternately, 2 rounds, 1 wasm thread. The pixel-space models and LTOR are measured smaller
# (--batch, --J, --I) and scaled back linearly, like the first table.
set -e
cd "$(dirname "$0")/../../.."
B="node tools/bench/src/bench.mjs study-designs --threads 1 --presets quick --warmup 1 --repeats 3"
R=docs/results/bench
# PREFIX=idle names a rerun's raw files study-idle-kernels-* beside the first ones.
P=study${PREFIX:+-$PREFIX}
for round in 0 1; do
  for kernels in none ours; do
    env_kernels=()
    [ "$kernels" = none ] && env_kernels=(VMBRL_WASM_KERNELS=none)
    tag="kernels-$kernels-r$round"
    env "${env_kernels[@]}" $B --designs R,R_conv,R_LL,LTLR --json $R/$P-$tag-latent.json > $R/$P-$tag-latent.txt 2>&1
    env "${env_kernels[@]}" $B --designs LTOR --I 1 --json $R/$P-$tag-ltor.json > $R/$P-$tag-ltor.txt 2>&1
    env "${env_kernels[@]}" $B --designs OTOR,OTLR --batch 2 --J 16 --I 1 --json $R/$P-$tag-video.json > $R/$P-$tag-video.txt 2>&1
  done
done
