package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/**
 * Which terms of VBPR's score a model has. BPR-MF, the collaborative part alone, is
 * {@link dev.sparsetrain.models.bpr.BprModel} ({@code train --model bpr}), not a variant here.
 */
public enum Variant {
    /** {@code beta_i + gamma_u . gamma_i + theta_u . (E f_i) + beta' . f_i} (He and McAuley 2016). */
    VBPR("vbpr"),
    /** {@code theta_u . (E f_i) + beta' . f_i}: the visual part alone (no per-item parameters, so it scores unseen items). */
    VISUAL("visual");

    private final String cliName;

    Variant(String n) { cliName = n; }

    public String cliName() { return cliName; }
    public boolean collaborative() { return this == VBPR; }

    /** Whether {@code s} names BPR-MF ("bpr", "bpr-mf", "bprmf"), which is its own model, not a VBPR variant. */
    public static boolean namesBprMf(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT);
        return k.equals("bpr") || k.equals("bpr-mf") || k.equals("bprmf");
    }

    public static Variant parse(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT);
        for (Variant v : values()) if (v.cliName.equals(k)) return v;
        if (k.equals("visual-only")) return VISUAL;
        if (namesBprMf(s)) {
            throw new BadInputException(Settings.name("model") + " '" + s + "': BPR-MF is its own model (BprModel); VBPR takes vbpr or visual");
        }
        throw new BadInputException(Settings.name("model") + " '" + s + "': allowed vbpr, visual");
    }

    @Override
    public String toString() { return cliName; }
}
