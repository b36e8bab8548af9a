package dev.jury.labels;

/** Who gave an assessment (MLflow's AssessmentSourceType). */
public enum SourceType {
    HUMAN, LLM_JUDGE, CODE
}
