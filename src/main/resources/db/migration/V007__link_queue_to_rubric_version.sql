-- A queue pins the rubric version current at its creation (V006 came before the rubric tables were merged).
ALTER TABLE review_queue
    ADD CONSTRAINT review_queue_rubric_version_fk FOREIGN KEY (rubric_version_id) REFERENCES rubric_version (id);
