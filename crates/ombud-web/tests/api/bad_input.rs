//! Bad input: every refusal is a problem in Swedish (English on request), and nothing changes.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

/// What a refused request must leave as it was: the record and the audit trail.
struct Snapshot {
    unit: ombud_store::organisations::Organisation,
    events: i64,
    organisations: usize,
}

async fn snapshot(app: &TestApp, t: &Tree, admin: &Person) -> Snapshot {
    let all = app
        .get("/api/v1/organisations?limit=500&archived=true")
        .by(admin)
        .await
        .expect(StatusCode::OK);
    Snapshot {
        unit: app.stored(&t.unit).await,
        events: app.audit_events().await,
        organisations: ids(&all).len(),
    }
}

async fn assert_unchanged(app: &TestApp, t: &Tree, admin: &Person, before: &Snapshot, case: &str) {
    let now = snapshot(app, t, admin).await;
    assert_eq!(now.unit, before.unit, "{case}: the record changed");
    assert_eq!(
        now.events, before.events,
        "{case}: an audit event was added"
    );
    assert_eq!(
        now.organisations, before.organisations,
        "{case}: an organisation was added"
    );
}

both!(
    malformed_json_is_refused_with_400_and_changes_nothing,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;
        for body in [
            "{\"name\":",
            "{name: \"X\"}",
            "inte json",
            "",
            "{\"name\":\"X\"}}",
            "\u{feff}{}",
        ] {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .raw(Some("application/json"), body)
                .await
                .problem(StatusCode::BAD_REQUEST, "malformed_request");
            app.post("/api/v1/organisations")
                .by(&admin)
                .raw(Some("application/json"), body)
                .await
                .problem(StatusCode::BAD_REQUEST, "malformed_request");
            assert_unchanged(&app, &t, &admin, &before, body).await;
        }
        app.post("/api/v1/session")
            .raw(Some("application/json"), "{\"email\":")
            .await
            .problem(StatusCode::BAD_REQUEST, "malformed_request");
    }
);

both!(
    wrong_types_unknown_fields_and_missing_fields_are_refused_with_422,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;
        let patches = [
            json!({ "name": 5 }),
            json!({ "name": ["Familjeenheten"] }),
            json!({ "archived": "true" }),
            json!({ "archived": 1 }),
            json!({ "parent_id": 7 }),
            json!({ "name": "Ny", "colour": "röd" }),
            json!({ "version": 3 }),
            json!([]),
            json!("Familjeenheten"),
            json!(null),
        ];
        for body in patches {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .json(body.clone())
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
            assert_unchanged(&app, &t, &admin, &before, &body.to_string()).await;
        }
        let creates = [
            json!({ "name": "Ny enhet" }),
            json!({ "kind": "unit", "parent_id": t.department }),
            json!({}),
            json!({ "name": "Ny enhet", "kind": "unit", "parent_id": t.department, "id": unknown_id() }),
            json!({ "name": "Ny enhet", "kind": 4, "parent_id": t.department }),
            json!({ "name": "Ny enhet", "kind": "unit", "parent_id": t.department, "controller": "nej" }),
        ];
        for body in creates {
            app.post("/api/v1/organisations")
                .by(&admin)
                .json(body.clone())
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
            assert_unchanged(&app, &t, &admin, &before, &body.to_string()).await;
        }
        for body in [
            json!({ "email": "ny@exempelstad.se", "name": "Ny" , "password": "ett bra lösenord", "roles": [] }),
            json!({ "email": "ny@exempelstad.se", "password": "ett bra lösenord" }),
            json!({ "email": "ny@exempelstad.se", "name": "Ny", "admin": "ja" }),
        ] {
            app.post("/api/v1/users")
                .by(&admin)
                .json(body.clone())
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
            assert_unchanged(&app, &t, &admin, &before, &body.to_string()).await;
        }
        for body in [
            json!({ "email": admin.email }),
            json!({ "email": admin.email, "password": PASSWORD, "remember": true }),
            json!({ "email": admin.email, "password": 1234567890 }),
        ] {
            app.post("/api/v1/session")
                .json(body.clone())
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        }
        assert_unchanged(&app, &t, &admin, &before, "sign-in").await;
    }
);

both!(
    over_long_and_blank_names_are_refused_with_422_and_a_field_error,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;
        for (name, code) in [
            ("x".repeat(201), "too_long"),
            ("ö".repeat(201), "too_long"),
            ("x".repeat(100_000), "too_long"),
            (String::new(), "required"),
            ("   ".into(), "required"),
            ("Familje\nenheten".into(), "control_characters"),
            ("Familje\u{0}enheten".into(), "control_characters"),
        ] {
            let p = app
                .patch(org_url(&t.unit))
                .by(&admin)
                .json(json!({ "name": name }))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![("name".to_string(), code.to_string())]
            );
            let p = app
                .post("/api/v1/organisations")
                .by(&admin)
                .json(json!({ "name": name, "kind": "unit", "parent_id": t.department }))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![("name".to_string(), code.to_string())]
            );
            assert_unchanged(&app, &t, &admin, &before, code).await;
        }
        // A rename that also archives is refused as a whole.
        app.patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "name": "x".repeat(201), "archived": true }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_unchanged(&app, &t, &admin, &before, "rename and archive").await;
    }
);

both!(
    a_body_that_is_not_json_is_refused_with_415,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;
        let body = json!({ "name": "Ny" }).to_string();
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonx"),
            None,
        ] {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .raw(content_type, body.clone())
                .await
                .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
            app.post("/api/v1/organisations")
                .by(&admin)
                .raw(
                    content_type,
                    json!({ "name": "Ny", "kind": "city" }).to_string(),
                )
                .await
                .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
            assert_unchanged(&app, &t, &admin, &before, content_type.unwrap_or("none")).await;
        }
        // JSON by any of its names is welcome.
        for content_type in [
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            app.patch(org_url(&t.unit))
                .by(&admin)
                .raw(
                    Some(content_type),
                    json!({ "name": "Familjeenheten" }).to_string(),
                )
                .await
                .expect(StatusCode::OK);
        }
        assert_unchanged(&app, &t, &admin, &before, "same name").await;
    }
);

both!(
    ids_that_ombud_never_issues_are_404_on_every_route,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;
        for junk in [
            "abc",
            "1%20OR%201%3D1",
            "%27%3B%20DROP%20TABLE%20organisations%3B--",
            "00000000-0000-0000-0000-00000000000g",
            "%2E%2E",
            "%C3%A5%C3%A4%C3%B6",
        ] {
            let org = format!("/api/v1/organisations/{junk}");
            let calls = [
                app.get(org.clone()),
                app.patch(org.clone()).json(json!({ "name": "X" })),
                app.delete(org.clone()),
                app.get(format!("{org}/members")),
                app.get(format!("{org}/history")),
                app.put(format!("{org}/members/{}", admin.id))
                    .json(json!({ "roles": ["dpo"] })),
                app.put(format!("{}/members/{junk}", org_url(&t.unit)))
                    .json(json!({ "roles": ["dpo"] })),
                app.get(format!("/api/v1/users/{junk}")),
            ];
            for call in calls {
                call.by(&admin)
                    .await
                    .problem(StatusCode::NOT_FOUND, "not_found");
            }
        }
        // A path no route knows is a problem too.
        app.get("/api/v1/nothing-here")
            .by(&admin)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        assert_unchanged(&app, &t, &admin, &before, "junk ids").await;
    }
);

both!(
    query_parameters_of_the_wrong_type_are_refused_as_problems,
    |app| async move {
        let admin = app.admin().await;
        app.city(&admin).await;
        for query in [
            "limit=abc",
            "limit=1.5",
            "controller=kanske",
            "archived=ja",
            "limit=99999999999999999999",
        ] {
            let res = app
                .get(format!("/api/v1/organisations?{query}"))
                .by(&admin)
                .await;
            assert_eq!(
                res.header("content-type"),
                Some("application/problem+json"),
                "{query}: {} {}",
                res.status,
                res.text()
            );
            assert!(res.status.is_client_error(), "{query}: {}", res.status);
            assert_eq!(
                res.json()["title"],
                swedish_title(res.json()["code"].as_str().unwrap_or_default())
            );
        }
        let res = app.get("/api/v1/users?limit=x").by(&admin).await;
        assert_eq!(
            res.header("content-type"),
            Some("application/problem+json"),
            "{}",
            res.text()
        );
    }
);

both!(
    problems_are_in_english_when_the_client_asks,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = snapshot(&app, &t, &admin).await;

        app.patch(org_url(&t.unit))
            .by(&admin)
            .english()
            .raw(Some("application/json"), "{\"name\":")
            .await
            .english_problem(StatusCode::BAD_REQUEST, "malformed_request");
        app.patch(org_url(&t.unit))
            .by(&admin)
            .english()
            .json(json!({ "name": 5 }))
            .await
            .english_problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        app.patch(org_url(&t.unit))
            .by(&admin)
            .english()
            .raw(Some("text/plain"), "name=X")
            .await
            .english_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        let p = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .english()
            .json(json!({ "name": "x".repeat(201) }))
            .await
            .english_problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(p["detail"], "Correct the listed fields and try again.");
        assert_eq!(p["errors"][0]["message"], "At most 200 characters.");
        let p = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .english()
            .if_match("\"9\"")
            .json(json!({ "name": "Ny" }))
            .await
            .english_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
        assert_eq!(p["current_version"], 1);
        app.get(org_url("abc"))
            .by(&admin)
            .english()
            .await
            .english_problem(StatusCode::NOT_FOUND, "not_found");
        app.get("/api/v1/users/me")
            .english()
            .await
            .english_problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.delete(org_url(&t.department))
            .by(&admin)
            .english()
            .await
            .english_problem(StatusCode::CONFLICT, "organisation_has_active_children");
        assert_unchanged(&app, &t, &admin, &before, "english").await;

        // The first language the client prefers that Ombud speaks; Swedish otherwise.
        for (accept, lang) in [
            ("en-GB,en;q=0.9", "en"),
            ("de-DE, en;q=0.8, sv;q=0.5", "en"),
            ("sv-SE", "sv"),
            ("sv;q=0.4, en;q=0.6", "en"),
            ("fr", "sv"),
            ("*", "sv"),
        ] {
            let res = app
                .get(org_url("abc"))
                .by(&admin)
                .header("accept-language", accept)
                .await;
            assert_eq!(res.header("content-language"), Some(lang), "{accept}");
            let expected = match lang {
                "en" => english_title("not_found"),
                _ => swedish_title("not_found"),
            };
            assert_eq!(res.json()["title"], expected, "{accept}");
        }
        // The pages speak Swedish whatever the browser asks for; English only when chosen.
        let page = app
            .get("/logga-in")
            .header("accept-language", "en-GB,en")
            .await;
        assert_eq!(page.header("content-language"), Some("sv"));
        assert!(page.text().contains("Logga in"));
        let chosen = app.get("/logga-in").header("cookie", "ombud_lang=en").await;
        assert_eq!(chosen.header("content-language"), Some("en"));
    }
);

both!(
    the_same_field_error_reads_differently_in_swedish_and_english,
    |app| async move {
        let admin = app.admin().await;
        let sv = app
            .post("/api/v1/users")
            .by(&admin)
            .json(json!({ "email": "ny@exempelstad.se", "name": "Ny", "password": "kort" }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        let en = app
            .post("/api/v1/users")
            .by(&admin)
            .english()
            .json(json!({ "email": "ny@exempelstad.se", "name": "Ny", "password": "kort" }))
            .await
            .english_problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(sv["errors"][0]["message"], "Minst 10 tecken.");
        assert_eq!(en["errors"][0]["message"], "At least 10 characters.");
        assert_eq!(field_errors(&sv), field_errors(&en));
    }
);
