-- A job its handler handed back (JobContext.handBack) is queued again for the workers of other replicas, which may
-- claim it at once; the replicas that handed it back (declined_by: their worker ids) claim it again only from
-- not_before on. A judge run's helper job does this on a replica that already works its run, where it would add
-- threads but no throughput (docs/jobs.md, "Judge runs across replicas").
ALTER TABLE job ADD COLUMN not_before timestamptz;
ALTER TABLE job ADD COLUMN declined_by text[];
