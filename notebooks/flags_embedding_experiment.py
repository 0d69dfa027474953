"""Experiment: does the sentence encoder's embedding of the demand help the flag classifier?
Out-of-fold flag micro P/R/F1 on train+dev (5 folds by vacancy, threshold 0.4) without the embedding, with all
384 dimensions and with the first 64, scaled x20 (e5 vectors are unit-length, so raw values barely move a
logistic regression). Run: python notebooks/flags_embedding_experiment.py
Result 2026-11-28 (C=1): none 0.881 F1; 384 dims 0.809; 64 dims 0.861 (0.873 at C=0.3). The encoder costs ~60 ms per vacancy
on this machine (5 candidate sentences), twelve times the 5 ms budget: the shipped model does not use it."""
import hashlib, numpy as np
from vacscreen.flags.data import analyse, load_split, labels
from vacscreen.flags.features import features
from vacscreen.flags.flagger import Flagger
from vacscreen.flags.classifier import FlagClassifier
from vacscreen.flags.evaluate import score
from vacscreen.occupations.link import default_linker
enc=default_linker().encoder
an=analyse(load_split('train')+load_split('dev'))
rules=Flagger(None)
data=[]
for a in an:
    norm,c=rules.candidates(a.requirements,a.occupation,a.vacancy)
    E=enc.encode([x.text for x in c]) if c else []
    data.append((a,norm,c,E,labels(c,a.record['text'],a.record.get('flags',[]))))
order=sorted(range(len(data)),key=lambda i:hashlib.sha1(data[i][0].record['id'].encode()).hexdigest())
parts=[order[i::5] for i in range(5)]
for use,dims in [(False,0),(True,384),(True,64)]:
  for C in [0.3,1.0]:
    pairs=[]
    for k,held in enumerate(parts):
        X=[];y=[]
        for j,p in enumerate(parts):
            if j==k: continue
            for i in p:
                a,norm,c,E,l=data[i]
                X+=[features(x,norm,a.requirements,c)|({f"e{j}":20*float(v) for j,v in enumerate(E[n][:dims])} if use else {}) for n,x in enumerate(c)]; y+=l
        m=FlagClassifier(C=C).fit(X,y)
        for i in held:
            a,norm,c,E,l=data[i]
            if c:
                P=m.predict_proba([features(x,norm,a.requirements,c)|({f"e{j}":20*float(v) for j,v in enumerate(E[n][:dims])} if use else {}) for n,x in enumerate(c)])[:,1]
                for x,p in zip(c,P): x.score=float(p)
            f=Flagger(None,threshold=0.4)
            # reuse flag selection with precomputed scores
            best={}
            for x in c:
                if x.score>=0.4 and (x.kind not in best or x.score>best[x.kind].score): best[x.kind]=x
            ov=f._overload(best,norm,a.vacancy)
            kinds=list(best)+(['requirement_overload'] if ov else [])
            pairs.append((a.record,[{'kind':kk,'severity':'mild','start':best[kk].start if kk in best else 0,'end':best[kk].end if kk in best else 0} for kk in kinds]))
    s=score(pairs)['micro']; print(use,dims,C,{k:round(v,3) for k,v in s.items()})
