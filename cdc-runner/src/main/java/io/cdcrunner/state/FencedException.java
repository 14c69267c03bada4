package io.cdcrunner.state;

/**
 * A write of an instance that no longer holds the lease: another instance took over (its epoch is higher). Never
 * retried and never dead-lettered: the instance stops its pipeline and returns to standby, and the new holder
 * delivers whatever this write was about.
 */
public final class FencedException extends RuntimeException {

    public FencedException(String pipeline, long epoch, long current) {
        super("pipeline '" + pipeline + "': this instance's lease (epoch " + epoch + ") was taken over (epoch now "
                + current + "); its write was refused and it returns to standby");
    }

    /** A write after this instance stepped down (lost its lease), while its pipeline still stops. */
    public FencedException(String pipeline, long epoch) {
        super("pipeline '" + pipeline + "': this instance stepped down (its lease, epoch " + epoch + ", is lost); its"
                + " write was refused");
    }

    /** Whether {@code error} or one of its causes is a fenced write. */
    public static boolean isFenced(Throwable error) {
        for (Throwable t : io.cdcrunner.errors.Causes.chain(error)) {
            if (t instanceof FencedException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof FencedException) {
                    return true;
                }
            }
        }
        return false;
    }
}
