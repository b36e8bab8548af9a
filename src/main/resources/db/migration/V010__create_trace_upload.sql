-- An uploaded CSV/JSONL file waiting for (or done with) its background import job. The content is kept so a job
-- reclaimed after a crash can import it again; "result" is written in the same transaction as the traces, so a
-- re-run never imports twice.
CREATE TABLE trace_upload (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id BIGINT       NOT NULL REFERENCES experiment (id),
    file_name     VARCHAR(255) NOT NULL,
    format        VARCHAR(16)  NOT NULL,
    atomic        BOOLEAN      NOT NULL DEFAULT FALSE,
    content       BYTEA        NOT NULL,
    size_bytes    BIGINT       NOT NULL,
    job_id        BIGINT REFERENCES job (id),
    result        JSONB,
    created_by    VARCHAR(255) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX trace_upload_experiment_idx ON trace_upload (experiment_id, id DESC);
