//! The audit trail: one event per change, with the record before and after, in an intact chain.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::audit::Event;
use serde_json::{Value, json};

fn snapshot(json: Option<&str>) -> Value {
    json.map(|s| serde_json::from_str(s).expect("a JSON snapshot"))
        .unwrap_or(Value::Null)
}

/// The one event a change added: the trail grew by exactly one, and this is its newest event.
async fn one_new_event(app: &TestApp, before: i64, record_type: &str, record_id: &str) -> Event {
    assert_eq!(
        app.audit_events().await,
        before + 1,
        "exactly one event for a change of {record_type} {record_id}"
    );
    let events = app.events_of(record_type, record_id).await;
    let newest = events.first().expect("the record has events").clone();
    assert_eq!(
        newest.seq,
        before + 1,
        "the newest event is the change just made"
    );
    newest
}

both!(
    each_change_to_an_organisation_adds_exactly_one_event_with_before_and_after,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");

        let n = app.audit_events().await;
        let board = app.org(&admin, "Socialnämnden", "board", Some(&city)).await;
        let id = text(&board, "id");
        let e = one_new_event(&app, n, "organisation", &id).await;
        assert_eq!(e.operation, "create");
        assert_eq!(e.before, None);
        let after = snapshot(e.after.as_deref());
        assert_eq!(after["name"], "Socialnämnden");
        assert_eq!(after["kind"], "board");
        assert_eq!(after["version"], 1);
        assert_eq!(e.actor_id.as_deref(), Some(admin.id.as_str()));
        assert_eq!(e.actor_name, admin.name);
        assert_eq!(e.channel, "api");
        assert_eq!(e.organisation_id.as_deref(), Some(id.as_str()));

        let n = app.audit_events().await;
        app.patch(org_url(&id))
            .by(&admin)
            .json(json!({ "name": "Socialnämnden i Exempelstad" }))
            .await
            .expect(StatusCode::OK);
        let e = one_new_event(&app, n, "organisation", &id).await;
        assert_eq!(e.operation, "update");
        let (b, a) = (snapshot(e.before.as_deref()), snapshot(e.after.as_deref()));
        assert_eq!(b["name"], "Socialnämnden");
        assert_eq!(a["name"], "Socialnämnden i Exempelstad");
        assert_eq!(
            (b["version"].clone(), a["version"].clone()),
            (json!(1), json!(2))
        );

        let unit = text(
            &app.org(&admin, "Kansliet", "administration", Some(&id))
                .await,
            "id",
        );
        let n = app.audit_events().await;
        app.delete(org_url(&unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        let e = one_new_event(&app, n, "organisation", &unit).await;
        assert_eq!(e.operation, "delete", "archiving is the API's delete");
        let (b, a) = (snapshot(e.before.as_deref()), snapshot(e.after.as_deref()));
        assert_eq!(b["archived_at"], Value::Null);
        assert!(a["archived_at"].is_string(), "{a}");

        let n = app.audit_events().await;
        app.patch(org_url(&unit))
            .by(&admin)
            .json(json!({ "archived": false }))
            .await
            .expect(StatusCode::OK);
        let e = one_new_event(&app, n, "organisation", &unit).await;
        assert_eq!(e.operation, "update");
        assert_eq!(snapshot(e.after.as_deref())["archived_at"], Value::Null);

        // No change, no event.
        let n = app.audit_events().await;
        app.patch(org_url(&id))
            .by(&admin)
            .json(json!({ "name": "Socialnämnden i Exempelstad" }))
            .await
            .expect(StatusCode::OK);
        app.patch(org_url(&unit))
            .by(&admin)
            .json(json!({ "archived": false }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(app.audit_events().await, n);
    }
);

both!(
    each_change_to_roles_and_people_adds_exactly_one_event,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;

        let n = app.audit_events().await;
        let anna = app
        .post("/api/v1/users")
        .by(&admin)
        .json(json!({ "email": "anna@exempelstad.se", "name": "Anna Andersson", "password": "ett bra lösenord" }))
        .await
        .expect(StatusCode::CREATED);
        let anna_id = text(&anna, "id");
        let e = one_new_event(&app, n, "user", &anna_id).await;
        assert_eq!(e.operation, "create");
        let after = e.after.clone().unwrap_or_default();
        assert!(after.contains("anna@exempelstad.se"), "{after}");
        assert!(
            !after.contains("argon2") && !after.contains("ett bra"),
            "no secret in the trail: {after}"
        );

        let record = format!("{}/{anna_id}", t.unit);
        let url = format!("{}/members/{anna_id}", org_url(&t.unit));
        for (roles, operation, before_roles, after_roles) in [
            (
                json!(["employee"]),
                "create",
                Value::Null,
                json!(["employee"]),
            ),
            (
                json!(["employee", "manager"]),
                "update",
                json!(["employee"]),
                json!(["employee", "manager"]),
            ),
            (
                json!([]),
                "delete",
                json!(["employee", "manager"]),
                Value::Null,
            ),
        ] {
            let n = app.audit_events().await;
            app.put(url.clone())
                .by(&admin)
                .json(json!({ "roles": roles }))
                .await
                .expect(StatusCode::OK);
            let e = one_new_event(&app, n, "membership", &record).await;
            assert_eq!(e.operation, operation);
            assert_eq!(e.organisation_id.as_deref(), Some(t.unit.as_str()));
            assert_eq!(snapshot(e.before.as_deref())["roles"], before_roles);
            assert_eq!(snapshot(e.after.as_deref())["roles"], after_roles);
        }

        // Signing in and out are recorded too, each once.
        let n = app.audit_events().await;
        let token = app.sign_in("anna@exempelstad.se", "ett bra lösenord").await;
        assert_eq!(app.audit_events().await, n + 1);
        let res = app.delete("/api/v1/session").token(&token).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(app.audit_events().await, n + 2);
        // A failed sign-in changes nothing.
        app.post("/api/v1/session")
            .json(json!({ "email": "anna@exempelstad.se", "password": "fel fel fel" }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        assert_eq!(app.audit_events().await, n + 2);
    }
);

both!(
    the_chain_is_intact_after_a_sequence_of_changes,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let start = app.audit_events().await;
        let mut expected = start;
        for i in 0..5 {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .json(json!({ "name": format!("Familjeenheten {i}") }))
                .await
                .expect(StatusCode::OK);
            expected += 1;
            app.put(format!("{}/members/{}", org_url(&t.department), anna.id))
            .by(&admin)
            .json(json!({ "roles": if i % 2 == 0 { json!(["dpo"]) } else { json!(["auditor"]) } }))
            .await
            .expect(StatusCode::OK);
            expected += 1;
            let extra = app
                .org(&admin, &format!("Enhet {i}"), "unit", Some(&t.department))
                .await;
            expected += 1;
            app.delete(org_url(&text(&extra, "id")))
                .by(&admin)
                .await
                .expect(StatusCode::OK);
            expected += 1;
            // Refused changes leave no trace.
            app.delete(org_url(&t.department))
                .by(&admin)
                .await
                .problem(StatusCode::CONFLICT, "organisation_has_active_children");
            app.patch(org_url(&t.unit))
                .by(&admin)
                .if_match("\"1\"")
                .json(json!({ "name": "För sent" }))
                .await
                .problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        }
        // Writers racing each other still make one chain.
        let (a, b, c) = tokio::join!(
            app.patch(org_url(&t.administration))
                .by(&admin)
                .json(json!({ "name": "Förvaltning A" }))
                .send(),
            app.patch(org_url(&t.department))
                .by(&admin)
                .json(json!({ "name": "Avdelning B" }))
                .send(),
            app.put(format!("{}/members/{}", org_url(&t.unit), anna.id))
                .by(&admin)
                .json(json!({ "roles": ["manager"] }))
                .send(),
        );
        for r in [&a, &b, &c] {
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
        expected += 3;
        assert_eq!(
            app.audit_events().await,
            expected,
            "the chain verifies and has every event"
        );
    }
);

both!(
    history_lists_an_organisations_changes_newest_first,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        app.patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "name": "Familjeenheten Syd" }))
            .await
            .expect(StatusCode::OK);
        app.put(format!("{}/members/{}", org_url(&t.unit), anna.id))
            .by(&admin)
            .json(json!({ "roles": ["manager"] }))
            .await
            .expect(StatusCode::OK);
        app.delete(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);

        let history = app
            .get(format!("{}/history", org_url(&t.unit)))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(history["next"], Value::Null);
        let items = history["items"].as_array().expect("items");
        let ops: Vec<(&str, &str)> = items
            .iter()
            .map(|e| {
                (
                    e["record_type"].as_str().unwrap_or_default(),
                    e["operation"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                ("organisation", "delete"),
                ("membership", "create"),
                ("organisation", "update"),
                ("organisation", "create"),
            ]
        );
        let seqs: Vec<i64> = items.iter().filter_map(|e| e["seq"].as_i64()).collect();
        assert!(
            seqs.windows(2).all(|w| w[0] > w[1]),
            "newest first: {seqs:?}"
        );
        for e in items {
            assert_eq!(e["actor_id"], admin.id);
            assert_eq!(e["actor_name"], admin.name);
            assert_eq!(e["channel"], "api");
            assert!(e["occurred_at"].is_string());
        }
        let rename = &items[2];
        assert_eq!(rename["record_id"], t.unit);
        assert_eq!(
            rename["changes"],
            json!([{ "field": "name", "from": "Familjeenheten", "to": "Familjeenheten Syd" }])
        );
        let grant = &items[1];
        assert_eq!(grant["record_id"], format!("{}/{}", t.unit, anna.id));
        assert!(
            grant["changes"]
                .as_array()
                .is_some_and(|c| c
                    .contains(&json!({ "field": "roles", "from": null, "to": "[\"manager\"]" }))),
            "{grant}"
        );
        let archive = &items[0];
        let archived_at = archive["changes"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["field"] == "archived_at"))
            .expect("archived_at changed");
        assert_eq!(archived_at["from"], Value::Null);
        assert!(archived_at["to"].is_string());
        let created = &items[3];
        assert!(
            created["changes"]
                .as_array()
                .is_some_and(|c| c.iter().all(|c| c["from"].is_null())),
            "{created}"
        );

        // Another organisation's history is its own.
        let department = app
            .get(format!("{}/history", org_url(&t.department)))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        let department_ops: Vec<&Value> = department["items"]
            .as_array()
            .expect("items")
            .iter()
            .collect();
        assert_eq!(department_ops.len(), 1, "{department}");
        assert_eq!(department_ops[0]["record_id"], t.department);
    }
);
