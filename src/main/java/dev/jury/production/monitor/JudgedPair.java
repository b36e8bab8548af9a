package dev.jury.production.monitor;

import java.time.LocalDate;
import java.util.List;

/**
 * One valid judge verdict and the current human labels of the same trace and name.
 *
 * @param window  the first day of the bucket the verdict was created in
 * @param version the judge version that gave the verdict
 * @param judge   the verdict's value
 * @param humans  the current valid human labels' values (one per reviewer), never empty
 */
public record JudgedPair(LocalDate window, int version, String judge, List<String> humans) {

    public JudgedPair {
        humans = List.copyOf(humans);
        if (humans.isEmpty()) {
            throw new IllegalArgumentException("a pair needs at least one human label");
        }
    }
}
