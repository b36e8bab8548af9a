-- An application's input/output pair, as ingested (API, upload, MLflow import). Content is hostile: stored as
-- JSON, always rendered escaped.
CREATE TABLE trace (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id     BIGINT       NOT NULL REFERENCES experiment (id),
    client_request_id VARCHAR(255),
    inputs            JSONB        NOT NULL,
    outputs           JSONB        NOT NULL,
    expectations      JSONB,
    spans             JSONB,
    tags              JSONB        NOT NULL DEFAULT '{}'::jsonb,
    source            VARCHAR(16)  NOT NULL DEFAULT 'api',
    mlflow_trace_id   VARCHAR(255),
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT trace_source_known CHECK (source IN ('api', 'upload', 'mlflow', 'demo'))
);
-- Idempotent ingest: the same client_request_id in one experiment is stored once.
CREATE UNIQUE INDEX trace_client_request_idx ON trace (experiment_id, client_request_id)
    WHERE client_request_id IS NOT NULL;
-- Keyset pagination, newest first.
CREATE INDEX trace_experiment_idx ON trace (experiment_id, id DESC);
CREATE INDEX trace_tags_idx ON trace USING gin (tags jsonb_path_ops);

-- A label on a trace from a person, a judge or code. Append-only: content columns are never updated; an edit is
-- a new row whose "supersedes" points at the old one, and the old row gets "superseded_by" set once.
CREATE TABLE assessment (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trace_id          BIGINT       NOT NULL REFERENCES trace (id),
    name              VARCHAR(64)  NOT NULL,
    value             TEXT,
    rationale         TEXT,
    source_type       VARCHAR(16)  NOT NULL,
    source_id         VARCHAR(255) NOT NULL,
    judge_version_id  BIGINT,
    rubric_version_id BIGINT,
    queue_id          BIGINT,
    error             TEXT,
    time_spent_ms     BIGINT,
    metadata          JSONB,
    supersedes        BIGINT REFERENCES assessment (id),
    superseded_by     BIGINT REFERENCES assessment (id),
    valid             BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT assessment_source_type_known CHECK (source_type IN ('HUMAN', 'LLM_JUDGE', 'CODE')),
    -- an error assessment (failed judge call) has a reason and no value, and is never a valid label
    CONSTRAINT assessment_value_or_error CHECK ((error IS NULL AND value IS NOT NULL) OR (error IS NOT NULL AND value IS NULL AND NOT valid))
);
CREATE INDEX assessment_trace_idx ON assessment (trace_id, name);
-- The current labels: newest rows that nothing superseded.
CREATE INDEX assessment_current_idx ON assessment (name, source_type, trace_id) WHERE superseded_by IS NULL;
-- Exactly one valid LLM_JUDGE verdict per trace and judge version (judge runs insert ON CONFLICT DO NOTHING);
-- failed calls are invalid rows that a later successful verdict supersedes.
CREATE UNIQUE INDEX assessment_one_judge_verdict_idx ON assessment (trace_id, source_id)
    WHERE source_type = 'LLM_JUDGE' AND valid;
