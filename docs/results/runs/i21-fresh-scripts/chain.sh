#!/bin/bash
# usage: chain.sh AFTER_SEED SEED — starts fresh.sh SEED 60 once fresh run AFTER_SEED is done
cd /work/wt/i21
while [ ! -f runs/fresh-planet-s$1.done ]; do sleep 20; done
exec runs/fresh.sh $2 60
