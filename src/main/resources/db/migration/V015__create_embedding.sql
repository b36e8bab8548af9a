-- Vectors of the in-process embedding model (dev.jury.llm.embedded.EmbeddingService), so no text is embedded twice:
-- keyed by the model's name and the SHA-256 (hex) of the embedded text. float32 little-endian in a bytea: a 384-
-- dimension vector is 1,536 bytes. Rows are never updated; a new model name simply misses the old rows.
CREATE TABLE embedding (
    model      text        NOT NULL,
    text_hash  text        NOT NULL,
    dimensions integer     NOT NULL,
    vector     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, text_hash)
);
