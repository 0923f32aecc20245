package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.train.TrainerConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --positives} of BPR-MF training ({@code sparsetrain train} and {@code SparkBprMain}): how
 * the positive of a sample is drawn. Not thread-safe (filled by picocli).
 */
public final class PositivesOption {
    @Option(names = "--positives", defaultValue = "users",
            description = "users: draw a user uniformly then one of its items; pairs: draw a training pair uniformly. Default: ${DEFAULT-VALUE}.")
    private String positives = "users";

    /** The value as given (recorded in a model's metadata). */
    public String given() { return positives; }

    /** The sampling given; anything but users or pairs is refused in one line. */
    public TrainerConfig.PositiveSampling sampling() { return parse(positives); }

    /** {@code --positives}: users (a user uniformly, then one of its items) or pairs (a training pair uniformly). */
    public static TrainerConfig.PositiveSampling parse(String positives) {
        return switch (positives.toLowerCase(Locale.ROOT)) {
            case "users" -> TrainerConfig.PositiveSampling.USERS;
            case "pairs" -> TrainerConfig.PositiveSampling.PAIRS;
            default -> throw new BadInputException("--positives '" + positives + "': use users or pairs");
        };
    }
}
