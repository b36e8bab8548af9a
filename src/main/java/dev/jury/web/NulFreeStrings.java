package dev.jury.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * Every string of a JSON request body read into an API type refuses NUL (U+0000), which PostgreSQL cannot
 * store: the answer is the usual 400 naming the field ({@link ErrorMapper#unreadableJson}) instead of a database
 * error later. Trace bodies (free JSON) are checked by the ingest itself.
 */
@Singleton
public class NulFreeStrings implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("nul-free-strings").addDeserializer(String.class, new Deserializer()));
    }

    /** Half of a surrogate pair on its own (JSON can spell {@code "\\ud800"}): no character, stored as '?'. */
    static boolean hasUnpairedSurrogate(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    static final class Deserializer extends StdScalarDeserializer<String> {

        Deserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw InvalidFormatException.from(parser, "contains a NUL character (\\u0000), which is never accepted",
                        value.replace("\0", "\\u0000"), String.class);
            }
            if (hasUnpairedSurrogate(value)) {
                throw InvalidFormatException.from(parser, "contains an unpaired UTF-16 surrogate (such as \\ud800), "
                        + "which is not a character", value.replaceAll("[\\uD800-\\uDFFF]", "?"), String.class);
            }
            return value;
        }
    }
}
