package dev.jury.deploy;

import java.lang.management.ManagementFactory;

/** The main class of the jar {@link FastStartScriptTest} starts through deploy/fast-start.sh: prints its JVM options. */
public final class FastStartProbe {

    private FastStartProbe() {
    }

    public static void main(String[] args) {
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(System.out::println);
    }
}
