package dev.jury.production.monitor;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Recomputes every judge's agreement alert for {@code /q/metrics} every {@code jury.monitor.refresh-interval}
 * (each replica on its own: the state is read-only, so replicas agree). A scrape never queries the database.
 */
@ApplicationScoped
class MonitorAlertRefresher {

    @Inject
    JudgeMonitorService service;

    @Scheduled(every = "${jury.monitor.refresh-interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        service.refreshAlerts();
    }
}
