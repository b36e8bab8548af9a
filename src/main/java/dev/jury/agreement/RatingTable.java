package dev.jury.agreement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Units (traces) × raters (reviewers) → category index, with most cells missing.
 *
 * <p>Stored as compressed rows (per unit, its ratings) in int arrays rather than a map per cell, so a million
 * ratings cost a few megabytes and every statistic is one sequential pass. A category index is the level's
 * position in the ordered rubric (0 = first). Keys are interned to dense ints in first-seen order.
 */
public final class RatingTable {

    /** The value of a cell nobody rated. */
    public static final int MISSING = -1;

    private final int categories;
    private final List<Object> unitKeys;
    private final List<Object> raterKeys;
    private final Map<Object, Integer> unitIndex;
    private final Map<Object, Integer> raterIndex;
    private final int[] unitStart;
    private final int[] raters;
    private final int[] values;
    private final CategoryCounts counts;

    private RatingTable(int categories, List<Object> unitKeys, List<Object> raterKeys,
                        Map<Object, Integer> unitIndex, Map<Object, Integer> raterIndex,
                        int[] unitStart, int[] raters, int[] values) {
        this.categories = categories;
        this.unitKeys = unitKeys;
        this.raterKeys = raterKeys;
        this.unitIndex = unitIndex;
        this.raterIndex = raterIndex;
        this.unitStart = unitStart;
        this.raters = raters;
        this.values = values;
        this.counts = CategoryCounts.of(this);
    }

    public static Builder builder(int categories) {
        return new Builder(categories);
    }

    /**
     * A table from a units × raters matrix ({@link #MISSING} for no rating); unit and rater keys are their
     * row and column numbers. Rows without any rating are left out, as they would be from assessments.
     */
    public static RatingTable fromRows(int categories, int[][] unitsByRaters) {
        Builder builder = builder(categories);
        for (int unit = 0; unit < unitsByRaters.length; unit++) {
            for (int rater = 0; rater < unitsByRaters[unit].length; rater++) {
                builder.add(unit, rater, unitsByRaters[unit][rater]);
            }
        }
        return builder.build();
    }

    public int categories() {
        return categories;
    }

    public int unitCount() {
        return unitKeys.size();
    }

    public int raterCount() {
        return raterKeys.size();
    }

    public int ratingCount() {
        return values.length;
    }

    public Object unitKey(int unit) {
        return unitKeys.get(unit);
    }

    public Object raterKey(int rater) {
        return raterKeys.get(rater);
    }

    /** The unit's dense index, or -1 when no rating names it. */
    public int unitIndex(Object unitKey) {
        Integer index = unitIndex.get(unitKey);
        return index == null ? -1 : index;
    }

    /** The rater's dense index, or -1 when the rater gave no rating. */
    public int raterIndex(Object raterKey) {
        Integer index = raterIndex.get(raterKey);
        return index == null ? -1 : index;
    }

    /** How many raters rated the unit. */
    public int ratingsOf(int unit) {
        return unitStart[unit + 1] - unitStart[unit];
    }

    /** The rater's category for the unit, or {@link #MISSING}. Scans the unit's few ratings. */
    public int value(int unit, int rater) {
        for (int i = unitStart[unit]; i < unitStart[unit + 1]; i++) {
            if (raters[i] == rater) {
                return values[i];
            }
        }
        return MISSING;
    }

    // Flat access for the statistics in this package: ratings of unit u are positions [start(u), start(u + 1)).
    int start(int unit) {
        return unitStart[unit];
    }

    int raterAt(int position) {
        return raters[position];
    }

    int valueAt(int position) {
        return values[position];
    }

    CategoryCounts counts() {
        return counts;
    }

    /** Collects (unit, rater, category) triples in any order; a later triple for the same cell replaces it. */
    public static final class Builder {

        private final int categories;
        private final List<Object> unitKeys = new ArrayList<>();
        private final List<Object> raterKeys = new ArrayList<>();
        private final Map<Object, Integer> unitIndex = new HashMap<>();
        private final Map<Object, Integer> raterIndex = new HashMap<>();
        private int[] units = new int[1024];
        private int[] raters = new int[1024];
        private int[] values = new int[1024];
        private int size;
        private boolean built;
        private Object lastUnitKey;
        private int lastUnit;

        private Builder(int categories) {
            if (categories < 1) {
                throw new IllegalArgumentException("a rubric has at least one category, got " + categories);
            }
            this.categories = categories;
        }

        /**
         * Adds one rating. {@link #MISSING} is ignored; any other index outside the rubric is a caller bug
         * (the API refuses such labels before they get here), so it throws.
         */
        public Builder add(Object unitKey, Object raterKey, int category) {
            Objects.requireNonNull(unitKey, "unitKey");
            Objects.requireNonNull(raterKey, "raterKey");
            if (built) {
                throw new IllegalStateException("this builder already built its table");
            }
            if (category == MISSING) {
                return this;
            }
            if (category < 0 || category >= categories) {
                throw new IllegalArgumentException(
                        "category " + category + " is outside the rubric's 0.." + (categories - 1));
            }
            if (size == values.length) {
                int capacity = size * 2;
                units = Arrays.copyOf(units, capacity);
                raters = Arrays.copyOf(raters, capacity);
                values = Arrays.copyOf(values, capacity);
            }
            // Rows usually arrive grouped by trace, so the previous unit is the likeliest hit: skip the map.
            if (!unitKey.equals(lastUnitKey)) {
                lastUnit = intern(unitKey, unitKeys, unitIndex);
                lastUnitKey = unitKey;
            }
            units[size] = lastUnit;
            raters[size] = intern(raterKey, raterKeys, raterIndex);
            values[size] = category;
            size++;
            return this;
        }

        private static int intern(Object key, List<Object> keys, Map<Object, Integer> index) {
            Integer known = index.get(key);
            if (known != null) {
                return known;
            }
            int fresh = keys.size();
            keys.add(key);
            index.put(key, fresh);
            return fresh;
        }

        public RatingTable build() {
            built = true;
            int unitCount = unitKeys.size();
            // Counting sort by unit keeps insertion order within a unit, so "last one wins" is well defined.
            int[] start = new int[unitCount + 1];
            for (int i = 0; i < size; i++) {
                start[units[i] + 1]++;
            }
            for (int u = 0; u < unitCount; u++) {
                start[u + 1] += start[u];
            }
            int[] cursor = Arrays.copyOf(start, unitCount);
            int[] sortedRaters = new int[size];
            int[] sortedValues = new int[size];
            for (int i = 0; i < size; i++) {
                int at = cursor[units[i]]++;
                sortedRaters[at] = raters[i];
                sortedValues[at] = values[i];
            }
            return dropReplaced(unitCount, start, sortedRaters, sortedValues);
        }

        /** Keeps only the last rating per (unit, rater): an edited label supersedes the earlier one. */
        private RatingTable dropReplaced(int unitCount, int[] start, int[] sortedRaters, int[] sortedValues) {
            int[] lastPosition = new int[raterKeys.size()];
            int[] seenInUnit = new int[raterKeys.size()];
            Arrays.fill(seenInUnit, -1);
            int[] keptStart = new int[unitCount + 1];
            int kept = 0;
            for (int u = 0; u < unitCount; u++) {
                keptStart[u] = kept;
                for (int i = start[u]; i < start[u + 1]; i++) {
                    int rater = sortedRaters[i];
                    if (seenInUnit[rater] == u) {
                        sortedValues[lastPosition[rater]] = sortedValues[i];
                        continue;
                    }
                    seenInUnit[rater] = u;
                    lastPosition[rater] = kept;
                    sortedRaters[kept] = rater;
                    sortedValues[kept] = sortedValues[i];
                    kept++;
                }
            }
            keptStart[unitCount] = kept;
            // The builder is closed now, so the table can own its collections without copying 250k keys.
            return new RatingTable(categories, Collections.unmodifiableList(unitKeys),
                    Collections.unmodifiableList(raterKeys), Collections.unmodifiableMap(unitIndex),
                    Collections.unmodifiableMap(raterIndex), keptStart,
                    Arrays.copyOf(sortedRaters, kept), Arrays.copyOf(sortedValues, kept));
        }
    }
}
