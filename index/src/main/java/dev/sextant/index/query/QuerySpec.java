package dev.sextant.index.query;

import java.util.List;

/**
 * The {@code query} of a request as the client wrote it, before id examples are replaced by vectors
 * (conformance README §3.4). Immutable; lists are unmodifiable.
 */
public sealed interface QuerySpec {

    /** Every example in request order: positives before negatives, target before pairs. */
    List<Example> examples();

    /** A bare vector, a bare id, or {@code {"nearest": vector-or-id}}. */
    record Nearest(Example example) implements QuerySpec {
        @Override
        public List<Example> examples() {
            return List.of(example);
        }
    }

    /** {@code {"recommend": {"positive", "negative", "strategy"}}}; at least one example. */
    record Recommend(List<Example> positive, List<Example> negative, RecommendStrategy strategy)
            implements QuerySpec {
        public Recommend {
            positive = List.copyOf(positive);
            negative = List.copyOf(negative);
        }

        @Override
        public List<Example> examples() {
            return concat(positive, negative);
        }
    }

    /** {@code {"discover": {"target", "context"}}}; {@code context} may be empty. */
    record Discover(Example target, List<ExamplePair> context) implements QuerySpec {
        public Discover {
            context = List.copyOf(context);
        }

        @Override
        public List<Example> examples() {
            List<Example> all = new java.util.ArrayList<>();
            all.add(target);
            context.forEach(p -> {
                all.add(p.positive());
                all.add(p.negative());
            });
            return List.copyOf(all);
        }
    }

    /** {@code {"context": pair | [pairs]}}. */
    record Context(List<ExamplePair> pairs) implements QuerySpec {
        public Context {
            pairs = List.copyOf(pairs);
        }

        @Override
        public List<Example> examples() {
            List<Example> all = new java.util.ArrayList<>();
            pairs.forEach(p -> {
                all.add(p.positive());
                all.add(p.negative());
            });
            return List.copyOf(all);
        }
    }

    private static List<Example> concat(List<Example> a, List<Example> b) {
        List<Example> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
