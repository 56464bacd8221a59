#!/bin/bash
# (re)writes the fresh-seed section of docs/RESULTS.md from /tmp/i21-results.md and the current table
cd /work/wt/i21
python3 - <<'PY'
import subprocess
f='docs/RESULTS.md'
s=open(f).read()
head='## PlaNet `quick` for 60 minutes on fresh seeds'
table=subprocess.run(['python3','runs/fresh_results_table.py'],capture_output=True,text=True,check=True).stdout.rstrip('\n')
section=open('/tmp/i21-results.md').read().replace('TABLE',table)
if head in s:
    a=s.index(head); b=s.index('\n## ',a+5)+1
    s=s[:a]+section+s[b:]
else:
    b=s.index('## ALM and its model-free variant')
    s=s[:b]+section+s[b:]
open(f,'w').write(s)
PY
