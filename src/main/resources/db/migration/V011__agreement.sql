-- The agreement report reads every current label of one name in one pass. Names are compared after trim and
-- case-fold (labels imported with traces keep the spelling they came with), so the report's predicate has an
-- expression; this index serves it. Not partial on purpose: PostgreSQL keeps statistics for the expression of a
-- non-partial index only, and without them it guesses 0.5% of the rows and picks hash joins that spill to disk.
-- IF NOT EXISTS: this migration was numbered V009 on some development databases before it moved after V010.
CREATE INDEX IF NOT EXISTS assessment_folded_name_idx ON assessment (lower(btrim(name)), trace_id);
