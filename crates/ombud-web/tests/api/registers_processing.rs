//! `/api/v1/processing-activities`: the register of processing activities, its workflow, gaps,
//! search, export and import, and that another controller never sees it.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

const PA: &str = "/api/v1/processing-activities";

fn pa_url(id: &str) -> String {
    format!("{PA}/{id}")
}

/// A city with one controller and its people: records keeper, DPO, employee, and a DPO of a second
/// controller.
struct Register {
    admin: Person,
    t: Tree,
    other_board: String,
    keeper: Person,
    dpo: Person,
    employee: Person,
    other_dpo: Person,
}

async fn register(app: &TestApp) -> Register {
    let admin = app.admin().await;
    let t = app.city(&admin).await;
    let other = app
        .org(&admin, "Kulturnämnden", "board", Some(&t.city))
        .await;
    let other_board = text(&other, "id");
    let keeper = app
        .person("kalle@exempelstad.se", "Kalle Handläggare")
        .await;
    let dpo = app
        .person("dora@exempelstad.se", "Dora Dataskyddsombud")
        .await;
    let employee = app.person("emma@exempelstad.se", "Emma Medarbetare").await;
    let other_dpo = app.person("olle@exempelstad.se", "Olle Ombud").await;
    app.grant(&t.administration, &keeper.id, &[Role::RecordsKeeper])
        .await;
    app.grant(&t.board, &dpo.id, &[Role::Dpo]).await;
    app.grant(&t.unit, &employee.id, &[Role::Employee]).await;
    app.grant(&other_board, &other_dpo.id, &[Role::Dpo]).await;
    Register {
        admin,
        t,
        other_board,
        keeper,
        dpo,
        employee,
        other_dpo,
    }
}

async fn create(app: &TestApp, by: &Person, body: Value) -> Value {
    app.post(PA)
        .by(by)
        .json(body)
        .await
        .expect(StatusCode::CREATED)
}

both!(
    a_name_and_an_organisation_are_enough_to_register_a_processing,
    |app| async move {
        let r = register(&app).await;
        let res = app
            .post(PA)
            .by(&r.keeper)
            .json(json!({ "organisation_id": r.t.unit, "name": "Elevregister" }))
            .await;
        let p = res.expect(StatusCode::CREATED);
        assert_eq!(p["status"], "under_bearbetning");
        assert_eq!(p["status_label"], "Under bearbetning");
        assert_eq!(p["version"], 1);
        assert_eq!(p["controller_id"], r.t.board);
        assert_eq!(res.etag(), Some("\"1\""));
        let gaps: Vec<&str> = p["gaps"]
            .as_array()
            .expect("gaps")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            gaps,
            vec![
                "missing_purpose",
                "missing_legal_basis",
                "missing_data_subjects",
                "missing_data_categories",
                "missing_retention"
            ]
        );
        let events = app.events_of("processing_activity", &text(&p, "id")).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].operation, "create");
    }
);

both!(the_workflow_is_decided_by_role, |app| async move {
    let r = register(&app).await;
    let p = create(
        &app,
        &r.keeper,
        json!({ "organisation_id": r.t.unit, "name": "Hemtjänst" }),
    )
    .await;
    let id = text(&p, "id");
    let step_with = |by: &Person, body: Value| {
        app.post(format!("{}/transitions", pa_url(&id)))
            .by(by)
            .json(body)
    };
    let step = |by: &Person, to: &str| step_with(by, json!({ "to": to }));

    step(&r.keeper, "redo_for_granskning")
        .await
        .expect(StatusCode::OK);
    step(&r.keeper, "under_granskning")
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    step(&r.keeper, "godkand")
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // The record is bare: no approval while its register gaps are open, and they are listed.
    let refused = step(&r.dpo, "godkand")
        .await
        .problem(StatusCode::CONFLICT, "gaps_open");
    assert!(
        refused["gaps"]
            .as_array()
            .is_some_and(|g| g.contains(&json!("missing_purpose")))
    );
    // Approving anyway needs a reason; sending back needs a comment.
    step_with(&r.dpo, json!({ "to": "godkand", "despite_gaps": true }))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    step(&r.dpo, "under_bearbetning")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let back = step_with(
        &r.dpo,
        json!({ "to": "under_bearbetning", "comment": "Ange ändamålet." }),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(back["status"], "under_bearbetning");
    assert_eq!(back["returned"]["comment"], "Ange ändamålet.");
    assert_eq!(back["returned"]["by"], r.dpo.name);
    step(&r.dpo, "godkand")
        .await
        .problem(StatusCode::CONFLICT, "workflow");
    // The keeper sends it again; the review may be marked as started, then approved anyway.
    step(&r.keeper, "redo_for_granskning")
        .await
        .expect(StatusCode::OK);
    step(&r.dpo, "under_granskning")
        .await
        .expect(StatusCode::OK);
    let approved = step_with(
        &r.dpo,
        json!({ "to": "godkand", "despite_gaps": true, "comment": "Nämnden beslutar om ändamålet i december." }),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(approved["status"], "godkand");
    assert_eq!(approved["approved_by"], r.dpo.name);
    assert_eq!(
        approved["approved_despite_gaps"]["reason"],
        "Nämnden beslutar om ändamålet i december."
    );
    assert!(approved.get("returned").is_none_or(Value::is_null));
    let next = approved["next_review"]
        .as_str()
        .expect("a next review date");
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(ombud_domain::time::stockholm())
        .date();
    assert_eq!(
        next,
        ombud_domain::register::processing::next_review_after(today).to_string()
    );
    step(&r.employee, "under_bearbetning")
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    step(&r.dpo, "nonsense")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // An edit of an approved record reopens it.
    let edited = app
        .patch(pa_url(&id))
        .by(&r.keeper)
        .json(json!({ "purposes": "Biståndsbedömda insatser i hemmet" }))
        .await
        .expect(StatusCode::OK);
    assert_eq!(edited["status"], "under_bearbetning");
    assert_eq!(edited["purposes"], "Biståndsbedömda insatser i hemmet");
    assert_eq!(edited["name"], "Hemtjänst");
});

both!(
    edits_are_checked_and_a_stale_version_changes_nothing,
    |app| async move {
        let r = register(&app).await;
        let p = create(
            &app,
            &r.keeper,
            json!({ "organisation_id": r.t.unit, "name": "Löner" }),
        )
        .await;
        let id = text(&p, "id");
        let events = app.audit_events().await;
        app.patch(pa_url(&id))
            .by(&r.keeper)
            .if_match("\"7\"")
            .json(json!({ "name": "Nytt" }))
            .await
            .problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        app.patch(pa_url(&id))
            .by(&r.keeper)
            .json(json!({ "legal_bases": ["g"] }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.patch(pa_url(&id))
            .by(&r.keeper)
            .json(json!({ "no_such_field": 1 }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.patch(pa_url(&id))
            .by(&r.keeper)
            .json(json!({ "status": "godkand" }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        let long = "x".repeat(201);
        let problem = app
            .patch(pa_url(&id))
            .by(&r.keeper)
            .json(json!({ "name": long }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&problem),
            vec![("name".to_string(), "too_long".to_string())]
        );
        app.patch(pa_url(&id))
            .by(&r.keeper)
            .json(json!({ "next_review": "igår" }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        app.patch(pa_url(&id))
            .by(&r.employee)
            .json(json!({ "name": "x" }))
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(
            app.audit_events().await,
            events,
            "a refused edit writes nothing"
        );
        let now = app
            .get(pa_url(&id))
            .by(&r.keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(now["name"], "Löner");
        assert_eq!(now["version"], 1);

        let ok = app.patch(pa_url(&id)).by(&r.keeper).if_match("\"1\"")
        .json(json!({ "legal_bases": ["b"], "purposes": "Utbetalning av lön", "next_review": "2027-03-01" }))
        .await
        .expect(StatusCode::OK);
        assert_eq!(ok["version"], 2);
        assert_eq!(ok["next_review"], "2027-03-01");
        let events = app.events_of("processing_activity", &id).await;
        assert_eq!(events.len(), 2);
        let history = app
            .get(format!("{}/history", pa_url(&id)))
            .by(&r.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(history["items"][0]["operation"], "update");
    }
);

both!(search_and_filters_find_what_they_should, |app| async move {
    let r = register(&app).await;
    create(&app, &r.keeper, json!({ "organisation_id": r.t.unit, "name": "Elevregister", "purposes": "Skolans uppdrag" })).await;
    create(&app, &r.keeper, json!({
        "organisation_id": r.t.administration, "name": "Journal", "special_categories": ["health"],
        "data_subject_categories": ["Brukare"], "protected_identity": true
    })).await;
    for i in 0..4 {
        create(
            &app,
            &r.keeper,
            json!({ "organisation_id": r.t.administration, "name": format!("Ärende {i}") }),
        )
        .await;
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| text(i, "name"))
            .collect()
    };
    let q = app
        .get(format!("{PA}?q=SKOLANS"))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(names(&q), vec!["Elevregister"]);
    let q = app
        .get(format!("{PA}?q=brukare"))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(names(&q), vec!["Journal"]);
    let f = app
        .get(format!(
            "{PA}?special_categories=true&protected_identity=true"
        ))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(names(&f), vec!["Journal"]);
    let unit = app
        .get(format!("{PA}?organisation_id={}", r.t.unit))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(names(&unit), vec!["Elevregister"]);
    app.get(format!("{PA}?status=nope"))
        .by(&r.dpo)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");

    // Keyset pages: every record once.
    let mut seen = Vec::new();
    let mut url = format!("{PA}?limit=2");
    loop {
        let page = app.get(url.clone()).by(&r.dpo).await.expect(StatusCode::OK);
        seen.extend(names(&page));
        match page["next"].as_str() {
            Some(c) => url = format!("{PA}?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
});

both!(lists_sort_by_review_date_or_last_change, |app| async move {
    let r = register(&app).await;
    let org = r.t.administration.clone();
    for (name, review) in [
        ("Bygglov", Some("2027-05-01")),
        ("Arkiv", None),
        ("Cirkulär", Some("2026-01-15")),
        ("Diarium", Some("2027-05-01")),
    ] {
        let mut body = json!({"organisation_id": org, "name": name});
        if let Some(d) = review {
            body["next_review"] = json!(d);
        }
        create(&app, &r.keeper, body).await;
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| text(i, "name"))
            .collect()
    };
    // Every order, read one row at a time, gives every record once and in order.
    let read = |sort: &'static str| {
        let app = &app;
        let dpo = &r.dpo;
        async move {
            let mut seen = Vec::new();
            let mut url = format!("{PA}?limit=1&sort={sort}");
            loop {
                let page = app.get(url.clone()).by(dpo).await.expect(StatusCode::OK);
                seen.extend(names(&page));
                match page["next"].as_str() {
                    Some(c) => url = format!("{PA}?limit=1&sort={sort}&cursor={c}"),
                    None => break,
                }
            }
            seen
        }
    };
    assert_eq!(
        read("name").await,
        ["Arkiv", "Bygglov", "Cirkulär", "Diarium"]
    );
    assert_eq!(
        read("next_review").await,
        ["Cirkulär", "Bygglov", "Diarium", "Arkiv"],
        "earliest review first, ties by id, none last"
    );
    // The last change first: touch Bygglov, and it leads.
    let bygglov = app
        .get(format!("{PA}?q=Bygglov"))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    let id = bygglov["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    app.patch(pa_url(&id))
        .by(&r.keeper)
        .json(json!({"purposes": "Handlägga bygglov"}))
        .await
        .expect(StatusCode::OK);
    let recent = read("recently_updated").await;
    assert_eq!(recent.len(), 4);
    assert_eq!(recent[0], "Bygglov");
    assert_eq!(recent[1], "Diarium", "then the newest made");
    app.get(format!("{PA}?sort=random"))
        .by(&r.dpo)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
});

both!(
    another_controller_learns_nothing_of_the_register,
    |app| async move {
        let r = register(&app).await;
        let p = create(
            &app,
            &r.keeper,
            json!({ "organisation_id": r.t.unit, "name": "Hemlig behandling" }),
        )
        .await;
        let id = text(&p, "id");
        for res in [
            app.get(pa_url(&id)).by(&r.other_dpo).await,
            app.get(format!("{}/history", pa_url(&id)))
                .by(&r.other_dpo)
                .await,
            app.patch(pa_url(&id))
                .by(&r.other_dpo)
                .json(json!({ "name": "x" }))
                .await,
            app.delete(pa_url(&id)).by(&r.other_dpo).await,
            app.post(format!("{}/transitions", pa_url(&id)))
                .by(&r.other_dpo)
                .json(json!({ "to": "redo_for_granskning" }))
                .await,
            app.get(format!("/api/v1/organisations/{}/gaps", r.t.board))
                .by(&r.other_dpo)
                .await,
            app.get(format!(
                "{PA}/export?organisation_id={}&format=csv",
                r.t.board
            ))
            .by(&r.other_dpo)
            .await,
        ] {
            assert!(
                matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{}",
                res.status
            );
            assert!(!res.text().contains("Hemlig"), "{}", res.text());
        }
        let list = app
            .get(format!("{PA}?q=hemlig"))
            .by(&r.other_dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(list["items"], json!([]));
        // Creating in another controller's organisation is refused as an unknown organisation.
        app.post(PA)
            .by(&r.other_dpo)
            .json(json!({ "organisation_id": r.t.unit, "name": "Intrång" }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        // An employee of the same controller does not read the register.
        let list = app.get(PA).by(&r.employee).await.expect(StatusCode::OK);
        assert_eq!(list["items"], json!([]));
        let list = app
            .get(format!("{PA}?organisation_id={}", r.t.unit))
            .by(&r.employee)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            list["items"],
            json!([]),
            "nor through their own unit as a filter"
        );
        app.get(pa_url(&id))
            .by(&r.employee)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        // Nor does the other controller's DPO see its own register polluted.
        let own = app
            .get(format!("{PA}?organisation_id={}", r.other_board))
            .by(&r.other_dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(own["items"], json!([]));
        // The system administrator sees everything.
        app.get(pa_url(&id))
            .by(&r.admin)
            .await
            .expect(StatusCode::OK);
    }
);

both!(gaps_are_listed_per_controller_and_unit, |app| async move {
    let r = register(&app).await;
    let bare = create(
        &app,
        &r.keeper,
        json!({ "organisation_id": r.t.unit, "name": "Ofullständig" }),
    )
    .await;
    create(&app, &r.keeper, json!({
        "organisation_id": r.t.administration, "name": "Komplett", "purposes": "Ändamål", "legal_bases": ["e"],
        "retention": "3 år", "data_subject_categories": ["Brukare"], "personal_data_categories": ["Namn"]
    })).await;
    let risky = create(&app, &r.keeper, json!({
        "organisation_id": r.t.administration, "name": "Riskabel", "purposes": "Ändamål", "legal_bases": ["e"],
        "retention": "3 år", "special_categories": ["health"], "ai_use": true,
        "data_subject_categories": ["Brukare"], "personal_data_categories": ["Namn"],
        "third_country_transfers": [{ "country": "USA" }]
    })).await;
    let gaps = app
        .get(format!("/api/v1/organisations/{}/gaps", r.t.board))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    let mut found: Vec<(String, String)> = gaps
        .as_array()
        .expect("a list")
        .iter()
        .map(|g| (text(g, "record_id"), text(g, "rule")))
        .collect();
    found.sort();
    let bare_id = text(&bare, "id");
    let risky_id = text(&risky, "id");
    let mut expected = vec![
        (bare_id.clone(), "missing_legal_basis".to_string()),
        (bare_id.clone(), "missing_purpose".to_string()),
        (bare_id.clone(), "missing_data_subjects".to_string()),
        (bare_id.clone(), "missing_data_categories".to_string()),
        (bare_id.clone(), "missing_retention".to_string()),
        (risky_id.clone(), "high_risk_without_dpia".to_string()),
        (
            risky_id.clone(),
            "special_categories_without_exemption".to_string(),
        ),
        (risky_id.clone(), "transfer_without_safeguard".to_string()),
    ];
    expected.sort();
    assert_eq!(found, expected);
    assert!(
        gaps.as_array()
            .expect("a list")
            .iter()
            .all(|g| g["record_type"] == "processing_activity" && !text(g, "message").is_empty())
    );
    let unit = app
        .get(format!("/api/v1/organisations/{}/gaps", r.t.unit))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(unit.as_array().expect("a list").len(), 5);
    let only = app
        .get(format!("{PA}?gaps=false"))
        .by(&r.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(only["items"].as_array().expect("items").len(), 1);
    let english = app
        .get(format!("/api/v1/organisations/{}/gaps", r.t.unit))
        .by(&r.dpo)
        .english()
        .await
        .expect(StatusCode::OK);
    assert_eq!(english[0]["message"], "The purpose is missing.");
});

both!(the_register_exports_as_csv_and_xlsx, |app| async move {
    let r = register(&app).await;
    create(&app, &r.keeper, json!({ "organisation_id": r.t.unit, "name": "Elevregister; årskurs 1", "legal_bases": ["e"] })).await;
    let csv = app
        .get(format!(
            "{PA}/export?organisation_id={}&format=csv",
            r.t.board
        ))
        .by(&r.dpo)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.header("content-type")
            .is_some_and(|c| c.starts_with("text/csv"))
    );
    let body = csv.text();
    assert!(body.starts_with('\u{feff}'));
    // The Swedish headers are the import's own, so that the file imports back.
    assert!(
        body.contains("ID;Organisation;Status;Behandling;"),
        "{body}"
    );
    assert!(
        body.contains(";Familjeenheten;Under bearbetning;\"Elevregister; årskurs 1\";"),
        "{body}"
    );
    let xlsx = app
        .get(format!(
            "{PA}/export?organisation_id={}&format=xlsx",
            r.t.board
        ))
        .by(&r.dpo)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"));
    let sheet = ombud_report::read::read(&xlsx.body, ombud_report::read::Format::Spreadsheet)
        .expect("reads back");
    assert_eq!(sheet.rows.len(), 1);
    let name_at = sheet
        .header
        .iter()
        .position(|h| h == "Behandling")
        .expect("the name's column");
    assert_eq!(sheet.rows[0][name_at], "Elevregister; årskurs 1");
    let pdf = app
        .get(format!(
            "{PA}/export?organisation_id={}&format=pdf",
            r.t.board
        ))
        .by(&r.dpo)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with(b"%PDF-"));
    app.get(format!(
        "{PA}/export?organisation_id={}&format=pdf2",
        r.t.board
    ))
    .by(&r.dpo)
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
});

/// A multipart body with the import form's fields.
fn form(org: &str, file: &str, dry_run: bool) -> (String, Vec<u8>) {
    let b = "ombudgrans";
    let mut body = String::new();
    for (name, value) in [
        ("organisation_id", org),
        ("dry_run", if dry_run { "true" } else { "false" }),
    ] {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{b}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

both!(
    an_import_with_errors_saves_nothing_and_a_clean_one_saves_all_once,
    |app| async move {
        let r = register(&app).await;
        let url = format!("{PA}/import");
        let bad =
            "ID;Behandling;Rättslig grund;Personnummer\n1;Lön;b;Ja\n2;;e;Nej\n3;Rehab;g;kanske\n";
        let before = app.audit_events().await;
        let (ct, body) = form(&r.t.administration, bad, false);
        let refused = app
            .post(url.clone())
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await;
        let problem = refused.problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors");
        let problems = problem["report"]["problems"].as_array().expect("problems");
        let at = |row: u64, col: &str| {
            problems
                .iter()
                .any(|p| p["row"] == row && p["column"] == col)
        };
        assert!(
            at(3, "Behandling") && at(4, "Rättslig grund") && at(4, "Personnummer"),
            "{problems:?}"
        );
        assert_eq!(app.audit_events().await, before, "nothing was imported");

        let good = "ID;Behandling;Ändamål;Rättslig grund;Känsliga personuppgifter\n1;Lön;Utbetalning;b;\n2;Rehab;Rehabilitering;c;Hälsa\n";
        let (ct, body) = form(&r.t.administration, good, true);
        let dry = app
            .post(url.clone())
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (dry["created"].as_u64(), dry["dry_run"].as_bool()),
            (Some(2), Some(true))
        );
        assert_eq!(app.audit_events().await, before, "a dry run saves nothing");

        let (ct, body) = form(&r.t.administration, good, false);
        let done = app
            .post(url.clone())
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(done["created"], 2);
        let (ct, body) = form(&r.t.administration, good, false);
        let again = app
            .post(url.clone())
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (again["created"].as_u64(), again["unchanged"].as_u64()),
            (Some(0), Some(2))
        );
        let changed = good.replace("Utbetalning", "Utbetalning av lön");
        let (ct, body) = form(&r.t.administration, &changed, false);
        let third = app
            .post(url.clone())
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (third["updated"].as_u64(), third["unchanged"].as_u64()),
            (Some(1), Some(1))
        );
        let list = app
            .get(format!("{PA}?organisation_id={}", r.t.board))
            .by(&r.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(list["items"].as_array().expect("items").len(), 2);
        let events = app
            .events_of("processing_activity", &text(&list["items"][0], "id"))
            .await;
        assert!(events.iter().all(|e| e.channel == "import"));

        // Another controller's people cannot import into this one; an employee cannot import at all.
        let (ct, body) = form(&r.t.board, good, false);
        app.post(url.clone())
            .by(&r.other_dpo)
            .raw(Some(&ct), body)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        let (ct, body) = form(&r.t.unit, good, false);
        app.post(url)
            .by(&r.employee)
            .raw(Some(&ct), body)
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
);

both!(
    roles_at_the_city_do_not_reach_a_controllers_register,
    |app| async move {
        let r = register(&app).await;
        create(
            &app,
            &r.keeper,
            json!({ "organisation_id": r.t.unit, "name": "Nämndens behandling" }),
        )
        .await;
        let network = app.person("nina@exempelstad.se", "Nina Nätverk").await;
        app.grant(&r.t.city, &network.id, &[Role::Dpo, Role::Auditor])
            .await;
        for res in [
            app.get(format!("/api/v1/organisations/{}/gaps", r.t.city))
                .by(&network)
                .await,
            app.get(format!(
                "{PA}/export?organisation_id={}&format=csv",
                r.t.city
            ))
            .by(&network)
            .await,
            app.get(format!("{PA}?organisation_id={}", r.t.city))
                .by(&network)
                .await,
            app.get(PA).by(&network).await,
        ] {
            assert!(
                !res.text().contains("Nämndens behandling"),
                "{}",
                res.text()
            );
        }
        app.get(format!("{PA}?organisation_id={}", r.t.board))
            .by(&network)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
);

both!(
    two_rows_of_one_name_without_ids_are_refused_not_merged,
    |app| async move {
        let r = register(&app).await;
        let file = "Behandling;Ändamål\nLön;A\nlön;B\n";
        let (ct, body) = form(&r.t.administration, file, false);
        let before = app.audit_events().await;
        let problem = app
            .post(format!("{PA}/import"))
            .by(&r.keeper)
            .raw(Some(&ct), body)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors");
        let problems = problem["report"]["problems"].as_array().expect("problems");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0]["row"].as_u64(), problems[0]["column"].as_str()),
            (Some(3), Some("Behandling"))
        );
        assert_eq!(app.audit_events().await, before);
    }
);

/// The start page as a signed-in browser asks for it.
async fn start_page(app: &TestApp, p: &Person) -> String {
    page_of(app, p, "/").await
}

both!(the_start_page_is_each_roles_worklist, |app| async move {
    let r = register(&app).await;
    let waiting = create(
        &app,
        &r.keeper,
        json!({ "organisation_id": r.t.unit, "name": "Väntar på ombudet" }),
    )
    .await;
    let returned = create(
        &app,
        &r.keeper,
        json!({ "organisation_id": r.t.unit, "name": "Skickas tillbaka" }),
    )
    .await;
    let other = create(
        &app,
        &r.admin,
        json!({ "organisation_id": r.other_board, "name": "Annan nämnds behandling" }),
    )
    .await;
    for p in [&waiting, &returned, &other] {
        app.post(format!("{}/transitions", pa_url(&text(p, "id"))))
            .by(&r.admin)
            .json(json!({ "to": "redo_for_granskning" }))
            .await
            .expect(StatusCode::OK);
    }
    app.post(format!("{}/transitions", pa_url(&text(&returned, "id"))))
        .by(&r.dpo)
        .json(json!({ "to": "under_bearbetning", "comment": "Ange lagringstiden." }))
        .await
        .expect(StatusCode::OK);

    // The DPO: what waits for the review, the gaps; never another controller's record.
    let dpo = start_page(&app, &r.dpo).await;
    assert!(dpo.contains("Väntar på din granskning"));
    assert!(dpo.contains("Väntar på ombudet"));
    assert!(
        !dpo.contains("Annan nämnds behandling"),
        "another controller's"
    );
    assert!(dpo.contains("Brister där du har roller"));
    // The other controller's DPO sees that one, and nothing of this controller.
    let other_dpo = start_page(&app, &r.other_dpo).await;
    assert!(other_dpo.contains("Annan nämnds behandling"));
    assert!(!other_dpo.contains("Väntar på ombudet"));
    assert!(!other_dpo.contains("Skickas tillbaka"));
    // The records keeper: sent back with the comment; no review section.
    let keeper = start_page(&app, &r.keeper).await;
    assert!(keeper.contains("Skickade tillbaka för komplettering"));
    assert!(keeper.contains("Ange lagringstiden."));
    assert!(!keeper.contains("Väntar på din granskning"));
    // The employee: whom to tell, no register items.
    let employee = start_page(&app, &r.employee).await;
    assert!(employee.contains("Rapportera en personuppgiftsincident"));
    assert!(employee.contains(&r.dpo.email));
    assert!(!employee.contains("Väntar på ombudet"));
    assert!(!employee.contains("Ange lagringstiden."));
});

both!(
    the_list_page_counts_every_match_by_state,
    |app| async move {
        let r = register(&app).await;
        for i in 0..3 {
            create(
                &app,
                &r.keeper,
                json!({ "organisation_id": r.t.unit, "name": format!("Elevregister {i}") }),
            )
            .await;
        }
        let ready = create(
            &app,
            &r.keeper,
            json!({ "organisation_id": r.t.unit, "name": "Skolskjuts" }),
        )
        .await;
        app.post(format!("{}/transitions", pa_url(&text(&ready, "id"))))
            .by(&r.keeper)
            .json(json!({ "to": "redo_for_granskning" }))
            .await
            .expect(StatusCode::OK);
        // Another controller's record is neither listed nor counted.
        create(
            &app,
            &r.admin,
            json!({ "organisation_id": r.other_board, "name": "Annan nämnds behandling" }),
        )
        .await;
        let list = format!("/behandlingar?organisation={}", r.t.board);
        let all = page_of(&app, &r.dpo, &list).await;
        assert!(
            all.contains("4 behandlingar, varav 3 under bearbetning, 1 redo för granskning"),
            "{all}"
        );
        assert!(!all.contains("Annan nämnds behandling"));
        // A filter counts only what it matches; a search too.
        let ready = page_of(&app, &r.dpo, &format!("{list}&status=redo_for_granskning")).await;
        assert!(
            ready.contains("1 behandling, varav 1 redo för granskning"),
            "{ready}"
        );
        assert!(!ready.contains("Elevregister 0"));
        let found = page_of(&app, &r.dpo, &format!("{list}&q=elevregister")).await;
        assert!(
            found.contains("3 behandlingar, varav 3 under bearbetning"),
            "{found}"
        );
        assert!(found.contains("Elevregister 2"));
        assert!(!found.contains("Skolskjuts"));
    }
);

both!(
    the_organisation_choices_follow_new_and_renamed_organisations_and_roles_at_once,
    |app| async move {
        let r = register(&app).await;
        let before = page_of(&app, &r.dpo, "/behandlingar").await;
        assert!(!before.contains("Skolenhet Öst"));
        let east = app
            .org(&r.admin, "Skolenhet Öst", "unit", Some(&r.t.board))
            .await;
        let east = text(&east, "id");
        let after = page_of(&app, &r.dpo, "/behandlingar").await;
        assert!(after.contains("Skolenhet Öst"), "a new organisation");
        app.patch(org_url(&east))
            .by(&r.admin)
            .json(json!({ "name": "Skolenhet Väst" }))
            .await
            .expect(StatusCode::OK);
        let renamed = page_of(&app, &r.dpo, "/behandlingar").await;
        assert!(renamed.contains("Skolenhet Väst") && !renamed.contains("Skolenhet Öst"));
        // Another controller's DPO never had it among their choices.
        let other = page_of(&app, &r.other_dpo, "/behandlingar").await;
        assert!(!other.contains("Skolenhet Väst"));
        // A role taken away takes the choices with it.
        app.put(format!("{}/members/{}", org_url(&r.t.board), r.dpo.id))
            .by(&r.admin)
            .json(json!({ "roles": [] }))
            .await
            .expect(StatusCode::OK);
        let res = app
            .get("/behandlingar")
            .header("cookie", &format!("ombud_session={}", r.dpo.token))
            .header("sec-fetch-site", "same-origin")
            .await;
        assert!(!res.text().contains("Skolenhet Väst"));
    }
);
