//! JSON merge patch (RFC 7396): how a `PATCH` changes a record, the same for every kind.
//!
//! Objects merge member by member, `null` removes a member (so the field takes its empty value when
//! the result is parsed), anything else — a text, a number, a list — replaces what was there.

use serde_json::{Map, Value};

/// Applies `patch` to `target`.
pub fn merge(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in fields {
                    if v.is_null() {
                        t.remove(&k);
                    } else {
                        merge(t.entry(k).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_merge_and_null_removes() {
        let mut doc = json!({"name": "a", "classification": {"integrity": 2, "next_review": "2026-01-01"}, "vendor": "x"});
        merge(
            &mut doc,
            json!({"classification": {"next_review": null, "integrity": 3}, "vendor": null, "owner": "o"}),
        );
        assert_eq!(
            doc,
            json!({"name": "a", "classification": {"integrity": 3}, "owner": "o"})
        );
    }

    #[test]
    fn lists_are_replaced_and_missing_objects_made() {
        let mut doc = json!({"action_plan": [{"action": "a"}], "classification": null});
        merge(
            &mut doc,
            json!({"action_plan": [], "classification": {"integrity": 1}}),
        );
        assert_eq!(
            doc,
            json!({"action_plan": [], "classification": {"integrity": 1}})
        );
    }

    #[test]
    fn the_examples_of_rfc_7396_hold() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"a": "foo"}), json!(null), json!(null)),
            (json!({"a": "foo"}), json!("bar"), json!("bar")),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, want) in cases {
            merge(&mut target, patch.clone());
            assert_eq!(target, want, "{patch}");
        }
    }
}
