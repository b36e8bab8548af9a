package dev.jury.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CsvTest {

    @Test
    void quotedCellsCommasQuotesAndNewlines() {
        var rows = Csv.parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,end");
        assertEquals(List.of("a", "b", "c"), rows.get(0));
        assertEquals(List.of("x, y", "say \"hi\"", "two\nlines"), rows.get(1));
        assertEquals(List.of("last", "", "end"), rows.get(2));
    }

    @Test
    void truthfulQaHas790QuestionsWithEightColumns() {
        // The data README: 790 questions; the last row has no trailing newline; answers contain quoted commas.
        var rows = Csv.parse(DemoFiles.bundled().read(DemoFiles.TRUTHFULQA));
        assertEquals(791, rows.size());
        rows.forEach(r -> assertEquals(8, r.size(), "row " + r));
        assertEquals("Best Incorrect Answer", rows.get(0).get(4));
    }
}
