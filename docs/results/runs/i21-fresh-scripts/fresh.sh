#!/bin/bash
# usage: fresh.sh SEED MINUTES — PlaNet quick on cartpole-swingup, fresh seed, time budget;
# copies the checkpoint after every episode into RUN.snaps/epN with its elapsed seconds, logs the load every minute.
cd /work/wt/i21
s=$1; m=$2; run=runs/fresh-planet-s$s; log=$run.trial.log
mkdir -p $run.snaps
start=$(date +%s)
cmd="node apps/online/dist/cli.js --agent planet --task cartpole-swingup --preset quick --seed $s --max-episodes 200 --minutes $m --out $run"
(
  last=""
  while [ ! -f $run.done ]; do
    if [ -f $run/checkpoint/state.json ]; then
      ep=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$run/checkpoint/state.json','utf8')).episodes)" 2>/dev/null)
      if [ -n "$ep" ] && [ ! -d $run.snaps/ep$ep ]; then
        sleep 2; t=$(( $(date +%s) - start ))
        cp -r $run/checkpoint $run.snaps/ep$ep.tmp && mv $run.snaps/ep$ep.tmp $run.snaps/ep$ep
        echo "ep$ep $t $(cat /proc/loadavg)" >> $run.snaps/index.txt
      fi
    fi
    now=$(date +%s); if [ "$last" != "$(( (now - start) / 60 ))" ]; then last=$(( (now - start) / 60 )); echo "$last min $(date -Is) $(cat /proc/loadavg)" >> $run.load.txt; fi
    sleep 10
  done
) &
{
echo "CMD: $cmd"
echo "START $(date -Is) load: $(cat /proc/loadavg)"
/usr/bin/time -f "WALL %e s (%E) user %U sys %S" $cmd
echo "TRAIN-END $(date -Is) load: $(cat /proc/loadavg)"
} >> $log 2>&1
touch $run.done
