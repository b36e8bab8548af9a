package dev.jury.agreement.report;

import java.util.Locale;

/**
 * The report's numbers as CSV for spreadsheets: one row per statistic, per reviewer pair, per reviewer figure and
 * per judge figure, in a long format every tool can pivot:
 * {@code section,subject,other,statistic,value,ci_low,ci_high,n,status,reason}.
 *
 * <p>Source ids are user data: a cell starting with {@code = + - @} would be run as a formula by spreadsheet
 * programs, so such text cells get a leading apostrophe (OWASP "CSV injection"). Numbers are written as numbers.
 */
public final class AgreementCsv {

    public static final String HEADER = "section,subject,other,statistic,value,ci_low,ci_high,n,status,reason";

    private final StringBuilder out = new StringBuilder(HEADER).append('\n');

    private AgreementCsv() {
    }

    public static String of(AgreementDocument doc) {
        AgreementCsv csv = new AgreementCsv();
        csv.count("units", doc.units());
        csv.count("pairable_units", doc.pairableUnits());
        csv.count("raters", doc.raters());
        csv.count("ratings", doc.ratings());
        csv.count("rubric_version", doc.rubricVersion());
        csv.count("skipped_values", doc.skippedValues().count());
        if (doc.scoreThreshold() != null) {
            csv.count("score_threshold", doc.scoreThreshold());
        }
        csv.estimate("statistic", "", "", "krippendorff_alpha_nominal", doc.krippendorffAlpha().nominal());
        csv.estimate("statistic", "", "", "krippendorff_alpha_ordinal", doc.krippendorffAlpha().ordinal());
        csv.estimate("statistic", "", "", "krippendorff_alpha_interval", doc.krippendorffAlpha().interval());
        csv.estimate("statistic", "", "", "fleiss_kappa", doc.fleissKappa());
        csv.estimate("statistic", "", "", "percent_agreement", doc.percentAgreement());
        csv.estimate("statistic", "", "", "gwet_ac1", doc.gwetAc1());
        for (AgreementDocument.Pair pair : doc.cohenKappaPairs()) {
            csv.estimate("pair", pair.raterA(), pair.raterB(), "cohen_kappa_" + doc.kappaWeighting(), pair.kappa());
            csv.estimate("pair", pair.raterA(), pair.raterB(), "percent_agreement", pair.percentAgreement());
        }
        for (AgreementDocument.Reviewer r : doc.reviewers()) {
            csv.number("reviewer", r.reviewer(), "items", r.items());
            csv.estimate("reviewer", r.reviewer(), "", "kappa_vs_consensus", r.kappaVsConsensus());
            csv.estimate("reviewer", r.reviewer(), "", "accuracy_vs_consensus", r.accuracyVsConsensus());
            csv.number("reviewer", r.reviewer(), "negative_share", r.negativeShare());
            if (r.medianSeconds() != null) {
                csv.number("reviewer", r.reviewer(), "median_seconds", r.medianSeconds());
            }
        }
        for (AgreementDocument.Judge j : doc.judgeVsConsensus()) {
            csv.number("judge", j.judge(), "verdicts", j.verdicts());
            csv.estimate("judge", j.judge(), "", "accuracy", j.accuracy());
            csv.estimate("judge", j.judge(), "", "kappa", j.kappa());
            csv.estimate("judge", j.judge(), "", "negative_precision", j.negativePrecision());
            csv.estimate("judge", j.judge(), "", "negative_recall", j.negativeRecall());
        }
        for (AgreementDocument.JudgePair p : doc.judgePairs()) {
            csv.estimate("judge_pair", p.judgeA(), p.judgeB(), "cohen_kappa_quadratic", p.kappa());
            csv.estimate("judge_pair", p.judgeA(), p.judgeB(), "krippendorff_alpha_ordinal", p.alphaOrdinal());
            csv.estimate("judge_pair", p.judgeA(), p.judgeB(), "percent_agreement", p.percentAgreement());
        }
        return csv.out.toString();
    }

    private void count(String statistic, long value) {
        number("report", "", statistic, value);
    }

    private void number(String section, String subject, String statistic, double value) {
        row(section, subject, "", statistic, number(value), "", "", "", "ok", "");
    }

    private void estimate(String section, String subject, String other, String statistic, EstimateView e) {
        if (e.value() != null) {
            row(section, subject, other, statistic, number(e.value()),
                    e.ci() == null ? "" : number(e.ci().get(0)), e.ci() == null ? "" : number(e.ci().get(1)),
                    e.n() == null ? "" : Long.toString(e.n()), "ok", "");
        } else {
            row(section, subject, other, statistic, "", "", "", e.n() == null ? "" : Long.toString(e.n()),
                    e.status(), e.reason());
        }
    }

    private void row(String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            // value, ci_low, ci_high and n (positions 4–7) are numbers this class wrote; the rest may be user data
            out.append(i >= 4 && i <= 7 ? cells[i] : text(cells[i]));
        }
        out.append('\n');
    }

    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.6f", value);
    }
}
