#!/bin/bash
# usage: evalckpt.sh SEED EP NAME — forks fresh run SEED's checkpoint copy after episode EP to RUN.NAME and evaluates 10 noiseless episodes
cd /work/wt/i21
run=runs/fresh-planet-s$1
{ echo "CKPT $3 START $(date -Is) load: $(cat /proc/loadavg) copy: $(grep "^ep$2 " $run.snaps/index.txt)"
  node tools/diagnose/fork-run.mjs $run $run.snaps/ep$2 $run.$3
  /usr/bin/time -f "EVAL-WALL %e user %U" node apps/online/dist/cli.js evaluate --out $run.$3 --episodes 10
  echo "END $(date -Is) load: $(cat /proc/loadavg)"; } >> $run.$3.log 2>&1
