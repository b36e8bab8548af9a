package dev.jury.agreement;

/**
 * Reliability data from published worked examples, as rating tables. Each dataset names its source; the tests
 * that use it cite the published value they check. Category index = position of the value in the example's
 * ordered value list (so value 1 of a 1–5 scale is index 0).
 */
final class PublishedData {

    static final int X = RatingTable.MISSING;

    private PublishedData() {
    }

    /** A table from one array per rater, each listing that rater's category index per unit. */
    static RatingTable byRater(int categories, int[]... raters) {
        RatingTable.Builder builder = RatingTable.builder(categories);
        for (int r = 0; r < raters.length; r++) {
            for (int u = 0; u < raters[r].length; u++) {
                builder.add("unit " + (u + 1), "rater " + (r + 1), raters[r][u]);
            }
        }
        return builder.build();
    }

    /** Values to category indexes by subtracting the first value of the scale; {@link #X} stays missing. */
    static int[] from(int firstValue, int... values) {
        int[] indexes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            indexes[i] = values[i] == X ? X : values[i] - firstValue;
        }
        return indexes;
    }

    /** Letters a, b, c… to indexes 0, 1, 2…; '.' is missing. */
    static int[] letters(String spaced) {
        String[] parts = spaced.trim().split("\\s+");
        int[] indexes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            indexes[i] = parts[i].equals(".") ? X : parts[i].charAt(0) - 'a';
        }
        return indexes;
    }

    /**
     * A table from per-unit category counts (the form Fleiss' tables are published in). Rater identity does not
     * enter Fleiss' κ, α or AC1, so the j-th rating of each unit is attributed to "slot j".
     */
    static RatingTable fromCounts(int[][] countsPerUnit) {
        RatingTable.Builder builder = RatingTable.builder(countsPerUnit[0].length);
        for (int u = 0; u < countsPerUnit.length; u++) {
            int slot = 0;
            for (int c = 0; c < countsPerUnit[u].length; c++) {
                for (int i = 0; i < countsPerUnit[u][c]; i++) {
                    builder.add(u, slot++, c);
                }
            }
        }
        return builder.build();
    }

    /** Two raters from a contingency table {@code [rater A][rater B]}: one unit per counted pair. */
    static RatingTable fromContingency(long[][] table) {
        RatingTable.Builder builder = RatingTable.builder(table.length);
        int unit = 0;
        for (int a = 0; a < table.length; a++) {
            for (int b = 0; b < table.length; b++) {
                for (long i = 0; i < table[a][b]; i++) {
                    builder.add(unit, "A", a);
                    builder.add(unit, "B", b);
                    unit++;
                }
            }
        }
        return builder.build();
    }

    /** Two label vectors of equal length (as in scikit-learn's tests) as a two-rater table. */
    static RatingTable fromVectors(int categories, int[] raterA, int[] raterB) {
        return byRater(categories, raterA, raterB);
    }

    /** {@code count} copies of {@code value}, for writing label vectors like {@code [0] * 40 + [1] * 60}. */
    static int[] repeat(int value, int count) {
        int[] values = new int[count];
        java.util.Arrays.fill(values, value);
        return values;
    }

    static int[] concat(int[]... parts) {
        int length = 0;
        for (int[] part : parts) {
            length += part.length;
        }
        int[] all = new int[length];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /**
     * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers × 12 units,
     * values 1–5, missing data. The same data are Gwet's (2014) Handbook of Inter-Rater Reliability, 4th ed.,
     * p. 120 ({@code cac.raw4raters} in irrCAC; there unit 12's lone rating sits with another rater, which
     * changes nothing since a unit with one rating is not pairable).
     */
    static RatingTable krippendorff2011() {
        return byRater(5,
                from(1, 1, 2, 3, 3, 2, 1, 4, 1, 2, X, X, X),
                from(1, 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, X, 3),
                from(1, X, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, X),
                from(1, 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, X));
    }

    /**
     * Wikipedia, "Krippendorff's alpha", section "A computational example": 3 coders × 15 units, values 1–4
     * (units 2 and 14 uncoded). Also the data of fast-krippendorff's tests (pln-fing-udelar/fast-krippendorff).
     */
    static RatingTable wikipediaAlpha() {
        return byRater(4,
                from(1, X, X, X, X, X, 3, 4, 1, 2, 1, 1, 3, 3, X, 3),
                from(1, 1, X, 2, 1, 3, 3, 4, 3, X, X, X, X, X, X, X),
                from(1, X, X, 2, 1, 3, 4, 4, X, 2, 1, 1, 3, 3, X, 4));
    }

    /**
     * Krippendorff (2004), Content Analysis 2nd ed., section 11.3.1: two observers (Jon, Han) mark the presence of
     * something in 10 articles (binary). Data as in jucor/krippendorff's {@code news.presence}.
     */
    static RatingTable krippendorff2004Binary() {
        return byRater(2,
                new int[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
                new int[] {0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
    }

    /** Krippendorff (2011), section A: binary data, two observers (Meg, Owen), 10 units, no missing data. */
    static RatingTable krippendorff2011Binary() {
        return byRater(2,
                new int[] {0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
                new int[] {1, 1, 1, 0, 0, 1, 0, 0, 0, 0});
    }

    /**
     * Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability measure for coding
     * data. Communication Methods and Measures 1(1), 77–89, Table 1: 5 observers rate the tone of 40 news articles
     * on 0–3, with missing judgements. Transcribed as in jucor/krippendorff {@code data-raw/hayes2007table1.csv}.
     */
    static RatingTable hayesKrippendorff2007() {
        String[] rows = {
            "1,1,2,.,2", "1,1,0,1,.", "2,3,3,3,.", ".,0,0,.,0", "0,0,0,.,0", "0,0,0,.,0", "1,0,2,.,1", "1,.,2,0,.",
            "2,2,2,.,2", "2,1,1,1,.", ".,1,0,0,.", "0,0,0,0,.", "1,2,2,2,.", "3,3,2,2,3", "1,1,1,.,1", "1,1,1,.,1",
            "2,1,2,.,2", "1,2,3,3,.", "1,1,0,1,.", "0,0,0,.,0", "0,0,1,1,.", "0,0,.,0,0", "2,3,3,3,.", "0,0,0,0,.",
            "1,2,.,2,2", "0,1,1,1,.", "0,0,0,1,0", "1,2,1,2,.", "1,1,2,2,.", "1,1,2,.,2", "1,1,0,.,0", "2,1,2,1,.",
            "2,2,.,2,2", "3,2,2,2,.", "2,2,2,.,2", "2,2,3,.,2", "2,2,2,.,2", "2,2,.,1,2", "2,2,2,2,.", "1,1,1,.,1",
        };
        int[][] matrix = new int[rows.length][];
        for (int u = 0; u < rows.length; u++) {
            String[] cells = rows[u].split(",");
            matrix[u] = new int[cells.length];
            for (int r = 0; r < cells.length; r++) {
                matrix[u][r] = cells[r].equals(".") ? X : Integer.parseInt(cells[r]);
            }
        }
        return RatingTable.fromRows(4, matrix);
    }

    /**
     * Gwet (2014), Handbook, 4th ed. ({@code cac.raw5obser} in irrCAC; afergadis/irrCAC {@code raw_5observers}):
     * 5 observers × 15 units on 0–3, missing data.
     */
    static RatingTable gwet5Observers() {
        return byRater(4,
                new int[] {1, 1, 2, X, 0, 0, 1, 1, 2, 2, X, 0, 1, 3, 1},
                new int[] {1, 1, 3, 0, 0, 0, 0, X, 2, 1, 1, 0, 2, 3, 1},
                new int[] {2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1},
                new int[] {X, 1, 3, X, X, X, X, 0, X, 1, 0, 0, 2, 2, X},
                new int[] {2, X, X, 0, 0, 0, 1, X, 2, X, X, X, X, 3, 1});
    }

    /** irrCAC {@code raw_g1g2} (Gwet's Handbook examples): 4 raters × 14 units on a–e, missing data. */
    static RatingTable gwetG1G2() {
        return byRater(5,
                letters("a b c c b a d a b . . . b b"),
                letters("a b c c b b d a b e . . b a"),
                letters(". c c c b c d b b e a c c c"),
                letters("a b c c b d d a b e a . b b"));
    }

    /** irrCAC {@code raw_gender}: 4 raters × 15 subjects on a–c, complete data. */
    static RatingTable gwetGender() {
        return byRater(3,
                letters("a a a a a b b b c a a a a a b"),
                letters("a a a a b a b c c a a a a b a"),
                letters("a b b c a a b b c a b b c a a"),
                letters("c c c c a a b b c c c c c a a"));
    }

    /**
     * irrCAC {@code raw_ben_gerry}: Krippendorff's (2011) section B Ben/Gerry data on a–e, as distributed with
     * irrCAC, where Gerry's rating of unit 10 is missing.
     */
    static RatingTable gwetBenGerry() {
        return byRater(5,
                letters("a a b b d c c c e d d a"),
                letters("b a b b b c c c e . d d"));
    }

    /** Wikipedia, "Fleiss' kappa", worked example: 10 subjects × 14 raters × 5 categories (counts per subject). */
    static int[][] wikipediaFleissCounts() {
        return new int[][] {
            {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
            {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
        };
    }

    /**
     * Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin 76(5):
     * 30 patients × 6 psychiatrists × 5 diagnoses, as the {@code diagnoses} data of R's irr package and
     * statsmodels' {@code test_inter_rater.py} (one row per patient, values 1–5).
     */
    static RatingTable fleiss1971() {
        int[][] diagnoses = {
            {4, 4, 4, 4, 4, 4}, {2, 2, 2, 5, 5, 5}, {2, 3, 3, 3, 3, 5}, {5, 5, 5, 5, 5, 5}, {2, 2, 2, 4, 4, 4},
            {1, 1, 3, 3, 3, 3}, {3, 3, 3, 3, 5, 5}, {1, 1, 3, 3, 3, 4}, {1, 1, 4, 4, 4, 4}, {5, 5, 5, 5, 5, 5},
            {1, 4, 4, 4, 4, 4}, {1, 2, 4, 4, 4, 4}, {2, 2, 2, 3, 3, 3}, {1, 4, 4, 4, 4, 4}, {2, 2, 4, 4, 4, 5},
            {3, 3, 3, 3, 3, 5}, {1, 1, 1, 4, 5, 5}, {1, 1, 1, 1, 1, 2}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 5, 5, 5},
            {5, 5, 5, 5, 5, 5}, {2, 4, 4, 4, 4, 4}, {2, 2, 4, 5, 5, 5}, {1, 1, 4, 4, 4, 4}, {1, 4, 4, 4, 4, 5},
            {2, 2, 2, 2, 2, 4}, {1, 1, 1, 1, 5, 5}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 3, 3, 3}, {5, 5, 5, 5, 5, 5},
        };
        int[][] indexes = new int[diagnoses.length][];
        for (int u = 0; u < diagnoses.length; u++) {
            indexes[u] = from(1, diagnoses[u]);
        }
        return RatingTable.fromRows(5, indexes);
    }

    /**
     * Gwet (2014), Handbook, 4th ed.: 100 pregnant women classified by two abstractors into ectopic, abnormal
     * intrauterine, normal intrauterine pregnancy ({@code cont3x3abstractors} in irrCAC).
     */
    static long[][] gwetAbstractors() {
        return new long[][] {{13, 0, 0}, {0, 20, 7}, {0, 4, 56}};
    }

    /** irrCAC {@code cont4x4diagnosis}: 223 psychiatric patients, research × clinical diagnosis (4 categories). */
    static long[][] gwetDiagnosis() {
        return new long[][] {{40, 4, 4, 17}, {6, 25, 2, 13}, {4, 1, 21, 12}, {15, 5, 9, 45}};
    }
}
