-- One alignment run: the request (optimizer, parameters, reflection model, seed, split settings), the data set it was
-- started with (summary and the exact train / held-out split with their consensus labels, so a run reclaimed after a
-- crash re-runs on the same traces), live progress, and the outcome (metrics before/after, the new judge version).
-- The work itself is the job (type 'alignment'); its log is the run's log.
CREATE TABLE alignment_run (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id     BIGINT           NOT NULL REFERENCES experiment (id),
    judge_id          BIGINT           NOT NULL REFERENCES judge (id),
    base_version_id   BIGINT           NOT NULL REFERENCES judge_version (id),
    optimizer         VARCHAR(64)      NOT NULL,
    params            JSONB            NOT NULL DEFAULT '{}'::jsonb,
    reflection_model  VARCHAR(255),
    seed              BIGINT           NOT NULL,
    heldout_fraction  DOUBLE PRECISION NOT NULL,
    rebalance         BOOLEAN          NOT NULL DEFAULT FALSE,
    rubric_version    INTEGER,
    status            VARCHAR(16)      NOT NULL,
    data_set          JSONB            NOT NULL,
    progress          JSONB,
    result_version_id BIGINT REFERENCES judge_version (id),
    metrics           JSONB,
    outcome           TEXT,
    error             TEXT,
    llm_calls         BIGINT           NOT NULL DEFAULT 0,
    input_tokens      BIGINT           NOT NULL DEFAULT 0,
    output_tokens     BIGINT           NOT NULL DEFAULT 0,
    job_id            BIGINT REFERENCES job (id),
    created_by        VARCHAR(255)     NOT NULL,
    created_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    finished_at       TIMESTAMPTZ,
    CONSTRAINT alignment_run_status CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    CONSTRAINT alignment_run_heldout CHECK (heldout_fraction > 0 AND heldout_fraction < 1)
);
CREATE INDEX alignment_run_judge_idx ON alignment_run (judge_id, id DESC);
CREATE UNIQUE INDEX alignment_run_job_idx ON alignment_run (job_id);
