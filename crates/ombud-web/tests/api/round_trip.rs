//! Export → edit in a spreadsheet → import, for every kind of the registry: the export's headers are
//! the import's, each row's own id updates that record, nothing is duplicated, and what was edited
//! in the file is what changes. A new kind is tested here the day it is declared.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::kernel::Kind;
use ombud_domain::role::Role;
use serde_json::json;

/// A free-text field beside the name, edited in the spreadsheet.
fn text_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Breach => "measures",
        _ => "description",
    }
}

/// The field a record is named by.
fn title_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Agreement => "counterparty",
        Kind::Breach => "description",
        // The requester's name, as the record's `title`.
        Kind::Request => "title",
        Kind::ProcessingActivity | Kind::System => "name",
    }
}

both!(
    every_kind_exported_edited_and_imported_updates_the_same_records,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Kulturnämnden", "board", Some(&city)).await,
            "id",
        );
        let unit = text(
            &app.org(&admin, "Biblioteket", "unit", Some(&board)).await,
            "id",
        );
        let dpo = app
            .person("dora.dpo@kultur.exempelstad.se", "Dora Dataskydd")
            .await;
        app.grant(&board, &dpo.id, &[Role::Dpo]).await;
        for kind in Kind::ALL {
            let api = format!("/api/v1/{}", kind.info().api);
            let title = title_field(kind);
            let mut ids = Vec::new();
            for name in ["Lånesystem", "Evenemang"] {
                let mut body = json!({ "organisation_id": unit, title: name });
                body[text_field(kind)] = json!(format!("Om {name}"));
                if kind == Kind::Breach {
                    body["discovered_at"] = json!("2026-03-29T01:30:00+01:00");
                    body["aware_at"] = json!("2026-03-29T03:30:00+02:00");
                }
                if kind == Kind::Request {
                    body = json!({ "organisation_id": unit, "type": "access", "received_on": "2026-03-02",
                        "requester": { "name": name }, "description": format!("Om {name}") });
                }
                let r = app
                    .post(&api)
                    .by(&dpo)
                    .json(body)
                    .await
                    .expect(StatusCode::CREATED);
                ids.push(text(&r, "id"));
            }
            for format in ["csv", "xlsx"] {
                let file = app
                    .get(format!(
                        "{api}/export?organisation_id={unit}&format={format}"
                    ))
                    .by(&dpo)
                    .await;
                assert_eq!(file.status, StatusCode::OK, "{kind:?} {format}");
                let (ct, body) = import_form(&unit, &format!("export.{format}"), &file.body, false);
                let report = app
                    .post(format!("{api}/import"))
                    .by(&dpo)
                    .raw(Some(&ct), body)
                    .await
                    .expect(StatusCode::OK);
                assert_eq!(
                    (&report["created"], &report["updated"], &report["unchanged"]),
                    (&json!(0), &json!(0), &json!(2)),
                    "{kind:?} {format}: imported back as it is, nothing changes: {report}"
                );
            }
            // Edited in the spreadsheet: the description of one record, and its name.
            let csv = app
                .get(format!("{api}/export?organisation_id={unit}&format=csv"))
                .by(&dpo)
                .await
                .text();
            let edited = csv
                .replacen("Om Evenemang", "Program för vuxna och barn", 1)
                .replacen("Evenemang", "Evenemang och program", 1);
            assert_ne!(edited, csv, "{kind:?}: the values are in the file");
            let (ct, body) = import_form(&unit, "export.csv", edited.as_bytes(), false);
            let report = app
                .post(format!("{api}/import"))
                .by(&dpo)
                .raw(Some(&ct), body)
                .await
                .expect(StatusCode::OK);
            assert_eq!(
                (&report["created"], &report["updated"], &report["unchanged"]),
                (&json!(0), &json!(1), &json!(1)),
                "{kind:?}: {report}"
            );
            let changed = app
                .get(format!("{api}/{}", ids[1]))
                .by(&dpo)
                .await
                .expect(StatusCode::OK);
            assert_eq!(changed[title], "Evenemang och program", "{kind:?}");
            // The record is written field by field: no key may come twice (a parser would keep
            // either one).
            let raw = app.get(format!("{api}/{}", ids[1])).by(&dpo).await.text();
            assert_eq!(duplicate_keys(&raw), Vec::<String>::new(), "{kind:?}");
            let list = app
                .get(format!("{api}?organisation_id={unit}"))
                .by(&dpo)
                .await
                .text();
            assert_eq!(list_duplicate_keys(&list), Vec::<String>::new(), "{kind:?}");
            assert_eq!(
                changed[text_field(kind)],
                "Program för vuxna och barn",
                "{kind:?}"
            );
            let list = app
                .get(format!("{api}?organisation_id={unit}"))
                .by(&dpo)
                .await
                .expect(StatusCode::OK);
            assert_eq!(
                ids_of(&list),
                {
                    let mut v = ids.clone();
                    v.sort();
                    v
                },
                "{kind:?}: the same two records, no more"
            );
        }
    }
);

fn ids_of(list: &serde_json::Value) -> Vec<String> {
    let mut v = ids(list);
    v.sort();
    v
}

/// The top-level keys that come more than once in a JSON object's text.
fn duplicate_keys(text: &str) -> Vec<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Vec<String>, A::Error> {
            let mut seen = std::collections::BTreeSet::new();
            let mut twice = Vec::new();
            while let Some(k) = m.next_key::<String>()? {
                m.next_value::<IgnoredAny>()?;
                if !seen.insert(k.clone()) {
                    twice.push(k);
                }
            }
            Ok(twice)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(Keys).expect("an object")
}

/// The same for every item of a list's `items`.
fn list_duplicate_keys(text: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let mut out = Vec::new();
    // Find each item's text by its position: items are objects written one after another.
    let start = text.find("\"items\":[").map(|i| i + 9).unwrap_or(0);
    let mut rest = &text[start..];
    for _ in 0..v["items"].as_array().map_or(0, Vec::len) {
        let mut de = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
        let _ = de.next();
        let end = de.byte_offset();
        out.extend(duplicate_keys(&rest[..end]));
        rest = rest[end..].trim_start_matches(',');
    }
    out
}

#[test]
fn the_duplicate_check_sees_duplicates() {
    assert_eq!(duplicate_keys(r#"{"a":1,"b":{"a":2},"a":3}"#), vec!["a"]);
    assert_eq!(
        list_duplicate_keys(r#"{"items":[{"x":1},{"y":1,"y":2}],"next":null}"#),
        vec!["y"]
    );
}
