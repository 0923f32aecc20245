package dev.sparsetrain.optim;

import dev.sparsetrain.testkit.reference.ReferenceOptimizer;
import java.util.List;
import java.util.function.Consumer;

/**
 * The optimizers and transforms under test, each as an engine chain and the matching reference
 * configuration (built independently from PyTorch's names).
 */
final class OptimizerCatalogue {
    private OptimizerCatalogue() {}

    record Entry(String name, Chain chain, Consumer<ReferenceOptimizer.Config> ref, boolean biasCorrected) {
        ReferenceOptimizer.Config config() {
            ReferenceOptimizer.Config c = new ReferenceOptimizer.Config();
            ref.accept(c);
            return c;
        }

        @Override public String toString() { return name; }
    }

    static final List<Entry> OPTIMIZERS = List.of(
            new Entry("sgd", Optimizers.sgd(0.1), c -> c.kind("sgd").lr(0.1), false),
            new Entry("momentum+dampening", Optimizers.momentum(0.05, 0.9, 0.1), c -> {
                c.kind("sgd").lr(0.05); c.momentum = 0.9; c.dampening = 0.1; }, false),
            new Entry("nesterov+l2", Optimizers.nesterov(0.05, 0.8).withWeightDecay(0.01), c -> {
                c.kind("sgd").lr(0.05); c.momentum = 0.8; c.nesterov = true; c.weightDecay = 0.01; }, false),
            new Entry("adagrad(lr_decay,init)", Optimizers.adagrad(0.1, 0.01, 0.1, 1e-10), c -> {
                c.kind("adagrad").lr(0.1); c.lrDecay = 0.01; c.initialAccumulatorValue = 0.1; }, false),
            new Entry("rowwise_adagrad", Optimizers.rowwiseAdagrad(0.1, 0.01, 1e-8), c -> {
                c.kind("rowwise_adagrad").lr(0.1); c.initialAccumulatorValue = 0.01; }, false),
            new Entry("rmsprop", Optimizers.rmsprop(0.01), c -> c.kind("rmsprop").lr(0.01), false),
            new Entry("rmsprop(centered,momentum)", Optimizers.rmsprop(0.01, 0.9, 1e-8, 0.5, true), c -> {
                c.kind("rmsprop").lr(0.01); c.alpha = 0.9; c.momentum = 0.5; c.centered = true; }, false),
            new Entry("adadelta", Optimizers.adadelta(1.0, 0.9, 1e-6), c -> c.kind("adadelta").lr(1.0), false),
            new Entry("adam", Optimizers.adam(0.01), c -> c.kind("adam").lr(0.01), true),
            new Entry("amsgrad+l2", Optimizers.amsgrad(0.01).withWeightDecay(0.01), c -> {
                c.kind("adam").lr(0.01); c.amsgrad = true; c.weightDecay = 0.01; }, true),
            new Entry("adamw", Optimizers.adamw(0.01, 0.1), c -> {
                c.kind("adam").lr(0.01); c.decoupledWeightDecay = 0.1; }, true),
            new Entry("sparse_adam", Optimizers.sparseAdam(0.05), c -> {
                c.kind("adam").lr(0.05); c.sparseEps = true; }, true),
            new Entry("adamax", Optimizers.adamax(0.01), c -> c.kind("adamax").lr(0.01), true),
            new Entry("nadam", Optimizers.nadam(0.01), c -> c.kind("nadam").lr(0.01), true),
            new Entry("ftrl", Optimizers.ftrl(0.1, 1.0, 0.01, 0.01), c -> {
                c.kind("ftrl").lr(0.1); c.ftrlBeta = 1.0; c.l1 = 0.01; c.l2 = 0.01; }, false),
            new Entry("radam", Optimizers.radam(0.01), c -> c.kind("radam").lr(0.01), true),
            new Entry("radam(beta2=0.9,decoupled)", OptimizerSpec.parse("radam:0.02,beta2=0.9,weight_decay=0.1,decoupled_weight_decay=true").toChain(),
                    c -> { c.kind("radam").lr(0.02); c.beta2 = 0.9; c.decoupledWeightDecay = 0.1; }, true),
            new Entry("rprop", Optimizers.rprop(0.05, 0.4, 1.3, 1e-3, 0.5), c -> {
                c.kind("rprop").lr(0.05); c.etaMinus = 0.4; c.etaPlus = 1.3; c.stepSizeMin = 1e-3; c.stepSizeMax = 0.5; }, false),
            new Entry("asgd+l2", Optimizers.asgd(0.1, 0.05, 0.75, 2).withWeightDecay(0.01), c -> {
                c.kind("asgd").lr(0.1); c.lambd = 0.05; c.t0 = 2; c.weightDecay = 0.01; }, false),
            new Entry("adafactor(wd)", Optimizers.adafactor(0.05, -0.8, dev.sparsetrain.optim.transform.Adafactor.FLOAT_EPS, 1e-3, 1.0, 0.1), c -> {
                c.kind("adafactor").lr(0.05); c.innerWeightDecay = 0.1; }, true),
            new Entry("eve", Optimizers.eve(0.01), c -> c.kind("eve").lr(0.01), true),
            new Entry("lamb(wd)", Optimizers.lamb(0.02, 0.9, 0.999, 1e-8, 0.01), c -> {
                c.kind("lamb").lr(0.02); c.innerWeightDecay = 0.01; }, true),
            new Entry("lars_sgd(wd)", Optimizers.larsSgd(0.5, 0.01, 0.9, 0.01), c -> {
                c.kind("lars_sgd").lr(0.5); c.eta = 0.01; c.momentum = 0.9; c.innerWeightDecay = 0.01; }, false),
            new Entry("partial_rowwise_adam+decoupled", Optimizers.partialRowwiseAdam(0.02).withDecoupledWeightDecay(0.1), c -> {
                c.kind("partial_rowwise_adam").lr(0.02); c.decoupledWeightDecay = 0.1; }, true));

    /** Whether {@code sem} is allowed for the entry's optimizer (Eve refuses CATCH_UP). */
    static boolean allows(Entry e, SparseSemantics sem) {
        if (sem == SparseSemantics.LAZY_ROWWISE_BIAS && !e.biasCorrected()) return false;
        return !(sem == SparseSemantics.CATCH_UP && e.chain().optimizer() instanceof dev.sparsetrain.optim.transform.Eve);
    }

    /** Transforms, each on a base optimizer. */
    static final List<Entry> TRANSFORMS = List.of(
            new Entry("adam+clipByValue", Optimizers.adam(0.01).withClipByValue(0.5), c -> {
                c.kind("adam").lr(0.01); c.clipValue = 0.5; }, true),
            new Entry("sgd+clipByRowNorm", Optimizers.sgd(0.1).withClipByRowNorm(0.7), c -> {
                c.kind("sgd").lr(0.1); c.clipRowNorm = 0.7; }, false),
            new Entry("adagrad+clipByGlobalNorm", Optimizers.adagrad(0.1).withClipByGlobalNorm(1.0), c -> {
                c.kind("adagrad").lr(0.1); c.clipGlobalNorm = 1.0; }, false),
            new Entry("momentum+maxNorm", Optimizers.momentum(0.1, 0.9).withMaxNorm(1.0), c -> {
                c.kind("sgd").lr(0.1); c.momentum = 0.9; c.maxNorm = 1.0; }, false),
            new Entry("rowwise+constantNorm", Optimizers.rowwiseAdagrad(0.1).withConstantNorm(1.0), c -> {
                c.kind("rowwise_adagrad").lr(0.1); c.constantNorm = 1.0; }, false),
            new Entry("sgd+decoupledDecay", Optimizers.sgd(0.1).withDecoupledWeightDecay(0.2), c -> {
                c.kind("sgd").lr(0.1); c.decoupledWeightDecay = 0.2; }, false),
            new Entry("heavyball+dampening+l2+decoupled", Optimizers.momentum(0.05, 0.9, 0.1).withWeightDecay(0.01).withDecoupledWeightDecay(0.05), c -> {
                c.kind("sgd").lr(0.05); c.momentum = 0.9; c.dampening = 0.1; c.weightDecay = 0.01; c.decoupledWeightDecay = 0.05; }, false),
            new Entry("rmsprop+l2", Optimizers.rmsprop(0.01).withWeightDecay(0.05), c -> {
                c.kind("rmsprop").lr(0.01); c.weightDecay = 0.05; }, false),
            new Entry("adam+warmup+cosine", Optimizers.adam(0.01).withSchedule(Schedule.warmup(2, 0.1, Schedule.cosineWarmRestarts(3, 2, 0.1))), c -> {
                c.kind("adam").lr(0.01);
                c.lrFactor = t -> {
                    if (t <= 2) return 0.1 + 0.9 * (t - 1) / 2.0;
                    long k = t - 2 - 1; double ti = 3;
                    while (k >= ti) { k -= (long) ti; ti *= 2; }
                    return 0.1 + 0.9 * (1 + Math.cos(Math.PI * k / ti)) / 2;
                };
            }, true),
            new Entry("sgd+step", Optimizers.sgd(0.1).withSchedule(Schedule.step(2, 0.5)), c -> {
                c.kind("sgd").lr(0.1); c.lrFactor = t -> Math.pow(0.5, (t - 1) / 2); }, false),
            new Entry("momentum+exponential", Optimizers.momentum(0.1, 0.9).withSchedule(Schedule.exponential(0.9)), c -> {
                c.kind("sgd").lr(0.1); c.momentum = 0.9; c.lrFactor = t -> Math.pow(0.9, t - 1); }, false));

    static List<Entry> all() {
        List<Entry> l = new java.util.ArrayList<>(OPTIMIZERS);
        l.addAll(TRANSFORMS);
        return l;
    }
}
