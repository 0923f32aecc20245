package dev.sparsetrain.metrics.report;

/**
 * The little JSON the report pages embed in {@code <script type="application/json">}: numbers
 * (non-finite as null, shortest round-trip form) and strings escaped so that no {@code <}, {@code >}
 * or {@code &} appears literally, which keeps a {@code </script>} in a series name from ending
 * the script element.
 */
final class Json {
    private Json() {}

    static String num(double v) {
        if (!Double.isFinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    static String nums(double[] v) {
        StringBuilder b = new StringBuilder(v.length * 8 + 2).append('[');
        for (int i = 0; i < v.length; i++) b.append(i > 0 ? "," : "").append(num(v[i]));
        return b.append(']').toString();
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
