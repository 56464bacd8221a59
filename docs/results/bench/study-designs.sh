#!/bin/bash
# The study-designs rows of PERFORMANCE.md (about 25 minutes on 2 shared cores), one command
# after another, 1 wasm thread. Paper-size pixel-space models and LTOR planning are measured
# smaller (--batch, --J, --I) and scaled back linearly: see the `fullMs` figures.
set -e
cd "$(dirname "$0")/../../.."
B="node tools/bench/src/bench.mjs study-designs --threads 1"
R=docs/results/bench
$B --designs R,R_conv,R_LL,LTLR --presets paper,quick --warmup 1 --repeats 3 --json $R/study-latent.json > $R/study-latent.txt 2>&1
$B --designs LTOR --presets paper,quick --I 1 --warmup 1 --repeats 3 --json $R/study-ltor.json > $R/study-ltor.txt 2>&1
$B --designs OTOR,OTLR --presets quick --batch 2 --J 16 --I 1 --warmup 1 --repeats 2 --json $R/study-video-quick.json > $R/study-video-quick.txt 2>&1
$B --designs OTOR,OTLR --presets paper --batch 1 --J 8 --I 1 --warmup 0 --repeats 3 --json $R/study-video-paper.json > $R/study-video-paper.txt 2>&1
