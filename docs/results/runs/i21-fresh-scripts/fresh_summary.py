import json, os, re, sys, statistics as st
def load(p): return [json.loads(l) for l in open(p) if l.strip()]
def summary(s):
    run=f'runs/fresh-planet-s{s}'
    idx={}
    for l in open(f'{run}.snaps/index.txt'):
        f=l.split(); idx[int(f[0][2:])]=int(f[1])
    rows=load(f'{run}/metrics.jsonl')
    eps={r['episode']:r for r in rows if r['kind']=='episode'}
    upd={}; u=0
    for r in rows:
        if r['kind']=='train': u=r['updates']
        if r['kind']=='episode': upd[r['episode']]=u
    evals=[(r['episode'],round(r['return'],1)) for r in rows if r['kind']=='eval']
    log=open(f'{run}.trial.log').read()
    t0=re.search(r'START (\S+)',log).group(1)
    import datetime; T0=datetime.datetime.fromisoformat(t0).timestamp()
    cpu=[(float(a)-T0,float(b)) for a,b,*_ in (l.split() for l in open(f'{run}.cpu.txt'))]
    def cpu_at(t):
        prev=(0,0)
        for c in cpu:
            if c[0]>t: return prev[1]+(c[1]-prev[1])*(t-prev[0])/(c[0]-prev[0])
            prev=c
        return prev[1]
    loads=[float(l.split()[3]) for l in open(f'{run}.load.txt')]
    out={'seed':s,'episodes':[(e,idx[e],round(eps[e]['return'],1),upd.get(e),eps[e]['random']) for e in sorted(idx) if e in eps]}
    for m in (15,30,60):
        done=[e for e in sorted(idx) if idx[e]<=m*60 and e in eps]
        e=done[-1] if done else None
        out[f'at{m}']=dict(ep=e, ret=round(eps[e]['return'],1) if e else None, updates=upd.get(e), cpu_min=round(cpu_at(m*60)/60,1), copy_min=round(idx[e]/60,1) if e else None)
    out['evals']=evals
    out['load']=(round(min(loads),1),round(st.median(loads),1),round(max(loads),1))
    w=re.search(r'WALL (\S+) s \((\S+)\) user (\S+)',log); out['wall']=w.groups() if w else None
    for name in ('evaluation-agent','evaluation-random'):
        p=f'{run}/{name}.json'
        for alt in ('final','random'):
            if not os.path.exists(p): p=f'{run}.{alt}/{name}.json'
        if os.path.exists(p):
            d=json.load(open(p)); out[name]=(round(d['mean'],1),round(d['std'],1),d.get('checkpoint'))
    return out
for s in sys.argv[1:]:
    print(json.dumps(summary(s)))
