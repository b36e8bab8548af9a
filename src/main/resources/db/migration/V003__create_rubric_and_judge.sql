-- Rubrics and judges: named per experiment, with immutable numbered versions.

-- A rubric belongs to a judge name (= the assessment name): the same name rule as judges.
CREATE TABLE rubric (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id BIGINT       NOT NULL REFERENCES experiment (id),
    name          VARCHAR(64)  NOT NULL,
    created_by    VARCHAR(255) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT rubric_name_unique UNIQUE (experiment_id, name),
    CONSTRAINT rubric_name_rule CHECK (name ~ '^[a-z0-9_]{1,64}$')
);

-- Immutable: editing a rubric adds a version; labels and judge versions point at the one they were given under.
-- The current version of a rubric is its highest version number.
CREATE TABLE rubric_version (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rubric_id            BIGINT       NOT NULL REFERENCES rubric (id),
    version              INTEGER      NOT NULL,
    kind                 VARCHAR(16)  NOT NULL,
    levels               JSONB        NOT NULL,
    guidelines           TEXT         NOT NULL DEFAULT '',
    rationale_required   BOOLEAN      NOT NULL,
    min_rationale_length INTEGER      NOT NULL DEFAULT 0,
    pass_threshold       NUMERIC,
    -- RubricFingerprint.of(spec): saving unchanged content returns the current version instead of a new one
    fingerprint          VARCHAR(64)  NOT NULL,
    created_by           VARCHAR(255) NOT NULL,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT rubric_version_unique UNIQUE (rubric_id, version),
    CONSTRAINT rubric_version_positive CHECK (version >= 1),
    CONSTRAINT rubric_version_kind_known CHECK (kind IN ('CATEGORICAL', 'BOOLEAN', 'NUMERIC')),
    CONSTRAINT rubric_version_levels_list CHECK (jsonb_typeof(levels) = 'array'),
    CONSTRAINT rubric_version_min_rationale CHECK (min_rationale_length >= 0),
    CONSTRAINT rubric_version_threshold_numeric CHECK ((kind = 'NUMERIC') = (pass_threshold IS NOT NULL))
);

CREATE TABLE judge (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id BIGINT       NOT NULL REFERENCES experiment (id),
    name          VARCHAR(64)  NOT NULL,
    created_by    VARCHAR(255) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT judge_name_unique UNIQUE (experiment_id, name),
    CONSTRAINT judge_name_rule CHECK (name ~ '^[a-z0-9_]{1,64}$')
);

-- Immutable: a judge as MLflow's make_judge defines it, plus what alignment adds (demos, tags). The judge answers
-- from the value set of rubric_version_id, the rubric version current when this version was made.
CREATE TABLE judge_version (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    judge_id          BIGINT       NOT NULL REFERENCES judge (id),
    version           INTEGER      NOT NULL,
    instructions      TEXT         NOT NULL,
    model             VARCHAR(255) NOT NULL,
    inference_params  JSONB        NOT NULL DEFAULT '{}'::jsonb,
    demos             JSONB        NOT NULL DEFAULT '[]'::jsonb,
    rubric_version_id BIGINT       NOT NULL REFERENCES rubric_version (id),
    parent_version_id BIGINT       REFERENCES judge_version (id),
    tags              JSONB        NOT NULL DEFAULT '{}'::jsonb,
    created_by        VARCHAR(255) NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT judge_version_unique UNIQUE (judge_id, version),
    CONSTRAINT judge_version_positive CHECK (version >= 1),
    CONSTRAINT judge_version_params_object CHECK (jsonb_typeof(inference_params) = 'object'),
    CONSTRAINT judge_version_demos_list CHECK (jsonb_typeof(demos) = 'array'),
    CONSTRAINT judge_version_tags_object CHECK (jsonb_typeof(tags) = 'object')
);

-- Named pointers to a version: 'latest' follows every new version, 'registered' is what production uses (moved by
-- the registry). The composite foreign key makes an alias point only at a version of its own judge.
CREATE TABLE judge_alias (
    judge_id BIGINT       NOT NULL REFERENCES judge (id),
    alias    VARCHAR(32)  NOT NULL,
    version  INTEGER      NOT NULL,
    set_by   VARCHAR(255) NOT NULL,
    set_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (judge_id, alias),
    CONSTRAINT judge_alias_known CHECK (alias IN ('latest', 'registered')),
    CONSTRAINT judge_alias_version_fk FOREIGN KEY (judge_id, version) REFERENCES judge_version (judge_id, version)
);

-- Every move of an alias (from_version is null when the alias is first set): rollbacks and audits read it.
CREATE TABLE judge_alias_history (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    judge_id     BIGINT       NOT NULL REFERENCES judge (id),
    alias        VARCHAR(32)  NOT NULL,
    from_version INTEGER,
    to_version   INTEGER      NOT NULL,
    set_by       VARCHAR(255) NOT NULL,
    set_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT judge_alias_history_from_fk FOREIGN KEY (judge_id, from_version) REFERENCES judge_version (judge_id, version),
    CONSTRAINT judge_alias_history_to_fk FOREIGN KEY (judge_id, to_version) REFERENCES judge_version (judge_id, version)
);
CREATE INDEX judge_alias_history_judge_idx ON judge_alias_history (judge_id, alias, id DESC);

-- V002 created assessment before these tables existed.
ALTER TABLE assessment
    ADD CONSTRAINT assessment_judge_version_fk FOREIGN KEY (judge_version_id) REFERENCES judge_version (id),
    ADD CONSTRAINT assessment_rubric_version_fk FOREIGN KEY (rubric_version_id) REFERENCES rubric_version (id);
