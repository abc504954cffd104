#!/bin/bash
# Mean gap of 8 hard Solomon instances x 2 seeds at 10 s for one annealing temperature pair.
# usage: benches/solver/tune_temperature.sh T0,TF   (multiples of the mean nearest-neighbour cost)
cd "$(dirname "$0")/../.."; d=$(mktemp -d)
for i in R210 RC103 RC203 R204 RC204 R108 R104 RC101; do for s in 1 2; do echo "$i $s"; done; done | xargs -P 2 -n 2 sh -c './target/release/vaxride solve ../shared/benchmarks/solomon/$0.vrp --time-limit 10 --seed $1 --temperature '"$1"' --out '"$d"'/$0-$1.json 2>/dev/null'
python3 -c "
import csv,json,glob
bks={r['instance']:float(r['distance']) for r in csv.DictReader(open('../shared/benchmarks/solomon/bks.csv'))}
g=[]
for f in glob.glob('$d/*.json'):
    s=json.load(open(f)); n=s['instance']; g.append(100*(s['objective']['total_distance']-bks[n])/bks[n])
print('$1', 'mean %.3f max %.2f n %d'%(sum(g)/len(g), max(g), len(g)))
"
