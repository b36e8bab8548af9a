package dev.jury.deploy;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;

/**
 * The main class of the jar {@link FastStartScriptTest} starts through deploy/fast-start.sh: prints its JVM options.
 * It is also that jar's Java agent, one that registers a class file load hook as APM agents do (the interface's
 * default methods look at every class and change none).
 */
public final class FastStartProbe implements ClassFileTransformer {

    private FastStartProbe() {
    }

    public static void main(String[] args) {
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(System.out::println);
    }

    public static void premain(String args, Instrumentation instrumentation) {
        instrumentation.addTransformer(new FastStartProbe());
    }
}
