//! The holes found by trying to break the registers before the kernel (issue 9), each as a test that
//! failed on the code before it: an import writing past authorisation, links across controllers
//! after a move, management granting itself any role, existence oracles, a review date pushed back
//! without reopening, a revocation that lagged on another instance; and the paged history.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

const PA: &str = "/api/v1/processing-activities";
const SYSTEMS: &str = "/api/v1/systems";
const AGREEMENTS: &str = "/api/v1/agreements";

/// A board with two units, X and Y, and people.
struct Town {
    admin: Person,
    city: String,
    board: String,
    x: String,
    y: String,
    dpo: Person,
    keeper: Person,
    manager_x: Person,
    owner_x: Person,
}

async fn town(app: &TestApp) -> Town {
    let admin = app.admin().await;
    let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
    let board = text(
        &app.org(&admin, "Socialnämnden", "board", Some(&city)).await,
        "id",
    );
    let x = text(
        &app.org(&admin, "Enhet X", "unit", Some(&board)).await,
        "id",
    );
    let y = text(
        &app.org(&admin, "Enhet Y", "unit", Some(&board)).await,
        "id",
    );
    let dpo = app.person("dora@exempelstad.se", "Dora Ombud").await;
    let keeper = app
        .person("kalle@exempelstad.se", "Kalle Handläggare")
        .await;
    let manager_x = app.person("mia@exempelstad.se", "Mia Chef").await;
    let owner_x = app.person("olof@exempelstad.se", "Olof Objektägare").await;
    app.grant(&board, &dpo.id, &[Role::Dpo]).await;
    app.grant(&board, &keeper.id, &[Role::RecordsKeeper]).await;
    app.grant(&x, &manager_x.id, &[Role::Manager]).await;
    app.grant(&x, &owner_x.id, &[Role::SystemOwner]).await;
    Town {
        admin,
        city,
        board,
        x,
        y,
        dpo,
        keeper,
        manager_x,
        owner_x,
    }
}

async fn create(app: &TestApp, url: &str, by: &Person, body: Value) -> Value {
    app.post(url)
        .by(by)
        .json(body)
        .await
        .expect(StatusCode::CREATED)
}

async fn approve(app: &TestApp, by_keeper: &Person, dpo: &Person, id: &str) {
    for (who, to) in [
        (by_keeper, "redo_for_granskning"),
        (dpo, "under_granskning"),
        (dpo, "godkand"),
    ] {
        app.post(format!("{PA}/{id}/transitions"))
            .by(who)
            // These records are bare: their approval overrides the gaps, with a reason.
            .json(json!({ "to": to, "despite_gaps": true, "comment": "Prov" }))
            .await
            .expect(StatusCode::OK);
    }
}

both!(
    an_import_neither_finds_nor_changes_records_outside_where_it_imports,
    |app| async move {
        let t = town(&app).await;
        // An approved processing activity of unit Y, and a system of unit Y.
        let salary = create(
            &app,
            PA,
            &t.keeper,
            json!({ "organisation_id": t.y, "name": "Lön", "purposes": "Löner" }),
        )
        .await;
        let salary_id = text(&salary, "id");
        approve(&app, &t.keeper, &t.dpo, &salary_id).await;
        let system = create(
            &app,
            SYSTEMS,
            &t.admin,
            json!({ "organisation_id": t.y, "name": "Heroma" }),
        )
        .await;
        let system_id = text(&system, "id");

        // The manager of X imports a row by the same name: the preview tells of no record elsewhere.
        let (ct, body) = import_form(
            &t.x,
            "r.csv",
            "Behandling;Ändamål\nLön;Något annat".as_bytes(),
            true,
        );
        let preview = app
            .post(format!("{PA}/import"))
            .by(&t.manager_x)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(preview["preview"][0]["action"], "create", "{preview}");
        let (ct, body) = import_form(
            &t.x,
            "r.csv",
            "Behandling;Ändamål\nLön;Något annat".as_bytes(),
            false,
        );
        let report = app
            .post(format!("{PA}/import"))
            .by(&t.manager_x)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (report["created"].as_i64(), report["updated"].as_i64()),
            (Some(1), Some(0))
        );
        let still = app
            .get(format!("{PA}/{salary_id}"))
            .by(&t.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            still["status"], "godkand",
            "Y's approved record is untouched"
        );
        assert_eq!(still["purposes"], "Löner");

        // The system owner of X names Y's system by its id: it is not X's to update.
        let (ct, body) = import_form(
            &t.x,
            "r.csv",
            format!("ID;System\n{system_id};Nytt namn").as_bytes(),
            false,
        );
        let report = app
            .post(format!("{SYSTEMS}/import"))
            .by(&t.owner_x)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["updated"], 0, "{report}");
        let heroma = app
            .get(format!("{SYSTEMS}/{system_id}"))
            .by(&t.dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(heroma["name"], "Heroma");

        // The board's records keeper imports the board's own export: every row updates its record
        // where it is, unit by unit, and nothing is duplicated.
        let csv = app
            .get(format!(
                "{PA}/export?organisation_id={}&format=csv",
                t.board
            ))
            .by(&t.keeper)
            .await
            .text();
        let (ct, body) = import_form(
            &t.board,
            "r.csv",
            csv.trim_start_matches('\u{feff}').as_bytes(),
            false,
        );
        let report = app
            .post(format!("{PA}/import"))
            .by(&t.keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            (report["created"].as_i64(), report["unchanged"].as_i64()),
            (Some(0), Some(2)),
            "{report}"
        );
    }
);

both!(
    a_move_that_would_leave_a_link_across_controllers_is_refused_and_every_descendant_is_on_record,
    |app| async move {
        let t = town(&app).await;
        let other = text(
            &app.org(&t.admin, "Kulturnämnden", "board", Some(&t.city))
                .await,
            "id",
        );
        let dept = text(
            &app.org(&t.admin, "Avdelning D", "department", Some(&t.board))
                .await,
            "id",
        );
        let sub = text(
            &app.org(&t.admin, "Enhet D1", "unit", Some(&dept)).await,
            "id",
        );
        let agreement = create(
            &app,
            AGREEMENTS,
            &t.admin,
            json!({ "organisation_id": t.board, "counterparty": "Tietoevry" }),
        )
        .await;
        let system = create(
            &app,
            SYSTEMS,
            &t.admin,
            json!({ "organisation_id": sub, "name": "Lifecare",
                    "agreement_ids": [text(&agreement, "id")] }),
        )
        .await;
        let system_id = text(&system, "id");
        let before = app.audit_events().await;
        app.patch(org_url(&dept))
            .by(&t.admin)
            .json(json!({ "parent_id": other }))
            .await
            .problem(StatusCode::CONFLICT, "move_would_cross_links");
        assert_eq!(app.audit_events().await, before, "nothing moved");

        // Without the link the move is made; the unit below it and the system are each on record.
        app.patch(format!("{SYSTEMS}/{system_id}"))
            .by(&t.admin)
            .json(json!({ "agreement_ids": [] }))
            .await
            .expect(StatusCode::OK);
        app.patch(org_url(&dept))
            .by(&t.admin)
            .json(json!({ "parent_id": other }))
            .await
            .expect(StatusCode::OK);
        let sub_events = app.events_of("organisation", &sub).await;
        assert_eq!(sub_events.len(), 2, "created, then moved");
        assert!(
            sub_events[0]
                .after
                .as_deref()
                .is_some_and(|a| a.contains(&other)),
            "the descendant's new path names its new board"
        );
        let system_events = app.events_of("system", &system_id).await;
        assert!(
            system_events[0]
                .after
                .as_deref()
                .is_some_and(|a| a.contains(&other)),
            "the system's new controller is on record"
        );
        let moved = app
            .get(format!("{SYSTEMS}/{system_id}"))
            .by(&t.admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(moved["controller_id"], json!(other));
    }
);

both!(
    nobody_gives_themself_a_role_or_one_they_do_not_hold_and_only_the_admin_appoints_the_dpo,
    |app| async move {
        let t = town(&app).await;
        let boss = app.person("lena@exempelstad.se", "Lena Ledning").await;
        app.grant(&t.board, &boss.id, &[Role::Management]).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let url = |org: &str, user: &str| format!("{}/members/{user}", org_url(org));
        let before = app.audit_events().await;
        for (org, user, roles) in [
            (&t.board, &boss.id, json!(["management", "dpo"])),
            (&t.x, &boss.id, json!(["records_keeper"])),
            (&t.board, &anna.id, json!(["dpo"])),
            (&t.board, &anna.id, json!(["auditor"])),
            (&t.board, &t.dpo.id, json!([])),
        ] {
            app.put(url(org, user))
                .by(&boss)
                .json(json!({ "roles": roles }))
                .await
                .problem(StatusCode::FORBIDDEN, "forbidden");
        }
        assert_eq!(app.audit_events().await, before, "nothing changed");
        // The DPO is still the DPO and reviews; management cannot approve.
        let p = create(
            &app,
            PA,
            &t.keeper,
            json!({ "organisation_id": t.x, "name": "Skolskjuts" }),
        )
        .await;
        let id = text(&p, "id");
        app.post(format!("{PA}/{id}/transitions"))
            .by(&t.keeper)
            .json(json!({ "to": "redo_for_granskning" }))
            .await
            .expect(StatusCode::OK);
        app.post(format!("{PA}/{id}/transitions"))
            .by(&boss)
            .json(json!({ "to": "under_granskning" }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        // What management holds it may hand on; the administrator appoints the DPO.
        app.put(url(&t.board, &anna.id))
            .by(&boss)
            .json(json!({ "roles": ["management"] }))
            .await
            .expect(StatusCode::OK);
        app.put(url(&t.board, &anna.id))
            .by(&t.admin)
            .json(json!({ "roles": ["management", "dpo"] }))
            .await
            .expect(StatusCode::OK);
        // Not even the administrator changes their own roles.
        app.put(url(&t.board, &t.admin.id))
            .by(&t.admin)
            .json(json!({ "roles": ["dpo"] }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
);

both!(
    not_yours_and_does_not_exist_get_the_same_answer,
    |app| async move {
        let t = town(&app).await;
        let other = text(
            &app.org(&t.admin, "Kulturnämnden", "board", Some(&t.city))
                .await,
            "id",
        );
        let boss = app.person("lena@exempelstad.se", "Lena Ledning").await;
        app.grant(&t.board, &boss.id, &[Role::Management]).await;
        let unknown = unknown_id();
        // Creating an organisation under another controller's, or an unknown one.
        let mut answers = Vec::new();
        for parent in [&other, &unknown] {
            let res = app
                .post("/api/v1/organisations")
                .by(&boss)
                .json(json!({ "name": "Ny", "kind": "unit", "parent_id": parent }))
                .await;
            answers.push((res.status, field_errors(&res.json())));
        }
        assert_eq!(answers[0], answers[1], "create under B or under nothing");
        // Moving under another controller's, or an unknown one.
        let mut answers = Vec::new();
        for parent in [&other, &unknown] {
            let res = app
                .patch(org_url(&t.x))
                .by(&boss)
                .json(json!({ "parent_id": parent }))
                .await;
            answers.push((res.status, field_errors(&res.json())));
        }
        assert_eq!(answers[0], answers[1], "move under B or under nothing");
        // Linking to a record of one's own controller that one may not read, or an unknown id.
        let hidden = create(
            &app,
            AGREEMENTS,
            &t.admin,
            json!({ "organisation_id": t.y, "counterparty": "Hemlig AB" }),
        )
        .await;
        let mut answers = Vec::new();
        for agreement in [text(&hidden, "id"), unknown.clone()] {
            let res = app
                .post(SYSTEMS)
                .by(&t.owner_x)
                .json(
                    json!({ "organisation_id": t.x, "name": "Nytt", "agreement_ids": [agreement] }),
                )
                .await;
            answers.push((res.status, field_errors(&res.json())));
        }
        assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answers[0], answers[1], "an unreadable record or none");
    }
);

both!(
    moving_the_next_review_of_an_approved_record_reopens_it_and_is_on_record,
    |app| async move {
        let t = town(&app).await;
        let p = create(
            &app,
            PA,
            &t.keeper,
            json!({ "organisation_id": t.x, "name": "Hemtjänst", "purposes": "Insatser" }),
        )
        .await;
        let id = text(&p, "id");
        approve(&app, &t.keeper, &t.dpo, &id).await;
        let approved = app
            .get(format!("{PA}/{id}"))
            .by(&t.keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(approved["status"], "godkand");
        let pushed = app
            .patch(format!("{PA}/{id}"))
            .by(&t.keeper)
            .json(json!({ "next_review": "2031-01-01" }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(pushed["status"], "under_bearbetning", "an edit reopens it");
        assert_eq!(pushed["next_review"], "2031-01-01");
        let history = app
            .get(format!("{PA}/{id}/history"))
            .by(&t.dpo)
            .await
            .expect(StatusCode::OK);
        let changes = &history["items"][0]["changes"];
        assert!(
            changes
                .as_array()
                .is_some_and(|c| c.iter().any(|ch| ch["field"] == "next_review")),
            "{history}"
        );
    }
);

/// Asks until the answer is a refusal. On SQLite the first answer must be (the other instance sees
/// the database file change); on PostgreSQL the change arrives as a notification, which takes the
/// time of one message between the database and the instance: a few milliseconds at most, here
/// bounded at one second.
async fn refused(instance: &TestApp, url: &str, who: &Person, status: StatusCode, code: &str) {
    let tries = if instance.backend == "postgres" {
        200
    } else {
        1
    };
    for _ in 1..tries {
        if instance.get(url).by(who).await.status == status {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    instance.get(url).by(who).await.problem(status, code);
}

both!(
    a_revoked_role_and_a_disabled_person_are_refused_at_once_on_every_instance,
    |app| async move {
        let t = town(&app).await;
        let second = app.second_instance().await;
        let p = create(
            &app,
            PA,
            &t.keeper,
            json!({ "organisation_id": t.x, "name": "Lön" }),
        )
        .await;
        let url = format!("{PA}/{}", text(&p, "id"));
        // Both instances have read the DPO's session (and cached it).
        app.get(&url).by(&t.dpo).await.expect(StatusCode::OK);
        second.get(&url).by(&t.dpo).await.expect(StatusCode::OK);
        app.put(format!("{}/members/{}", org_url(&t.board), t.dpo.id))
            .by(&t.admin)
            .json(json!({ "roles": [] }))
            .await
            .expect(StatusCode::OK);
        for instance in [&app, &second] {
            refused(instance, &url, &t.dpo, StatusCode::NOT_FOUND, "not_found").await;
        }
        // A disabled person is signed out everywhere.
        app.get(&url).by(&t.keeper).await.expect(StatusCode::OK);
        second.get(&url).by(&t.keeper).await.expect(StatusCode::OK);
        second
            .patch(format!("/api/v1/users/{}", t.keeper.id))
            .by(&t.admin)
            .json(json!({ "disabled": true }))
            .await
            .expect(StatusCode::OK);
        for instance in [&app, &second] {
            refused(
                instance,
                &url,
                &t.keeper,
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
            )
            .await;
        }
        app.post("/api/v1/session")
            .json(json!({ "email": t.keeper.email, "password": PASSWORD }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        // Enabled again, they sign in.
        app.patch(format!("/api/v1/users/{}", t.keeper.id))
            .by(&t.admin)
            .json(json!({ "disabled": false }))
            .await
            .expect(StatusCode::OK);
        app.sign_in(&t.keeper.email, PASSWORD).await;
        // Nobody disables themself.
        app.patch(format!("/api/v1/users/{}", t.admin.id))
            .by(&t.admin)
            .json(json!({ "disabled": true }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        second.store.close().await;
    }
);

both!(a_records_history_comes_a_page_at_a_time, |app| async move {
    let t = town(&app).await;
    let p = create(
        &app,
        PA,
        &t.keeper,
        json!({ "organisation_id": t.x, "name": "Lön" }),
    )
    .await;
    let url = format!("{PA}/{}", text(&p, "id"));
    for i in 0..4 {
        app.patch(&url)
            .by(&t.keeper)
            .json(json!({ "description": format!("Version {i}") }))
            .await
            .expect(StatusCode::OK);
    }
    let first = app
        .get(format!("{url}/history?limit=2"))
        .by(&t.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let cursor = first["next"].as_str().expect("more follow").to_string();
    let rest = app
        .get(format!("{url}/history?limit=2&cursor={cursor}"))
        .by(&t.dpo)
        .await
        .expect(StatusCode::OK);
    let last = app
        .get(format!(
            "{url}/history?limit=2&cursor={}",
            rest["next"].as_str().expect("one more page")
        ))
        .by(&t.dpo)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        last["items"].as_array().map(Vec::len),
        Some(1),
        "five events in all"
    );
    assert_eq!(last["next"], Value::Null);
    let seqs: Vec<i64> = [&first, &rest, &last]
        .iter()
        .flat_map(|p| p["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seqs, sorted, "newest first, none twice");
    // The organisation's history pages the same way.
    let org = app
        .get(format!("{}/history?limit=1", org_url(&t.x)))
        .by(&t.dpo)
        .await
        .expect(StatusCode::OK);
    assert!(org["next"].is_string());
});

/// Where a redirect leads, resolved as a browser would resolve it against this site.
fn lands_on_this_site(location: &str) -> bool {
    let base = url::Url::parse("http://ombud.example/").expect("a base");
    base.join(location)
        .is_ok_and(|u| u.host_str() == Some("ombud.example") && u.port().is_none())
}

// Hole 4: `next=` and `back=` led a browser to another host, and `/sprak` took a form without its
// CSRF token.
both!(
    a_redirect_after_sign_in_or_a_language_switch_never_leaves_the_site,
    |app| async move {
        let admin = app.admin().await;
        let hostile = [
            "/%09/evil.example",
            "/%0d%0a/x",
            "//evil.example",
            "/%5Cevil.example",
            "/.//evil.example",
            "https://evil.example/",
            "/\\evil.example",
        ];
        for next in hostile {
            // Signed in already: the sign-in page sends the person on.
            let res = app
                .get(format!("/logga-in?next={next}"))
                .header("cookie", &format!("ombud_session={}", admin.token))
                .await;
            assert!(!res.status.is_server_error(), "{next}: {}", res.status);
            if let Some(to) = res.header("location") {
                assert!(lands_on_this_site(to), "GET next={next} → {to:?}");
            }
            // Signing in sends the person on too.
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("email", &admin.email)
                .append_pair("password", PASSWORD)
                .append_pair(
                    "next",
                    &url::form_urlencoded::parse(next.as_bytes())
                        .map(|(k, _)| k)
                        .collect::<String>(),
                )
                .finish();
            let res = app
                .post("/logga-in")
                .header("sec-fetch-site", "same-origin")
                .raw(Some("application/x-www-form-urlencoded"), body)
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "POST next={next}");
            let to = res.header("location").unwrap_or_default();
            assert!(lands_on_this_site(to), "POST next={next} → {to:?}");
        }
        let csrf = text(
            &app.get("/api/v1/session")
                .by(&admin)
                .await
                .expect(StatusCode::OK),
            "csrf_token",
        );
        let cookie = format!("ombud_session={}", admin.token);
        // Without the session's CSRF token the switch is refused and nothing is set.
        let res = app
            .post("/sprak")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .raw(
                Some("application/x-www-form-urlencoded"),
                "lang=en&back=%2F%5Cevil.example",
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.header("set-cookie").is_none());
        // With it, a hostile `back` still lands on the site.
        let res = app
            .post("/sprak")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .raw(
                Some("application/x-www-form-urlencoded"),
                format!("csrf={csrf}&lang=en&back=%2F%5Cevil.example"),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let to = res.header("location").unwrap_or_default();
        assert!(lands_on_this_site(to), "back → {to:?}");
        // From another site, even with the token.
        let res = app
            .post("/sprak")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site")
            .raw(
                Some("application/x-www-form-urlencoded"),
                format!("csrf={csrf}&lang=en&back=%2F"),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
);

both!(
    a_renamed_or_new_organisation_is_named_in_lists_at_once_on_every_instance,
    |app| async move {
        let t = town(&app).await;
        let second = app.second_instance().await;
        create(
            &app,
            PA,
            &t.keeper,
            json!({ "organisation_id": t.x, "name": "Lön" }),
        )
        .await;
        let list = format!("{PA}?organisation_id={}", t.board);
        let names = |page: &Value| -> Vec<String> {
            page["items"]
                .as_array()
                .map(|items| items.iter().map(|i| text(i, "organisation_name")).collect())
                .unwrap_or_default()
        };
        // Both instances have listed (and kept the organisations' names).
        for instance in [&app, &second] {
            let page = instance.get(&list).by(&t.dpo).await.expect(StatusCode::OK);
            assert_eq!(names(&page), ["Enhet X"]);
        }
        app.patch(org_url(&t.x))
            .by(&t.admin)
            .json(json!({ "name": "Enhet X Norr" }))
            .await
            .expect(StatusCode::OK);
        // The instance that renamed it names it anew at once; the other as soon as it hears
        // (SQLite: at once; PostgreSQL: one notification).
        let page = app.get(&list).by(&t.dpo).await.expect(StatusCode::OK);
        assert_eq!(names(&page), ["Enhet X Norr"]);
        let tries = if second.backend == "postgres" { 200 } else { 1 };
        let mut seen = Vec::new();
        for _ in 0..tries {
            let page = second.get(&list).by(&t.dpo).await.expect(StatusCode::OK);
            seen = names(&page);
            if seen == ["Enhet X Norr"] {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(seen, ["Enhet X Norr"]);
        // An organisation made on one instance, with a record in it, is named on the other.
        let z = text(
            &second
                .org(&t.admin, "Enhet Z", "unit", Some(&t.board))
                .await,
            "id",
        );
        create(
            &second,
            PA,
            &t.admin,
            json!({ "organisation_id": z, "name": "Bygglov" }),
        )
        .await;
        let page = app.get(&list).by(&t.dpo).await.expect(StatusCode::OK);
        assert_eq!(names(&page), ["Enhet Z", "Enhet X Norr"]);
    }
);
