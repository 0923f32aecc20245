package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which column of a delimited file is the label, which are dense (numeric) features, which are
 * sparse (categorical) ids, which are multi-valued sparse ids, and which are ignored.
 *
 * <p>Built from a compact role list, one role per column, with {@code *n} for repeats:
 * {@code label}, {@code dense}, {@code sparse}, {@code multi} (several ids in one field, split at
 * {@link #multiSeparator()}), {@code skip}. Criteo is {@code label,dense*13,sparse*26} (tab, no
 * header); Avazu is {@code skip,label,skip,sparse*21} (comma, header: {@code id, click, hour, ...};
 * {@code hour} is constant in the head sample and skipped). Column names come from the header when
 * there is one, else {@code I1..} for dense and {@code C1..} for sparse, as in Criteo's README.
 *
 * <p>An empty sparse field is read as its own id (the token {@code ""}): in Criteo, missingness is
 * informative. An empty multi-valued field has no ids. An empty dense field is missing (NaN, later
 * encoded as 0).
 *
 * @param roles one role per column
 * @param delimiter field delimiter
 * @param header whether the first line is a header
 * @param multiSeparator separator inside multi-valued fields
 * @param names column names (one per column)
 */
public record CtrSchema(Role[] roles, char delimiter, boolean header, char multiSeparator, String[] names) {

    /** The role of one column. */
    public enum Role { LABEL, DENSE, SPARSE, MULTI, SKIP }

    public CtrSchema {
        if (roles.length == 0) throw new BadInputException("schema: no columns, expected e.g. label,dense*13,sparse*26");
        int labels = 0;
        for (Role r : roles) if (r == Role.LABEL) labels++;
        if (labels != 1) throw new BadInputException("schema: " + labels + " label columns, exactly 1 required");
        if (names.length != roles.length) {
            throw new BadInputException("schema: " + names.length + " names for " + roles.length + " columns");
        }
        roles = roles.clone();
        names = names.clone();
    }

    /** Criteo Display Advertising Challenge: label, I1..I13, C1..C26, tab-separated, no header. */
    public static CtrSchema criteo() {
        return parse("label,dense*13,sparse*26", '\t', false, '|');
    }

    /** Avazu CTR: id, click, hour, then 21 categorical columns; comma-separated with a header. */
    public static CtrSchema avazu() {
        return parse("skip,label,skip,sparse*21", ',', true, '|');
    }

    /**
     * Parses a role list such as {@code label,dense*13,sparse*26}.
     *
     * @throws BadInputException naming the bad role and the allowed ones
     */
    public static CtrSchema parse(String spec, char delimiter, boolean header, char multiSeparator) {
        List<Role> roles = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int n = 1;
            int star = p.indexOf('*');
            if (star >= 0) {
                try {
                    n = Integer.parseInt(p.substring(star + 1).trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n <= 0) throw new BadInputException("schema: repeat '" + p + "', expected role*N with N >= 1");
                p = p.substring(0, star).trim();
            }
            Role r = switch (p.toLowerCase(java.util.Locale.ROOT)) {
                case "label" -> Role.LABEL;
                case "dense" -> Role.DENSE;
                case "sparse" -> Role.SPARSE;
                case "multi" -> Role.MULTI;
                case "skip" -> Role.SKIP;
                default -> throw new BadInputException("schema: role '" + p + "', allowed: label, dense, sparse, multi, skip");
            };
            for (int i = 0; i < n; i++) roles.add(r);
        }
        Role[] rs = roles.toArray(new Role[0]);
        return new CtrSchema(rs, delimiter, header, multiSeparator, defaultNames(rs));
    }

    static String[] defaultNames(Role[] roles) {
        String[] names = new String[roles.length];
        int d = 0, s = 0;
        for (int i = 0; i < roles.length; i++) {
            names[i] = switch (roles[i]) {
                case LABEL -> "label";
                case DENSE -> "I" + (++d);
                case SPARSE, MULTI -> "C" + (++s);
                case SKIP -> "skip" + i;
            };
        }
        return names;
    }

    /** The same schema with column names taken from a header line. */
    public CtrSchema withNames(String[] headerNames) {
        if (headerNames.length != roles.length) return this;
        return new CtrSchema(roles, delimiter, header, multiSeparator, headerNames);
    }

    public int columns() { return roles.length; }

    /** The compact role list that {@link #parse} reads back, e.g. {@code label,dense*13,sparse*26}. */
    public String spec() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < roles.length; ) {
            int j = i;
            while (j < roles.length && roles[j] == roles[i]) j++;
            if (sb.length() > 0) sb.append(',');
            sb.append(roles[i].name().toLowerCase(java.util.Locale.ROOT));
            if (j - i > 1) sb.append('*').append(j - i);
            i = j;
        }
        return sb.toString();
    }

    public int labelColumn() {
        for (int i = 0; i < roles.length; i++) if (roles[i] == Role.LABEL) return i;
        throw new AssertionError();
    }

    public int[] denseColumns() { return columnsOf(Role.DENSE, Role.DENSE); }

    /** Sparse and multi-valued columns, in file order. */
    public int[] sparseColumns() { return columnsOf(Role.SPARSE, Role.MULTI); }

    public String[] denseNames() { return namesOf(denseColumns()); }

    public String[] sparseNames() { return namesOf(sparseColumns()); }

    private int[] columnsOf(Role a, Role b) {
        int[] out = new int[roles.length];
        int n = 0;
        for (int i = 0; i < roles.length; i++) if (roles[i] == a || roles[i] == b) out[n++] = i;
        return Arrays.copyOf(out, n);
    }

    private String[] namesOf(int[] cols) {
        String[] out = new String[cols.length];
        for (int i = 0; i < cols.length; i++) out[i] = names[cols[i]];
        return out;
    }

    /** "label, 13 dense, 26 sparse" for error messages. */
    public String describe() {
        int d = denseColumns().length, s = sparseColumns().length;
        return roles.length + " fields (label, " + d + " dense, " + s + " sparse, " + (roles.length - 1 - d - s) + " skipped)";
    }
}
