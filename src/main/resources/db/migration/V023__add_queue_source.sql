-- Queue sources (docs/production.md, "Review queues fed by the judge's uncertainty"): a queue is drawn as before
-- (BALANCED), from the traces the judge is least sure of (UNCERTAIN), from traces whose judge verdict differs from
-- the current human label (JUDGE_HUMAN_DISAGREE), or as a random sample stratified by verdict (STRATIFIED_RANDOM).
-- UNCERTAIN and JUDGE_HUMAN_DISAGREE mix in a simple random stratum of the whole pool (random_share of the items).
ALTER TABLE review_queue
    ADD COLUMN source       VARCHAR(32)   NOT NULL DEFAULT 'BALANCED',
    ADD COLUMN random_share NUMERIC(4, 3) NOT NULL DEFAULT 0,
    ADD CONSTRAINT review_queue_source_known
        CHECK (source IN ('BALANCED', 'UNCERTAIN', 'JUDGE_HUMAN_DISAGREE', 'STRATIFIED_RANDOM')),
    ADD CONSTRAINT review_queue_random_share_range CHECK (random_share BETWEEN 0 AND 0.5);

-- Where each item came from, so estimates can be reported per stratum: BALANCED, UNCERTAIN, DISAGREE, RANDOM or
-- VERDICT:<value> (stratified); its inclusion probability when it was drawn at random (NULL for items chosen on
-- purpose: the most uncertain, the disagreements); the judge's uncertainty (0 sure … 1 unsure) when known.
ALTER TABLE queue_item
    ADD COLUMN stratum               TEXT             NOT NULL DEFAULT 'BALANCED',
    ADD COLUMN inclusion_probability DOUBLE PRECISION,
    ADD COLUMN uncertainty           DOUBLE PRECISION,
    ADD CONSTRAINT queue_item_inclusion_probability_range
        CHECK (inclusion_probability IS NULL OR (inclusion_probability > 0 AND inclusion_probability <= 1));

-- How unsure a judge version is about a trace, measured by production.uncertainty.UncertaintyHandler (its only
-- writer): VOTES = N samples at temperature > 0 (uncertainty = normalised entropy of the votes), MARGIN = the
-- embedded judge's vote margin (uncertainty = 1 - margin). One row per trace and version; a new measurement
-- replaces the old one.
CREATE TABLE trace_uncertainty (
    trace_id         BIGINT           NOT NULL REFERENCES trace (id),
    judge_version_id BIGINT           NOT NULL REFERENCES judge_version (id),
    name             VARCHAR(64)      NOT NULL,
    method           VARCHAR(8)       NOT NULL,
    samples          INT              NOT NULL,
    temperature      DOUBLE PRECISION,
    votes            JSONB            NOT NULL DEFAULT '{}'::jsonb,
    errors           INT              NOT NULL DEFAULT 0,
    uncertainty      DOUBLE PRECISION NOT NULL,
    minority_share   DOUBLE PRECISION,
    job_id           BIGINT           REFERENCES job (id),
    measured_at      TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (trace_id, judge_version_id),
    CONSTRAINT trace_uncertainty_method_known CHECK (method IN ('VOTES', 'MARGIN')),
    CONSTRAINT trace_uncertainty_range CHECK (uncertainty BETWEEN 0 AND 1)
);
-- The queue pool reads the newest measurement of a trace for a judge name.
CREATE INDEX trace_uncertainty_name_idx ON trace_uncertainty (trace_id, name, measured_at DESC);
