package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/** Which terms of VBPR's score a model has. */
public enum Variant {
    /** {@code beta_i + gamma_u . gamma_i + theta_u . (E f_i) + beta' . f_i} (He and McAuley 2016). */
    VBPR("vbpr"),
    /** {@code theta_u . (E f_i) + beta' . f_i}: the visual part alone (no per-item parameters, so it scores unseen items). */
    VISUAL("visual"),
    /** {@code beta_i + gamma_u . gamma_i}: BPR-MF, the collaborative part alone. */
    BPR_MF("bpr");

    private final String cliName;

    Variant(String n) { cliName = n; }

    public String cliName() { return cliName; }
    public boolean collaborative() { return this != VISUAL; }
    public boolean visual() { return this != BPR_MF; }

    public static Variant parse(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT);
        for (Variant v : values()) if (v.cliName.equals(k)) return v;
        if (k.equals("visual-only") || k.equals("bpr-mf") || k.equals("bprmf")) return k.startsWith("v") ? VISUAL : BPR_MF;
        throw new BadInputException("--model '" + s + "': allowed vbpr, visual, bpr");
    }

    @Override
    public String toString() { return cliName; }
}
