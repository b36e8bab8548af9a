-- The dispenser's candidate query (Dispenser.candidate) first finds a queue's saturated items — those whose completed
-- labels plus live leases already reach k — from the queue's live leases, then skips them with one hash lookup per
-- row instead of counting each item's leases as it walks the open items by priority (the in-flight items are at
-- the top, so every call walked past them: 58 % of PostgreSQL's time per label, docs/performance.md "Fourth pass").
-- Live leases are few (about one per active reviewer), so this index stays small.
CREATE INDEX lease_live_queue_idx ON lease (queue_id) WHERE status = 'LEASED';
