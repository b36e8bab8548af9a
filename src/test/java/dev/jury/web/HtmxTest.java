package dev.jury.web;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link Htmx} answers a plain request and an htmx one; no server needed. */
class HtmxTest {

    private static final HttpHeaders PLAIN = headers(Map.of());
    private static final HttpHeaders HTMX = headers(Map.of("HX-Request", "true"));

    private final TemplateInstance page = template("<main>the page</main>");
    private final TemplateInstance fragment = template("<div>the fragment</div>");

    @Test
    void plainRequestGetsThePageAndVaryButNoHtmxHeaders() {
        Response response = Htmx.page(PLAIN, () -> page, () -> fragment).pushUrl("/somewhere").trigger("labelSaved")
                .build();

        assertEquals("<main>the page</main>", response.getEntity(), "rendered here, not by the template filter");
        assertEquals("text/html;charset=UTF-8", response.getHeaderString("Content-Type"));
        assertEquals(200, response.getStatus());
        assertEquals("HX-Request", response.getHeaderString("Vary"));
        assertNull(response.getHeaderString("HX-Push-Url"));
        assertNull(response.getHeaderString("HX-Trigger"));
    }

    @Test
    void htmxRequestGetsTheFragmentWithVaryPushUrlAndTrigger() {
        Response response = Htmx.page(HTMX, () -> page, () -> fragment).status(409).pushUrl("/somewhere")
                .trigger("labelSaved").build();

        assertEquals("<div>the fragment</div>", response.getEntity());
        assertEquals(409, response.getStatus());
        assertEquals("HX-Request", response.getHeaderString("Vary"));
        assertEquals("/somewhere", response.getHeaderString("HX-Push-Url"));
        assertEquals("labelSaved", response.getHeaderString("HX-Trigger"));
    }

    @Test
    void onlyTheAnswerSentIsBuilt() {
        var built = new AtomicInteger();
        Supplier<TemplateInstance> counted = () -> {
            built.incrementAndGet();
            return page;
        };
        Htmx.page(HTMX, counted, () -> fragment).build();
        assertEquals(0, built.get());
        Htmx.page(PLAIN, counted, () -> fragment).build();
        assertEquals(1, built.get());
    }

    @Test
    void aNullPushUrlSetsNoHeader() {
        Response response = Htmx.page(HTMX, () -> page, () -> fragment).pushUrl(null).build();
        assertFalse(response.getHeaders().containsKey("HX-Push-Url"));
    }

    @Test
    void aRefusalIs422ForAPlainPostAnd200ForHtmx() {
        assertEquals(422, Htmx.page(PLAIN, () -> page, () -> fragment).refusedWith(422).build().getStatus());
        assertEquals(200, Htmx.page(HTMX, () -> page, () -> fragment).refusedWith(422).build().getStatus());
    }

    @Test
    void plainPostRedirectsWithTheFlashAndNeverBuildsTheFragment() {
        var built = new AtomicInteger();
        Response response = Htmx.redirectOrFragment(PLAIN, "/review/7", "Label saved.", () -> {
            built.incrementAndGet();
            return Response.ok().build();
        });

        assertEquals(303, response.getStatus());
        assertEquals("/review/7", response.getLocation().toString());
        assertEquals("Label+saved.", response.getCookies().get(Flash.COOKIE).getValue());
        assertEquals("HX-Request", response.getHeaderString("Vary"));
        assertEquals(0, built.get());
    }

    @Test
    void htmxPostGetsTheFragmentInsteadOfARedirect() {
        Response fragmentAnswer = Htmx.page(HTMX, () -> page, () -> fragment).build();
        Response response = Htmx.redirectOrFragment(HTMX, "/review/7", "Label saved.", () -> fragmentAnswer);

        assertSame(fragmentAnswer, response);
        assertFalse(response.getCookies().containsKey(Flash.COOKIE));
    }

    @Test
    void redirectIsA303ForAPlainPostAndHxRedirectForHtmx() {
        Response plain = Htmx.redirect(PLAIN, "/alignments/3");
        assertEquals(303, plain.getStatus());
        assertEquals("/alignments/3", plain.getLocation().toString());
        assertNull(plain.getHeaderString("HX-Redirect"));

        Response htmx = Htmx.redirect(HTMX, "/alignments/3");
        assertEquals(200, htmx.getStatus());
        assertEquals("/alignments/3", htmx.getHeaderString("HX-Redirect"));
        assertNull(htmx.getLocation());
        assertTrue(htmx.getHeaderString("Vary").contains("HX-Request"));
    }

    @Test
    void onlyTheValueTrueMakesAnHtmxRequest() {
        assertTrue(Htmx.isHtmx(headers(Map.of("HX-Request", "TRUE"))));
        assertFalse(Htmx.isHtmx(headers(Map.of("HX-Request", "false"))));
        assertFalse(Htmx.isHtmx(PLAIN));
        assertFalse(Htmx.isHtmx(null));
    }

    /** Request headers answering only {@code getHeaderString}, which is all {@link Htmx} reads. */
    private static HttpHeaders headers(Map<String, String> values) {
        return (HttpHeaders) Proxy.newProxyInstance(HtmxTest.class.getClassLoader(), new Class<?>[]{HttpHeaders.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getHeaderString")) {
                        return values.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A stand-in template instance that renders to {@code markup} and answers nothing else. */
    private static TemplateInstance template(String markup) {
        return (TemplateInstance) Proxy.newProxyInstance(HtmxTest.class.getClassLoader(),
                new Class<?>[]{TemplateInstance.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "render" -> markup;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "template";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
