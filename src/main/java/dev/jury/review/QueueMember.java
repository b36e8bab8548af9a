package dev.jury.review;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/** A reviewer allowed to work a queue, by username (they may not have signed in yet). */
@Entity
@Table(name = "queue_member")
@IdClass(QueueMember.Key.class)
public class QueueMember extends PanacheEntityBase {

    /** The composite key (queue, username). */
    public static class Key implements Serializable {
        public Long queueId;
        public String username;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Objects.equals(queueId, k.queueId)
                    && java.util.Objects.equals(username, k.username);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(queueId, username);
        }
    }

    @Id
    @Column(name = "queue_id")
    public Long queueId;

    @Id
    public String username;

    @Column(name = "added_by")
    public String addedBy;

    @Column(name = "added_at")
    public Instant addedAt;

    public static boolean isMember(long queueId, String username) {
        return count("queueId = ?1 and username = ?2", queueId, username) > 0;
    }

    public static List<QueueMember> listForQueue(long queueId) {
        return list("queueId = ?1 order by username", queueId);
    }
}
