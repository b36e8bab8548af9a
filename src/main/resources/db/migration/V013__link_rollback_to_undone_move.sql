-- A rollback of the registered alias records which earlier move it undoes, so that repeated rollbacks walk back
-- through the registrations (v3 → v2 → v1) instead of flipping between the last two versions.
ALTER TABLE judge_alias_history
    ADD COLUMN rollback_of BIGINT REFERENCES judge_alias_history (id);
