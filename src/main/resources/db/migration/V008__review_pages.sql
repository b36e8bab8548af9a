-- The label exports page through one queue's assessments by id (docs/dispensing.md "Reviewer UI").
CREATE INDEX assessment_queue_idx ON assessment (queue_id, id) WHERE queue_id IS NOT NULL;
