-- A queue's progress counts its full items (ReviewService.progress, on every next and on the queue pages):
-- without an index on them that count read the whole queue (a sequential scan of queue_item, 9 ms for a
-- 100,000-item queue in the reviewer-loop benchmark, docs/dispensing.md). The open-items indexes are partial on
-- NOT is_full, so this one is their complement.
CREATE INDEX queue_item_full_idx ON queue_item (queue_id) WHERE is_full;
