package dev.jury.web;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.function.Supplier;

/**
 * The one place that knows how htmx talks to the server (style.md "One handler, two answers"). Resources state
 * their intent — this page or its fragment, the URL to show, the page to go to after a post — and this class
 * writes the headers: {@code Vary: HX-Request} on every answer that depends on it, {@code HX-Push-Url} and
 * {@code HX-Trigger} only on htmx answers, {@code HX-Redirect} or a 303 with a flash message after a post.
 */
public final class Htmx {

    static final String REQUEST = "HX-Request";
    static final String PUSH_URL = "HX-Push-Url";
    static final String TRIGGER = "HX-Trigger";
    static final String REDIRECT = "HX-Redirect";

    private static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("UTF-8");

    private Htmx() {
    }

    public static boolean isHtmx(HttpHeaders headers) {
        return headers != null && "true".equalsIgnoreCase(headers.getHeaderString(REQUEST));
    }

    /**
     * The whole page for a plain request, only {@code fragment} for htmx. Both are suppliers so that only the
     * answer sent is built (a page often reads more than its fragment).
     */
    public static Answer page(HttpHeaders headers, Supplier<TemplateInstance> fullPage,
                              Supplier<TemplateInstance> fragment) {
        boolean htmx = isHtmx(headers);
        return new Answer(htmx, htmx ? fragment.get() : fullPage.get());
    }

    /**
     * After a successful form post: a plain post gets Post/Redirect/Get to {@code location} with {@code flash}
     * shown there; htmx gets the answer {@code fragment} builds (it already holds what comes next, so the browser
     * needs no second round trip). {@code fragment} runs only for htmx.
     */
    public static Response redirectOrFragment(HttpHeaders headers, String location, String flash,
                                              Supplier<Response> fragment) {
        if (isHtmx(headers)) {
            return fragment.get();
        }
        return Flash.redirectBuilder(location, flash).header(HttpHeaders.VARY, REQUEST).build();
    }

    /** Go to {@code location}: a 303 for a plain post, {@code HX-Redirect} (a full navigation) for htmx. */
    public static Response redirect(HttpHeaders headers, String location) {
        var response = isHtmx(headers) ? Response.ok().header(REDIRECT, location)
                : Response.seeOther(URI.create(location));
        return response.header(HttpHeaders.VARY, REQUEST).build();
    }

    /** A page-or-fragment answer being built; {@link #build()} adds {@code Vary: HX-Request}. */
    public static final class Answer {

        private final boolean htmx;
        private final TemplateInstance entity;
        private int status = 200;
        private String pushUrl;
        private String trigger;

        private Answer(boolean htmx, TemplateInstance entity) {
            this.htmx = htmx;
            this.entity = entity;
        }

        public Answer status(int status) {
            this.status = status;
            return this;
        }

        /**
         * The status of a refusal that htmx should still swap in: {@code status} for a plain post, 200 for htmx
         * (htmx swaps only successful answers into the page unless told otherwise).
         */
        public Answer refusedWith(int status) {
            this.status = htmx ? 200 : status;
            return this;
        }

        /** The URL the browser shows after an htmx swap (its history entry); ignored for a plain answer. */
        public Answer pushUrl(String url) {
            this.pushUrl = url;
            return this;
        }

        /** An event htmx raises on the page after the swap, for regions listening with {@code from:body}. */
        public Answer trigger(String event) {
            this.trigger = event;
            return this;
        }

        /**
         * The answer, its template rendered here on the request's own thread. Handed to RESTEasy as a template
         * instance it would be rendered asynchronously by Quarkus' template filter, which captures the request's
         * contexts (CDI, transaction, security) for that — the largest self-time frame in a profile of the htmx
         * reviewer loop — for no use: every page and fragment here is rendered from values already read, on a worker
         * thread that may block (docs/performance.md, "Seventh pass").
         */
        public Response build() {
            var response = Response.status(status).entity(entity.render()).type(HTML)
                    .header(HttpHeaders.VARY, REQUEST);
            if (htmx && pushUrl != null) {
                response.header(PUSH_URL, pushUrl);
            }
            if (htmx && trigger != null) {
                response.header(TRIGGER, trigger);
            }
            return response.build();
        }
    }
}
