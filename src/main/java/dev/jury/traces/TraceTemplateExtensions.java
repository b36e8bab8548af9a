package dev.jury.traces;

import io.quarkus.qute.TemplateExtension;

/** Trace text in templates: {@code {value.inert}} neutralises direction controls; Qute still escapes HTML. */
@TemplateExtension
public class TraceTemplateExtensions {

    public static String inert(String value) {
        return Inert.text(value);
    }
}
