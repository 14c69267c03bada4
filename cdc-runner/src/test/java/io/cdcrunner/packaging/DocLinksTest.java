package io.cdcrunner.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import io.cdcrunner.testkit.UnitTest;

/**
 * Every relative link of the README and the documents under docs/ (and bench/RESULTS.md, docker/README.md) names a
 * file that exists, and a link to a heading of a Markdown file names a heading it has (GitHub's anchors).
 */
@UnitTest
class DocLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]\\n]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkOfTheDocumentsResolves() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).as("README.md and docs/*.md").hasSizeGreaterThan(5);
        List<String> dangling = new ArrayList<>();
        for (Path document : documents) {
            for (String target : links(Files.readString(document, StandardCharsets.UTF_8))) {
                problem(document, target).ifPresent(dangling::add);
            }
        }
        assertThat(dangling).as("dangling links (file: link)").isEmpty();
    }

    @Test
    void theLinkReaderSeesLinksOutsideCodeAndGitHubAnchors() {
        assertThat(links("[a](x.md) `[b](y.md)` [`c`](z.md#part)\n```\n[d](w.md)\n```\n"))
                .containsExactly("x.md", "z.md#part");
        assertThat(anchors("# Memory: the heap and large rows\n## `cdc-runner status`\n## The connector's first start\n"
                + "```\n# not a heading\n```\n## Notes\n## Notes\n"))
                .containsExactlyInAnyOrder("memory-the-heap-and-large-rows", "cdc-runner-status",
                        "the-connectors-first-start", "notes", "notes-1");
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        for (String other : List.of("bench/RESULTS.md", "docker/README.md")) {
            if (Files.exists(ROOT.resolve(other))) {
                documents.add(ROOT.resolve(other));
            }
        }
        return documents;
    }

    private static Optional<String> problem(Path document, String target) throws IOException {
        if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
            return Optional.empty(); // http:, https:, mailto:, file: ... are not checked
        }
        String name = ROOT.relativize(document) + ": " + target;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
            return Optional.of(name + " (no such file: " + ROOT.relativize(resolved) + ")");
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                && !anchors(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)) {
            return Optional.of(name + " (no heading #" + anchor + " in " + ROOT.relativize(resolved) + ")");
        }
        return Optional.empty();
    }

    static List<String> links(String markdown) {
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            targets.add(link.group(1));
        }
        return targets;
    }

    /** The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher heading = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (heading.find()) {
            String text = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }
}
