-- OTLP ingest (dev.jury.traces.otlp, docs/production.md): traces arriving over OpenTelemetry are stored with
-- source 'otlp'.
ALTER TABLE trace DROP CONSTRAINT trace_source_known;
ALTER TABLE trace ADD CONSTRAINT trace_source_known CHECK (source IN ('api', 'upload', 'mlflow', 'demo', 'otlp'));

-- Spans whose trace's root span has not arrived yet. An OpenTelemetry exporter sends spans as they end, so a
-- trace's children usually arrive in an earlier request than its root; they wait here, are joined into the trace
-- when the root arrives (and deleted in the same transaction), and are dropped after jury.otlp.pending-ttl.
-- Owned by dev.jury.traces.otlp.OtlpIngestService.
CREATE TABLE otlp_pending_span (
    experiment_id BIGINT       NOT NULL REFERENCES experiment (id),
    trace_id      VARCHAR(32)  NOT NULL,
    span_id       VARCHAR(16)  NOT NULL,
    span          JSONB        NOT NULL,
    received_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (experiment_id, trace_id, span_id)
);
CREATE INDEX otlp_pending_span_received_idx ON otlp_pending_span (received_at);
