/**
 * The {@code ./sextant} command. {@link dev.sextant.cli.SextantCli} parses the command line (picocli);
 * {@link dev.sextant.cli.EmbeddedStack} runs a Kafka broker and the Sextant job on a Flink MiniCluster in this
 * JVM ({@code up}) and resumes it from the latest of the {@link dev.sextant.cli.RetainedCheckpoints} in its data
 * directory; {@link dev.sextant.cli.Demo} loads the Debian packages dataset
 * ({@link dev.sextant.cli.DebianPackages}) through {@link dev.sextant.cli.PointLoader} and runs the
 * {@link dev.sextant.cli.DemoQueries}; {@link dev.sextant.cli.SextantClient} is the reusable Kafka client of the
 * protocol (send an operation or request, await its acknowledgment or response by id with a deadline), whose
 * {@link dev.sextant.cli.ReplyMatcher} delivers each id's first reply and drops the duplicates an at-least-once
 * job sends after a failover.
 */
package dev.sextant.cli;
