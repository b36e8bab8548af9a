-- Judge templates (docs/judges.md, "Judge templates"): the template a version was made from, and for a 1–5 judge
-- the threshold above which its score is stored as yes. Both null for a judge written from scratch.
ALTER TABLE judge_version
    ADD COLUMN template        text,
    ADD COLUMN score_threshold integer CHECK (score_threshold BETWEEN 1 AND 5);
