-- The one definition of "current label": a source's assessment that nothing superseded (valid or not: a failed
-- judge call stays current until a later outcome supersedes it). Every reader of current labels selects from this
-- view instead of repeating the condition (docs/architecture.md); only dev.jury.labels writes the table.
-- PostgreSQL inlines a simple view, so the partial indexes on "superseded_by IS NULL" serve queries on it as before.
-- The column list is fixed when the view is created: a migration that adds a column to assessment must recreate it.
CREATE VIEW current_assessment AS
SELECT * FROM assessment WHERE superseded_by IS NULL;
