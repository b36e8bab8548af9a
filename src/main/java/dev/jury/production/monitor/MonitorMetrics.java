package dev.jury.production.monitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agreement alerts on {@code /q/metrics}, one row per judge with an alert (tags {@code experiment},
 * {@code judge}): {@code jury_judge_agreement_alert} 1 while it fires, else 0; {@code jury_judge_agreement_latest}
 * the κ of the window the alert looked at (absent while no window has enough pairs);
 * {@code jury_judge_agreement_threshold} the κ it is compared with. A scrape reads the last computed state, never
 * the database: {@link MonitorAlertRefresher} recomputes it every {@code jury.monitor.refresh-interval}, and
 * saving an alert or opening the monitor publishes the judge's state at once.
 */
@Startup
@ApplicationScoped
public class MonitorMetrics {

    /** A judge, as the metrics name it. */
    public record Key(String experiment, String judge) {
    }

    @Inject
    MeterRegistry registry;

    private final Map<Key, JudgeMonitorService.Alert> states = new ConcurrentHashMap<>();
    private MultiGauge alert;
    private MultiGauge latest;
    private MultiGauge threshold;

    @PostConstruct
    void register() {
        alert = MultiGauge.builder("jury.judge.agreement.alert")
                .description("1 while the judge's agreement alert fires (κ below its threshold), else 0")
                .register(registry);
        latest = MultiGauge.builder("jury.judge.agreement.latest")
                .description("Judge-vs-human Cohen's κ in the newest window with enough pairs")
                .register(registry);
        threshold = MultiGauge.builder("jury.judge.agreement.threshold")
                .description("The κ below which the judge's agreement alert fires")
                .register(registry);
    }

    void put(String experiment, String judge, JudgeMonitorService.Alert state) {
        states.put(new Key(experiment, judge), state);
        publish();
    }

    void remove(String experiment, String judge) {
        if (states.remove(new Key(experiment, judge)) != null) {
            publish();
        }
    }

    /** Every judge's state at once: judges left out (alert removed, judge gone) disappear. */
    void replaceAll(Map<Key, JudgeMonitorService.Alert> fresh) {
        states.keySet().retainAll(fresh.keySet());
        states.putAll(fresh);
        publish();
    }

    private synchronized void publish() {
        var alerts = new ArrayList<MultiGauge.Row<?>>();
        var kappas = new ArrayList<MultiGauge.Row<?>>();
        var thresholds = new ArrayList<MultiGauge.Row<?>>();
        states.forEach((key, state) -> {
            Tags tags = Tags.of("experiment", key.experiment(), "judge", key.judge());
            alerts.add(MultiGauge.Row.of(tags, state.firing() ? 1 : 0));
            thresholds.add(MultiGauge.Row.of(tags, state.minKappa()));
            if (state.kappa() != null) {
                kappas.add(MultiGauge.Row.of(tags, state.kappa()));
            }
        });
        alert.register(List.copyOf(alerts), true);
        latest.register(List.copyOf(kappas), true);
        threshold.register(List.copyOf(thresholds), true);
    }
}
