package dev.jury.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListPageTest {

    @Test
    void pagesOf412RowsFiftyAtATime() {
        var first = ListPage.numbered(1, 50, 412);
        var ninth = ListPage.numbered(9, 50, 412);

        assertTrue(first.first());
        assertEquals(1, first.from());
        assertEquals(50, first.through());
        assertTrue(first.hasMore());
        assertEquals(2, first.next());
        assertEquals(50, first.nextCount());
        assertEquals(401, ninth.from());
        assertEquals(412, ninth.through());
        assertFalse(ninth.hasMore());
        assertEquals(9, ninth.number());
    }

    @Test
    void aPageThatEndsShortOfTheTotalAnnouncesTheRemainder() {
        var page = new ListPage(350, 50, 412); // a keyset page: 350 newer rows before it

        assertEquals(400, page.through());
        assertEquals(12, page.nextCount());
        assertFalse(page.first());
    }

    @Test
    void anEmptyListHasNoMore() {
        var page = ListPage.numbered(1, 50, 0);

        assertEquals(0, page.from());
        assertEquals(0, page.through());
        assertFalse(page.hasMore());
    }

    @Test
    void thePageNumberIsOneToAHundredThousandAndBlankIsTheFirst() {
        assertEquals(1, ListPage.number(null));
        assertEquals(1, ListPage.number(" "));
        assertEquals(7, ListPage.number(" 7 "));
        for (String bad : new String[] {"0", "-1", "x", "100001", "2147483648", "1.5"}) {
            var e = assertThrows(ProblemException.class, () -> ListPage.number(bad), bad);
            assertEquals(400, e.status());
        }
    }
}
