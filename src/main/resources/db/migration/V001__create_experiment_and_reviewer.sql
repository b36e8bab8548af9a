-- Workspaces grouping traces, judges, rubrics and queues (MLflow's experiment).
CREATE TABLE experiment (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL,
    description TEXT         NOT NULL DEFAULT '',
    created_by  VARCHAR(255) NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT experiment_name_unique UNIQUE (name),
    CONSTRAINT experiment_name_rule CHECK (name ~ '^[a-z0-9-]{1,64}$')
);

-- Every user seen through OIDC. The subject is the stable key; names and e-mail follow the IdP.
CREATE TABLE reviewer (
    subject     VARCHAR(255) PRIMARY KEY,
    username    VARCHAR(255) NOT NULL,
    name        VARCHAR(255),
    email       VARCHAR(255),
    first_seen  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_seen   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX reviewer_username_idx ON reviewer (username);

-- Who changed what, when: judges, rubrics, queues, registry aliases, adjudications.
CREATE TABLE audit_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor       VARCHAR(255) NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    target_type VARCHAR(64)  NOT NULL,
    target_id   VARCHAR(255) NOT NULL,
    detail      TEXT         NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX audit_event_target_idx ON audit_event (target_type, target_id, created_at DESC);
