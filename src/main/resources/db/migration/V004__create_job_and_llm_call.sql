-- Background work (judge runs, alignment runs, imports). Any number of app replicas share this table: workers claim
-- rows with SELECT … FOR UPDATE SKIP LOCKED, keep them alive with heartbeat_at, and a RUNNING row whose heartbeat
-- is older than the timeout is reclaimed by another worker (docs/jobs.md).
CREATE TABLE job (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type             VARCHAR(64)  NOT NULL,
    status           VARCHAR(16)  NOT NULL DEFAULT 'QUEUED',
    payload          JSONB        NOT NULL DEFAULT '{}'::jsonb,
    progress_done    BIGINT       NOT NULL DEFAULT 0,
    progress_total   BIGINT       NOT NULL DEFAULT 0,
    progress_errors  BIGINT       NOT NULL DEFAULT 0,
    result           JSONB,
    error            TEXT,
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    worker_id        VARCHAR(128),
    heartbeat_at     TIMESTAMPTZ,
    created_by       VARCHAR(255) NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    CONSTRAINT job_status_known CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    CONSTRAINT job_progress_non_negative CHECK (progress_done >= 0 AND progress_total >= 0 AND progress_errors >= 0)
);
-- Claiming: the oldest QUEUED job, or a RUNNING job whose worker stopped heart-beating.
CREATE INDEX job_queued_idx ON job (id) WHERE status = 'QUEUED';
CREATE INDEX job_running_heartbeat_idx ON job (heartbeat_at) WHERE status = 'RUNNING';
-- Recent jobs of a type (pages, "list recent by type").
CREATE INDEX job_type_idx ON job (type, id DESC);

-- The run log shown on a job's page. Kept when the job fails.
CREATE TABLE job_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id  BIGINT      NOT NULL REFERENCES job (id),
    level   VARCHAR(8)  NOT NULL,
    message TEXT        NOT NULL,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT job_log_level_known CHECK (level IN ('INFO', 'WARN', 'ERROR', 'DEBUG'))
);
CREATE INDEX job_log_job_idx ON job_log (job_id, id);

-- One row per LlmClient.chat call, for cost accounting. Never prompts, answers or keys. job_id has no foreign key:
-- accounting rows are written asynchronously and must never fail because of what they describe.
CREATE TABLE llm_call (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider      VARCHAR(32)  NOT NULL,
    model         VARCHAR(255) NOT NULL,
    job_id        BIGINT,
    input_tokens  INTEGER      NOT NULL DEFAULT 0,
    output_tokens INTEGER      NOT NULL DEFAULT 0,
    latency_ms    BIGINT       NOT NULL,
    attempts      INTEGER      NOT NULL,
    outcome       VARCHAR(32)  NOT NULL,
    cached        BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX llm_call_job_idx ON llm_call (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX llm_call_created_idx ON llm_call (created_at);

-- Answers to deterministic requests (temperature 0), keyed by the SHA-256 of the request's canonical form.
CREATE TABLE llm_cache (
    cache_key     VARCHAR(64)  PRIMARY KEY,
    provider      VARCHAR(32)  NOT NULL,
    model         VARCHAR(255) NOT NULL,
    response_text TEXT         NOT NULL,
    input_tokens  INTEGER      NOT NULL DEFAULT 0,
    output_tokens INTEGER      NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
