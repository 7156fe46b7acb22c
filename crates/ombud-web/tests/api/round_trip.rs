//! Export → edit in a spreadsheet → import, for every kind of the registry: the export's headers are
//! the import's, each row's own id updates that record, nothing is duplicated, and what was edited
//! in the file is what changes. A new kind is tested here the day it is declared.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::kernel::Kind;
use ombud_domain::role::Role;
use serde_json::json;

/// The field a record is named by.
fn title_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Agreement => "counterparty",
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
                let r = app
                    .post(&api)
                    .by(&dpo)
                    .json(json!({ "organisation_id": unit, title: name, "description": format!("Om {name}") }))
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
            assert_eq!(
                changed["description"], "Program för vuxna och barn",
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
