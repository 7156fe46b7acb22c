//! `/api/v1/users`: the administrator creates people; everyone sees themself and changes their password.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};

both!(
    an_admin_creates_a_person_who_can_then_sign_in,
    |app| async move {
        let admin = app.admin().await;
        let res = app
        .post("/api/v1/users")
        .by(&admin)
        .json(json!({ "email": " Karin.Karlsson@Exempelstad.se ", "name": "Karin Karlsson", "password": "ett bra lösenord" }))
        .await;
        let karin = res.expect(StatusCode::CREATED);
        let id = text(&karin, "id");
        assert_eq!(karin["email"], "karin.karlsson@exempelstad.se");
        assert_eq!(karin["name"], "Karin Karlsson");
        assert_eq!(karin["admin"], false);
        assert_eq!(karin["version"], 1);
        assert!(karin.get("password").is_none() && !res.text().contains("argon2"));
        assert_eq!(res.etag(), Some("\"1\""));
        assert_eq!(
            res.header("location"),
            Some(format!("/api/v1/users/{id}").as_str())
        );
        let token = app
            .sign_in("karin.karlsson@exempelstad.se", "ett bra lösenord")
            .await;
        let me = app
            .get("/api/v1/users/me")
            .token(&token)
            .await
            .expect(StatusCode::OK);
        assert_eq!(me["user"]["id"], id);
        assert_eq!(me["grants"], json!([]));

        // Someone who signs in only through single sign-on has no password.
        let sso = app
            .post("/api/v1/users")
            .by(&admin)
            .json(json!({ "email": "sso@exempelstad.se", "name": "Sara Sso" }))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(sso["admin"], false);
        app.post("/api/v1/session")
            .json(json!({ "email": "sso@exempelstad.se", "password": "" }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
);

both!(
    a_person_who_is_not_admin_may_not_create_people,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let boss = app.person("ledning@exempelstad.se", "Lena Ledning").await;
        app.grant(&t.board, &boss.id, &[Role::Management]).await;
        let before = app.audit_events().await;
        for body in [
            json!({ "email": "ny@exempelstad.se", "name": "Ny Person", "password": "ett bra lösenord" }),
            json!({ "email": "ny@exempelstad.se", "name": "Ny Person", "password": "ett bra lösenord", "admin": true }),
        ] {
            app.post("/api/v1/users")
                .by(&boss)
                .json(body)
                .await
                .problem(StatusCode::FORBIDDEN, "forbidden");
        }
        assert_eq!(app.audit_events().await, before);
        app.post("/api/v1/session")
            .json(json!({ "email": "ny@exempelstad.se", "password": "ett bra lösenord" }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
);

both!(
    a_taken_email_address_is_refused_with_409,
    |app| async move {
        let admin = app.admin().await;
        app.create_user("anna@exempelstad.se", "Anna", false).await;
        let before = app.audit_events().await;
        for email in [
            "anna@exempelstad.se",
            "ANNA@exempelstad.SE",
            " anna@exempelstad.se",
        ] {
            app.post("/api/v1/users")
                .by(&admin)
                .json(
                    json!({ "email": email, "name": "Anna Annan", "password": "ett bra lösenord" }),
                )
                .await
                .problem(StatusCode::CONFLICT, "email_taken");
        }
        assert_eq!(app.audit_events().await, before);
    }
);

both!(
    a_weak_password_or_a_bad_address_is_refused_with_422,
    |app| async move {
        let admin = app.admin().await;
        let before = app.audit_events().await;
        for (body, field, code) in [
            (
                json!({ "email": "ny@exempelstad.se", "name": "Ny Person", "password": "kort" }),
                "password",
                "too_short",
            ),
            (
                json!({ "email": "ny@exempelstad.se", "name": "Ny Person", "password": "123456789" }),
                "password",
                "too_short",
            ),
            (
                json!({ "email": "nyperson1@exempelstad.se", "name": "Ny Person", "password": "NyPerson1" }),
                "password",
                "too_short",
            ),
            (
                json!({ "email": "nyperson123@exempelstad.se", "name": "Ny Person", "password": "nyperson123" }),
                "password",
                "password_too_common",
            ),
            (
                json!({ "email": "ny@exempelstad.se", "name": "Ny Personsson", "password": "ny personsson" }),
                "password",
                "password_too_common",
            ),
            (
                json!({ "email": "ny@exempelstad.se", "name": "Ny Person", "password": "x".repeat(1025) }),
                "password",
                "too_long",
            ),
            (
                json!({ "email": "ny@exempelstad.se", "name": "n".repeat(201), "password": "ett bra lösenord" }),
                "name",
                "too_long",
            ),
            (
                json!({ "email": format!("{}@exempelstad.se", "e".repeat(250)), "name": "Ny Person", "password": "ett bra lösenord" }),
                "email",
                "too_long",
            ),
            (
                json!({ "email": "inte en adress", "name": "Ny Person", "password": "ett bra lösenord" }),
                "email",
                "invalid_email",
            ),
            (
                json!({ "email": "", "name": "Ny Person", "password": "ett bra lösenord" }),
                "email",
                "required",
            ),
            (
                json!({ "email": "ny@exempelstad.se", "name": " ", "password": "ett bra lösenord" }),
                "name",
                "required",
            ),
        ] {
            let p = app
                .post("/api/v1/users")
                .by(&admin)
                .json(body.clone())
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![(field.to_string(), code.to_string())],
                "{body}"
            );
        }
        assert_eq!(app.audit_events().await, before);
    }
);

both!(only_the_admin_lists_people, |app| async move {
    let admin = app.admin().await;
    let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
    let list = app
        .get("/api/v1/users")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Ada Administratör", "Anna Andersson"]);
    assert_eq!(list["next"], Value::Null);
    let found = app
        .get("/api/v1/users?q=ANDERS")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(ids(&found), vec![anna.id.clone()]);
    let page = app
        .get("/api/v1/users?limit=1")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    let next = text(&page, "next");
    let rest = app
        .get(format!("/api/v1/users?limit=1&cursor={next}"))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(ids(&rest), vec![anna.id.clone()]);
    assert_eq!(rest["next"], Value::Null);

    app.get("/api/v1/users")
        .by(&anna)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
});

both!(a_person_sees_themself_but_nobody_else, |app| async move {
    let admin = app.admin().await;
    let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
    let bertil = app.person("bertil@exempelstad.se", "Bertil Berg").await;
    let res = app
        .get(format!("/api/v1/users/{}", anna.id))
        .by(&anna)
        .await;
    let me = res.expect(StatusCode::OK);
    assert_eq!(me["email"], anna.email);
    assert_eq!(res.etag(), Some("\"1\""));
    let other = app
        .get(format!("/api/v1/users/{}", bertil.id))
        .by(&anna)
        .await;
    other.problem(StatusCode::NOT_FOUND, "not_found");
    assert!(!other.text().contains("bertil"), "{}", other.text());
    app.get(format!("/api/v1/users/{}", bertil.id))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    app.get(format!("/api/v1/users/{}", unknown_id()))
        .by(&admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
});

both!(
    users_me_lists_where_the_person_holds_roles,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        app.grant(&t.board, &anna.id, &[Role::Dpo, Role::Auditor])
            .await;
        app.grant(&t.unit, &anna.id, &[Role::Employee]).await;
        let me = app
            .get("/api/v1/users/me")
            .by(&anna)
            .await
            .expect(StatusCode::OK);
        let grants = me["grants"].as_array().expect("grants");
        assert_eq!(grants.len(), 2, "{me}");
        assert_eq!(grants[0]["organisation_id"], t.board);
        assert_eq!(grants[0]["organisation_name"], "Socialnämnden");
        assert_eq!(grants[0]["kind"], "board");
        assert_eq!(grants[0]["roles"], json!(["dpo", "auditor"]));
        assert_eq!(grants[1]["organisation_id"], t.unit);
        assert_eq!(grants[1]["roles"], json!(["employee"]));
    }
);

both!(
    changing_my_password_needs_the_current_one_and_ends_my_other_sessions,
    |app| async move {
        let anna = app.person("anna@exempelstad.se", "Anna Andersson").await;
        let other_session = app.sign_in(&anna.email, PASSWORD).await;
        let before = app.audit_events().await;
        let p = app
        .post("/api/v1/users/me/password")
        .by(&anna)
        .json(json!({ "current_password": "inte rätt alls", "new_password": "ett nytt bra lösenord" }))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(field_errors(&p)[0].0, "current_password");
        let p = app
            .post("/api/v1/users/me/password")
            .by(&anna)
            .json(json!({ "current_password": PASSWORD, "new_password": "kort" }))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![("new_password".into(), "too_short".into())]
        );
        assert_eq!(app.audit_events().await, before);

        let res = app
            .post("/api/v1/users/me/password")
            .by(&anna)
            .json(json!({ "current_password": PASSWORD, "new_password": "ett nytt bra lösenord" }))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        assert_eq!(app.audit_events().await, before + 1);
        let events = app.events_of("user", &anna.id).await;
        assert!(
            !events
                .iter()
                .any(|e| e.after.as_deref().is_some_and(|a| a.contains("argon2"))),
            "no hash in the audit trail"
        );

        app.get("/api/v1/users/me")
            .by(&anna)
            .await
            .expect(StatusCode::OK);
        app.get("/api/v1/users/me")
            .token(&other_session)
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.post("/api/v1/session")
            .json(json!({ "email": anna.email, "password": PASSWORD }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        app.sign_in(&anna.email, "ett nytt bra lösenord").await;
    }
);
