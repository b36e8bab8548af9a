# Independent pure-Python recomputation (exact fractions, no libraries) of the reference values asserted in
# src/test/java/dev/jury/agreement. Run: python3 bench/agreement/verify_references.py
from fractions import Fraction as F
from itertools import combinations

def counts_per_unit(rows, cats):
    # rows: list of units, each a list of values (None = missing)
    out = []
    for r in rows:
        vals = [v for v in r if v is not None]
        out.append([vals.count(c) for c in cats])
    return out

def kalpha(rows, cats, metric, numeric=None):
    numeric = numeric or cats
    k = len(cats)
    o = [[F(0)]*k for _ in range(k)]
    for cnt in counts_per_unit(rows, cats):
        m = sum(cnt)
        if m < 2: continue
        for c in range(k):
            for d in range(k):
                pairs = cnt[c]*cnt[d] - (cnt[c] if c == d else 0)
                o[c][d] += F(pairs, m-1)
    nc = [sum(o[c]) for c in range(k)]
    n = sum(nc)
    def delta2(c, d):
        if metric == 'nominal': return 0 if c == d else 1
        if metric == 'interval': return (F(numeric[c]) - F(numeric[d]))**2
        if metric == 'ratio':
            a, b = F(numeric[c]), F(numeric[d])
            return 0 if a + b == 0 else ((a-b)/(a+b))**2
        if metric == 'ordinal':
            lo, hi = min(c, d), max(c, d)
            return (sum(nc[lo:hi+1]) - (nc[c]+nc[d])/2)**2
    do = sum(o[c][d]*delta2(c, d) for c in range(k) for d in range(k))
    de = sum(nc[c]*nc[d]*delta2(c, d) for c in range(k) for d in range(k))
    return float(1 - (n-1)*do/de)

def cohen(table, weights=None):
    k = len(table)
    n = sum(map(sum, table))
    rows = [sum(table[i]) for i in range(k)]
    cols = [sum(table[i][j] for i in range(k)) for j in range(k)]
    def v(i, j):
        if weights is None: return 0 if i == j else 1
        if weights == 'linear': return abs(i-j)
        if weights == 'quadratic': return (i-j)**2
    do = sum(F(table[i][j])*v(i, j) for i in range(k) for j in range(k)) / n
    de = sum(F(rows[i]*cols[j])*v(i, j) for i in range(k) for j in range(k)) / n / n
    return float(1 - do/de)

def table_from_pairs(a, b, cats):
    k = len(cats); t = [[0]*k for _ in range(k)]
    for x, y in zip(a, b):
        if x is None or y is None: continue
        t[cats.index(x)][cats.index(y)] += 1
    return t

def fleiss(counts):
    n = sum(counts[0]); N = len(counts); k = len(counts[0])
    assert all(sum(r) == n for r in counts)
    p = [F(sum(r[j] for r in counts), N*n) for j in range(k)]
    P = [F(sum(x*x for x in r) - n, n*(n-1)) for r in counts]
    Pbar = sum(P)/N; Pe = sum(x*x for x in p)
    return float((Pbar-Pe)/(1-Pe)), float(Pbar)

def percent(rows, cats):
    s = F(0); u = 0
    for cnt in counts_per_unit(rows, cats):
        m = sum(cnt)
        if m < 2: continue
        s += F(sum(x*(x-1) for x in cnt), m*(m-1)); u += 1
    return float(s/u)

def ac1(rows, cats):
    q = len(cats)
    cnts = [c for c in counts_per_unit(rows, cats) if sum(c) >= 1]
    pa = percent(rows, cats)
    n = len(cnts)
    pi = [sum(F(c[k], sum(c)) for c in cnts)/n for k in range(q)]
    pe = sum(x*(1-x) for x in pi)/(q-1)
    return (pa - float(pe)) / (1 - float(pe))

def cols_to_rows(*cols):
    return [list(r) for r in zip(*cols)]

X = None
print("== Krippendorff 2011 / 4 coders x 12 units (also Gwet Handbook raw_4raters)")
A = [1,2,3,3,2,1,4,1,2,X,X,X]; B=[1,2,3,3,2,2,4,1,2,5,X,3]; C=[X,3,3,3,2,3,4,2,2,5,1,X]; D=[1,2,3,3,2,4,4,1,2,5,1,X]
k12 = cols_to_rows(A,B,C,D); cats5=[1,2,3,4,5]
for m in ['nominal','ordinal','interval','ratio']: print(m, round(kalpha(k12,cats5,m),4))
print('percent', round(percent(k12,cats5),4), 'ac1', round(ac1(k12,cats5),4))
# irrCAC variant: unit 12 rated by Rater3 instead of Rater2 - identical per-unit counts
print("== Wikipedia 'A computational example' 3 coders x 15 units (fast-krippendorff tests)")
w1=[X,X,X,X,X,3,4,1,2,1,1,3,3,X,3]; w2=[1,X,2,1,3,3,4,3,X,X,X,X,X,X,X]; w3=[X,X,2,1,3,4,4,X,2,1,1,3,3,X,4]
wk = cols_to_rows(w1,w2,w3); cats4=[1,2,3,4]
print('nominal', round(kalpha(wk,cats4,'nominal'),6), 'interval', round(kalpha(wk,cats4,'interval'),6))
print("== Krippendorff 2004 s11.3.1 binary (Jon/Han) and 2011 section A (Meg/Owen)")
jon=[1,1,0,0,0,0,0,0,0,0]; han=[0,1,1,0,0,1,0,1,0,0]
print('jon/han', round(kalpha(cols_to_rows(jon,han),[0,1],'nominal'),4))
meg=[0,1,0,0,0,0,0,0,1,0]; owen=[1,1,1,0,0,1,0,0,0,0]
print('meg/owen', round(kalpha(cols_to_rows(meg,owen),[0,1],'nominal'),4))
print("== irrCAC raw_ben_gerry (Krippendorff 2011 section B data, Gerry's unit 10 missing)")
ben="a a b b d c c c e d d a".split(); gerry="b a b b b c c c e d d d".split()
catsA="a b c d e".split()
gerry2=list(gerry); gerry2[9]=None
bg=cols_to_rows(ben,gerry2)
print('irrCAC ben_gerry alpha', round(kalpha(bg,catsA,'nominal'),4), 'percent', round(percent(bg,catsA),4), 'ac1', round(ac1(bg,catsA),4))
print("== Hayes & Krippendorff 2007 Table 1 (40 units x 5 observers)")
hayes_txt = """1,1,2,.,2
1,1,0,1,.
2,3,3,3,.
.,0,0,.,0
0,0,0,.,0
0,0,0,.,0
1,0,2,.,1
1,.,2,0,.
2,2,2,.,2
2,1,1,1,.
.,1,0,0,.
0,0,0,0,.
1,2,2,2,.
3,3,2,2,3
1,1,1,.,1
1,1,1,.,1
2,1,2,.,2
1,2,3,3,.
1,1,0,1,.
0,0,0,.,0
0,0,1,1,.
0,0,.,0,0
2,3,3,3,.
0,0,0,0,.
1,2,.,2,2
0,1,1,1,.
0,0,0,1,0
1,2,1,2,.
1,1,2,2,.
1,1,2,.,2
1,1,0,.,0
2,1,2,1,.
2,2,.,2,2
3,2,2,2,.
2,2,2,.,2
2,2,3,.,2
2,2,2,.,2
2,2,.,1,2
2,2,2,2,.
1,1,1,.,1"""
hayes=[[None if v=='.' else int(v) for v in line.split(',')] for line in hayes_txt.splitlines()]
cats03=[0,1,2,3]
for m in ['nominal','ordinal','interval']: print(m, round(kalpha(hayes,cats03,m),4))
print("== irrCAC raw_5observers (Gwet Handbook)")
o1=[1,1,2,X,0,0,1,1,2,2,X,0,1,3,1]; o2=[1,1,3,0,0,0,0,X,2,1,1,0,2,3,1]; o3=[2,0,3,0,0,0,2,2,2,1,0,0,2,2,1]
o4=[X,1,3,X,X,X,X,0,X,1,0,0,2,2,X]; o5=[2,X,X,0,0,0,1,X,2,X,X,X,X,3,1]
f5=cols_to_rows(o1,o2,o3,o4,o5)
print('alpha', round(kalpha(f5,cats03,'nominal'),4), 'percent', round(percent(f5,cats03),4), 'ac1', round(ac1(f5,cats03),4))
print("== irrCAC raw_gender (complete 4 x 15)")
g=[s.split() for s in ["a a a a a b b b c a a a a a b","a a a a b a b c c a a a a b a","a b b c a a b b c a b b c a a","c c c c a a b b c c c c c a a"]]
gr=cols_to_rows(*g); cats3="a b c".split()
print('alpha', round(kalpha(gr,cats3,'nominal'),4), 'percent', round(percent(gr,cats3),4), 'ac1', round(ac1(gr,cats3),4), 'fleiss', [round(x,4) for x in fleiss(counts_per_unit(gr,cats3))])
print("== irrCAC raw_g1g2")
r1="a b c c b a d a b - - - b b".split(); r2="a b c c b b d a b e - - b a".split(); r3="- c c c b c d b b e a c c c".split(); r4="a b c c b d d a b e a - b b".split()
fix=lambda l:[None if x=='-' else x for x in l]
g12=cols_to_rows(fix(r1),fix(r2),fix(r3),fix(r4))
print('alpha', round(kalpha(g12,catsA,'nominal'),4), 'percent', round(percent(g12,catsA),4), 'ac1', round(ac1(g12,catsA),4))
print("== Fleiss: Wikipedia 10 x 14")
wiki=[[0,0,0,0,14],[0,2,6,4,2],[0,0,3,5,6],[0,3,9,2,0],[2,2,8,1,1],[7,7,0,0,0],[3,2,6,3,0],[2,5,3,2,2],[6,5,2,1,0],[0,2,2,3,7]]
print('fleiss, Pbar', [round(x,4) for x in fleiss(wiki)])
print("== Fleiss 1971 diagnoses (statsmodels / R irr)")
diag=[[4,4,4,4,4,4],[2,2,2,5,5,5],[2,3,3,3,3,5],[5,5,5,5,5,5],[2,2,2,4,4,4],[1,1,3,3,3,3],[3,3,3,3,5,5],[1,1,3,3,3,4],[1,1,4,4,4,4],[5,5,5,5,5,5],[1,4,4,4,4,4],[1,2,4,4,4,4],[2,2,2,3,3,3],[1,4,4,4,4,4],[2,2,4,4,4,5],[3,3,3,3,3,5],[1,1,1,4,5,5],[1,1,1,1,1,2],[2,2,4,4,4,4],[1,3,3,5,5,5],[5,5,5,5,5,5],[2,4,4,4,4,4],[2,2,4,5,5,5],[1,1,4,4,4,4],[1,4,4,4,4,5],[2,2,2,2,2,4],[1,1,1,1,5,5],[2,2,4,4,4,4],[1,3,3,3,3,3],[5,5,5,5,5,5]]
print('fleiss', [round(x,7) for x in fleiss(counts_per_unit(diag,cats5))])
print("== Cohen")
print('wiki 50 proposals', cohen([[20,5],[10,15]]))
print('A&P table1', round(cohen([[20,20],[10,50]]),4))
t=table_from_pairs([0]*46+[1]*44+[2]*10,[0]*52+[1]*32+[2]*16,[0,1,2]); print('A&P table4', t, round(cohen(t),4))
t=table_from_pairs([0]*46+[1]*44+[2]*10,[0]*50+[1]*40+[2]*10,[0,1,2]); print('sk weights', t, [round(cohen(t,w),4) for w in (None,'linear','quadratic')])
t10=[[0,4,1],[0,8,0],[0,1,5]]; print('SAS table10', [round(cohen(t10,w),4) for w in (None,'linear','quadratic')])
abst=[[13,0,0],[0,20,7],[0,4,56]]; print('abstractors', [round(cohen(abst,w),4) for w in (None,'linear','quadratic')])
diag4=[[40,4,4,17],[6,25,2,13],[4,1,21,12],[15,5,9,45]]; print('diagnosis4x4', [round(cohen(diag4,w),4) for w in (None,'linear','quadratic')])
anx=[3,3,3,4,5,5,2,3,5,2,2,6,1,5,2,2,1,2,4,3,3,6,4,6,2,4,2,4,3,3,2,3,3,3,2,2,1,3,3,4,2,1,4,4,3,2,1,6,1,1,1,2,3,3,1,1,3,3,2,2]
# reshape(20,3, order='F'): column j = anx[20j:20j+20]
a1,a2,a3 = anx[0:20], anx[20:40], anx[40:60]
levels=sorted(set(a2)|set(a3)); print('anxiety r2/r3 levels', levels)
ta=table_from_pairs(a2,a3,levels); print('anxiety', [round(cohen(ta,w),7) for w in (None,'linear','quadratic')])
def ac1_table(t):
    k=len(t); n=sum(map(sum,t)); pa=sum(t[i][i] for i in range(k))/n
    pi=[(sum(t[i])+sum(t[j][i] for j in range(k)))/(2*n) for i in range(k)]
    pe=sum(x*(1-x) for x in pi)/(k-1); return (pa-pe)/(1-pe)
print('ac1 abstractors', round(ac1_table(abst),4), 'ac1 diag4', round(ac1_table(diag4),4))
