package dev.jury.traces.otlp;

/** The request body is not an OTLP trace export at all (not protobuf, not JSON, wrong structure): answered 400. */
public class MalformedOtlpException extends Exception {

    public MalformedOtlpException(String message) {
        super(message, null, false, false);
    }
}
