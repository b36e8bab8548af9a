-- Review queues: a balanced sample of traces, one pinned rubric version, k reviewers per item.
CREATE TABLE review_queue (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id      BIGINT        NOT NULL REFERENCES experiment (id),
    name               VARCHAR(128)  NOT NULL,
    judge_name         VARCHAR(64)   NOT NULL,
    rubric_version_id  BIGINT        NOT NULL,
    size               INT           NOT NULL,
    reviewers_per_item INT           NOT NULL,
    balance_target     NUMERIC(4, 3) NOT NULL,
    blind              BOOLEAN       NOT NULL DEFAULT TRUE,
    balance            VARCHAR(24)   NOT NULL,
    consensus_rule     VARCHAR(16)   NOT NULL DEFAULT 'MAJORITY',
    lease_seconds      INT           NOT NULL DEFAULT 600,
    seed               BIGINT        NOT NULL,
    pool_filter        JSONB         NOT NULL DEFAULT '{}'::jsonb,
    status             VARCHAR(16)   NOT NULL DEFAULT 'OPEN',
    -- live balance by consensus, kept by the dispenser when an item gets its consensus
    consensus_negative INT           NOT NULL DEFAULT 0,
    consensus_positive INT           NOT NULL DEFAULT 0,
    items_complete     INT           NOT NULL DEFAULT 0,
    created_by         VARCHAR(255)  NOT NULL,
    created_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    version            BIGINT        NOT NULL DEFAULT 0,
    CONSTRAINT review_queue_name_unique UNIQUE (experiment_id, name),
    CONSTRAINT review_queue_k CHECK (reviewers_per_item BETWEEN 1 AND 10),
    CONSTRAINT review_queue_balance_target CHECK (balance_target BETWEEN 0 AND 0.5),
    CONSTRAINT review_queue_balance_known CHECK (balance IN ('BALANCED', 'UNBALANCED', 'UNBALANCED_UNKNOWN')),
    CONSTRAINT review_queue_status_known CHECK (status IN ('OPEN', 'CLOSED')),
    CONSTRAINT review_queue_rule_known CHECK (consensus_rule IN ('MAJORITY', 'MEDIAN'))
);

-- Members by username (they may not have signed in yet); the subject is filled in on first use.
CREATE TABLE queue_member (
    queue_id   BIGINT       NOT NULL REFERENCES review_queue (id),
    username   VARCHAR(255) NOT NULL,
    added_by   VARCHAR(255) NOT NULL,
    added_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_id, username)
);
CREATE INDEX queue_member_username_idx ON queue_member (username);

CREATE TABLE queue_item (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id    BIGINT      NOT NULL REFERENCES review_queue (id),
    trace_id    BIGINT      NOT NULL REFERENCES trace (id),
    predicted   VARCHAR(16) NOT NULL,
    priority    INT         NOT NULL,
    -- completed labels (submitted leases); the item is full at k
    completed   INT         NOT NULL DEFAULT 0,
    is_full     BOOLEAN     NOT NULL DEFAULT FALSE,
    -- polarity of the item's consensus once it is full (NEGATIVE/POSITIVE), NONE when the labels disagree
    consensus   VARCHAR(16),
    CONSTRAINT queue_item_unique UNIQUE (queue_id, trace_id),
    CONSTRAINT queue_item_predicted_known CHECK (predicted IN ('NEGATIVE', 'POSITIVE', 'UNKNOWN'))
);
-- The dispenser scans open items of a queue in priority order (see docs/dispensing.md).
CREATE INDEX queue_item_open_idx ON queue_item (queue_id, priority DESC) WHERE NOT is_full;
-- Adaptive balance asks for the best open item of one predicted polarity.
CREATE INDEX queue_item_open_polarity_idx ON queue_item (queue_id, predicted, priority DESC) WHERE NOT is_full;

-- One lease per item and reviewer: a reviewer never gets an item twice (labelled, skipped or leased).
CREATE TABLE lease (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id       BIGINT       NOT NULL REFERENCES queue_item (id),
    queue_id      BIGINT       NOT NULL REFERENCES review_queue (id),
    reviewer      VARCHAR(255) NOT NULL,
    token         UUID         NOT NULL,
    status        VARCHAR(16)  NOT NULL DEFAULT 'LEASED',
    issued_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ  NOT NULL,
    completed_at  TIMESTAMPTZ,
    assessment_id BIGINT REFERENCES assessment (id),
    extra         BOOLEAN      NOT NULL DEFAULT FALSE,
    skip_reason   TEXT,
    CONSTRAINT lease_one_per_reviewer UNIQUE (item_id, reviewer),
    CONSTRAINT lease_status_known CHECK (status IN ('LEASED', 'SUBMITTED', 'SKIPPED'))
);
CREATE INDEX lease_live_idx ON lease (item_id) WHERE status = 'LEASED';
CREATE INDEX lease_reviewer_idx ON lease (queue_id, reviewer, status);
CREATE INDEX lease_reviewer_history_idx ON lease (queue_id, reviewer, completed_at DESC);

ALTER TABLE assessment ADD CONSTRAINT assessment_queue_fk FOREIGN KEY (queue_id) REFERENCES review_queue (id);
