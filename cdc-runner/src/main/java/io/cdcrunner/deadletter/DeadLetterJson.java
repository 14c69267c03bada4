package io.cdcrunner.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A dead letter as one JSON object: its fields, then the event in {@link ChangeEventCodec}'s form.
 * <pre>{@code
 * {"id":"orders:binlog.000001:1234:0","pipeline":"orders","attempts":5,
 *  "firstFailedAt":"2026-01-02T10:00:00.123456Z","lastFailedAt":"2026-01-02T10:00:09.654321Z",
 *  "errorClass":"java.sql.SQLException","errorMessage":"...","stackTrace":"...","event":{...}}
 * }</pre>
 * A record the daemon could not map also has {@code "sourceRecord"}: the record, as a string of Connect JSON.
 */
final class DeadLetterJson {

    private DeadLetterJson() {
    }

    static ObjectNode toTree(DeadLetter letter) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", letter.id());
        node.put("pipeline", letter.pipeline());
        node.put("attempts", letter.attempts());
        node.put("firstFailedAt", letter.firstFailedAt().toString());
        node.put("lastFailedAt", letter.lastFailedAt().toString());
        node.put("errorClass", letter.errorClass());
        node.put("errorMessage", letter.errorMessage());
        node.put("stackTrace", letter.stackTrace());
        node.set("event", ChangeEventCodec.toTree(letter.event()));
        if (letter.isUnmapped()) {
            node.put("sourceRecord", letter.sourceRecord());
        }
        if (letter.origin() != null) {
            node.put("origin", letter.origin());
        }
        return node;
    }

    /** One line of JSON: Jackson escapes line breaks inside strings. */
    static String toLine(DeadLetter letter) {
        return ChangeEventCodec.write(toTree(letter));
    }

    /** @throws IllegalArgumentException naming the member when the text is not a dead letter */
    static DeadLetter fromLine(String line) {
        return fromTree(ChangeEventCodec.read(line));
    }

    static DeadLetter fromTree(JsonNode tree) {
        Fields fields = new Fields(tree, "deadLetter");
        return new DeadLetter(fields.text("id"), fields.text("pipeline"),
                ChangeEventCodec.fromTree(fields.member("event")), fields.text("errorClass"),
                fields.text("errorMessage"), fields.text("stackTrace"), fields.intValue("attempts"),
                fields.instant("firstFailedAt"), fields.instant("lastFailedAt"),
                tree.hasNonNull("sourceRecord") ? tree.get("sourceRecord").asText() : null,
                tree.hasNonNull("origin") ? tree.get("origin").asText() : null);
    }
}
