#!/bin/bash
# usage: evalq.sh SEED... — for each fresh run, once its checkpoint at M minutes is known (a later copy exists, or the run is done),
# forks that copy to RUN.atM and evaluates 10 noiseless episodes there; the random policy once, on the same reset seeds.
cd /work/wt/i21
echo $$ > runs/evalq.pid
while true; do
  pending=0
  for s in "$@"; do
    run=runs/fresh-planet-s$s; idx=$run.snaps/index.txt
    for m in 15 30 60; do
      [ -f $run.at$m/evaluation-agent.json ] && continue
      pending=1
      [ -f $idx ] || continue
      lim=$((m * 60))
      later=$(awk -v l=$lim '$2 > l' $idx | head -1)
      [ -z "$later" ] && [ ! -f $run.done ] && continue
      ep=$(awk -v l=$lim '$2 <= l {e=$1} END {print e}' $idx)
      [ -z "$ep" ] && continue
      rm -rf $run.at$m
      { echo "AT $m min: $ep ($(grep "^$ep " $idx)) START $(date -Is) load: $(cat /proc/loadavg)"
        node tools/diagnose/fork-run.mjs $run $run.snaps/$ep $run.at$m
        /usr/bin/time -f "EVAL-WALL %e" node apps/online/dist/cli.js evaluate --out $run.at$m --episodes 10
        [ $m = 15 ] && node apps/online/dist/cli.js evaluate --out $run.at$m --episodes 10 --policy random
        echo "END $(date -Is) load: $(cat /proc/loadavg)"; } >> $run.eval.log 2>&1
    done
  done
  [ $pending = 0 ] && exit 0
  sleep 30
done
