//! Importing the register of IT systems from a spreadsheet: a clean file (CSV or Excel) imports in
//! one go, a file with errors imports nothing and names every error by row and column, a re-import
//! updates instead of duplicating, what was added in Ombud (links, action plans) survives a
//! re-import of either register, and another controller's people cannot import at all.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

const SYSTEMS: &str = "/api/v1/systems";
const IMPORT: &str = "/api/v1/systems/import";
const PROCESSING_IMPORT: &str = "/api/v1/processing-activities/import";

/// The social board's tree, a system owner at its administration, its DPO, a manager (who may not
/// edit systems) and the DPO of another controller.
struct World {
    tree: Tree,
    owner: Person,
    dpo: Person,
    manager: Person,
    other_dpo: Person,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let tree = app.city(&admin).await;
    let other_board = text(
        &app.org(&admin, "Utbildningsnämnden", "board", Some(&tree.city))
            .await,
        "id",
    );
    let owner = app
        .person("olof.objektagare@exempelstad.se", "Olof Objektägare")
        .await;
    app.grant(&tree.administration, &owner.id, &[Role::SystemOwner])
        .await;
    let dpo = app
        .person("dina.dataskydd@exempelstad.se", "Dina Dataskydd")
        .await;
    app.grant(&tree.board, &dpo.id, &[Role::Dpo]).await;
    let manager = app.person("chef@exempelstad.se", "Charlotte Chef").await;
    app.grant(&tree.unit, &manager.id, &[Role::Manager]).await;
    let other_dpo = app.person("olle.ombud@exempelstad.se", "Olle Ombud").await;
    app.grant(&other_board, &other_dpo.id, &[Role::Dpo]).await;
    World {
        tree,
        owner,
        dpo,
        manager,
        other_dpo,
    }
}

/// Sends a file to an import.
async fn send(
    app: &TestApp,
    url: &str,
    by: &Person,
    org: &str,
    file_name: &str,
    file: &[u8],
    dry_run: bool,
) -> Resp {
    let (ct, body) = import_form(org, file_name, file, dry_run);
    app.post(url).by(by).raw(Some(&ct), body).await
}

/// A CSV file from rows of cells.
fn csv(rows: &[&[&str]]) -> Vec<u8> {
    rows.iter()
        .map(|r| r.join(";"))
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes()
}

/// An Excel workbook from rows of cells, the first the header.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let cells = |r: &[&str]| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    ombud_report::xlsx::to_xlsx(&ombud_report::Table {
        title: "Systemförteckning".into(),
        headers: cells(rows[0]),
        rows: rows[1..].iter().map(|r| cells(r)).collect(),
    })
    .expect("the workbook is written")
}

const HEADER: &[&str] = &[
    "ID",
    "System",
    "Leverantör",
    "Objektägare",
    "Upphandling",
    "NIS",
    "Personuppgifter",
    "Konfidentialitet",
    "Riktighet",
    "Tillgänglighet",
    "Klassad",
    "Nästa klassning",
    "Riskanalys",
];

const PROCAPITA: &[&str] = &[
    "S-1",
    "Procapita",
    "Tieto",
    "Socialchefen",
    "Egen upphandling",
    "Ja",
    "Ja",
    "3",
    "2",
    "Hög",
    "2026-01-10",
    "2027-01-10",
    "2025-11-01",
];

const LON: &[&str] = &[
    "S-2",
    "Lönesystem",
    "Visma",
    "HR-chefen",
    "Centralt tillhandahållet",
    "Nej",
    "Ja",
    "",
    "",
    "",
    "",
    "",
    "",
];

/// The systems of an organisation's subtree, by name.
async fn systems_in(app: &TestApp, by: &Person, org: &str) -> Vec<Value> {
    let list = app
        .get(format!("{SYSTEMS}?organisation_id={org}&limit=100"))
        .by(by)
        .await
        .expect(StatusCode::OK);
    list["items"].as_array().cloned().unwrap_or_default()
}

fn counts(report: &Value) -> (u64, u64, u64) {
    let n = |k: &str| report[k].as_u64().unwrap_or(u64::MAX);
    (n("created"), n("updated"), n("unchanged"))
}

both!(
    a_clean_file_imports_from_csv_and_from_excel,
    |app| async move {
        let w = world(&app).await;
        let org = &w.tree.administration;
        let file = csv(&[HEADER, PROCAPITA, LON]);
        let before = app.audit_events().await;

        let dry = send(&app, IMPORT, &w.owner, org, "system.csv", &file, true)
            .await
            .expect(StatusCode::OK);
        assert_eq!(dry["dry_run"], true);
        assert_eq!(counts(&dry), (2, 0, 0));
        assert_eq!(dry["columns"][7]["target"], "confidentiality");
        assert_eq!(dry["preview"][0]["name"], "Procapita");
        assert_eq!(dry["preview"][0]["action"], "create");
        assert_eq!(app.audit_events().await, before, "a dry run saves nothing");

        let done = send(&app, IMPORT, &w.owner, org, "system.csv", &file, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&done), (2, 0, 0));
        let items = systems_in(&app, &w.dpo, org).await;
        assert_eq!(items.len(), 2);
        let procapita = &items[1];
        assert_eq!(procapita["name"], "Procapita");
        assert_eq!(procapita["vendor"], "Tieto");
        assert_eq!(procapita["procurement"], "self_procured");
        assert_eq!(procapita["nis_relevant"], true);
        assert_eq!(
            procapita["classification"],
            json!({"confidentiality": 3, "integrity": 2, "availability": 3,
               "classified_on": "2026-01-10", "next_review": "2027-01-10"})
        );
        assert_eq!(procapita["risk_analysis_on"], "2025-11-01");
        assert_eq!(items[0]["procurement"], "central");
        assert_eq!(items[0]["classification"], Value::Null);
        let events = app.events_of("system", &text(procapita, "id")).await;
        assert!(events.iter().all(|e| e.channel == "import"), "{events:?}");

        // The same register as an Excel workbook is the same systems: nothing changes. A new row in it
        // is created.
        let book = xlsx(&[HEADER, PROCAPITA, LON]);
        let again = send(&app, IMPORT, &w.owner, org, "system.xlsx", &book, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&again), (0, 0, 2));
        let more = [
            "S-3",
            "Ärendesystem",
            "",
            "",
            "central",
            "",
            "nej",
            "K1",
            "R1",
            "T1",
            "2026-02-01",
            "",
            "",
        ];
        let book = xlsx(&[HEADER, PROCAPITA, LON, &more]);
        let third = send(&app, IMPORT, &w.dpo, org, "system.xlsx", &book, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&third), (1, 0, 2));
        assert_eq!(systems_in(&app, &w.dpo, org).await.len(), 3);
    }
);

both!(
    a_file_with_errors_imports_nothing_and_names_every_error,
    |app| async move {
        let w = world(&app).await;
        let org = &w.tree.administration;
        let file = csv(&[
            HEADER,
            PROCAPITA,
            // No name; a level of 5.
            &[
                "S-2",
                "",
                "",
                "",
                "",
                "",
                "",
                "5",
                "2",
                "2",
                "2026-01-01",
                "",
                "",
            ],
            // Some levels but not all, and a NIS answer that is neither yes nor no.
            &[
                "S-3",
                "Ärende",
                "",
                "",
                "",
                "Kanske",
                "",
                "3",
                "",
                "",
                "2026-01-01",
                "",
                "",
            ],
            // Levels without a date; a procurement nobody can read.
            &[
                "S-4", "Webb", "", "", "Köpt", "", "", "1", "1", "1", "", "", "",
            ],
            // A date that is not one, a review before the classification.
            &[
                "S-5",
                "Intranät",
                "",
                "",
                "",
                "",
                "",
                "2",
                "2",
                "2",
                "2026-01-10",
                "2025-01-10",
                "1/3/2026",
            ],
            // The same id as row 2.
            &[
                "S-1", "Dubblett", "", "", "", "", "", "", "", "", "", "", "",
            ],
        ]);
        let before = app.audit_events().await;
        let refused = send(&app, IMPORT, &w.owner, org, "system.csv", &file, false).await;
        let problem = refused.problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors");
        let report = &problem["report"];
        let problems = report["problems"].as_array().expect("problems");
        let mut found: Vec<(u64, String)> = problems
            .iter()
            .map(|p| (p["row"].as_u64().unwrap_or(0), text(p, "column")))
            .collect();
        found.sort();
        let want: Vec<(u64, String)> = [
            (3, "Konfidentialitet"),
            (3, "System"),
            (4, "NIS"),
            (4, "Riktighet"),
            (4, "Tillgänglighet"),
            (5, "Klassad"),
            (5, "Upphandling"),
            (6, "Nästa klassning"),
            (6, "Riskanalys"),
            (7, "ID"),
        ]
        .into_iter()
        .map(|(r, c)| (r, c.to_string()))
        .collect();
        assert_eq!(found, want, "{problems:#?}");
        assert!(problems.iter().all(|p| !text(p, "message").is_empty()));
        let partial = problems
            .iter()
            .find(|p| p["row"] == 4 && p["column"] == "Riktighet")
            .map(|p| text(p, "message"))
            .unwrap_or_default();
        assert!(partial.contains("Nivån för riktighet saknas"), "{partial}");
        assert_eq!(report["created"], 0);
        assert_eq!(app.audit_events().await, before, "nothing was imported");
        assert!(systems_in(&app, &w.dpo, org).await.is_empty());

        // In English, the same places with English messages.
        let (ct, body) = import_form(org, "system.csv", &file, true);
        let en = app
            .post(IMPORT)
            .by(&w.owner)
            .english()
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        let messages: Vec<String> = en["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| text(p, "message"))
            .collect();
        assert_eq!(messages.len(), want.len());
        assert!(
            messages
                .iter()
                .any(|m| m.contains("The level of integrity")),
            "{messages:?}"
        );

        // A sheet without a name column is refused as a whole.
        let refused = send(
            &app,
            IMPORT,
            &w.owner,
            org,
            "system.csv",
            &csv(&[&["ID", "Leverantör"], &["1", "Tieto"]]),
            false,
        )
        .await;
        let problem = refused.problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors");
        assert_eq!(problem["report"]["problems"][0]["row"], 1);
        assert_eq!(problem["report"]["problems"][0]["column"], "");
    }
);

both!(
    a_re_import_updates_by_key_and_never_duplicates,
    |app| async move {
        let w = world(&app).await;
        let org = &w.tree.administration;
        let file = csv(&[HEADER, PROCAPITA, LON]);
        let first = send(&app, IMPORT, &w.owner, org, "system.csv", &file, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&first), (2, 0, 0));
        // Renamed in the source, still the same system: the id decides.
        let renamed: Vec<&str> = PROCAPITA
            .iter()
            .map(|c| if *c == "Procapita" { "Lifecare" } else { c })
            .collect();
        let file = csv(&[HEADER, &renamed, LON]);
        let dry = send(&app, IMPORT, &w.owner, org, "system.csv", &file, true)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&dry), (0, 1, 1));
        assert_eq!(dry["preview"][0]["action"], "update");
        let second = send(&app, IMPORT, &w.owner, org, "system.csv", &file, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&second), (0, 1, 1));
        let names: Vec<String> = systems_in(&app, &w.dpo, org)
            .await
            .iter()
            .map(|s| text(s, "name"))
            .collect();
        assert_eq!(names, vec!["Lifecare", "Lönesystem"]);

        // Without an id column a system is known by its name, whatever its case.
        let by_name = csv(&[&["System", "Leverantör"], &["Växel", "Telia"]]);
        let made = send(&app, IMPORT, &w.owner, org, "v.csv", &by_name, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&made), (1, 0, 0));
        let by_name = csv(&[&["System", "Leverantör"], &["VÄXEL", "Telia Company"]]);
        let updated = send(&app, IMPORT, &w.owner, org, "v.csv", &by_name, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&updated), (0, 1, 0));
        assert_eq!(systems_in(&app, &w.dpo, org).await.len(), 3);

        // Two rows of one name without ids would be one system: refused, not merged.
        let twice = csv(&[&["System"], &["Växel"], &["växel"]]);
        let problem = send(&app, IMPORT, &w.owner, org, "v.csv", &twice, false)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors");
        let problems = problem["report"]["problems"].as_array().expect("problems");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0]["row"].as_u64(), problems[0]["column"].as_str()),
            (Some(3), Some("System"))
        );
    }
);

both!(
    a_re_import_keeps_links_and_action_plans_made_in_ombud,
    |app| async move {
        let w = world(&app).await;
        let org = &w.tree.administration;
        let systems_file = csv(&[HEADER, PROCAPITA]);
        send(&app, IMPORT, &w.dpo, org, "s.csv", &systems_file, false)
            .await
            .expect(StatusCode::OK);
        let system = text(&systems_in(&app, &w.dpo, org).await[0], "id");
        let agreement = text(
            &app.post("/api/v1/agreements")
                .by(&w.dpo)
                .json(json!({"organisation_id": org, "counterparty": "Tieto Sverige AB"}))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        app.patch(format!("{SYSTEMS}/{system}"))
            .by(&w.dpo)
            .json(json!({
                "agreement_ids": [agreement],
                "action_plan": [{"action": "Inför loggkontroll", "status": "planned"}]
            }))
            .await
            .expect(StatusCode::OK);

        let processing_file =
            b"ID;Behandling;\xc3\x84ndam\xc3\xa5l\nB-1;Bist\xc3\xa5nd;Handl\xc3\xa4ggning\n";
        send(
            &app,
            PROCESSING_IMPORT,
            &w.dpo,
            org,
            "b.csv",
            processing_file,
            false,
        )
        .await
        .expect(StatusCode::OK);
        let list = app
            .get(format!(
                "/api/v1/processing-activities?organisation_id={org}"
            ))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        let activity = text(&list["items"][0], "id");
        app.patch(format!("/api/v1/processing-activities/{activity}"))
            .by(&w.dpo)
            .json(json!({"system_ids": [system], "agreement_ids": [agreement], "profiling": true}))
            .await
            .expect(StatusCode::OK);

        // Neither file says anything of links, action plans or profiling: importing them again
        // changes nothing, and says so.
        let again = send(
            &app,
            PROCESSING_IMPORT,
            &w.dpo,
            org,
            "b.csv",
            processing_file,
            false,
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(counts(&again), (0, 0, 1));
        let again = send(&app, IMPORT, &w.dpo, org, "s.csv", &systems_file, false)
            .await
            .expect(StatusCode::OK);
        assert_eq!(counts(&again), (0, 0, 1));

        // A change in the file updates what it says and keeps the rest.
        let changed = String::from_utf8_lossy(processing_file).replace("Handläggning", "Utredning");
        let updated = send(
            &app,
            PROCESSING_IMPORT,
            &w.dpo,
            org,
            "b.csv",
            changed.as_bytes(),
            false,
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(counts(&updated), (0, 1, 0));
        let a = app
            .get(format!("/api/v1/processing-activities/{activity}"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["purposes"], "Utredning");
        assert_eq!(a["system_ids"], json!([system]));
        assert_eq!(a["agreement_ids"], json!([agreement]));
        assert_eq!(a["profiling"], true);

        let vendor_changed: Vec<&str> = PROCAPITA
            .iter()
            .map(|c| if *c == "Tieto" { "Tietoevry" } else { c })
            .collect();
        let updated = send(
            &app,
            IMPORT,
            &w.dpo,
            org,
            "s.csv",
            &csv(&[HEADER, &vendor_changed]),
            false,
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(counts(&updated), (0, 1, 0));
        let s = app
            .get(format!("{SYSTEMS}/{system}"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["vendor"], "Tietoevry");
        assert_eq!(s["agreement_ids"], json!([agreement]));
        assert_eq!(s["action_plan"][0]["action"], "Inför loggkontroll");
        let a = app
            .get(format!("/api/v1/agreements/{agreement}"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["system_ids"], json!([system]));
    }
);

both!(
    only_those_who_may_edit_systems_there_can_import,
    |app| async move {
        let w = world(&app).await;
        let file = csv(&[HEADER, PROCAPITA]);
        let before = app.audit_events().await;
        // Another controller's DPO does not see the organisation at all.
        send(
            &app,
            IMPORT,
            &w.other_dpo,
            &w.tree.administration,
            "s.csv",
            &file,
            false,
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        // A manager sees the unit but may not edit its systems.
        send(&app, IMPORT, &w.manager, &w.tree.unit, "s.csv", &file, true)
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        // A system owner's role reaches down from where it is held, not up to the board.
        send(&app, IMPORT, &w.owner, &w.tree.board, "s.csv", &file, true)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(app.audit_events().await, before);
        // Without a file there is nothing to import.
        let (ct, body) = import_form(&w.tree.administration, "s.csv", b"", false);
        app.post(IMPORT)
            .by(&w.owner)
            .raw(Some(&ct), body)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
);

/// A register of 10,000 systems, every one classified, as a CSV file.
fn ten_thousand() -> Vec<u8> {
    let mut out = HEADER.join(";");
    let vendors = ["Tieto", "Visma", "Microsoft", "CGI", "Evry"];
    for i in 0..10_000 {
        let level = i % 4 + 1;
        out.push_str(&format!(
            "\nS-{i};System {i};{};Ägare {};{};{};Ja;{level};{};{};2026-01-{:02};;",
            vendors[i % vendors.len()],
            i % 50,
            if i % 3 == 0 { "Central" } else { "Egen" },
            if i % 7 == 0 { "Ja" } else { "Nej" },
            (i + 1) % 4 + 1,
            (i + 2) % 4 + 1,
            i % 28 + 1,
        ));
    }
    out.into_bytes()
}

both!(ten_thousand_systems_import_in_one_go, |app| async move {
    let w = world(&app).await;
    let file = ten_thousand();
    let started = std::time::Instant::now();
    let done = send(
        &app,
        IMPORT,
        &w.dpo,
        &w.tree.board,
        "system.csv",
        &file,
        false,
    )
    .await
    .expect(StatusCode::OK);
    let took = started.elapsed();
    eprintln!("{}: 10,000 systems imported in {took:?}", app.backend);
    assert_eq!(counts(&done), (10_000, 0, 0));
    assert_eq!(done["preview"].as_array().map(Vec::len), Some(200));
    let started = std::time::Instant::now();
    let again = send(
        &app,
        IMPORT,
        &w.dpo,
        &w.tree.board,
        "system.csv",
        &file,
        true,
    )
    .await
    .expect(StatusCode::OK);
    eprintln!(
        "{}: 10,000 systems previewed again in {:?}",
        app.backend,
        started.elapsed()
    );
    assert_eq!(counts(&again), (0, 0, 10_000));
    // Debug builds are several times slower than the release build the 5 s goal is for.
    assert!(took.as_secs() < 30, "{took:?}");
});

both!(
    the_openapi_document_describes_the_systems_import,
    |app| async move {
        let doc = app.get("/api/v1/openapi.json").await.expect(StatusCode::OK);
        let op = &doc["paths"]["/api/v1/systems/import"]["post"];
        assert_eq!(op["tags"], json!(["systems"]), "{op}");
        assert!(op["responses"]["422"].is_object(), "{op}");
    }
);

both!(
    an_exported_register_edited_and_imported_updates_the_same_systems,
    |app| async move {
        let w = world(&app).await;
        for row in [PROCAPITA, LON] {
            let r = send(
                &app,
                IMPORT,
                &w.owner,
                &w.tree.administration,
                "s.csv",
                &csv(&[HEADER, row]),
                false,
            )
            .await;
            r.expect(StatusCode::OK);
        }
        let before = systems_in(&app, &w.owner, &w.tree.administration).await;
        assert_eq!(before.len(), 2);

        for format in ["csv", "xlsx"] {
            let file = app
                .get(format!(
                    "{SYSTEMS}/export?organisation_id={}&format={format}",
                    w.tree.administration
                ))
                .by(&w.owner)
                .await;
            assert_eq!(file.status, StatusCode::OK);
            assert!(
                file.header("content-disposition")
                    .is_some_and(|d| d.contains("systemforteckning-")
                        && d.ends_with(&format!(".{format}\""))),
                "{:?}",
                file.header("content-disposition")
            );
            // Imported back as it is: every system is found by its id and nothing changes.
            let report = send(
                &app,
                IMPORT,
                &w.owner,
                &w.tree.administration,
                &format!("export.{format}"),
                &file.body,
                false,
            )
            .await
            .expect(StatusCode::OK);
            assert_eq!(counts(&report), (0, 0, 2), "{report}");
        }

        // Edited in the spreadsheet (a new vendor) and imported: the same system changes.
        let text = app
            .get(format!(
                "{SYSTEMS}/export?organisation_id={}&format=csv",
                w.tree.administration
            ))
            .by(&w.owner)
            .await
            .text();
        assert!(
            text.lines()
                .next()
                .is_some_and(|h| h.contains("ID;Organisation;System")),
            "{text}"
        );
        let edited = text.replacen(";Tieto;", ";Tietoevry Sverige;", 1);
        assert_ne!(edited, text, "the vendor is in the file");
        let report = send(
            &app,
            IMPORT,
            &w.owner,
            &w.tree.administration,
            "export.csv",
            edited.as_bytes(),
            false,
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(counts(&report), (0, 1, 1), "{report}");
        let after = systems_in(&app, &w.owner, &w.tree.administration).await;
        assert_eq!(after.len(), 2, "no copies");
        assert!(after.iter().any(|s| s["vendor"] == "Tietoevry Sverige"));

        // Another controller's DPO gets nothing.
        app.get(format!(
            "{SYSTEMS}/export?organisation_id={}&format=csv",
            w.tree.administration
        ))
        .by(&w.other_dpo)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
        app.get(format!(
            "{SYSTEMS}/export?organisation_id={}&format=pdf",
            w.tree.administration
        ))
        .by(&w.owner)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
);
