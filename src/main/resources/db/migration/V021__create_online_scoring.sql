-- Online scoring (docs/production.md#online-scoring): a judge scores a deterministic sample of its experiment's new
-- traces with the version its `registered` alias points at, in the background. Settings and cursor: one row per
-- judge, written by production.OnlineScoringService (settings) and production.ScoringQueue (cursor, job).
CREATE TABLE online_scoring (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    judge_id        BIGINT           NOT NULL REFERENCES judge (id),
    enabled         BOOLEAN          NOT NULL DEFAULT FALSE,
    sample_rate     DOUBLE PRECISION NOT NULL,
    filter          TEXT             NOT NULL DEFAULT '',
    -- Every trace of the experiment with an id up to here has been examined (sampled or not). Set to the newest
    -- trace when scoring is turned on, so only traces ingested afterwards are scored.
    cursor_trace_id BIGINT           NOT NULL DEFAULT 0,
    enabled_at      TIMESTAMPTZ,
    -- the online-scoring job that works on it now or did last; a new one is enqueued when this one has ended
    job_id          BIGINT,
    updated_by      VARCHAR(255)     NOT NULL,
    updated_at      TIMESTAMPTZ      NOT NULL DEFAULT now(),
    CONSTRAINT online_scoring_one_per_judge UNIQUE (judge_id),
    CONSTRAINT online_scoring_rate_range CHECK (sample_rate >= 0 AND sample_rate <= 1)
);

-- One row per sampled trace: the claim that makes scoring exactly-once. PENDING → CLAIMED (a worker holds it, with
-- a fresh claim_token; a claim older than the claim timeout may be taken again) → DONE (verdict stored, in the same
-- transaction) or FAILED (error assessment stored). Written only by production.ScoringQueue.
CREATE TABLE online_scoring_item (
    config_id        BIGINT       NOT NULL REFERENCES online_scoring (id),
    trace_id         BIGINT       NOT NULL REFERENCES trace (id),
    status           VARCHAR(8)   NOT NULL DEFAULT 'PENDING',
    -- the version that scores (scored) the trace: the registered one when the item was claimed
    judge_version_id BIGINT       REFERENCES judge_version (id),
    claim_token      UUID,
    claimed_at       TIMESTAMPTZ,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    error            TEXT,
    discovered_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ,
    PRIMARY KEY (config_id, trace_id),
    CONSTRAINT online_scoring_item_status_known CHECK (status IN ('PENDING', 'CLAIMED', 'DONE', 'FAILED')),
    CONSTRAINT online_scoring_item_claimed CHECK ((status = 'CLAIMED') = (claim_token IS NOT NULL))
);
-- A trace is scored at most once per judge version, whatever happens to the claims.
CREATE UNIQUE INDEX online_scoring_item_once_idx ON online_scoring_item (trace_id, judge_version_id);
-- What is left to do, in trace order (the claim query).
CREATE INDEX online_scoring_item_todo_idx ON online_scoring_item (config_id, trace_id)
    WHERE status IN ('PENDING', 'CLAIMED');
