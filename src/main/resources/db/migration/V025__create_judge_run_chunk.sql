-- A large judge run is split into chunks of traces that every replica's workers claim (issue 16, deliverable 5):
-- the run's own job and its helper jobs (type judge-run-helper) take chunks with FOR UPDATE SKIP LOCKED, so a second
-- replica adds throughput. Exactly once per trace and version still rests on the one-valid-verdict index; a chunk
-- only says who works on which traces. Written only by dev.jury.judges.run.RunChunks.
CREATE TABLE judge_run_chunk (
    run_job_id BIGINT   NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    seq        INT      NOT NULL,
    trace_ids  BIGINT[] NOT NULL,
    -- the job (the run's own, or one of its helpers) working on it; NULL until claimed
    claimed_by BIGINT,
    done       BOOLEAN  NOT NULL DEFAULT FALSE,
    -- outcomes stored so far (verdicts and errors), for the run's progress
    assessed   INT      NOT NULL DEFAULT 0,
    errors     INT      NOT NULL DEFAULT 0,
    PRIMARY KEY (run_job_id, seq)
);
