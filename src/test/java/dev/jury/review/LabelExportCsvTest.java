package dev.jury.review;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CSV cell rule of the label export: RFC 4180 quoting plus the OWASP "CSV injection" guard. */
class LabelExportCsvTest {

    @Test
    void quotesCommasQuotesAndLineBreaks() {
        assertEquals("plain", LabelExport.csvCell("plain"));
        assertEquals("\"a, b\"", LabelExport.csvCell("a, b"));
        assertEquals("\"say \"\"hi\"\"\"", LabelExport.csvCell("say \"hi\""));
        assertEquals("\"two\nlines\"", LabelExport.csvCell("two\nlines"));
        assertEquals("", LabelExport.csvCell(null));
    }

    @Test
    void reviewerTextThatLooksLikeAFormulaIsDefused() {
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", LabelExport.csvCell("=HYPERLINK(\"x\")"));
        assertEquals("'+1+cmd|' /C calc'!A0", LabelExport.csvCell("+1+cmd|' /C calc'!A0"));
        assertEquals("'@SUM(A1)", LabelExport.csvCell("@SUM(A1)"));
        assertEquals("'-2+3", LabelExport.csvCell("-2+3"));
        assertEquals("'\tleading tab", LabelExport.csvCell("\tleading tab"));
    }

    @Test
    void numbersStayNumbers() {
        assertEquals("-1", LabelExport.csvCell("-1"));
        assertEquals("+2.5", LabelExport.csvCell("+2.5"));
        assertEquals("-3", LabelExport.csvCell(-3));
        assertEquals("42", LabelExport.csvCell(42L));
    }
}
