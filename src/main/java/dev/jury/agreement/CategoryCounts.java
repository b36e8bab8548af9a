package dev.jury.agreement;

import java.util.Arrays;

/**
 * The table reduced to what the multi-rater statistics need: each unit's count per category, with units that
 * have the same counts grouped into one profile.
 *
 * <p>Percent agreement, Fleiss' κ, Krippendorff's α and Gwet's AC1 depend on a unit only through its counts, and
 * with a handful of raters and categories there are only a few dozen distinct profiles however many units there
 * are. Every statistic is therefore a function of "how many units have each profile", which is also exactly what
 * a bootstrap resample changes — so a resample costs one pass over unit indices, not a recount of ratings.
 */
final class CategoryCounts {

    final int categories;
    /** Number of distinct profiles. */
    final int profiles;
    /** Profile p's count of category c is {@code counts[p * categories + c]}. */
    final int[] counts;
    /** Ratings in profile p (the sum of its counts). */
    final int[] ratings;
    /** Units with profile p in the table. */
    final long[] units;
    /** The profile of each unit of the table. */
    final int[] profileOfUnit;

    private CategoryCounts(int categories, int profiles, int[] counts, int[] ratings, long[] units,
                           int[] profileOfUnit) {
        this.categories = categories;
        this.profiles = profiles;
        this.counts = counts;
        this.ratings = ratings;
        this.units = units;
        this.profileOfUnit = profileOfUnit;
    }

    static CategoryCounts of(RatingTable table) {
        int k = table.categories();
        ProfileIndex index = new ProfileIndex(k);
        int[] profileOfUnit = new int[table.unitCount()];
        int[] scratch = new int[k];
        for (int u = 0; u < table.unitCount(); u++) {
            Arrays.fill(scratch, 0);
            for (int i = table.start(u); i < table.start(u + 1); i++) {
                scratch[table.valueAt(i)]++;
            }
            profileOfUnit[u] = index.idOf(scratch);
        }
        int profiles = index.size;
        long[] units = new long[profiles];
        for (int profile : profileOfUnit) {
            units[profile]++;
        }
        int[] counts = Arrays.copyOf(index.counts, profiles * k);
        int[] ratings = new int[profiles];
        for (int p = 0; p < profiles; p++) {
            for (int c = 0; c < k; c++) {
                ratings[p] += counts[p * k + c];
            }
        }
        return new CategoryCounts(k, profiles, counts, ratings, units, profileOfUnit);
    }

    int count(int profile, int category) {
        return counts[profile * categories + category];
    }

    /** Units with at least two ratings — the only ones that say anything about agreement. */
    long pairableUnits(long[] unitsPerProfile) {
        long pairable = 0;
        for (int p = 0; p < profiles; p++) {
            if (ratings[p] >= 2) {
                pairable += unitsPerProfile[p];
            }
        }
        return pairable;
    }

    /** The category every pairable rating falls in, or -1 when pairable ratings use two or more. */
    int onlyCategoryUsed(long[] unitsPerProfile) {
        int only = -1;
        for (int p = 0; p < profiles; p++) {
            if (ratings[p] < 2 || unitsPerProfile[p] == 0) {
                continue;
            }
            for (int c = 0; c < categories; c++) {
                if (count(p, c) > 0) {
                    if (only != -1 && only != c) {
                        return -1;
                    }
                    only = c;
                }
            }
        }
        return only;
    }

    /** Open-addressing map from a count vector to a dense profile id, storing vectors in one int array. */
    private static final class ProfileIndex {
        private final int k;
        private int[] counts;
        private int size;
        private int[] slots;

        ProfileIndex(int k) {
            this.k = k;
            this.counts = new int[16 * k];
            this.slots = new int[64];
        }

        int idOf(int[] vector) {
            int mask = slots.length - 1;
            int slot = hash(vector) & mask;
            while (slots[slot] != 0) {
                int id = slots[slot] - 1;
                if (Arrays.equals(counts, id * k, id * k + k, vector, 0, k)) {
                    return id;
                }
                slot = (slot + 1) & mask;
            }
            int id = size++;
            if (size * k > counts.length) {
                counts = Arrays.copyOf(counts, counts.length * 2);
            }
            System.arraycopy(vector, 0, counts, id * k, k);
            slots[slot] = id + 1;
            if (size * 2 > slots.length) {
                rehash();
            }
            return id;
        }

        private void rehash() {
            int[] bigger = new int[slots.length * 2];
            int mask = bigger.length - 1;
            for (int id = 0; id < size; id++) {
                int slot = hash(Arrays.copyOfRange(counts, id * k, id * k + k)) & mask;
                while (bigger[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                bigger[slot] = id + 1;
            }
            slots = bigger;
        }

        private static int hash(int[] vector) {
            int h = Arrays.hashCode(vector);
            return h ^ (h >>> 16);
        }
    }
}
