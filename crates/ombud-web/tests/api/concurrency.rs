//! Versions, `ETag` and `If-Match`: nobody overwrites a change they have not seen.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

both!(
    every_response_carrying_an_organisation_has_its_version_as_etag,
    |app| async move {
        let admin = app.admin().await;
        let created = app
            .post("/api/v1/organisations")
            .by(&admin)
            .json(json!({ "name": "Exempelstad", "kind": "city" }))
            .await;
        let id = text(&created.expect(StatusCode::CREATED), "id");
        assert_eq!(created.etag(), Some("\"1\""));
        let fetched = app.get(org_url(&id)).by(&admin).await;
        assert_eq!(fetched.etag(), Some("\"1\""));
        assert_eq!(fetched.expect(StatusCode::OK)["version"], 1);
        let patched = app
            .patch(org_url(&id))
            .by(&admin)
            .json(json!({ "name": "Exempelstads kommun" }))
            .await;
        assert_eq!(patched.etag(), Some("\"2\""));
        assert_eq!(patched.expect(StatusCode::OK)["version"], 2);
        let fetched = app.get(org_url(&id)).by(&admin).await;
        assert_eq!(fetched.etag(), Some("\"2\""));
        assert_eq!(fetched.expect(StatusCode::OK)["version"], 2);
    }
);

both!(
    a_stale_if_match_is_refused_with_412_and_the_record_is_unchanged,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        app.patch(org_url(&t.unit))
            .by(&admin)
            .if_match("\"1\"")
            .json(json!({ "name": "Familjeenheten Syd" }))
            .await
            .expect(StatusCode::OK);
        let before = app.audit_events().await;
        let stored = app.stored(&t.unit).await;

        for stale in ["\"1\"", "W/\"1\"", "\"3\"", "\"abc\"", "1"] {
            let res = app
                .patch(org_url(&t.unit))
                .by(&admin)
                .if_match(stale)
                .json(json!({ "name": "Familjeenheten Norr" }))
                .await;
            let p = res.problem(StatusCode::PRECONDITION_FAILED, "stale_version");
            assert_eq!(p["current_version"], 2, "{stale}");
            assert_eq!(res.etag(), Some("\"2\""), "{stale}");
        }
        let res = app
            .delete(org_url(&t.unit))
            .by(&admin)
            .if_match("\"1\"")
            .await;
        res.problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        let res = app
            .patch(org_url(&t.department))
            .by(&admin)
            .if_match("\"7\"")
            .json(json!({ "archived": true }))
            .await;
        res.problem(StatusCode::PRECONDITION_FAILED, "stale_version");

        assert_eq!(app.audit_events().await, before);
        assert_eq!(app.stored(&t.unit).await, stored);
        let fetched = app
            .get(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(fetched["name"], "Familjeenheten Syd");
        assert_eq!(fetched["version"], 2);
        assert_eq!(fetched["archived"], false);
    }
);

both!(
    a_current_if_match_is_accepted_in_its_strong_weak_and_wildcard_forms,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        for (i, tag) in ["\"1\"", "W/\"2\"", "*"].into_iter().enumerate() {
            let res = app
                .patch(org_url(&t.unit))
                .by(&admin)
                .if_match(tag)
                .json(json!({ "name": format!("Enhet {i}") }))
                .await;
            assert_eq!(res.expect(StatusCode::OK)["version"], i + 2, "{tag}");
        }
        app.delete(org_url(&t.unit))
            .by(&admin)
            .if_match("\"4\"")
            .await
            .expect(StatusCode::OK);
    }
);

both!(
    of_two_concurrent_changes_with_the_same_if_match_exactly_one_wins,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        for round in 0..8 {
            let version = app.stored(&t.unit).await.version;
            let tag = format!("\"{version}\"");
            let before = app.audit_events().await;
            let (a, b) = tokio::join!(
                app.patch(org_url(&t.unit))
                    .by(&admin)
                    .if_match(&tag)
                    .json(json!({ "name": format!("Enhet A{round}") }))
                    .send(),
                app.patch(org_url(&t.unit))
                    .by(&admin)
                    .if_match(&tag)
                    .json(json!({ "name": format!("Enhet B{round}") }))
                    .send(),
            );
            let (winner, loser, name) = match (a.status, b.status) {
                (StatusCode::OK, StatusCode::PRECONDITION_FAILED) => {
                    (a, b, format!("Enhet A{round}"))
                }
                (StatusCode::PRECONDITION_FAILED, StatusCode::OK) => {
                    (b, a, format!("Enhet B{round}"))
                }
                other => panic!(
                    "round {round} on {}: expected one 200 and one 412, got {other:?}: {} / {}",
                    app.backend,
                    a.text(),
                    b.text()
                ),
            };
            assert_eq!(winner.json()["version"], version + 1);
            let p = loser.problem(StatusCode::PRECONDITION_FAILED, "stale_version");
            assert_eq!(p["current_version"], version + 1);
            let stored = app.stored(&t.unit).await;
            assert_eq!(stored.name, name);
            assert_eq!(stored.version, version + 1);
            assert_eq!(
                app.audit_events().await,
                before + 1,
                "one change, one event"
            );
        }
    }
);

both!(
    concurrent_changes_without_if_match_all_count,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = app.audit_events().await;
        let calls = (0..6).map(|i| {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .json(json!({ "name": format!("Enhet {i}") }))
                .send()
        });
        let results = futures_join_all(calls).await;
        for r in &results {
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
        let stored = app.stored(&t.unit).await;
        assert_eq!(stored.version, 7, "every change got a version of its own");
        assert_eq!(app.audit_events().await, before + 6);
        let mut versions: Vec<i64> = results
            .iter()
            .map(|r| r.json()["version"].as_i64().expect("version"))
            .collect();
        versions.sort();
        assert_eq!(versions, vec![2, 3, 4, 5, 6, 7]);
    }
);

/// Runs futures concurrently on the test's runtime and collects their outputs in order.
async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut outputs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, out) in set.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

both!(
    of_two_concurrent_sign_ups_with_one_address_exactly_one_succeeds,
    |app| async move {
        let admin = app.admin().await;
        let before = app.audit_events().await;
        let body = json!({ "email": "tvilling@exempelstad.se", "name": "Tvilling", "password": "ett bra lösenord" });
        let (a, b) = tokio::join!(
            app.post("/api/v1/users")
                .by(&admin)
                .json(body.clone())
                .send(),
            app.post("/api/v1/users")
                .by(&admin)
                .json(body.clone())
                .send(),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "{} / {}",
            a.text(),
            b.text()
        );
        let loser = if a.status == StatusCode::CONFLICT {
            &a
        } else {
            &b
        };
        loser.problem(StatusCode::CONFLICT, "email_taken");
        assert_eq!(app.audit_events().await, before + 1);
    }
);

both!(
    concurrent_role_changes_for_one_person_are_applied_one_after_the_other,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let url = format!("{}/members/{}", org_url(&t.unit), anna.id);
        let (a, b) = tokio::join!(
            app.put(url.clone())
                .by(&admin)
                .json(json!({ "roles": ["employee"] }))
                .send(),
            app.put(url.clone())
                .by(&admin)
                .json(json!({ "roles": ["manager"] }))
                .send(),
        );
        let mut versions = Vec::new();
        for r in [&a, &b] {
            versions.push(r.expect(StatusCode::OK)["version"].clone());
        }
        versions.sort_by_key(|v| v.as_i64());
        assert_eq!(versions, vec![json!(1), json!(2)]);
        let members = app
            .get(format!("{}/members", org_url(&t.unit)))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(members["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(members["items"][0]["version"], 2);
    }
);

both!(
    archiving_a_parent_and_adding_a_child_at_once_never_both_succeed,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        for round in 0..4 {
            let department = text(
                &app.org(
                    &admin,
                    &format!("Avdelning {round}"),
                    "department",
                    Some(&t.administration),
                )
                .await,
                "id",
            );
            let (archive, create) = tokio::join!(
                app.delete(org_url(&department)).by(&admin).send(),
                app.post("/api/v1/organisations")
                    .by(&admin)
                    .json(json!({ "name": "Ny enhet", "kind": "unit", "parent_id": department }))
                    .send(),
            );
            match (archive.status, create.status) {
                (StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY) => {
                    let p = create.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
                    assert_eq!(
                        field_errors(&p),
                        vec![("parent_id".into(), "parent_required".into())]
                    );
                }
                (StatusCode::CONFLICT, StatusCode::CREATED) => {
                    archive.problem(StatusCode::CONFLICT, "organisation_has_active_children");
                }
                other => panic!(
                    "round {round} on {}: {other:?}: {} / {}",
                    app.backend,
                    archive.text(),
                    create.text()
                ),
            }
            // Whatever happened, no active organisation sits under an archived one.
            let d = app.stored(&department).await;
            let children = app
                .get(format!("/api/v1/organisations?parent_id={department}"))
                .by(&admin)
                .await
                .expect(StatusCode::OK);
            assert!(!d.is_archived() || ids(&children).is_empty(), "{children}");
        }
    }
);
