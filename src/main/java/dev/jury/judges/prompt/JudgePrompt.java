package dev.jury.judges.prompt;

/**
 * The two messages of one judge call. Only {@code user} carries the data being judged (inputs, outputs,
 * expectations, trace); {@code system} carries Jury's preamble, the admin's instructions, the rubric and the demos.
 */
public record JudgePrompt(String system, String user) {
}
