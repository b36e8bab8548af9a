-- A judge version's labelled memory (judges.memory.JudgeMemory as JSON: k, weighting, examples with their consensus
-- labels). NULL = no memory. Like the rest of the version it is written once and never changed.
ALTER TABLE judge_version ADD COLUMN memory jsonb;
