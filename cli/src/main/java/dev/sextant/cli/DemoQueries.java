package dev.sextant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The demo's example queries on {@code debian_packages}: real intents, written as Qdrant Query API bodies
 * whose examples are package ids resolved from the names in the dataset.
 */
final class DemoQueries {

    /** One example: what it asks, in words, and the request message. */
    record Example(String intent, ObjectNode request) {}

    private final DebianPackages packages;
    private final String collection;

    DemoQueries(DebianPackages packages, String collection) {
        this.packages = packages;
        this.collection = collection;
    }

    List<Example> all() {
        return List.of(
                new Example("Editors like vim and neovim but not emacs, from other source packages"
                                + " (recommend, average_vector; filter section = editors)",
                        Messages.query(collection, tidy(editorsLikeVim()))),
                new Example("Racing games like supertuxkart and extremetuxracer, nothing like freeciv"
                                + " (recommend, best_score with a negative; filter section = games)",
                        Messages.query(collection, tidy(racingGames()))),
                new Example("What else is there around git, not built from git's own source"
                                + " (nearest to a point id; filter must_not source = git)",
                        Messages.query(collection, tidy(aroundGit()))),
                new Example("Three lookups in one request (query_batch): PostgreSQL packages in section"
                                + " database; small grep-like tools (installed_size <= 200 KiB) like ripgrep;"
                                + " web servers like nginx from other sources",
                        Messages.queryBatch(collection, List.of(tidy(postgresql()), tidy(smallGreps()), tidy(webServers())))),
                new Example("Process viewers like htop, leaning graphical: closer to gnome-system-monitor"
                                + " than to atop (discover: target + one context pair)",
                        Messages.query(collection, tidy(topLikeButGraphical()))),
                new Example("Sound packages on the GUI side of six (GUI player, terminal tool) pairs;"
                                + " score 0 = on the positive side of every pair (context)",
                        Messages.query(collection, tidy(guiSound()))));
    }

    private ObjectNode editorsLikeVim() {
        ObjectNode body = body(8);
        ObjectNode recommend = body.putObject("query").putObject("recommend");
        ids(recommend.putArray("positive"), "vim", "neovim");
        ids(recommend.putArray("negative"), "emacs");
        ObjectNode filter = body.putObject("filter");
        match(filter.putArray("must"), "section", "editors");
        ArrayNode mustNot = filter.putArray("must_not");
        match(mustNot, "source", "vim");
        match(mustNot, "source", "neovim");
        return body;
    }

    private ObjectNode racingGames() {
        ObjectNode body = body(8);
        ObjectNode recommend = body.putObject("query").putObject("recommend");
        ids(recommend.putArray("positive"), "supertuxkart", "extremetuxracer");
        ids(recommend.putArray("negative"), "freeciv-client-gtk3");
        recommend.put("strategy", "best_score");
        match(body.putObject("filter").putArray("must"), "section", "games");
        return body;
    }

    private ObjectNode aroundGit() {
        ObjectNode body = body(8);
        body.putObject("query").put("nearest", packages.id("git"));
        match(body.putObject("filter").putArray("must_not"), "source", "git");
        return body;
    }

    private ObjectNode postgresql() {
        ObjectNode body = body(3);
        body.put("query", packages.id("postgresql"));
        match(body.putObject("filter").putArray("must"), "section", "database");
        return body;
    }

    private ObjectNode smallGreps() {
        ObjectNode body = body(3);
        body.putObject("query").put("nearest", packages.id("ripgrep"));
        ObjectNode condition = body.putObject("filter").putArray("must").addObject();
        condition.put("key", "installed_size");
        condition.putObject("range").put("lte", 200);
        return body;
    }

    private ObjectNode webServers() {
        ObjectNode body = body(3);
        ObjectNode recommend = body.putObject("query").putObject("recommend");
        ids(recommend.putArray("positive"), "nginx");
        match(body.putObject("filter").putArray("must_not"), "source", "nginx");
        return body;
    }

    private ObjectNode topLikeButGraphical() {
        ObjectNode body = body(8);
        ObjectNode discover = body.putObject("query").putObject("discover");
        discover.put("target", packages.id("htop"));
        ObjectNode pair = discover.putArray("context").addObject();
        pair.put("positive", packages.id("gnome-system-monitor"));
        pair.put("negative", packages.id("atop"));
        return body;
    }

    private ObjectNode guiSound() {
        ObjectNode body = body(8);
        ArrayNode pairs = body.putObject("query").putArray("context");
        String[][] guiVersusTerminal = {
            {"rhythmbox", "cmus"}, {"audacious", "moc"}, {"quodlibet", "mpg123"},
            {"clementine", "mpd"}, {"lollypop", "ncmpcpp"}, {"elisa", "audacity"},
        };
        for (String[] p : guiVersusTerminal) {
            ObjectNode pair = pairs.addObject();
            pair.put("positive", packages.id(p[0]));
            pair.put("negative", packages.id(p[1]));
        }
        match(body.putObject("filter").putArray("must"), "section", "sound");
        return body;
    }

    private static ObjectNode body(int limit) {
        ObjectNode body = Messages.json().createObjectNode();
        body.put("limit", limit);
        body.put("with_payload", true);
        return body;
    }

    /** Moves limit and with_payload behind the query and filter, where a reader looks for them. */
    private static ObjectNode tidy(ObjectNode body) {
        var limit = body.remove("limit");
        var withPayload = body.remove("with_payload");
        body.set("limit", limit);
        body.set("with_payload", withPayload);
        return body;
    }

    private void ids(ArrayNode array, String... names) {
        for (String name : names) {
            array.add(packages.id(name));
        }
    }

    private static void match(ArrayNode conditions, String key, String value) {
        ObjectNode condition = conditions.addObject();
        condition.put("key", key);
        condition.putObject("match").put("value", value);
    }
}
