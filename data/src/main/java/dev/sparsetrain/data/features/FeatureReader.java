package dev.sparsetrain.data.features;

import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads dense item-feature matrices in three formats, chosen by {@link Format} or by file name:
 *
 * <ul>
 *   <li>{@link Format#NPY} ({@code *.npy}): NumPy format 1.0/2.0/3.0, dtype {@code <f2} (float16),
 *       {@code <f4} (float32) or {@code <f8} (float64, narrowed), C order, 2-d shape
 *       {@code (rows, dim)}. Any other dtype, Fortran order or a truncated file is refused.</li>
 *   <li>{@link Format#RAW_F32} ({@code *.bin}, {@code *.f32}): headerless little-endian float32,
 *       row-major, with the row count given by the caller (usually the item count); the dimension
 *       is {@code bytes / 4 / rows}, which must divide exactly.</li>
 *   <li>{@link Format#TEXT} (anything else): one item per line, {@code id v1 v2 ... vF}, separated
 *       by tabs, commas, semicolons or spaces; blank lines and lines starting with {@code #} are
 *       skipped. Rows are returned in file order together with their ids (see {@link Text}), so
 *       the caller can align them to its own item index.</li>
 * </ul>
 *
 * <p>Every value must be finite. Errors are one-line {@link BadInputException}s naming the file (and
 * line for text) and the problem. Stateless and thread-safe.
 */
public final class FeatureReader {

    /** The supported on-disk formats. */
    public enum Format {
        NPY, RAW_F32, TEXT;

        /** The format implied by a file name. */
        public static Format of(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".npy")) return NPY;
            if (n.endsWith(".bin") || n.endsWith(".f32") || n.endsWith(".raw")) return RAW_F32;
            return TEXT;
        }
    }

    /** Text features: the matrix in file order and the id of each row. */
    public record Text(ItemFeatures features, List<String> ids) {
        /**
         * Reorders the rows to an item index: row {@code i} of the result is the line whose id is
         * {@code itemIds.get(i)}. Every item must have a line.
         */
        public ItemFeatures alignTo(List<String> itemIds) {
            Map<String, Integer> pos = new HashMap<>(ids.size() * 2);
            for (int r = 0; r < ids.size(); r++) pos.put(ids.get(r), r);
            int dim = features.dim();
            float[] out = new float[itemIds.size() * dim];
            for (int i = 0; i < itemIds.size(); i++) {
                Integer r = pos.get(itemIds.get(i));
                if (r == null) {
                    throw new BadInputException(features.source() + ": no feature line for item id '" + itemIds.get(i)
                            + "' (" + ids.size() + " lines for " + itemIds.size() + " items); every item needs a row");
                }
                System.arraycopy(features.values(), r * dim, out, i * dim, dim);
            }
            return new ItemFeatures(features.source(), itemIds.size(), dim, out);
        }
    }

    private FeatureReader() {}

    /**
     * Reads any format; {@code rows} is required for {@link Format#RAW_F32} and, when positive,
     * checked for the others (text rows are checked before alignment: ids are kept in file order).
     */
    public static ItemFeatures read(Path file, int rows) {
        return switch (Format.of(file)) {
            case NPY -> {
                ItemFeatures f = readNpy(file);
                yield rows > 0 ? f.requireRows(rows) : f;
            }
            case RAW_F32 -> readRawF32(file, rows);
            case TEXT -> {
                ItemFeatures f = readText(file).features();
                yield rows > 0 ? f.requireRows(rows) : f;
            }
        };
    }

    /** Headerless little-endian float32, row-major, {@code rows} rows. */
    public static ItemFeatures readRawF32(Path file, int rows) {
        String name = file.toString();
        if (rows <= 0) throw new BadInputException(name + ": raw float32 features need a row count (the item count); got " + rows);
        byte[] bytes = readAll(file);
        if (bytes.length == 0 || bytes.length % 4 != 0) {
            throw new BadInputException(name + ": " + bytes.length + " bytes is not a whole number of float32 values");
        }
        long floats = bytes.length / 4;
        if (floats % rows != 0) {
            throw new BadInputException(name + ": " + floats + " float32 values do not split into " + rows
                    + " rows (the item count); row count or file is wrong");
        }
        int dim = (int) (floats / rows);
        float[] v = new float[(int) floats];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return new ItemFeatures(name, rows, dim, v);
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A NumPy .npy file of dtype float16, float32 or float64 (little-endian), C order, 2-d. */
    public static ItemFeatures readNpy(Path file) {
        String name = file.toString();
        byte[] b = readAll(file);
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U' || b[3] != 'M' || b[4] != 'P' || b[5] != 'Y') {
            throw new BadInputException(name + ": not a NumPy .npy file (magic \\x93NUMPY missing)");
        }
        int major = b[6];
        int hlen, start;
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            hlen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) throw new BadInputException(name + ": truncated .npy header");
            hlen = bb.getInt(8);
            start = 12;
        } else {
            throw new BadInputException(name + ": .npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (hlen < 0 || start + hlen > b.length) throw new BadInputException(name + ": truncated .npy header");
        String header = new String(b, start, hlen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher m = DESCR.matcher(header);
        if (!m.find()) throw new BadInputException(name + ": .npy header has no 'descr': " + header.strip());
        String descr = m.group(1);
        Matcher fo = FORTRAN.matcher(header);
        if (fo.find() && fo.group(1).equals("True")) {
            throw new BadInputException(name + ": .npy is in Fortran order; save it in C order (numpy.ascontiguousarray)");
        }
        Matcher sh = SHAPE.matcher(header);
        if (!sh.find()) throw new BadInputException(name + ": .npy header has no 'shape': " + header.strip());
        String[] parts = sh.group(1).split(",");
        List<Long> shape = new ArrayList<>();
        for (String p : parts) {
            if (p.isBlank()) continue;
            try {
                shape.add(Long.parseLong(p.strip().replace("L", "")));
            } catch (NumberFormatException e) {
                throw new BadInputException(name + ": .npy shape (" + sh.group(1).strip() + ") has '" + abbreviate(p.strip())
                        + "', not a whole number 0.." + Long.MAX_VALUE + " (damaged header)");
            }
        }
        if (shape.size() != 2) {
            throw new BadInputException(name + ": .npy shape " + shape + " must be 2-d (items, features)");
        }
        int width = switch (descr) {
            case "<f2" -> 2;
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw new BadInputException(name + ": unsupported .npy dtype '" + descr
                    + "'; supported: float16 '<f2', float32 '<f4', float64 '<f8' (little-endian)");
        };
        long rows = shape.get(0), dim = shape.get(1);
        if (rows <= 0 || dim <= 0 || rows > (Integer.MAX_VALUE - 16) / dim) {
            throw new BadInputException(name + ": .npy shape (" + rows + ", " + dim + ") is empty or too large");
        }
        long need = rows * dim * width;
        int data = start + hlen;
        if (b.length - data != need) {
            throw new BadInputException(name + ": .npy shape (" + rows + ", " + dim + ") needs " + need
                    + " data bytes, file has " + (b.length - data) + " (truncated or damaged)");
        }
        float[] v = new float[(int) (rows * dim)];
        for (int k = 0; k < v.length; k++) {
            int o = data + k * width;
            v[k] = switch (width) {
                case 2 -> Float.float16ToFloat(bb.getShort(o));
                case 4 -> bb.getFloat(o);
                default -> {
                    double d = bb.getDouble(o);
                    if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                        throw new BadInputException(name + ": row " + (k / dim) + " column " + (k % dim) + " is " + d
                                + ", beyond float32 (|x| <= " + Float.MAX_VALUE + "); scale the features before saving");
                    }
                    yield (float) d;
                }
            };
        }
        return new ItemFeatures(name, (int) rows, (int) dim, v);
    }

    /** Delimited text, {@code id v1 ... vF} per line. */
    public static Text readText(Path file) {
        String name = file.toString();
        List<String> ids = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        float[] v = new float[1024];
        int n = 0, dim = -1;
        long lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // UTF-8 byte order mark
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                String[] tok = s.split("[\\t,; ]+");
                if (tok.length < 2) throw BadInputException.at(name, lineNo, "expected 'id v1 v2 ...', got '" + abbreviate(s) + "'");
                int d = tok.length - 1;
                if (dim < 0) dim = d;
                else if (d != dim) {
                    throw BadInputException.at(name, lineNo, d + " values but earlier lines have " + dim + "; every row needs the same dimension");
                }
                Long prev = seen.put(tok[0], lineNo);
                if (prev != null) throw BadInputException.at(name, lineNo, "duplicate item id '" + tok[0] + "' (first on line " + prev + ")");
                if (n + d > v.length) v = java.util.Arrays.copyOf(v, Math.max(v.length * 2, n + d));
                for (int k = 1; k <= d; k++) {
                    float x;
                    try {
                        x = Float.parseFloat(tok[k]);
                    } catch (NumberFormatException e) {
                        String low = tok[k].toLowerCase(Locale.ROOT).replace("+", "");
                        if (low.equals("nan") || low.equals("inf") || low.equals("-inf") || low.equals("infinity") || low.equals("-infinity")) {
                            throw BadInputException.at(name, lineNo, "value " + k + " is " + tok[k] + " (NaN or infinite); feature values must be finite");
                        }
                        throw BadInputException.at(name, lineNo, "value " + k + " '" + abbreviate(tok[k]) + "' is not a number");
                    }
                    if (!Float.isFinite(x)) {
                        throw BadInputException.at(name, lineNo, "value " + k + " is " + x + "; feature values must be finite");
                    }
                    v[n++] = x;
                }
                ids.add(tok[0]);
            }
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (ids.isEmpty()) throw new BadInputException(name + ": no feature lines");
        return new Text(new ItemFeatures(name, ids.size(), dim, java.util.Arrays.copyOf(v, n)), List.copyOf(ids));
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static byte[] readAll(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }
}
