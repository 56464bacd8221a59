import sys, os
sys.argv=[sys.argv[0]]
exec(open('runs/fresh_table.py').read().split("print('| seed")[0])
print('| seed | updates, episodes by 60 min | training return at 15 / 30 / 60 min | checkpoint at 60 min, 10 noiseless episodes | random policy, same resets |')
print('|---|---|---|---:|---:|')
for s in ('1000','1001','1002','1003'):
    d=summary(s)
    a=d['at60']
    ag=d.get('evaluation-agent'); rd=d.get('evaluation-random')
    p=partial(s)
    agt=f"**{ag[0]} ± {ag[1]}**" if ag else (f"unfinished: {len(p)} episodes, mean {sum(p)/len(p):.1f}" if p else 'not evaluated by the report')
    rdt=f"{rd[0]} ± {rd[1]}" if rd else '-'
    rets=' / '.join(str(d[f'at{m}']['ret']) for m in (15,30,60))
    print(f"| {s} | {a['updates']}, {a['ep']} | {rets} | {agt} | {rdt} |")
