#!/bin/bash
# usage: evalfinal.sh SEED — once fresh run SEED is done: 10 noiseless episodes of its final checkpoint and 10 random ones (same reset seeds)
cd /work/wt/i21
run=runs/fresh-planet-s$1
while [ ! -f $run.done ]; do sleep 20; done
{ echo "FINAL START $(date -Is) load: $(cat /proc/loadavg) checkpoint: $(cat $run/checkpoint/state.json | head -c 300)"
  /usr/bin/time -f "EVAL-WALL %e user %U" node apps/online/dist/cli.js evaluate --out $run --episodes 10
  node apps/online/dist/cli.js evaluate --out $run --episodes 10 --policy random
  echo "END $(date -Is) load: $(cat /proc/loadavg)"; } >> $run.eval.log 2>&1
