/**
 * Protocol v1: the topic contract, and the messages between the job's operators.
 *
 * <h2>Topics</h2>
 * <table>
 * <caption>topics (default names; job options in {@code SextantOptions})</caption>
 * <tr><th>topic</th><th>written by</th><th>key</th><th>value (one UTF-8 JSON object)</th></tr>
 * <tr><td>{@code sextant.points}</td><td>clients</td><td>the collection name</td><td>a point or collection operation</td></tr>
 * <tr><td>{@code sextant.requests}</td><td>clients</td><td>anything (the request id spreads them)</td><td>a request</td></tr>
 * <tr><td>{@code sextant.results}</td><td>the job</td><td>{@code op_id} or request id</td><td>an acknowledgment or a response</td></tr>
 * <tr><td>{@code reply_to} topic</td><td>the job</td><td>request id</td><td>a response</td></tr>
 * <tr><td>{@code sextant.dead-letter}</td><td>the job</td><td>{@code topic-partition-offset} of the original</td><td>a rejected point operation</td></tr>
 * </table>
 * Messages may be up to {@code sextant.max-message-bytes} (16 MiB); broker and topics must accept that size.
 * JSON may nest at most 128 levels deep (as in Qdrant); trailing data after the object is an error.
 * Unknown fields are ignored everywhere; bodies are Qdrant's REST bodies (v1.19) unchanged.
 *
 * <h2>Point operations ({@code sextant.points})</h2>
 * <pre>
 * {"op":"create_collection","collection":"c","op_id":"o1","body":{"vectors":{"size":384,"distance":"Cosine"}}}
 * {"op":"create_collection","collection":"c","body":{"vectors":{"image":{"size":4,"distance":"Dot"},"text":{...}}}}
 * {"op":"delete_collection","collection":"c"}
 * {"op":"upsert","collection":"c","op_id":"o2","body":{"points":[{"id":1,"vector":[...],"payload":{...}}]}}
 * {"op":"delete","collection":"c","body":{"points":[1,"5c56c793-69f3-4fbf-87e6-c4bf54c28c26"]}}
 * {"op":"delete","collection":"c","op_id":"o3","body":{"filter":{"must":[{"key":"city","match":{"value":"Paris"}}]}}}
 * {"op":"set_payload","collection":"c","body":{"payload":{"price":10},"points":[1,2],"key":"offer"}}
 * {"op":"overwrite_payload","collection":"c","body":{"payload":{"price":10},"filter":{...}}}
 * {"op":"delete_payload","collection":"c","body":{"keys":["price","offer.until"],"points":[1]}}
 * {"op":"clear_payload","collection":"c","body":{"filter":{...}}}
 * </pre>
 * Ids are unsigned 64-bit integers or UUID strings; a named-vector point gives {@code "vector":{"name":[...]}}.
 * An upsert replaces the whole point and is validated as a whole (one bad point rejects the operation).
 * Bodies are Qdrant's REST bodies for the same calls; payload semantics are Qdrant's (module {@code index},
 * {@code dev.sextant.index.payload}). A payload operation on listed ids that names a missing point is
 * acknowledged with 404 {@code Not found: No point with id N found} (the first missing id) after its other
 * points are applied; a delete of a missing id is no error. {@code op_id} (string or integer) asks for exactly
 * one acknowledgment.
 *
 * <p><b>Ordering.</b> The operations of one Kafka partition are applied in order, whatever they are: a
 * create, the upserts right behind it, a {@code delete_collection}, a re-create and its upserts need no waiting
 * in between. Operations in different partitions are not ordered. Producers key point operations by collection
 * name, which puts all of a collection's operations in one partition. (Keying by point id keeps each point's
 * operations in order, but then creations, collection deletions and operations by filter are ordered against
 * nothing in other partitions: wait for their acknowledgments.)
 *
 * <h2>Acknowledgments ({@code sextant.results}, key = {@code op_id})</h2>
 * <pre>
 * {"op_id":"o2","status":"completed"}
 * {"op_id":"o3","status":{"error":"Wrong input: Vector dimension error: expected dim: 384, got 3"},"code":400}
 * </pre>
 * Sent once the operation is applied in every partition (and, for collection changes, by every stage) so that
 * every later request sees it as candidate and as example (Qdrant's {@code wait=true}), or once it is
 * rejected. Codes: 400 malformed, 404 unknown collection or (payload operations) unknown point id, 409 collection
 * exists, 422 invalid name or parameter, 504 not applied within {@code sextant.ack.timeout-ms} (reused
 * {@code op_id}s only).
 *
 * <h2>Requests ({@code sextant.requests})</h2>
 * <pre>
 * {"request_id":"r1","op":"query","collection":"c","body":{...Qdrant /points/query body...}}
 * {"request_id":"r2","op":"query_batch","collection":"c","body":{"searches":[{...},{...}]},"reply_to":"my.replies"}
 * </pre>
 * {@code request_id} is a non-empty string of at most 1024 characters or an integer (echoed, and used as the
 * key, as its decimal text). A request without a
 * usable one (missing, empty, another type, or the message is not JSON) is answered under the generated id
 * {@code <topic>-<partition>-<offset>} of its Kafka record. {@code reply_to} must name a topic that exists on
 * the broker (checked against its topic list, refreshed at most once a second; otherwise a 400 response on the
 * results topic), because the Kafka sink would fail the job on a missing topic.
 *
 * <h2>Responses ({@code sextant.results} or {@code reply_to}, key = request id)</h2>
 * <pre>
 * {"request_id":"r1","code":200,"status":"ok","time":0.0031,"result":{"points":[{"id":7,"score":0.81,"payload":{...}}]}}
 * {"request_id":"r2","code":200,"status":"ok","time":0.0040,"result":[{"points":[...]},{"points":[...]}]}
 * {"request_id":"r3","code":404,"status":{"error":"Not found: No point with id 3 found"},"time":0.0007}
 * </pre>
 * Exactly one response per request (after a failover with the at-least-once sink, possibly a repeated one).
 * {@code time} is seconds from receipt by the job to the response. {@code payload} / {@code vector} appear only
 * when asked for. Error codes are Qdrant's (400, 404, 422) plus 504 for a request not answered within
 * {@code sextant.request.timeout-ms} and 500 for an internal failure.
 *
 * <h2>Dead letters ({@code sextant.dead-letter})</h2>
 * <pre>
 * {"reason":"Not found: Collection `c` doesn't exist!","code":404,"op_id":"o4","topic":"sextant.points",
 *  "partition":0,"offset":41,"timestamp":1767225600000,"record":"...original text...","record_truncated":false}
 * </pre>
 * Every point operation that cannot be applied, with Qdrant's code and reason; {@code record} is the original
 * value as text, cut to 64 Ki characters.
 *
 * <h2>Between operators</h2>
 * The records of this package are Flink POJOs (strings, primitives, primitive arrays, {@code PointId}, other
 * records of this package; never Kryo). Payloads and query bodies travel as JSON strings.
 * {@link dev.sextant.job.protocol.RawRecord} (a Kafka record) → {@link dev.sextant.job.protocol.RoutedOperation}
 * (keyed by collection) → {@link dev.sextant.job.protocol.CollectionChange} (broadcast, carrying a
 * {@link dev.sextant.job.protocol.CatalogEntry}) and {@link dev.sextant.job.protocol.StoreInput}s:
 * {@link dev.sextant.job.protocol.PointWrite}s (possibly with a {@link dev.sextant.job.protocol.PayloadChange})
 * and {@link dev.sextant.job.protocol.CollectionSweep}s; requests become
 * {@link dev.sextant.job.protocol.PlannedRequest} + {@link dev.sextant.job.protocol.Lookup}s →
 * {@link dev.sextant.job.protocol.LookupResult}s → {@link dev.sextant.job.protocol.ResolvedRequest} (broadcast) →
 * {@link dev.sextant.job.protocol.PartialResult}s of {@link dev.sextant.job.protocol.Hit}s; every request stage
 * carries a {@link dev.sextant.job.protocol.RequestRef}. {@link dev.sextant.job.protocol.AckPart}s count
 * towards acknowledgments; every output is an {@link dev.sextant.job.protocol.Outbound}.
 */
package dev.sextant.job.protocol;
