package dev.jury.alignment.run;

import dev.jury.alignment.Optimizer;
import dev.jury.alignment.fewshot.FewShotOptimizer;
import dev.jury.alignment.memalign.MemAlignOptimizer;
import dev.jury.judges.JudgeVersion;
import dev.jury.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every {@link Optimizer} bean, by name; {@code memalign} is the default: its cost grows with the labels (N judge
 * calls and one reflection call per 50 of them), not with a search as SIMBA's does.
 */
@ApplicationScoped
public class Optimizers {

    public static final String DEFAULT = MemAlignOptimizer.NAME;

    @Inject
    @Any
    Instance<Optimizer> beans;

    /** The default first, then by name. */
    public List<Optimizer> all() {
        return beans.stream().sorted(Comparator.comparing((Optimizer o) -> !o.name().equals(DEFAULT))
                .thenComparing(Optimizer::name)).toList();
    }

    public List<String> names() {
        return all().stream().map(Optimizer::name).toList();
    }

    /**
     * @param name blank means the default
     * @throws ProblemException 422 on {@code optimizer} listing the available names
     */
    public Optimizer get(String name) {
        return get(name, null);
    }

    /**
     * The optimizer a run of {@code base} uses when none is named: few-shot for the offline embedded judge (it learns
     * into its labelled memory and chooses k on the train set without any LLM; MemAlign and SIMBA need an LLM to
     * reflect with, and the offline judge does not read guidelines), else the default.
     */
    public String defaultFor(JudgeVersion base) {
        return base != null && base.isEmbedded() ? FewShotOptimizer.NAME : DEFAULT;
    }

    /**
     * @param name blank means the default for {@code base} ({@link #defaultFor})
     * @throws ProblemException 422 on {@code optimizer} listing the available names
     */
    public Optimizer get(String name, JudgeVersion base) {
        if (name == null || name.isBlank()) {
            name = defaultFor(base);
        }
        String wanted = name == null || name.isBlank() ? DEFAULT : name.strip();
        return all().stream().filter(o -> o.name().equals(wanted)).findFirst()
                .orElseThrow(() -> ProblemException.invalid("optimizer", "Unknown optimizer '"
                        + (wanted.length() > 64 ? wanted.substring(0, 64) + "…" : wanted) + "'; available: "
                        + all().stream().map(Optimizer::name).collect(Collectors.joining(", ")) + "."));
    }
}
