import json, subprocess, sys, os, re
sys.argv=[sys.argv[0]]+sys.argv[1:]
exec(open('runs/fresh_summary.py').read().split('for s in sys.argv')[0])
def partial(s):
    p=f'runs/fresh-planet-s{s}.final.log'
    if os.path.exists(p):
        return [float(x) for x in re.findall(r'episode\s+\d+\s+return\s+(\S+)', open(p).read())]
    p=f'runs/fresh-planet-s{s}.eval.log'
    if not os.path.exists(p): return []
    txt=open(p).read()
    starts=[k for k in ('FINAL START','EARLY START') if k in txt]
    if not starts: return []
    txt=txt.split(starts[-1])[-1]
    return [float(x) for x in re.findall(r'episode\s+\d+\s+return\s+(\S+)', txt.split('uniform random')[0])]
print('| seed | at 15 min | at 30 min | at 60 min | in-run evaluations (2 noiseless ep.) | checkpoint at 60 min, 10 noiseless ep. | random policy, same 10 resets | CPU minutes in 60 | load (median, min-max) |')
print('|---|---|---|---|---|---:|---:|---:|---|')
for s in sys.argv[1:]:
    d=summary(s)
    cell=lambda a: f"ep {a['ep']} ({a['updates']} upd., copied {a['copy_min']} min): {a['ret']}" if a['ep'] else '-'
    ev=', '.join(f'ep {e}: {r}' for e,r in d['evals'])
    ag=d.get('evaluation-agent'); rd=d.get('evaluation-random')
    agt=f"**{ag[0]} ± {ag[1]}**" if ag else (f"partial: {', '.join(f'{x:.1f}' for x in partial(s))}" if partial(s) else 'pending')
    rdt=f"{rd[0]} ± {rd[1]}" if rd else 'pending'
    l=d['load']
    print(f"| {s} | {cell(d['at15'])} | {cell(d['at30'])} | {cell(d['at60'])} | {ev} | {agt} | {rdt} | {d['at60']['cpu_min']} | {l[1]} ({l[0]}-{l[2]}) |")
