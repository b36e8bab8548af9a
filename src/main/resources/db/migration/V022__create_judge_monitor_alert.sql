-- A judge's agreement alert (docs/production.md#monitoring-a-judge-against-humans): it fires when the newest
-- window (UTC day or ISO week) with at least min_n judge-vs-human pairs has Cohen's κ below min_kappa. One row per
-- judge; no row = no alert. Written only by production.monitor.JudgeMonitorService.
CREATE TABLE judge_monitor_alert (
    judge_id    BIGINT           PRIMARY KEY REFERENCES judge (id),
    window_unit VARCHAR(8)       NOT NULL,
    min_kappa   DOUBLE PRECISION NOT NULL,
    min_n       INTEGER          NOT NULL,
    updated_by  VARCHAR(255)     NOT NULL,
    updated_at  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    CONSTRAINT judge_monitor_alert_window_known CHECK (window_unit IN ('day', 'week')),
    CONSTRAINT judge_monitor_alert_kappa_range CHECK (min_kappa >= -1 AND min_kappa <= 1),
    CONSTRAINT judge_monitor_alert_min_n CHECK (min_n >= 2)
);
