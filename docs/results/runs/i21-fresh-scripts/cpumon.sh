#!/bin/bash
# usage: cpumon.sh SEED — every 10 s, "EPOCH_S CPU_S" of the training process of fresh run SEED (utime+stime), until the run is done
cd /work/wt/i21
run=runs/fresh-planet-s$1; tck=$(getconf CLK_TCK)
while [ ! -f $run.done ]; do
  pid=$(pgrep -f -- "^node apps/online/dist/cli.js --agent planet --task cartpole-swingup --preset quick --seed $1 --max-episodes 200 --minutes 60 --out $run" | head -1)
  if [ -n "$pid" ] && [ -r /proc/$pid/stat ]; then
    t=$(awk -v k=$tck '{print ($14+$15)/k}' /proc/$pid/stat)
    echo "$(date +%s) $t $(cut -d' ' -f1 /proc/loadavg)" >> $run.cpu.txt
  fi
  sleep 10
done
