package io.cdcrunner.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes {@code rows} rows from several threads, one connection each, and returns when all are done. Writer
 * {@code w} of {@code n} gets {@code rows / n} rows, one more for the first {@code rows % n}.
 */
public final class ConcurrentWriters {

    /** What one writer thread does with its share of the rows. */
    @FunctionalInterface
    public interface Share {
        void write(int writer, int rows) throws Exception;
    }

    private ConcurrentWriters() {
    }

    /**
     * Runs {@code share} on {@code writers} threads named {@code name-0, name-1, ...}.
     *
     * @throws IllegalStateException after every thread ended, when one of them failed (the first failure)
     */
    public static void run(String name, int rows, int writers, Share share) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            int count = rows / writers + (w < rows % writers ? 1 : 0);
            Thread thread = new Thread(() -> {
                try {
                    share.write(writer, count);
                } catch (Exception e) {
                    failures.add(e);
                }
            }, name + "-" + w);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(name + " failed: " + failures.get(0).getMessage(), failures.get(0));
        }
    }
}
