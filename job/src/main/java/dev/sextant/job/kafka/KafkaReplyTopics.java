package dev.sextant.job.kafka;

import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReplyTopics} backed by the broker's topic list: a topic is acceptable when it exists. The list is
 * cached and re-read at most once per {@link #REFRESH_MS} when an unknown name is asked for, so a topic a
 * client creates becomes usable within about a second and a stream of requests naming a bogus topic costs one
 * listing per second. If the broker cannot be asked, the topic is accepted (the sink would fail on an
 * unreachable broker anyway).
 */
public final class KafkaReplyTopics implements ReplyTopics {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaReplyTopics.class);

    /** Minimum time between two listings of the broker's topics, in ms. */
    public static final long REFRESH_MS = 1_000;
    private static final long LIST_TIMEOUT_MS = 5_000;

    private final Properties adminProperties;
    private transient Admin admin;
    private transient Set<String> known;
    private transient long lastRefresh;

    /** @param adminProperties Kafka client properties (bootstrap servers and security settings) */
    public KafkaReplyTopics(Properties adminProperties) {
        this.adminProperties = adminProperties;
    }

    @Override
    public boolean exists(String topic) {
        if (known == null) {
            known = new HashSet<>();
            lastRefresh = Long.MIN_VALUE / 2;
        }
        if (known.contains(topic)) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now - lastRefresh < REFRESH_MS) {
            return false;
        }
        lastRefresh = now;
        try {
            if (admin == null) {
                admin = Admin.create(adminProperties);
            }
            known = new HashSet<>(admin.listTopics(new ListTopicsOptions().timeoutMs((int) LIST_TIMEOUT_MS))
                    .names().get(LIST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            return known.contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (Exception e) {
            LOG.warn("Could not list Kafka topics to check a reply_to topic; accepting it", e);
            return true;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
