package dev.jury.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LineDiffTest {

    private static String render(List<LineDiff.Line> diff) {
        StringBuilder s = new StringBuilder();
        diff.forEach(l -> s.append(l.marker()).append(l.text()).append('\n'));
        return s.toString();
    }

    @Test
    void anAppendedRuleIsOneAddedLine() {
        var diff = LineDiff.diff("Rate {{ outputs }}.\nBe fair.", "Rate {{ outputs }}.\nBe fair.\n\nIf X, do Y.");
        assertEquals(" Rate {{ outputs }}.\n Be fair.\n+\n+If X, do Y.\n", render(diff));
        assertEquals(4, diff.get(3).right());
        assertEquals(0, diff.get(3).left());
    }

    @Test
    void aChangedLineIsRemovedThenAdded() {
        var diff = LineDiff.diff("a\nb\nc", "a\nB\nc");
        assertEquals(" a\n−b\n+B\n c\n", render(diff));
    }

    @Test
    void identicalAndEmptyTexts() {
        assertFalse(LineDiff.changed(LineDiff.diff("x\r\ny", "x\ny")));
        assertEquals("+x\n", render(LineDiff.diff("", "x")));
        assertEquals("−x\n", render(LineDiff.diff("x", null)));
    }
}
