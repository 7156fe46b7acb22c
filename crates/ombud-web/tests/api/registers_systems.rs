//! The systems register and the processor agreements through the API: records, filters, merge
//! patches with versions, the annual report's figures, the compliance log, the audit trail, the links
//! between the registers, and the border between controllers.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

const SYSTEMS: &str = "/api/v1/systems";
const AGREEMENTS: &str = "/api/v1/agreements";
const PROCESSING: &str = "/api/v1/processing-activities";

fn system_url(id: &str) -> String {
    format!("{SYSTEMS}/{id}")
}

fn agreement_url(id: &str) -> String {
    format!("{AGREEMENTS}/{id}")
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(ombud_domain::time::stockholm())
        .date()
}

/// Today moved by a number of days, `YYYY-MM-DD`.
fn day(offset: i64) -> String {
    today()
        .checked_add(jiff::Span::new().days(offset))
        .expect("a date in range")
        .to_string()
}

/// Two controllers: the city's social board (with its tree) and the education board, each with its
/// own DPO; an auditor at the social board.
struct World {
    tree: Tree,
    other_board: String,
    dpo: Person,
    auditor: Person,
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
    let dpo = app
        .person("dina.dataskydd@exempelstad.se", "Dina Dataskydd")
        .await;
    app.grant(&tree.board, &dpo.id, &[Role::Dpo]).await;
    let auditor = app
        .person("rut.revisor@exempelstad.se", "Rut Revisor")
        .await;
    app.grant(&tree.board, &auditor.id, &[Role::Auditor]).await;
    let other_dpo = app.person("olle.ombud@exempelstad.se", "Olle Ombud").await;
    app.grant(&other_board, &other_dpo.id, &[Role::Dpo]).await;
    World {
        tree,
        other_board,
        dpo,
        auditor,
        other_dpo,
    }
}

async fn create_system(app: &TestApp, by: &Person, body: Value) -> Value {
    app.post(SYSTEMS)
        .by(by)
        .json(body)
        .await
        .expect(StatusCode::CREATED)
}

async fn create_agreement(app: &TestApp, by: &Person, body: Value) -> Value {
    app.post(AGREEMENTS)
        .by(by)
        .json(body)
        .await
        .expect(StatusCode::CREATED)
}

/// The names of a list's items, in order.
fn names(list: &Value, field: &str) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|items| items.iter().map(|i| text(i, field)).collect())
        .unwrap_or_default()
}

/// Three systems of the social board: one classified and current, one classified but past its
/// review, one unclassified in the unit.
async fn three_systems(app: &TestApp, w: &World) -> (String, String, String) {
    let procapita = create_system(
        app,
        &w.dpo,
        json!({
            "organisation_id": w.tree.board,
            "name": "Procapita",
            "vendor": "Tieto Evry",
            "owner": "Socialdirektören",
            "manager": "Systemförvaltaren",
            "procurement": "self_procured",
            "nis_relevant": true,
            "storage_country": "Sverige",
            "holds_personal_data": true,
            "classification": {
                "confidentiality": 4, "integrity": 3, "availability": 3,
                "classified_on": day(-30), "next_review": day(335)
            },
            "risk_analysis_on": day(-40),
            "action_plan": [{"action": "Inför loggkontroll", "responsible": "Systemförvaltaren",
                             "due": day(60), "status": "planned"}]
        }),
    )
    .await;
    let lifecare = create_system(
        app,
        &w.dpo,
        json!({
            "organisation_id": w.tree.board,
            "name": "Lifecare",
            "vendor": "Tieto Evry",
            "procurement": "central",
            "holds_personal_data": true,
            "classification": {
                "confidentiality": 3, "integrity": 2, "availability": 2,
                "classified_on": day(-800), "next_review": day(-1)
            }
        }),
    )
    .await;
    let skolwebben = create_system(
        app,
        &w.dpo,
        json!({
            "organisation_id": w.tree.unit,
            "name": "Skolwebben",
            "vendor": "Lokal leverantör",
            "procurement": "self_procured",
            "holds_personal_data": false
        }),
    )
    .await;
    (
        text(&procapita, "id"),
        text(&lifecare, "id"),
        text(&skolwebben, "id"),
    )
}

both!(
    a_system_is_registered_with_its_classification_and_action_plan,
    |app| async move {
        let w = world(&app).await;
        let res = app
            .post(SYSTEMS)
            .by(&w.dpo)
            .json(json!({
                "organisation_id": w.tree.board,
                "name": "  Procapita ",
                "vendor": "Tieto Evry",
                "holds_personal_data": true,
                "classification": {"confidentiality": 4, "integrity": 3, "availability": 2,
                                   "classified_on": day(-10)},
                "action_plan": [{"action": "Inför loggkontroll", "due": day(30), "status": "ongoing"}]
            }))
            .await;
        let s = res.expect(StatusCode::CREATED);
        let id = text(&s, "id");
        assert_eq!(res.etag(), Some("\"1\""));
        assert_eq!(res.header("location"), Some(system_url(&id).as_str()));
        assert_eq!(s["name"], "Procapita");
        assert_eq!(s["organisation_id"], w.tree.board.as_str());
        assert_eq!(s["controller_id"], w.tree.board.as_str());
        assert_eq!(s["classified"], true);
        assert_eq!(s["classification_current"], true);
        assert_eq!(s["classification"]["confidentiality"], 4);
        assert_eq!(s["procurement"], "self_procured");
        assert_eq!(s["action_plan"][0]["status"], "ongoing");
        assert_eq!(s["processing_activity_ids"], json!([]));
        assert_eq!(s["gaps"], json!(["system_without_processing"]));

        let got = app.get(system_url(&id)).by(&w.auditor).await;
        assert_eq!(got.expect(StatusCode::OK)["name"], "Procapita");
        assert_eq!(got.etag(), Some("\"1\""));
    }
);

both!(
    a_system_that_breaks_the_rules_is_refused_with_the_fields_named,
    |app| async move {
        let w = world(&app).await;
        let res = app
            .post(SYSTEMS)
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "name": "X",
                "classification": {"confidentiality": 5, "integrity": 1, "availability": 1,
                                   "classified_on": day(0)}}))
            .await;
        res.problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");

        let res = app
            .post(SYSTEMS)
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "name": " ",
                "risk_analysis_on": "igår",
                "classification": {"confidentiality": 1, "integrity": 1, "availability": 1,
                                   "classified_on": day(0), "next_review": day(-1)}}))
            .await;
        let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![
                ("name".to_string(), "required".to_string()),
                ("risk_analysis_on".to_string(), "invalid_date".to_string()),
                (
                    "classification.next_review".to_string(),
                    "date_too_early".to_string()
                ),
            ]
        );

        let res = app
            .post(SYSTEMS)
            .by(&w.dpo)
            .json(json!({"name": "Utan organisation"}))
            .await;
        let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![("organisation_id".to_string(), "required".to_string())]
        );

        let res = app
            .post(SYSTEMS)
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "name": "X", "agreement_ids": [unknown_id()]}))
            .await;
        let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![("agreement_ids".to_string(), "unknown_reference".to_string())]
        );
    }
);

both!(
    systems_are_listed_by_name_filtered_searched_and_paged,
    |app| async move {
        let w = world(&app).await;
        let (procapita, lifecare, skolwebben) = three_systems(&app, &w).await;
        let list = |query: &'static str| {
            let dpo = w.dpo.clone();
            let app = &app;
            async move {
                app.get(format!("{SYSTEMS}{query}"))
                    .by(&dpo)
                    .await
                    .expect(StatusCode::OK)
            }
        };
        assert_eq!(
            ids(&list("").await),
            vec![lifecare.clone(), procapita.clone(), skolwebben.clone()]
        );
        assert_eq!(
            ids(&list("?classified=true").await),
            vec![lifecare.clone(), procapita.clone()]
        );
        assert_eq!(
            ids(&list("?classified=false").await),
            vec![skolwebben.clone()]
        );
        assert_eq!(
            ids(&list("?classification_current=true").await),
            vec![procapita.clone()]
        );
        assert_eq!(
            ids(&list("?classification_current=false").await),
            vec![lifecare.clone(), skolwebben.clone()]
        );
        assert_eq!(
            ids(&list("?self_procured=true").await),
            vec![procapita.clone(), skolwebben.clone()]
        );
        assert_eq!(
            ids(&list("?self_procured=false").await),
            vec![lifecare.clone()]
        );
        assert_eq!(
            ids(&list("?holds_personal_data=false").await),
            vec![skolwebben.clone()]
        );
        assert_eq!(
            ids(&list("?q=TIETO").await),
            vec![lifecare.clone(), procapita.clone()]
        );
        assert_eq!(
            ids(&list("?q=tieto%20socialdir").await),
            vec![procapita.clone()]
        );
        let in_unit = app
            .get(format!("{SYSTEMS}?organisation_id={}", w.tree.unit))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&in_unit), vec![skolwebben.clone()]);

        let first = list("?limit=2").await;
        assert_eq!(ids(&first), vec![lifecare.clone(), procapita.clone()]);
        let cursor = text(&first, "next");
        let second = app
            .get(format!("{SYSTEMS}?limit=2&cursor={cursor}"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&second), vec![skolwebben.clone()]);
        assert_eq!(second["next"], Value::Null);

        app.get(format!("{SYSTEMS}?classified=kanske"))
            .by(&w.dpo)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
    }
);

both!(
    a_system_changes_by_merge_patch_and_a_stale_version_is_refused,
    |app| async move {
        let w = world(&app).await;
        let (procapita, _, _) = three_systems(&app, &w).await;
        let url = system_url(&procapita);

        let res = app
            .patch(&url)
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"classification": {"availability": 4}, "vendor": null, "nis_relevant": false}))
            .await;
        let s = res.expect(StatusCode::OK);
        assert_eq!(res.etag(), Some("\"2\""));
        assert_eq!(s["version"], 2);
        assert_eq!(s["classification"]["availability"], 4);
        assert_eq!(s["classification"]["confidentiality"], 4);
        assert_eq!(s["classification"]["next_review"], day(335).as_str());
        assert_eq!(s["vendor"], Value::Null);
        assert_eq!(s["nis_relevant"], false);

        let stale = app
            .patch(&url)
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"name": "Procapita IFO"}))
            .await;
        let p = stale.problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        assert_eq!(p["current_version"], 2);
        assert_eq!(stale.etag(), Some("\"2\""));

        app.patch(&url)
            .by(&w.dpo)
            .json(json!({"gaps": []}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.patch(&url)
            .by(&w.dpo)
            .json(json!({"classification": {"next_review": "2001-01-01"}}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        app.patch(&url)
            .by(&w.auditor)
            .json(json!({"name": "Revisorns namn"}))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");

        let s = app
            .patch(&url)
            .by(&w.dpo)
            .json(json!({"classification": null}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["classified"], false);
        assert_eq!(s["version"], 3);

        app.delete(&url)
            .by(&w.auditor)
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        app.delete(&url)
            .by(&w.dpo)
            .if_match("\"2\"")
            .await
            .problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        app.delete(&url)
            .by(&w.dpo)
            .if_match("\"3\"")
            .await
            .expect(StatusCode::NO_CONTENT);
        app.get(&url)
            .by(&w.dpo)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
);

both!(
    every_change_to_a_system_is_in_the_audit_trail_and_its_history,
    |app| async move {
        let w = world(&app).await;
        let n = app.audit_events().await;
        let s = create_system(
            &app,
            &w.dpo,
            json!({"organisation_id": w.tree.board, "name": "Procapita"}),
        )
        .await;
        let id = text(&s, "id");
        app.patch(system_url(&id))
            .by(&w.dpo)
            .json(json!({"vendor": "Tieto Evry"}))
            .await
            .expect(StatusCode::OK);
        // An unchanged record is no change: no version, no event.
        let same = app
            .patch(system_url(&id))
            .by(&w.dpo)
            .json(json!({"vendor": "Tieto Evry"}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(same["version"], 2);
        assert_eq!(app.audit_events().await, n + 2);

        let history = app
            .get(format!("{}/history", system_url(&id)))
            .by(&w.auditor)
            .await
            .expect(StatusCode::OK);
        let ops: Vec<String> = names(&history, "operation");
        assert_eq!(ops, vec!["update", "create"]);
        let change = &history["items"][0]["changes"];
        assert!(
            change
                .as_array()
                .is_some_and(|c| c.iter().any(|f| f["field"] == "vendor")),
            "{change}"
        );
        assert_eq!(history["items"][0]["actor_name"], w.dpo.name.as_str());

        app.delete(system_url(&id))
            .by(&w.dpo)
            .await
            .expect(StatusCode::NO_CONTENT);
        assert_eq!(app.audit_events().await, n + 3);
        let events = app.events_of("system", &id).await;
        assert_eq!(events[0].operation, "delete");
        assert_eq!(
            events[0].organisation_id.as_deref(),
            Some(w.tree.board.as_str())
        );
        let before: Value =
            serde_json::from_str(events[0].before.as_deref().expect("a snapshot")).expect("JSON");
        assert_eq!(before["vendor"], "Tieto Evry");
    }
);

both!(
    the_figures_count_systems_classified_current_and_self_procured,
    |app| async move {
        let w = world(&app).await;
        let url = format!("{}/system-figures", org_url(&w.tree.board));
        let empty = app.get(&url).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(
            (
                &empty["systems"],
                &empty["classified"],
                &empty["classification_current"],
                &empty["self_procured"]
            ),
            (&json!(0), &json!(0), &json!(0), &json!(0))
        );

        three_systems(&app, &w).await;
        // A system of the other controller counts for it, never here.
        create_system(
            &app,
            &w.other_dpo,
            json!({"organisation_id": w.other_board, "name": "Skolplattformen"}),
        )
        .await;
        let f = app.get(&url).by(&w.auditor).await.expect(StatusCode::OK);
        assert_eq!(f["organisation_id"], w.tree.board.as_str());
        assert_eq!(f["as_of"], day(0).as_str());
        assert_eq!(f["systems"], 3);
        assert_eq!(f["classified"], 2);
        assert_eq!(f["classification_current"], 1);
        assert_eq!(f["self_procured"], 2);
        // The list page counts the same figures with its rows, of the whole organisation whatever
        // else the page filters on.
        let page = page_of(
            &app,
            &w.auditor,
            &format!("/system?organisation={}&q=Procapita", w.tree.board),
        )
        .await;
        for fact in [
            "<dt>System totalt</dt><dd>3</dd>",
            "<dt>Klassade</dt><dd>2</dd>",
            "<dt>Med aktuell klassning</dt><dd>1</dd>",
            "<dt>Egen upphandling</dt><dd>2</dd>",
        ] {
            assert!(page.contains(fact), "{fact} in {page}");
        }
        assert!(page.contains(r#"<p class="counts" role="status">1 system</p>"#));

        let unit = app
            .get(format!("{}/system-figures", org_url(&w.tree.unit)))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (
                &unit["systems"],
                &unit["classified"],
                &unit["self_procured"]
            ),
            (&json!(1), &json!(0), &json!(1))
        );

        let other = app
            .get(format!("{}/system-figures", org_url(&w.other_board)))
            .by(&w.other_dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(other["systems"], 1);

        app.get(&url)
            .by(&w.other_dpo)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
);

both!(
    agreements_are_registered_listed_and_linked_from_systems,
    |app| async move {
        let w = world(&app).await;
        let res = app
            .post(AGREEMENTS)
            .by(&w.dpo)
            .json(json!({
                "organisation_id": w.tree.board,
                "counterparty": "Tieto Evry AB",
                "name": "PUB-avtal Procapita",
                "reference": "SN 2026/123",
                "signed_on": day(-100),
                "review_on": day(265),
                "sub_processors": [{"name": "Amazon Web Services", "service": "drift", "country": "Irland"}],
                "third_country_transfers": [
                    {"country": "USA", "recipient": "Support", "safeguard": "standard_contractual_clauses",
                     "transfer_impact_assessment": true},
                    {"country": "Indien"}
                ],
                "exit_plan": "Data lämnas tillbaka i CSV och raderas inom 30 dagar."
            }))
            .await;
        let a = res.expect(StatusCode::CREATED);
        let tieto = text(&a, "id");
        assert_eq!(res.etag(), Some("\"1\""));
        assert_eq!(res.header("location"), Some(agreement_url(&tieto).as_str()));
        assert_eq!(a["title"], "PUB-avtal Procapita");
        assert_eq!(a["direction"], "they_process_for_us");
        assert_eq!(
            a["direction_label"],
            "Motparten är vårt personuppgiftsbiträde"
        );
        assert_eq!(a["transfers_without_safeguard"], 1);
        assert_eq!(a["review_overdue"], false);
        assert_eq!(a["compliance_checks"], json!([]));
        assert_eq!(a["system_ids"], json!([]));

        let stad = text(
            &create_agreement(
                &app,
                &w.dpo,
                json!({"organisation_id": w.tree.unit, "counterparty": "Stadsledningskontoret",
                       "direction": "we_process_for_them", "review_on": day(-1)}),
            )
            .await,
            "id",
        );

        let list = app.get(AGREEMENTS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(ids(&list), vec![tieto.clone(), stad.clone()]);
        let processors = app
            .get(format!("{AGREEMENTS}?direction=we_process_for_them"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&processors), vec![stad.clone()]);
        let overdue = app
            .get(format!("{AGREEMENTS}?review_overdue=true"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&overdue), vec![stad.clone()]);
        let found = app
            .get(format!("{AGREEMENTS}?q=amazon"))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&found), vec![tieto.clone()]);
        let in_unit = app
            .get(format!("{AGREEMENTS}?organisation_id={}", w.tree.unit))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&in_unit), vec![stad.clone()]);
        app.get(format!("{AGREEMENTS}?direction=both"))
            .by(&w.dpo)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");

        // The system owns the link; the agreement shows it.
        let sys = create_system(
            &app,
            &w.dpo,
            json!({"organisation_id": w.tree.board, "name": "Procapita", "agreement_ids": [tieto]}),
        )
        .await;
        let sys_id = text(&sys, "id");
        assert_eq!(sys["agreement_ids"], json!([tieto]));
        let a = app
            .get(agreement_url(&tieto))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["system_ids"], json!([sys_id]));

        let res = app.delete(agreement_url(&tieto)).by(&w.dpo).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
        assert_eq!(res.json()["code"], "agreement_in_use");

        app.patch(system_url(&sys_id))
            .by(&w.dpo)
            .json(json!({"agreement_ids": [stad]}))
            .await
            .expect(StatusCode::OK);
        let a = app
            .get(agreement_url(&tieto))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["system_ids"], json!([]));
        let s = app
            .get(agreement_url(&stad))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["system_ids"], json!([sys_id]));

        let changed = app
            .patch(agreement_url(&tieto))
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"name": null, "review_on": day(30)}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(changed["title"], "Tieto Evry AB");
        assert_eq!(changed["version"], 2);
        app.patch(agreement_url(&tieto))
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"counterparty": "Tietoevry"}))
            .await
            .problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        app.delete(agreement_url(&tieto))
            .by(&w.dpo)
            .if_match("\"2\"")
            .await
            .expect(StatusCode::NO_CONTENT);
        let events = app.events_of("agreement", &tieto).await;
        let ops: Vec<&str> = events.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(ops, vec!["delete", "update", "create"]);
    }
);

both!(
    a_processing_activity_naming_a_system_is_shown_on_it_and_keeps_it,
    |app| async move {
        let w = world(&app).await;
        let sys = create_system(
            &app,
            &w.dpo,
            json!({"organisation_id": w.tree.board, "name": "Procapita", "holds_personal_data": true}),
        )
        .await;
        let sys_id = text(&sys, "id");
        // Lists read only whether a processing activity uses the system, not the links: the API's
        // list of whole systems and the list page (which counts the gaps) both name the gap.
        let listed = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(
            listed["items"][0]["gaps"],
            json!(["system_not_classified", "system_without_processing"])
        );
        let gaps_cell = |n: usize| format!("data-label=\"Brister\"><strong>{n}</strong>");
        let page = page_of(&app, &w.dpo, "/system").await;
        assert!(page.contains(&gaps_cell(2)), "{page}");
        // A kind without states is counted in one figure.
        assert!(page.contains(r#"<p class="counts" role="status">1 system</p>"#));
        let none = page_of(&app, &w.dpo, "/system?q=finnsinte").await;
        assert!(
            none.contains(r#"<p class="counts" role="status">0 system</p>"#),
            "{none}"
        );
        let p = app
            .post("/api/v1/processing-activities")
            .by(&w.dpo)
            .json(
                json!({"organisation_id": w.tree.board, "name": "Ekonomiskt bistånd",
                         "system_ids": [sys_id]}),
            )
            .await
            .expect(StatusCode::CREATED);
        let p_id = text(&p, "id");
        let s = app
            .get(system_url(&sys_id))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["processing_activity_ids"], json!([p_id]));
        // Carried by a processing activity now; never classified still.
        assert_eq!(s["gaps"], json!(["system_not_classified"]));
        let listed = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(listed["items"][0]["processing_activity_ids"], json!([p_id]));
        assert_eq!(listed["items"][0]["gaps"], json!(["system_not_classified"]));
        assert!(
            page_of(&app, &w.dpo, "/system")
                .await
                .contains(&gaps_cell(1))
        );
        // Read with the record in the same statement: several links come back whole and in order.
        let p2 = app
            .post("/api/v1/processing-activities")
            .by(&w.dpo)
            .json(
                json!({"organisation_id": w.tree.board, "name": "Färdtjänst",
                         "system_ids": [sys_id]}),
            )
            .await
            .expect(StatusCode::CREATED);
        let mut both = vec![p_id.clone(), text(&p2, "id")];
        both.sort();
        let s = app
            .get(system_url(&sys_id))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["processing_activity_ids"], json!(both));
        let listed = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(listed["items"][0]["processing_activity_ids"], json!(both));
        assert_eq!(listed["items"][0]["id"], json!(sys_id));

        let res = app.delete(system_url(&sys_id)).by(&w.dpo).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
        assert_eq!(res.json()["code"], "system_in_use");
        app.get(system_url(&sys_id))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);

        // Lists and the gaps page read which kinds link to a system from a column the store keeps
        // as links change: dropping one of two processing activities leaves it used; dropping the
        // other by deleting it brings the gap back everywhere it is shown.
        let without_processing = |gaps: &Value| {
            gaps.as_array().expect("a list").iter().any(|g| {
                g["record_id"] == json!(sys_id) && g["rule"] == "system_without_processing"
            })
        };
        let gaps_url = format!("/api/v1/organisations/{}/gaps", w.tree.board);
        app.patch(format!("/api/v1/processing-activities/{}", text(&p2, "id")))
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"system_ids": []}))
            .await
            .expect(StatusCode::OK);
        let listed = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(listed["items"][0]["gaps"], json!(["system_not_classified"]));
        let gaps = app.get(&gaps_url).by(&w.dpo).await.expect(StatusCode::OK);
        assert!(!without_processing(&gaps), "{gaps}");
        app.delete(format!("/api/v1/processing-activities/{p_id}"))
            .by(&w.dpo)
            .if_match("\"1\"")
            .await
            .expect(StatusCode::NO_CONTENT);
        let listed = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(
            listed["items"][0]["gaps"],
            json!(["system_not_classified", "system_without_processing"])
        );
        assert!(
            page_of(&app, &w.dpo, "/system")
                .await
                .contains(&gaps_cell(2))
        );
        let gaps = app.get(&gaps_url).by(&w.dpo).await.expect(StatusCode::OK);
        assert!(without_processing(&gaps), "{gaps}");
        // Another kind's link does not stand in for a processing activity's.
        let b = app
            .post("/api/v1/breaches")
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "description": "Felskickad lista",
                         "discovered_at": "2026-01-10T09:00:00Z", "aware_at": "2026-01-10T10:00:00Z"}))
            .await
            .expect(StatusCode::CREATED);
        let b = app
            .patch(format!("/api/v1/breaches/{}", text(&b, "id")))
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(json!({"systems": [sys_id]}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(b["systems"], json!([sys_id]));
        let gaps = app.get(&gaps_url).by(&w.dpo).await.expect(StatusCode::OK);
        assert!(without_processing(&gaps), "{gaps}");
    }
);

both!(
    compliance_checks_are_appended_to_the_log_and_never_rewritten,
    |app| async move {
        let w = world(&app).await;
        let a = create_agreement(
            &app,
            &w.dpo,
            json!({"organisation_id": w.tree.board, "counterparty": "Tieto Evry AB"}),
        )
        .await;
        let id = text(&a, "id");
        let url = format!("{}/compliance-checks", agreement_url(&id));
        let n = app.audit_events().await;

        let res = app
            .post(&url)
            .by(&w.dpo)
            .if_match("\"1\"")
            .json(
                json!({"checked_on": day(-7), "finding": "Loggar granskas inte.",
                         "follow_up": "Begär loggrapport kvartalsvis.", "follow_up_due": day(30)}),
            )
            .await;
        let a = res.expect(StatusCode::CREATED);
        assert_eq!(res.etag(), Some("\"2\""));
        assert_eq!(a["version"], 2);
        assert_eq!(a["last_checked_on"], day(-7).as_str());
        let check = &a["compliance_checks"][0];
        assert_eq!(check["finding"], "Loggar granskas inte.");
        assert_eq!(check["recorded_by"], w.dpo.name.as_str());
        assert!(check["id"].as_str().is_some_and(|i| !i.is_empty()));
        assert_eq!(app.audit_events().await, n + 1);
        let e = &app.events_of("agreement", &id).await[0];
        assert_eq!(e.operation, "update");
        assert_eq!(e.actor_id.as_deref(), Some(w.dpo.id.as_str()));

        let a = app
            .post(&url)
            .by(&w.dpo)
            .json(json!({"checked_on": day(0), "finding": "Åtgärdat."}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(a["compliance_checks"].as_array().map(Vec::len), Some(2));
        assert_eq!(a["last_checked_on"], day(0).as_str());

        app.post(&url)
            .by(&w.dpo)
            .if_match("\"2\"")
            .json(json!({"checked_on": day(0), "finding": "Sent."}))
            .await
            .problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        let p = app
            .post(&url)
            .by(&w.dpo)
            .json(json!({"checked_on": day(1), "finding": " "}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![
                ("checked_on".to_string(), "date_in_future".to_string()),
                ("finding".to_string(), "required".to_string()),
            ]
        );
        app.post(&url)
            .by(&w.dpo)
            .json(json!({"checked_on": day(0), "finding": "x", "recorded_by": "någon annan"}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.post(&url)
            .by(&w.auditor)
            .json(json!({"checked_on": day(0), "finding": "Revisorn"}))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");

        // The log has its own door: neither a patch nor a create may write it.
        app.patch(agreement_url(&id))
            .by(&w.dpo)
            .json(json!({"compliance_checks": []}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.post(AGREEMENTS)
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "counterparty": "X", "compliance_checks": []}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        let after_patch = app
            .patch(agreement_url(&id))
            .by(&w.dpo)
            .json(json!({"exit_plan": "Återlämning i CSV."}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            after_patch["compliance_checks"].as_array().map(Vec::len),
            Some(2)
        );

        let history = app
            .get(format!("{}/history", agreement_url(&id)))
            .by(&w.auditor)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            names(&history, "operation"),
            vec!["update", "update", "update", "create"]
        );
    }
);

both!(
    another_controllers_dpo_never_sees_or_touches_the_records,
    |app| async move {
        let w = world(&app).await;
        let (procapita, _, _) = three_systems(&app, &w).await;
        let agreement = text(
            &create_agreement(
                &app,
                &w.dpo,
                json!({"organisation_id": w.tree.board, "counterparty": "Tieto Evry AB"}),
            )
            .await,
            "id",
        );
        let outsider = &w.other_dpo;

        for url in [
            system_url(&procapita),
            format!("{}/history", system_url(&procapita)),
            agreement_url(&agreement),
            format!("{}/history", agreement_url(&agreement)),
        ] {
            app.get(&url)
                .by(outsider)
                .await
                .problem(StatusCode::NOT_FOUND, "not_found");
        }
        app.patch(system_url(&procapita))
            .by(outsider)
            .json(json!({"name": "Kapad"}))
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.delete(system_url(&procapita))
            .by(outsider)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.patch(agreement_url(&agreement))
            .by(outsider)
            .json(json!({"counterparty": "Kapad"}))
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.delete(agreement_url(&agreement))
            .by(outsider)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.post(format!("{}/compliance-checks", agreement_url(&agreement)))
            .by(outsider)
            .json(json!({"checked_on": day(0), "finding": "Kapad"}))
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");

        // Lists never show them, and asking for the other controller's subtree is "not found".
        let theirs = app.get(SYSTEMS).by(outsider).await.expect(StatusCode::OK);
        assert_eq!(ids(&theirs), Vec::<String>::new());
        let theirs = app
            .get(AGREEMENTS)
            .by(outsider)
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(&theirs), Vec::<String>::new());
        app.get(format!("{SYSTEMS}?organisation_id={}", w.tree.board))
            .by(outsider)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.get(format!("{AGREEMENTS}?organisation_id={}", w.tree.board))
            .by(outsider)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");

        // Nor can they register records there, or link to the agreement from their own system.
        for (url, body) in [
            (
                SYSTEMS,
                json!({"organisation_id": w.tree.board, "name": "Inkräktare"}),
            ),
            (
                AGREEMENTS,
                json!({"organisation_id": w.tree.board, "counterparty": "Inkräktare"}),
            ),
            (
                SYSTEMS,
                json!({"organisation_id": w.other_board, "name": "Eget", "agreement_ids": [agreement]}),
            ),
            (
                PROCESSING,
                json!({"organisation_id": w.other_board, "name": "Egen", "system_ids": [procapita]}),
            ),
            (
                PROCESSING,
                json!({"organisation_id": w.other_board, "name": "Egen", "agreement_ids": [agreement]}),
            ),
        ] {
            let p = app
                .post(url)
                .by(outsider)
                .json(body)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(field_errors(&p)[0].1, "unknown_reference");
        }
        // Nor by editing a record of their own: the link is refused and nothing is saved.
        let own = app
            .post(PROCESSING)
            .by(outsider)
            .json(json!({"organisation_id": w.other_board, "name": "Egen"}))
            .await
            .expect(StatusCode::CREATED);
        let own_url = format!("{PROCESSING}/{}", own["id"].as_str().unwrap_or_default());
        let p = app
            .patch(&own_url)
            .by(outsider)
            .json(json!({"system_ids": [procapita]}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(field_errors(&p)[0].0, "system_ids");
        let after = app.get(&own_url).by(outsider).await.expect(StatusCode::OK);
        assert_eq!(after["version"], 1);
        assert_eq!(after["system_ids"], json!([]));

        // The owner's view is untouched.
        let mine = app.get(SYSTEMS).by(&w.dpo).await.expect(StatusCode::OK);
        assert_eq!(ids(&mine).len(), 3);
        let s = app
            .get(system_url(&procapita))
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(s["version"], 1);
    }
);

both!(
    systems_and_agreements_sort_like_the_processing_register,
    |app| async move {
        let w = world(&app).await;
        let (_, lifecare, _) = three_systems(&app, &w).await;
        // Every order, read one row at a time, gives every record once and in order.
        let read = |url: String, field: &'static str| {
            let app = &app;
            let dpo = &w.dpo;
            async move {
                let mut seen = Vec::new();
                let mut next = url.clone();
                loop {
                    let page = app.get(next.clone()).by(dpo).await.expect(StatusCode::OK);
                    seen.extend(names(&page, field));
                    match page["next"].as_str() {
                        Some(c) => next = format!("{url}&cursor={c}"),
                        None => break,
                    }
                }
                seen
            }
        };
        assert_eq!(
            read(format!("{SYSTEMS}?limit=1&sort=name"), "name").await,
            ["Lifecare", "Procapita", "Skolwebben"]
        );
        assert_eq!(
            read(format!("{SYSTEMS}?limit=1&sort=next_review"), "name").await,
            ["Lifecare", "Procapita", "Skolwebben"],
            "the overdue classification first, the unclassified last"
        );
        app.patch(system_url(&lifecare))
            .by(&w.dpo)
            .json(json!({"vendor": "Tietoevry"}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            read(format!("{SYSTEMS}?limit=1&sort=recently_updated"), "name").await,
            ["Lifecare", "Skolwebben", "Procapita"]
        );

        for (name, review) in [
            ("Atea", Some(day(90))),
            ("Bravida", Some(day(-5))),
            ("Cygate", None),
        ] {
            let mut body = json!({"organisation_id": w.tree.board, "counterparty": name});
            if let Some(d) = review {
                body["review_on"] = json!(d);
            }
            create_agreement(&app, &w.dpo, body).await;
        }
        assert_eq!(
            read(format!("{AGREEMENTS}?limit=1&sort=next_review"), "title").await,
            ["Bravida", "Atea", "Cygate"]
        );
        for url in [SYSTEMS, AGREEMENTS] {
            app.get(format!("{url}?sort=newest"))
                .by(&w.dpo)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        }
    }
);

both!(
    the_migration_that_keeps_which_kinds_link_to_a_system_reads_the_links_already_made,
    |app| async move {
        let w = world(&app).await;
        let mut ids = Vec::new();
        for name in ["Procapita", "Lifecare"] {
            let s = create_system(
                &app,
                &w.dpo,
                json!({"organisation_id": w.tree.board, "name": name, "holds_personal_data": true}),
            )
            .await;
            ids.push(text(&s, "id"));
        }
        app.post("/api/v1/processing-activities")
            .by(&w.dpo)
            .json(json!({"organisation_id": w.tree.board, "name": "Hemtjänst",
                         "system_ids": [ids[1]]}))
            .await
            .expect(StatusCode::CREATED);
        // The database as it was before the migration: links, and no column derived from them.
        app.raw_sql(
            "ALTER TABLE systems DROP COLUMN linked_from; \
             DELETE FROM ombud_migrations WHERE version = 14",
        )
        .await;
        let upgraded = app.second_instance().await;
        let listed = upgraded
            .get(SYSTEMS)
            .by(&w.dpo)
            .await
            .expect(StatusCode::OK);
        let gaps_of = |name: &str| {
            listed["items"]
                .as_array()
                .expect("a list")
                .iter()
                .find(|s| s["name"] == name)
                .map(|s| s["gaps"].clone())
        };
        assert_eq!(
            gaps_of("Procapita"),
            Some(json!([
                "system_not_classified",
                "system_without_processing"
            ]))
        );
        assert_eq!(gaps_of("Lifecare"), Some(json!(["system_not_classified"])));
    }
);
