#!/bin/bash
# usage: evalearly.sh SEED EP — as soon as fresh run SEED's checkpoint after episode EP is copied, forks it to RUN.at60 and
# evaluates 10 noiseless episodes there (EP is expected to be the last copy before 60 minutes; checked afterwards)
cd /work/wt/i21
run=runs/fresh-planet-s$1
while [ ! -d $run.snaps/ep$2 ]; do sleep 15; done
{ echo "EARLY START $(date -Is) load: $(cat /proc/loadavg) copy: $(grep "^ep$2 " $run.snaps/index.txt)"
  node tools/diagnose/fork-run.mjs $run $run.snaps/ep$2 $run.at60
  /usr/bin/time -f "EVAL-WALL %e user %U" node apps/online/dist/cli.js evaluate --out $run.at60 --episodes 10
  echo "END $(date -Is) load: $(cat /proc/loadavg)"; } >> $run.eval.log 2>&1
