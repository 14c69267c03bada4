package io.cdcrunner.demo;

import io.cdcrunner.brokers.LocalRabbitMq;
import io.cdcrunner.brokers.LocalRedis;

/** The Celery demo's throwaway broker, on a free loopback port, its data deleted when closed. */
interface DemoBroker extends AutoCloseable {

    /** The broker URL for the daemon and the worker, with its password. */
    String url();

    /** The messages waiting in {@code queue} (Redis: the list's length; RabbitMQ: the ready messages). */
    long queued(String queue);

    @Override
    void close();

    /** {@code --broker redis|rabbitmq}. */
    enum Kind {
        REDIS("Redis", "redis-server") {
            @Override
            boolean isAvailable() {
                return LocalRedis.isAvailable();
            }

            @Override
            DemoBroker start() {
                LocalRedis redis = LocalRedis.builder().password("demo-redis-secret").start();
                return new DemoBroker() {
                    public String url() {
                        return redis.url();
                    }

                    public long queued(String queue) {
                        return redis.llen(queue);
                    }

                    public void close() {
                        redis.close();
                    }
                };
            }
        },
        RABBITMQ("RabbitMQ", "rabbitmq-server") {
            @Override
            boolean isAvailable() {
                return LocalRabbitMq.isAvailable();
            }

            @Override
            DemoBroker start() {
                LocalRabbitMq rabbit = LocalRabbitMq.builder().user("demo", "demo-rabbit-secret").start();
                return new DemoBroker() {
                    public String url() {
                        return rabbit.url();
                    }

                    public long queued(String queue) {
                        return rabbit.messageCount(queue);
                    }

                    public void close() {
                        rabbit.close();
                    }
                };
            }
        };

        private final String label;
        private final String debianPackage;

        Kind(String label, String debianPackage) {
            this.label = label;
            this.debianPackage = debianPackage;
        }

        String label() {
            return label;
        }

        /** The Debian package with the server. */
        String debianPackage() {
            return debianPackage;
        }

        abstract boolean isAvailable();

        /** Starts a broker and waits until it answers. */
        abstract DemoBroker start();
    }
}
