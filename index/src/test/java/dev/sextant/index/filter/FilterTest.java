package dev.sextant.index.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.index.PointId;
import dev.sextant.index.QdrantException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The filter language of README §3.5 on hand-written payloads. */
class FilterTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static Filter filter(String f) {
        return FilterParser.parse(json(f), "filter");
    }

    /** Whether the filter admits point 1 with this payload ({@code null} = no payload) and a vector "v". */
    static boolean admits(String f, String payload) {
        return filter(f).test(PointId.of(1), payload == null ? null : json(payload), Map.of("v", new float[0]));
    }

    static boolean cond(String condition, String payload) {
        return admits("{'must': " + condition + "}", payload);
    }

    @Test
    void matchValueKeywordsIntegersBooleans() {
        assertTrue(cond("{'key': 'c', 'match': {'value': 'red'}}", "{'c': 'red'}"));
        assertFalse(cond("{'key': 'c', 'match': {'value': 'red'}}", "{'c': 'Red'}"));
        assertTrue(cond("{'key': 'n', 'match': {'value': 10}}", "{'n': 10}"));
        assertTrue(cond("{'key': 'b', 'match': {'value': true}}", "{'b': true}"));
        assertFalse(cond("{'key': 'b', 'match': {'value': true}}", "{'b': 'true'}"));
        assertFalse(cond("{'key': 'n', 'match': {'value': 10}}", "{'n': '10'}"));
    }

    @Test
    void anIntegerDoesNotMatchAStoredFloat() {
        assertFalse(cond("{'key': 'n', 'match': {'value': 10}}", "{'n': 10.0}"));
        assertFalse(cond("{'key': 'y', 'match': {'any': [2020]}}", "{'y': 2020.0}"));
        assertTrue(cond("{'key': 'y', 'match': {'any': [2020]}}", "{'y': 2020}"));
    }

    @Test
    void anArrayMatchesWhenAnyElementDoes() {
        assertTrue(cond("{'key': 'city', 'match': {'value': 'Berlin'}}", "{'city': ['London', 'Berlin']}"));
        assertFalse(cond("{'key': 'city', 'match': {'value': 'Berlin'}}", "{'city': []}"));
        assertTrue(cond("{'key': 'n', 'range': {'gt': 5}}", "{'n': [1, 7]}"));
    }

    @Test
    void matchAnyAndExcept() {
        assertTrue(cond("{'key': 'c', 'match': {'any': ['red', 'blue']}}", "{'c': 'blue'}"));
        assertFalse(cond("{'key': 'c', 'match': {'any': ['red', 'blue']}}", "{'c': 'green'}"));
        assertFalse(cond("{'key': 'c', 'match': {'any': []}}", "{'c': 'green'}"));
        assertTrue(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': 'green'}"));
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': 'red'}"));
        assertTrue(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': ['red', 'green']}"), "some value outside");
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': ['red']}"));
        // a missing field, null or [] never matches except
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", "{}"));
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': null}"));
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", "{'c': []}"));
        assertFalse(cond("{'key': 'c', 'match': {'except': ['red']}}", null));
        assertTrue(cond("{'key': 'n', 'match': {'except': [1, 2]}}", "{'n': 3}"));
        assertTrue(cond("{'key': 'n', 'match': {'except': [1, 2]}}", "{'n': 1.0}"), "a float is outside an integer list");
    }

    @Test
    void matchTextIsASubstring() {
        assertTrue(cond("{'key': 's', 'match': {'text': 'alp'}}", "{'s': 'the alpha shop'}"));
        assertFalse(cond("{'key': 's', 'match': {'text': 'beta'}}", "{'s': 'the alpha shop'}"));
        assertFalse(cond("{'key': 's', 'match': {'text': '1'}}", "{'s': 1}"));
        assertTrue(cond("{'key': 's', 'match': {'text_any': 'zzz shop'}}", "{'s': 'the alpha shop'}"));
        assertTrue(cond("{'key': 's', 'match': {'phrase': 'alpha shop'}}", "{'s': 'the alpha shop'}"));
    }

    @Test
    void rangeOnNumbers() {
        String r = "{'key': 'n', 'range': {'gte': 2, 'lt': 6.5}}";
        assertTrue(cond(r, "{'n': 2}"));
        assertTrue(cond(r, "{'n': 6.4}"));
        assertFalse(cond(r, "{'n': 6.5}"));
        assertFalse(cond(r, "{'n': 1.99}"));
        assertFalse(cond(r, "{'n': '3'}"));
        assertFalse(cond(r, "{}"));
        assertTrue(cond("{'key': 'n', 'range': {'gt': 1, 'lte': 2, 'lt': null}}", "{'n': 2}"));
    }

    @Test
    void rangeOnDatetimes() {
        String r = "{'key': 't', 'range': {'gte': '2020-01-01T00:00:00Z', 'lt': '2021-01-01'}}";
        assertTrue(cond(r, "{'t': '2020-06-01T12:00:00+02:00'}"));
        assertTrue(cond(r, "{'t': '2020-01-01 00:00:00'}"));
        assertFalse(cond(r, "{'t': '2021-01-01T00:00:00Z'}"));
        assertFalse(cond(r, "{'t': 'yesterday'}"));
        assertFalse(cond(r, "{'t': 1600000000}"));
    }

    @Test
    void valuesCount() {
        String atLeastTwo = "{'key': 'tags', 'values_count': {'gte': 2}}";
        assertTrue(cond(atLeastTwo, "{'tags': ['a', 'b']}"));
        assertFalse(cond(atLeastTwo, "{'tags': ['a']}"));
        assertFalse(cond(atLeastTwo, "{'tags': 'a'}"));
        String none = "{'key': 'tags', 'values_count': {'lt': 1}}";
        assertTrue(cond(none, "{}"), "a missing field counts 0");
        assertTrue(cond(none, "{'tags': null}"));
        assertTrue(cond(none, "{'tags': []}"));
        assertFalse(cond(none, "{'tags': 'x'}"));
    }

    @Test
    void isEmptyAndIsNull() {
        String empty = "{'is_empty': {'key': 'a'}}";
        assertTrue(cond(empty, "{}"));
        assertTrue(cond(empty, null));
        assertTrue(cond(empty, "{'a': null}"));
        assertTrue(cond(empty, "{'a': []}"));
        assertFalse(cond(empty, "{'a': [null]}"));
        assertFalse(cond(empty, "{'a': 0}"));
        String isNull = "{'is_null': {'key': 'a'}}";
        assertTrue(cond(isNull, "{'a': null}"));
        assertFalse(cond(isNull, "{}"));
        assertFalse(cond(isNull, "{'a': []}"));
        assertFalse(cond(isNull, "{'a': [null]}"));
        assertTrue(cond("{'key': 'a', 'is_empty': true}", "{'a': []}"));
        assertTrue(cond("{'key': 'a', 'is_null': false}", "{'a': 1}"));
    }

    @Test
    void hasIdMixesIntegersAndUuids() {
        Filter f = filter("{'must': {'has_id': [1, '11111111-1111-1111-1111-111111111111']}}");
        assertTrue(f.test(PointId.of(1), null, Map.of()));
        assertTrue(f.test(PointId.of(UUID.fromString("11111111-1111-1111-1111-111111111111")), null, Map.of()));
        assertFalse(f.test(PointId.of(2), null, Map.of()));
    }

    @Test
    void hasVector() {
        assertTrue(cond("{'has_vector': 'v'}", "{}"));
        assertFalse(cond("{'has_vector': 'w'}", "{}"));
    }

    @Test
    void dottedAndArrayPaths() {
        assertTrue(cond("{'key': 'meta.tier', 'match': {'value': 'gold'}}", "{'meta': {'tier': 'gold'}}"));
        assertFalse(cond("{'key': 'meta.tier', 'match': {'value': 'gold'}}", "{'meta': [{'tier': 'gold'}]}"), "no implicit array walk");
        assertTrue(cond("{'key': 'meta[].tier', 'match': {'value': 'gold'}}", "{'meta': [{'tier': 'x'}, {'tier': 'gold'}]}"));
        assertTrue(cond("{'key': 'reviews[].stars', 'range': {'gte': 5}}", "{'reviews': [{'stars': 3}, {'stars': 5}]}"));
        assertTrue(cond("{'key': 'm[1]', 'match': {'value': 2}}", "{'m': [1, 2]}"));
        assertFalse(cond("{'key': 'm[0]', 'match': {'value': 2}}", "{'m': [1, 2]}"));
        assertTrue(cond("{'key': '\\\"a.b\\\".c', 'match': {'value': 1}}", "{'a.b': {'c': 1}}"));
    }

    @Test
    void nestedMatchesOneElementAsAWhole() {
        String payload = "{'d': [{'name': 'a', 'n': 1}, {'name': 'b', 'n': 2}]}";
        assertTrue(cond("{'nested': {'key': 'd', 'filter': {'must': [{'key': 'name', 'match': {'value': 'b'}}, {'key': 'n', 'range': {'gte': 2}}]}}}", payload));
        assertFalse(cond("{'nested': {'key': 'd', 'filter': {'must': [{'key': 'name', 'match': {'value': 'a'}}, {'key': 'n', 'range': {'gte': 2}}]}}}", payload));
        // the same conditions through d[] hold, because each may be met by a different element
        assertTrue(cond("[{'key': 'd[].name', 'match': {'value': 'a'}}, {'key': 'd[].n', 'range': {'gte': 2}}]", payload));
        assertFalse(cond("{'nested': {'key': 'd', 'filter': {'must': {'has_id': [1]}}}}", payload), "no ids inside nested");
    }

    @Test
    void mustShouldMustNotMinShould() {
        String p = "{'a': 1, 'b': 2}";
        assertTrue(admits("{'should': [{'key': 'a', 'match': {'value': 5}}, {'key': 'b', 'match': {'value': 2}}]}", p));
        assertFalse(admits("{'should': [{'key': 'a', 'match': {'value': 5}}]}", p));
        assertFalse(admits("{'should': []}", p), "an empty should admits nothing (Qdrant)");
        assertTrue(admits("{'must': []}", p));
        assertTrue(admits("{'must_not': []}", p));
        assertTrue(admits("{}", p));
        assertFalse(admits("{'must_not': {'key': 'a', 'match': {'value': 1}}}", p));
        String two = "{'min_should': {'conditions': [{'key': 'a', 'match': {'value': 1}}, {'key': 'b', 'match': {'value': 9}},"
                + " {'key': 'b', 'range': {'gt': 1}}], 'min_count': %d}}";
        assertTrue(admits(String.format(two, 2), p));
        assertFalse(admits(String.format(two, 3), p));
        assertTrue(admits(String.format(two, 0), p));
        // a filter as a condition
        assertTrue(admits("{'must': [{'should': [{'key': 'a', 'match': {'value': 1}}]}, {'must_not': [{'key': 'b', 'match': {'value': 1}}]}]}", p));
        assertFalse(admits("{'must_not': [{'must': [{'key': 'a', 'match': {'value': 1}}, {'key': 'b', 'match': {'value': 2}}]}]}", p));
    }

    @Test
    void parsedFiltersAreValuesAndImmutable() {
        Filter a = filter("{'must': [{'key': 'a', 'match': {'any': ['x']}}], 'should': null}");
        Filter b = filter("{'must': [{'key': 'a', 'match': {'any': ['x']}}]}");
        assertEquals(a, b);
        assertThrows(UnsupportedOperationException.class, () -> a.must().add(new Condition.HasVector("v")));
        assertEquals(List.of(new Condition.HasVector("v")), filter("{'must': {'has_vector': 'v'}}").must());
    }

    @Test
    void malformedFiltersAre400WithThePlace() {
        String[][] bad = {
            {"{'must': 3}", "filter.must"},
            {"{'must': [{'key': 'a'}]}", "At least one field condition"},
            {"{'mus': []}", "unknown field `mus`"},
            {"{'must': [{'key': 'a', 'match': {'value': 1.5}}]}", "filter.must[0].match.value"},
            {"{'must': [{'key': 'a', 'match': {'any': ['x', 1]}}]}", "only strings or only integers"},
            {"{'must': [{'key': 'a', 'match': {'like': 'x'}}]}", "unknown match kind `like`"},
            {"{'must': [{'key': 'a', 'range': {'gt': 'x', 'lt': 3}}]}", "all numbers or all datetimes"},
            {"{'must': [{'key': 'a', 'range': {'gt': 'soon'}}]}", "RFC 3339"},
            {"{'must': [{'key': 'a', 'range': {'above': 1}}]}", "unknown field `above`"},
            {"{'must': [{'key': 'a', 'values_count': {'gt': -1}}]}", "non-negative integer"},
            {"{'must': [{'key': 'a', 'geo_radius': {}}]}", "geo conditions are not supported"},
            {"{'must': [{'has_id': [1, -2]}]}", "filter.must[0].has_id[1]"},
            {"{'must': [{'nested': {'key': 'a'}}]}", "filter.must[0].nested"},
            {"{'must': [{'is_empty': {'field': 'a'}}]}", "filter.must[0].is_empty"},
            {"{'must': [{'key': 'a..b', 'match': {'value': 1}}]}", "invalid payload key"},
            {"{'must': [{'key': 'a[x]', 'match': {'value': 1}}]}", "invalid payload key"},
            {"{'min_should': {'conditions': []}}", "filter.min_should"},
            {"{'must': [{'wat': 1}]}", "unknown condition"},
            {"[]", "expected a filter object"},
        };
        for (String[] c : bad) {
            QdrantException e = assertThrows(QdrantException.class, () -> filter(c[0]), c[0]);
            assertTrue(e.code() == 400 || e.code() == 422, c[0] + " → " + e.code());
            assertTrue(e.getMessage().contains(c[1]), c[0] + " → \"" + e.getMessage() + "\" should contain \"" + c[1] + "\"");
        }
    }
}
