package io.cdcrunner.processor.builtin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Celery task call in Celery's message protocol 2 with a JSON body, as {@code task.apply_async(args, kwargs)}
 * sends it: the body is {@code [args, kwargs, embed]}, the task's name and id travel in the headers. A stock Celery 5
 * worker runs it unchanged.
 *
 * @param id     the task id ({@code self.request.id} in the task), derived from the event ids it covers
 * @param task   the task's registered name, e.g. {@code shop.tasks.read_it}
 * @param args   the positional arguments
 * @param kwargs the keyword arguments
 * @param events how many change events the call covers
 */
record CeleryMessage(String id, String task, ArrayNode args, ObjectNode kwargs, int events) {

    static final String CONTENT_TYPE = "application/json";
    static final String CONTENT_ENCODING = "utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int REPR_LIMIT = 1024;

    /**
     * A task id that is the same whenever the same events are published again for the same family: a UUID named by
     * the task, the family ({@code ""} for a task per row) and the event ids. The family is part of the name because
     * an update moving a row between families queues one task for each, covering the same event.
     */
    static String taskId(String task, String family, List<String> eventIds) {
        String name = task + '\n' + family + '\n' + String.join("\n", eventIds);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The body: {@code [args, kwargs, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]}. */
    byte[] body() {
        ArrayNode body = JsonNodeFactory.instance.arrayNode(3);
        body.add(args);
        body.add(kwargs);
        ObjectNode embed = body.addObject();
        embed.putNull("callbacks");
        embed.putNull("errbacks");
        embed.putNull("chain");
        embed.putNull("chord");
        return json(body).getBytes(StandardCharsets.UTF_8);
    }

    /** The message headers of protocol 2 (values are strings, numbers, lists or null). */
    Map<String, Object> headers(String origin) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("lang", "py");
        headers.put("task", task);
        headers.put("id", id);
        headers.put("shadow", null);
        headers.put("eta", null);
        headers.put("expires", null);
        headers.put("group", null);
        headers.put("group_index", null);
        headers.put("retries", 0);
        List<Object> timeLimit = new ArrayList<>(2);
        timeLimit.add(null);
        timeLimit.add(null);
        headers.put("timelimit", timeLimit);
        headers.put("root_id", id);
        headers.put("parent_id", null);
        headers.put("argsrepr", repr(args));
        headers.put("kwargsrepr", repr(kwargs));
        headers.put("origin", origin);
        headers.put("ignore_result", false);
        return headers;
    }

    /**
     * The whole message as kombu's Redis transport stores it in the queue's list: the body base64-encoded, with
     * content type, headers and properties beside it.
     */
    String redisEnvelope(String queue, String origin) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("body", Base64.getEncoder().encodeToString(body()));
        envelope.put("content-encoding", CONTENT_ENCODING);
        envelope.put("content-type", CONTENT_TYPE);
        envelope.set("headers", MAPPER.valueToTree(headers(origin)));
        ObjectNode properties = envelope.putObject("properties");
        properties.put("correlation_id", id);
        properties.put("reply_to", "");
        properties.put("delivery_mode", 2);
        ObjectNode deliveryInfo = properties.putObject("delivery_info");
        deliveryInfo.put("exchange", "");
        deliveryInfo.put("routing_key", queue);
        properties.put("priority", 0);
        properties.put("body_encoding", "base64");
        properties.put("delivery_tag", UUID.randomUUID().toString());
        return json(envelope);
    }

    private static String repr(Object value) {
        String text = json(value);
        return text.length() <= REPR_LIMIT ? text : text.substring(0, REPR_LIMIT - 3) + "...";
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes: " + e.getMessage(), e);
        }
    }
}
