# Regenerates the IndependentReferenceCasesTest cases: python3 make_cases.py (seeded, deterministic).
import json, random, sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import reference as ref
random.seed(11)
OUT=os.path.dirname(os.path.abspath(__file__)) + '/'
def mk(name,opt,hyper,rows=3,dim=2,picks=None,dense=False,catch=False,clip=None):
    init=[[round(random.uniform(-1,1),4) for _ in range(dim)] for _ in range(rows)]
    steps=[]
    for rs in picks:
        rs=list(range(rows)) if dense else rs
        steps.append({'rows':rs,'grad':[[round(random.uniform(-2,2),4) for _ in range(dim)] for _ in rs]})
    c={'name':name,'optimizer':opt,'hyper':hyper,'sparse':not dense,'rows':rows,'dim':dim,'init':init,'steps':steps}
    if clip: c['clip']=clip
    if catch:
        c['semantics']='dense'; cc=dict(c); cc['sparse']=False; c['final']=ref.run(cc)[-1]
    else: c['after_each_step']=ref.run(c)
    json.dump(c,open(OUT+name+'.json','w'))
P3=[[0],[1,0],[2,1,1]]
mk('sgd_sparse_momentum_dampening_first_touch_later','sgd',{'lr':0.1,'momentum':0.9,'dampening':0.3},picks=P3)
mk('sgd_nesterov_weight_decay','sgd',{'lr':0.05,'momentum':0.9,'nesterov':True,'weight_decay':0.1,'dampening':0},picks=P3,dense=True)
mk('rmsprop_centered_momentum_weight_decay','rmsprop',{'lr':0.01,'alpha':0.9,'eps':1e-6,'centered':True,'momentum':0.8,'weight_decay':0.05},picks=P3,dense=True)
mk('adagrad_lr_decay_weight_decay_initial_accumulator','adagrad',{'lr':0.1,'lr_decay':0.05,'weight_decay':0.02,'initial_accumulator_value':0.3,'eps':1e-8},picks=P3,dense=True)
mk('adamw_amsgrad_betas_list','adamw',{'lr':0.02,'betas':[0.8,0.95],'weight_decay':0.1,'amsgrad':True},picks=P3,dense=True)
mk('sparse_adagrad_duplicates_lr_decay','adagrad',{'lr':0.1,'lr_decay':0.1},picks=P3)
mk('sparse_adam_duplicates','sparse_adam',{'lr':0.05},picks=P3)
mk('rowwise_adagrad_duplicates','rowwise_adagrad',{'lr':0.1},picks=P3)
mk('sgd_sparse_duplicates_clip_norm','sgd',{'lr':0.1},picks=P3,clip={'type':'norm','max_norm':0.5})
mk('catchup_adadelta_weight_decay','adadelta',{'lr':1.0,'weight_decay':0.02},picks=[[0],[0],[1],[0],[2]],catch=True)
mk('catchup_nadam_weight_decay','nadam',{'lr':0.01,'weight_decay':0.02},picks=[[0],[0],[1],[0],[2]],catch=True)
mk('catchup_rmsprop_centered_momentum','rmsprop',{'lr':0.01,'centered':True,'momentum':0.8,'weight_decay':0.05},picks=[[0],[0],[1],[0],[2]],catch=True)
mk('catchup_adam_amsgrad','adam',{'lr':0.02,'amsgrad':True,'weight_decay':0.01},picks=[[0],[0],[1],[0],[2]],catch=True)
