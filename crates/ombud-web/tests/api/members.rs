//! `/api/v1/organisations/{id}/members`: who holds which roles where.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

fn member_url(org: &str, user: &str) -> String {
    format!("/api/v1/organisations/{org}/members/{user}")
}

both!(roles_are_set_listed_changed_and_removed, |app| async move {
    let admin = app.admin().await;
    let t = app.city(&admin).await;
    let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
    app.get(org_url(&t.unit))
        .by(&anna)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    let res = app
        .put(member_url(&t.administration, &anna.id))
        .by(&admin)
        .json(json!({ "roles": ["records_keeper", "employee", "records_keeper"] }))
        .await;
    let m = res.expect(StatusCode::OK);
    assert_eq!(
        m,
        json!({
            "organisation_id": t.administration,
            "user_id": anna.id,
            "roles": ["employee", "records_keeper"],
            "version": 1
        })
    );
    assert_eq!(res.etag(), Some("\"1\""));

    let members = app
        .get(format!("{}/members", org_url(&t.administration)))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(members["next"], Value::Null);
    let items = members["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{members}");
    assert_eq!(items[0]["user_id"], anna.id);
    assert_eq!(items[0]["name"], "Anna Andersson");
    assert_eq!(items[0]["email"], anna.email);
    assert_eq!(items[0]["roles"], json!(["employee", "records_keeper"]));
    // Grants are listed where they are made, not where they are inherited.
    let below = app
        .get(format!("{}/members", org_url(&t.department)))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(below["items"], json!([]));

    // The role reaches the subtree, not upwards.
    app.get(org_url(&t.administration))
        .by(&anna)
        .await
        .expect(StatusCode::OK);
    app.get(org_url(&t.unit))
        .by(&anna)
        .await
        .expect(StatusCode::OK);
    app.get(org_url(&t.board))
        .by(&anna)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    let changed = app
        .put(member_url(&t.administration, &anna.id))
        .by(&admin)
        .json(json!({ "roles": ["dpo"] }))
        .await
        .expect(StatusCode::OK);
    assert_eq!(changed["roles"], json!(["dpo"]));
    assert_eq!(changed["version"], 2);

    // The same roles again are no change.
    let before = app.audit_events().await;
    let same = app
        .put(member_url(&t.administration, &anna.id))
        .by(&admin)
        .json(json!({ "roles": ["dpo"] }))
        .await
        .expect(StatusCode::OK);
    assert_eq!(same["version"], 2);
    assert_eq!(app.audit_events().await, before);

    let res = app
        .put(member_url(&t.administration, &anna.id))
        .by(&admin)
        .json(json!({ "roles": [] }))
        .await;
    let removed = res.expect(StatusCode::OK);
    assert_eq!(removed["roles"], json!([]));
    assert_eq!(removed["version"], Value::Null);
    assert_eq!(res.etag(), None);
    let members = app
        .get(format!("{}/members", org_url(&t.administration)))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(members["items"], json!([]));
    app.get(org_url(&t.unit))
        .by(&anna)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    // Removing someone who holds nothing is no change either.
    let before = app.audit_events().await;
    app.put(member_url(&t.administration, &anna.id))
        .by(&admin)
        .json(json!({ "roles": [] }))
        .await
        .expect(StatusCode::OK);
    assert_eq!(app.audit_events().await, before);
});

both!(
    an_unknown_role_is_refused_with_422_and_nothing_changes,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        app.grant(&t.unit, &anna.id, &[Role::Employee]).await;
        let before = app.audit_events().await;
        for roles in [
            json!(["employee", "kung"]),
            json!(["Employee"]),
            json!(["admin"]),
        ] {
            let p = app
                .put(member_url(&t.unit, &anna.id))
                .by(&admin)
                .json(json!({ "roles": roles }))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![("roles".into(), "unknown_role".into())]
            );
        }
        for body in [
            json!({ "roles": "employee" }),
            json!({ "roles": [1] }),
            json!({}),
        ] {
            app.put(member_url(&t.unit, &anna.id))
                .by(&admin)
                .json(body)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        }
        assert_eq!(app.audit_events().await, before);
        let members = app
            .get(format!("{}/members", org_url(&t.unit)))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(members["items"][0]["roles"], json!(["employee"]));
        assert_eq!(members["items"][0]["version"], 1);
    }
);

both!(
    roles_for_an_unknown_person_or_organisation_are_404,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let before = app.audit_events().await;
        for url in [
            member_url(&t.unit, &unknown_id()),
            member_url(&unknown_id(), &anna.id),
            member_url(&t.unit, "anna"),
            member_url("enheten", &anna.id),
        ] {
            app.put(url)
                .by(&admin)
                .json(json!({ "roles": ["employee"] }))
                .await
                .problem(StatusCode::NOT_FOUND, "not_found");
        }
        assert_eq!(app.audit_events().await, before);
    }
);

both!(
    management_gives_roles_in_its_own_tree_only,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let boss = app.person("ledning@exempelstad.se", "Lena Ledning").await;
        app.grant(&t.administration, &boss.id, &[Role::Management])
            .await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let bo = app.person("bo@exempelstad.se", "Bo Berg").await;
        // Management hands on what it holds itself, below its grant.
        app.put(member_url(&t.unit, &anna.id))
            .by(&boss)
            .json(json!({ "roles": ["management"] }))
            .await
            .expect(StatusCode::OK);
        // Above its grant the organisation is out of sight.
        app.put(member_url(&t.board, &anna.id))
            .by(&boss)
            .json(json!({ "roles": ["management"] }))
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        // A role it does not hold is not its to give.
        app.put(member_url(&t.unit, &bo.id))
            .by(&boss)
            .json(json!({ "roles": ["manager"] }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        // Management in the unit reads the members; a role it lacks it cannot take from others.
        app.grant(&t.unit, &bo.id, &[Role::Manager]).await;
        app.get(format!("{}/members", org_url(&t.unit)))
            .by(&anna)
            .await
            .expect(StatusCode::OK);
        app.put(member_url(&t.unit, &bo.id))
            .by(&anna)
            .json(json!({ "roles": [] }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
);

both!(
    a_stale_if_match_on_roles_is_refused_with_412,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        app.put(member_url(&t.unit, &anna.id))
            .by(&admin)
            .json(json!({ "roles": ["employee"] }))
            .await
            .expect(StatusCode::OK);
        app.put(member_url(&t.unit, &anna.id))
            .by(&admin)
            .if_match("\"1\"")
            .json(json!({ "roles": ["manager"] }))
            .await
            .expect(StatusCode::OK);
        let before = app.audit_events().await;
        let res = app
            .put(member_url(&t.unit, &anna.id))
            .by(&admin)
            .if_match("\"1\"")
            .json(json!({ "roles": ["dpo"] }))
            .await;
        let p = res.problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        assert_eq!(p["current_version"], 2);
        assert_eq!(res.etag(), Some("\"2\""));
        assert_eq!(app.audit_events().await, before);
        let members = app
            .get(format!("{}/members", org_url(&t.unit)))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(members["items"][0]["roles"], json!(["manager"]));
    }
);
