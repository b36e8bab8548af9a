package dev.jury.jobs;

/** Where a job is in its life: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (docs/jobs.md). */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
