package io.cdcrunner.metrics;

import java.util.ArrayList;
import java.util.List;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.Secret;

/** Replaces every configured secret by {@value Secret#MASK} in text shown to operators (JMX, status). */
final class SecretMask {

    private final List<String> secrets;

    SecretMask(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> !s.isEmpty()).toList();
    }

    static SecretMask of(RunnerConfig config) {
        List<String> secrets = new ArrayList<>();
        secrets.add(config.source().password().reveal());
        secrets.add(config.processor().jdbcPassword().reveal());
        secrets.add(config.deadLetters().jdbcPassword().reveal());
        return new SecretMask(secrets);
    }

    String apply(String text) {
        if (text == null) {
            return "";
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, Secret.MASK);
        }
        return masked;
    }
}
