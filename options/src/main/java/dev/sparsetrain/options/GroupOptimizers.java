package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of per-group optimizer values, {@code GROUP=SPEC} or {@code GROUP=SPEC[:L2]}
 * ({@code embeddings=adam:0.01,beta2=0.99}, {@code all=sgd:0.05:0.001}), for every model with
 * parameter groups: VBPR ({@link VbprModelOptions}, on the command line and on Spark) and the
 * click models ({@link ClickTrainOptions}). SPEC is {@link OptimizerSpec}'s text, the L2 (where the
 * model has one) read as {@link GroupSpec#parse} reads it, so a value means the same wherever it
 * is typed. One set of checks, each refusal one line that starts with the option and the value:
 * a value without {@code GROUP=}, an unknown group (the allowed ones listed), a bad SPEC or a
 * learning rate that is not &gt; 0 (with the group), a group named twice.
 *
 * <p>{@code all} sets every group not named on its own, wherever it stands among the values, so
 * {@code all=rmsprop:0.003 visual_projection=adam:0.001} and the reverse mean the same. A config
 * file's list arrives split at every comma: a piece whose key is no group ({@code beta2=0.99}) is
 * joined back to the value before it.
 *
 * @param option   the option's name, first in every message ({@code --optimizer})
 * @param groups   the model's groups, in the order of the result
 * @param withL2   whether a value may end in {@code :L2}
 * @param example  two example values, for the message of a value without {@code GROUP=}
 * @param bareHint appended to that message when the value has no ':' either (a bare name), or ""
 */
public record GroupOptimizers(String option, List<String> groups, boolean withL2, String example, String bareHint) {
    /** The optimizer names, straight from the optimizer runtime (an option's completion candidates, for its help text). */
    public static final class Names implements Iterable<String> {
        @Override public Iterator<String> iterator() { return OptimizerSpec.Kind.names().iterator(); }
    }

    /**
     * One group's optimizer as given.
     *
     * @param spec  the update rule and its hyperparameters, learning rate &gt; 0
     * @param l2    the coupled L2 after a second ':' ({@code SPEC:L2}); 0 when not given
     * @param where the option and the value that set it, for messages ({@code --optimizer 'all=sgd:0.1'})
     */
    public record Choice(OptimizerSpec spec, double l2, String where) {}

    public GroupOptimizers {
        groups = List.copyOf(groups);
    }

    /** Each group the values set, in the order of the groups, to its choice; groups not set are absent. */
    public Map<String, Choice> parse(List<String> values) {
        Map<String, Choice> named = new LinkedHashMap<>();
        Choice all = null;
        for (String v : joinSplitSpecs(values)) {
            String where = option + " '" + v + "'";
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(where + ": expected " + (withL2 ? "GROUP=SPEC[:L2]" : "GROUP=SPEC") + ", one group each (repeatable), e.g. " + example + "; groups: "
                        + allowed() + (eq < 0 && v.indexOf(':') < 0 ? bareHint : ""));
            }
            String group = v.substring(0, eq).strip();
            boolean isAll = group.equals("all");
            if (!isAll && !groups.contains(group)) throw new BadInputException(where + ": unknown group '" + group + "', groups: " + allowed());
            Choice c = choice(where, group, v.substring(eq + 1));
            Choice before = isAll ? all : named.get(group);
            if (before != null) throw new BadInputException(where + " and " + before.where() + " both set group '" + group + "'; drop one");
            if (isAll) all = c;
            else named.put(group, c);
        }
        Map<String, Choice> out = new LinkedHashMap<>();
        for (String g : groups) {
            Choice c = named.getOrDefault(g, all);
            if (c != null) out.put(g, c);
        }
        return out;
    }

    /** The SPEC (and L2) of one value, read and checked by {@link GroupSpec} (learning rate &gt; 0), or one line naming the value and the group. */
    private Choice choice(String where, String group, String text) {
        try {
            GroupSpec g = withL2 ? GroupSpec.parse(text) : new GroupSpec(OptimizerSpec.parse(text), 0, null);
            return new Choice(g.optimizer(), g.l2(), where);
        } catch (BadInputException e) {
            throw new BadInputException(where + ": group '" + group + "': " + e.getMessage());
        }
    }

    private String allowed() { return String.join(", ", groups) + ", all"; }

    /** The values with the pieces of a SPEC that a config file's comma split cut off joined back to the value before them. */
    private List<String> joinSplitSpecs(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            String key = eq < 0 ? v : v.substring(0, eq).strip();
            boolean group = key.equals("all") || groups.contains(key);
            if (!group && !out.isEmpty() && eq > 0) out.set(out.size() - 1, out.getLast() + "," + v);
            else out.add(v);
        }
        return out;
    }
}
