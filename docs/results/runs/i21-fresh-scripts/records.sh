#!/bin/bash
# copies the fresh runs' records into docs/results/runs/i21-fresh-planet-sS
cd /work/wt/i21
for s in 1000 1001 1002 1003; do
  run=runs/fresh-planet-s$s; dst=docs/results/runs/i21-fresh-planet-s$s
  [ -d $run ] || continue
  mkdir -p $dst
  cp $run/config.json $run/metrics.jsonl $dst/
  for f in evaluation-agent.json evaluation-random.json; do
    for d in $run $run.final $run.random; do [ -f $d/$f ] && { cp $d/$f $dst/; break; }; done
  done
  cp $run.trial.log $dst/trial.log; cp $run.snaps/index.txt $dst/checkpoint-copies.txt
  cp $run.cpu.txt $dst/cpu.txt; cp $run.load.txt $dst/load.txt
  [ -f $run.eval.log ] && cp $run.eval.log $dst/eval.log
  [ -f $run.final.log ] && cp $run.final.log $dst/eval-final.log
  [ -f $run.at60/evaluation-agent.json ] && cp $run.at60/evaluation-agent.json $dst/evaluation-agent-episode7.json
done
