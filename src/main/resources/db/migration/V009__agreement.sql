-- The agreement report reads every current valid label of one name in one pass. Names are compared after trim and
-- case-fold (labels imported with traces keep the spelling they came with), so the report's predicate is an
-- expression; this index serves it, ordered by trace so the rows arrive grouped by unit.
CREATE INDEX assessment_folded_name_idx ON assessment (lower(btrim(name)), trace_id)
    WHERE superseded_by IS NULL AND valid;
