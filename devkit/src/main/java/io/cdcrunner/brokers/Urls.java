package io.cdcrunner.brokers;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The user and password in a broker URL. */
final class Urls {

    private Urls() {
    }

    /** Percent-encoding for a URL's user information (not a form's: a space is %20, not +). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
