package dev.jury.judges.templates;

/** How a template judge answers. The stored verdict is always the rubric's yes/no; the kinds differ in what the model is asked. */
public enum AnswerKind {
    /** One yes/no per trace. */
    YES_NO,
    /** A score 1–5 per trace, turned into yes/no at the judge's threshold ({@link ScoreScale}). */
    SCORE,
    /** One yes/no per retrieved chunk, aggregated to the trace's precision and a yes/no ({@link ChunkVerdicts}). */
    PER_CHUNK
}
