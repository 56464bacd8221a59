#!/bin/sh
# The small offline instance (docs/RESULTS.md, "Offline protocol, small instance"): two tasks,
# one dataset each from random, CEM-oracle and PlaNet episodes, every design of the study trained
# on the train split and scored; one process at a time. Run from the repository root after
# `npx -y pnpm@10 build`. Step 1 (the PlaNet runs behind the "planet" episodes):
#
#   for task in cartpole-swingup reacher-easy; do
#     node apps/online/dist/cli.js --agent planet --task $task --preset quick --seed 0 \
#       --set actionRepeat=4 --set episodeSteps=50 --set updatesPerEpisode=50 --set evalEvery=0 \
#       --max-episodes 7 --out runs/offline-small/planet-$task
#   done
set -e
R=runs/offline-small
OFFLINE="node apps/offline/dist/cli.js"
DESIGNS="R OTOR OTLR LTLR LTOR"
for task in cartpole-swingup reacher-easy; do
  D=$R/data-$task
  /usr/bin/time -f "collect $task: %e s" $OFFLINE collect --dataset $D --task $task --episode-steps 50 --seed 0 \
    --random 10 --oracle 3 --oracle-preset quick --run planet=$R/planet-$task:3
  grep -q '"split": {' $D/manifest.json || $OFFLINE split --dataset $D --seed 0 --test-fraction 0.25
  for design in $DESIGNS; do
    /usr/bin/time -f "train $task $design: %e s" $OFFLINE train --design $design --dataset $D --out $R/$task-$design --preset debug --seed 0 \
      --updates 150 --eval-episodes 4 --episode-steps 50 \
      --setting predictionStride=3 --setting predictionWindows=96
    /usr/bin/time -f "evaluate $task $design: %e s" $OFFLINE evaluate --out $R/$task-$design
  done
done
RUNS=""
for task in cartpole-swingup reacher-easy; do
  for design in $DESIGNS; do RUNS="$RUNS $R/$task-$design"; done
done
$OFFLINE report --out docs/results/offline-small $RUNS
