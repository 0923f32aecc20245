# float64 transcription of PyTorch 1.13 torch/optim/*.py (single-tensor paths) plus row-wise AdaGrad and FTRL as
# ../shared/golden/README.md defines them; reproduces every shipped golden case to 1e-15. Used by make_cases.py.
import json, math, random, sys, copy
# float64 references transcribed from PyTorch 1.13 torch/optim/*.py (single-tensor paths)
def zeros(r,d): return [[0.0]*d for _ in range(r)]
def dense_grad(case,k):
    R,D=case['rows'],case['dim']; g=zeros(R,D); st=case['steps'][k]
    for r,gr in zip(st['rows'],st['grad']):
        for c in range(D): g[r][c]+=gr[c]
    return g, sorted(set(st['rows']))
def clip(case,g,touched):
    cl=case.get('clip')
    if not cl: return g
    if cl['type']=='value':
        v=cl['max_value']; return [[max(-v,min(v,x)) for x in row] for row in g]
    n=math.sqrt(sum(x*x for r in touched for x in g[r])) if case.get('sparse') else math.sqrt(sum(x*x for row in g for x in row))
    f=cl['max_norm']/(n+1e-6)
    if f<1: g=[[x*f for x in row] for row in g]
    return g
def run(case):
    h=dict(case.get('hyper',{}))
    if 'betas' in h: h['beta1'],h['beta2']=h.pop('betas')
    opt=case['optimizer']; sparse=case.get('sparse',False)
    R,D=case['rows'],case['dim']; w=copy.deepcopy(case['init']); out=[]
    S={}  # state
    step=0
    for k in range(len(case['steps'])):
        g,touched=dense_grad(case,k); g=clip(case,g,touched); step+=1
        rows = touched if sparse and not (opt=='sgd' and h.get('momentum',0)) else range(R)
        if opt=='sgd':
            lr=h['lr'];mom=h.get('momentum',0);damp=h.get('dampening',0);nes=h.get('nesterov',False);wd=h.get('weight_decay',0)
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]
                    if mom:
                        key=(r,c)
                        if key not in S: S[key]=d
                        else: S[key]=mom*S[key]+(1-damp)*d
                        d = d+mom*S[key] if nes else S[key]
                    w[r][c]-=lr*d
        elif opt=='adagrad':
            lr=h.get('lr',1e-2);ld=h.get('lr_decay',0);wd=h.get('weight_decay',0);iav=h.get('initial_accumulator_value',0);eps=h.get('eps',1e-10)
            clr=lr/(1+(step-1)*ld)
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]
                    S[(r,c)]=S.get((r,c),iav)+d*d
                    w[r][c]-=clr*d/(math.sqrt(S[(r,c)])+eps)
        elif opt=='rmsprop':
            lr=h.get('lr',1e-2);al=h.get('alpha',0.99);eps=h.get('eps',1e-8);wd=h.get('weight_decay',0);mom=h.get('momentum',0);cen=h.get('centered',False)
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]; st=S.setdefault((r,c),{'sq':0.0,'ga':0.0,'b':0.0})
                    st['sq']=al*st['sq']+(1-al)*d*d
                    if cen:
                        st['ga']=al*st['ga']+(1-al)*d; avg=math.sqrt(st['sq']-st['ga']**2)
                    else: avg=math.sqrt(st['sq'])
                    avg+=eps
                    if mom>0:
                        st['b']=mom*st['b']+d/avg; w[r][c]-=lr*st['b']
                    else: w[r][c]-=lr*d/avg
        elif opt in ('adam','adamw'):
            lr=h.get('lr',1e-3);b1=h.get('beta1',0.9);b2=h.get('beta2',0.999);eps=h.get('eps',1e-8);wd=h.get('weight_decay',0 if opt=='adam' else 1e-2);ams=h.get('amsgrad',False)
            bc1=1-b1**step;bc2=1-b2**step
            for r in rows:
                for c in range(D):
                    d=g[r][c]
                    if opt=='adamw': w[r][c]*=1-lr*wd
                    elif wd: d+=wd*w[r][c]
                    st=S.setdefault((r,c),{'m':0.0,'v':0.0,'mx':0.0})
                    st['m']=b1*st['m']+(1-b1)*d; st['v']=b2*st['v']+(1-b2)*d*d
                    if ams: st['mx']=max(st['mx'],st['v']); den=math.sqrt(st['mx'])/math.sqrt(bc2)+eps
                    else: den=math.sqrt(st['v'])/math.sqrt(bc2)+eps
                    w[r][c]-=lr/bc1*st['m']/den
        elif opt=='sparse_adam':
            lr=h.get('lr',1e-3);b1=h.get('beta1',0.9);b2=h.get('beta2',0.999);eps=h.get('eps',1e-8)
            ss=lr*math.sqrt(1-b2**step)/(1-b1**step)
            for r in rows:
                for c in range(D):
                    d=g[r][c]; st=S.setdefault((r,c),{'m':0.0,'v':0.0})
                    st['m']=b1*st['m']+(1-b1)*d; st['v']=b2*st['v']+(1-b2)*d*d
                    w[r][c]-=ss*st['m']/(math.sqrt(st['v'])+eps)
        elif opt=='adamax':
            lr=h.get('lr',2e-3);b1=h.get('beta1',0.9);b2=h.get('beta2',0.999);eps=h.get('eps',1e-8);wd=h.get('weight_decay',0)
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]; st=S.setdefault((r,c),{'m':0.0,'u':0.0})
                    st['m']=b1*st['m']+(1-b1)*d; st['u']=max(b2*st['u'],abs(d)+eps)
                    w[r][c]-=lr/(1-b1**step)*st['m']/st['u']
        elif opt=='nadam':
            lr=h.get('lr',2e-3);b1=h.get('beta1',0.9);b2=h.get('beta2',0.999);eps=h.get('eps',1e-8);wd=h.get('weight_decay',0);md=h.get('momentum_decay',4e-3)
            mu=b1*(1-0.5*0.96**(step*md)); mun=b1*(1-0.5*0.96**((step+1)*md))
            S['mp']=S.get('mp',1.0)*mu; mpn=S['mp']*mu*mun; bc2=1-b2**step; bc2=1-b2**step
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]; st=S.setdefault((r,c),{'m':0.0,'v':0.0})
                    st['m']=b1*st['m']+(1-b1)*d; st['v']=b2*st['v']+(1-b2)*d*d
                    den=math.sqrt(st['v']/bc2)+eps
                    w[r][c]-=lr*(1-mu)/(1-S['mp'])*d/den
                    w[r][c]-=lr*mun/(1-mpn)*st['m']/den
        elif opt=='adadelta':
            lr=h.get('lr',1.0);rho=h.get('rho',0.9);eps=h.get('eps',1e-6);wd=h.get('weight_decay',0)
            for r in rows:
                for c in range(D):
                    d=g[r][c]+wd*w[r][c]; st=S.setdefault((r,c),{'sq':0.0,'ad':0.0})
                    st['sq']=rho*st['sq']+(1-rho)*d*d
                    delta=math.sqrt(st['ad']+eps)/math.sqrt(st['sq']+eps)*d
                    st['ad']=rho*st['ad']+(1-rho)*delta*delta
                    w[r][c]-=lr*delta
        elif opt=='rowwise_adagrad':
            lr=h.get('lr',1e-2);eps=h.get('eps',1e-8);iav=h.get('initial_accumulator_value',0)
            for r in rows:
                S[r]=S.get(r,iav)+sum(x*x for x in g[r])/D
                for c in range(D): w[r][c]-=lr*g[r][c]/(math.sqrt(S[r])+eps)
        elif opt=='ftrl':
            al=h['alpha'];be=h.get('beta',1.0);l1=h.get('l1',0);l2=h.get('l2',0)
            for r in rows:
                for c in range(D):
                    st=S.setdefault((r,c),{'z':0.0,'n':0.0})
                    def wt(): 
                        z,n=st['z'],st['n']
                        return 0.0 if abs(z)<=l1 else -(z-math.copysign(l1,z))/((be+math.sqrt(n))/al+l2)
                    wcur=wt(); gg=g[r][c]
                    sig=(math.sqrt(st['n']+gg*gg)-math.sqrt(st['n']))/al
                    st['z']+=gg-sig*wcur; st['n']+=gg*gg
                    w[r][c]=wt()
        else: raise SystemExit('no ref for '+opt)
        out.append(copy.deepcopy(w))
    return out
if __name__=='__main__':
    case=json.load(open(sys.argv[1])); ref=run(case)
    if 'after_each_step' in case:
        m=max(abs(a-b)/max(1,abs(a)) for A,B in zip(case['after_each_step'],ref) for ra,rb in zip(A,B) for a,b in zip(ra,rb))
        print('ref-vs-golden', sys.argv[1].split('/')[-1], f'{m:.1e}')
