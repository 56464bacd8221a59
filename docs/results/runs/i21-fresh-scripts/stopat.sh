#!/bin/bash
# usage: stopat.sh SEED MINUTES — SIGTERM to fresh run SEED's training process MINUTES after its START (graceful: it stops at the last checkpoint)
cd /work/wt/i21
run=runs/fresh-planet-s$1; log=$run.trial.log
while ! grep -q "^START" $log 2>/dev/null; do sleep 10; done
t0=$(date -d "$(grep -m1 '^START' $log | awk '{print $2}')" +%s)
while [ $(date +%s) -lt $((t0 + $2 * 60)) ]; do sleep 5; [ -f $run.done ] && exit 0; done
pid=$(pgrep -f -- "^node apps/online/dist/cli.js --agent planet --task cartpole-swingup --preset quick --seed $1 --max-episodes 200" | head -1)
[ -n "$pid" ] && { echo "SIGTERM to $pid at $(date -Is) ($2 min) load: $(cat /proc/loadavg)" >> $log; kill -TERM $pid; }
