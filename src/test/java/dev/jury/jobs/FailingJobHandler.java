package dev.jury.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;

/** Test handler {@code test-fail}: does a little, logs, keeps a partial result, then throws. */
@ApplicationScoped
public class FailingJobHandler implements JobHandler {

    @Override
    public String type() {
        return "test-fail";
    }

    @Override
    public void run(JobContext context) {
        context.info("Working on it.");
        context.increment(2, 1);
        context.result(JsonNodeFactory.instance.objectNode().put("partial", true));
        throw new IllegalStateException("The disk is on fire");
    }
}
