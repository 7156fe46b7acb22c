//! `/api/v1/session`: signing in, using the token, signing out.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

const EMAIL: &str = "anna.andersson@exempelstad.se";

async fn sign_in_attempt(app: &TestApp, email: &str, password: &str) -> Resp {
    app.post("/api/v1/session")
        .json(json!({ "email": email, "password": password }))
        .await
}

both!(
    a_good_password_gives_a_token_and_a_session_cookie,
    |app| async move {
        let id = app.create_user(EMAIL, "Anna Andersson", false).await;
        let res = sign_in_attempt(&app, EMAIL, PASSWORD).await;
        let body = res.expect(StatusCode::OK);
        let token = text(&body, "token");
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(body["user"]["id"], id);
        assert_eq!(body["user"]["email"], EMAIL);
        assert!(body["expires_at"].is_string());
        let cookie = res.header("set-cookie").expect("a session cookie");
        assert!(
            cookie.starts_with(&format!("ombud_session={token};")),
            "{cookie}"
        );
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert_eq!(res.header("cache-control"), Some("no-store"));
    }
);

both!(
    the_email_address_is_matched_without_regard_to_case,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        sign_in_attempt(&app, "  Anna.Andersson@Exempelstad.SE ", PASSWORD)
            .await
            .expect(StatusCode::OK);
    }
);

both!(a_wrong_password_is_refused_with_401, |app| async move {
    app.create_user(EMAIL, "Anna Andersson", false).await;
    let res = sign_in_attempt(&app, EMAIL, "fel lösenord igen").await;
    let p = res.problem(StatusCode::UNAUTHORIZED, "bad_credentials");
    assert!(!res.text().contains("token"), "{p}");
    assert!(res.header("set-cookie").is_none());
});

both!(
    an_unknown_address_is_refused_exactly_like_a_wrong_password,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        let wrong = sign_in_attempt(&app, EMAIL, "fel lösenord igen").await;
        let unknown = sign_in_attempt(&app, "ingen.alls@exempelstad.se", PASSWORD).await;
        unknown.problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        assert_eq!(wrong.status, unknown.status);
        assert_eq!(
            wrong.json(),
            unknown.json(),
            "nothing tells who has an account"
        );
    }
);

both!(
    past_five_failures_an_account_is_slowed_down_not_locked_out_on_every_instance,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        app.create_user("bertil@exempelstad.se", "Bertil", false)
            .await;
        for _ in 0..5 {
            sign_in_attempt(&app, EMAIL, "fel lösenord igen")
                .await
                .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        }
        // Right away, even the right password must wait, here and on another instance: the count
        // is in the database.
        let other = app.second_instance().await;
        for instance in [&app, &other] {
            let res = sign_in_attempt(instance, EMAIL, PASSWORD).await;
            res.problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
            let retry: u64 = res
                .header("retry-after")
                .expect("a Retry-After header")
                .parse()
                .expect("seconds");
            assert_eq!(retry, 1, "a second after the fifth failure");
        }
        // Other accounts are not affected.
        sign_in_attempt(&app, "bertil@exempelstad.se", PASSWORD)
            .await
            .expect(StatusCode::OK);
        // A second later the right password signs in: slowed down, never locked out.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        sign_in_attempt(&other, EMAIL, PASSWORD)
            .await
            .expect(StatusCode::OK);
        // And the count starts over.
        for _ in 0..4 {
            sign_in_attempt(&app, EMAIL, "fel igen")
                .await
                .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        }
        sign_in_attempt(&app, EMAIL, PASSWORD)
            .await
            .expect(StatusCode::OK);
    }
);

both!(
    many_accounts_guessed_from_one_address_slow_that_address_down,
    |app| async move {
        let behind = app.configured(|c| c.trust_forwarded_for = true);
        app.create_user(EMAIL, "Anna Andersson", false).await;
        let from = |addr: &'static str, email: String, password: &'static str| {
            behind
                .post("/api/v1/session")
                .header("x-forwarded-for", &format!("10.9.9.9, {addr}"))
                .json(json!({ "email": email, "password": password }))
        };
        // Thirty addresses sprayed from one place, one guess each: no account passes its limit.
        for i in 0..30 {
            from(
                "198.51.100.7",
                format!("person{i}@exempelstad.se"),
                "Sommar2026!",
            )
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        }
        // Now that address waits, whoever it signs in as …
        from("198.51.100.7", EMAIL.into(), PASSWORD)
            .await
            .problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
        // … and another address does not (the first entry is the client's own word and is not
        // what counts).
        behind
            .post("/api/v1/session")
            .header("x-forwarded-for", "198.51.100.7, 203.0.113.5")
            .json(json!({ "email": EMAIL, "password": PASSWORD }))
            .await
            .expect(StatusCode::OK);
    }
);

both!(
    wrong_current_passwords_in_a_password_change_count_as_failed_sign_ins,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        let token = app.sign_in(EMAIL, PASSWORD).await;
        for _ in 0..5 {
            app.post("/api/v1/users/me/password")
                .token(&token)
                .json(json!({ "current_password": "gissning", "new_password": "ett helt nytt lösen 9" }))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        }
        app.post("/api/v1/users/me/password")
            .token(&token)
            .json(json!({ "current_password": PASSWORD, "new_password": "ett helt nytt lösen 9" }))
            .await
            .problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
        sign_in_attempt(&app, EMAIL, PASSWORD)
            .await
            .problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    }
);

both!(
    fewer_than_five_failures_do_not_lock_anyone_out,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        for _ in 0..4 {
            sign_in_attempt(&app, EMAIL, "fel lösenord igen")
                .await
                .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        }
        sign_in_attempt(&app, EMAIL, PASSWORD)
            .await
            .expect(StatusCode::OK);
    }
);

both!(the_token_works_as_a_bearer_token, |app| async move {
    let id = app.create_user(EMAIL, "Anna Andersson", false).await;
    let token = app.sign_in(EMAIL, PASSWORD).await;
    let session = app
        .get("/api/v1/session")
        .token(&token)
        .await
        .expect(StatusCode::OK);
    assert_eq!(session["user"]["id"], id);
    assert!(session["csrf_token"].is_string());
    let me = app
        .get("/api/v1/users/me")
        .token(&token)
        .await
        .expect(StatusCode::OK);
    assert_eq!(me["user"]["email"], EMAIL);
    // The scheme's name is case-insensitive.
    app.get("/api/v1/users/me")
        .header("authorization", &format!("bearer {token}"))
        .await
        .expect(StatusCode::OK);
});

both!(
    without_a_valid_token_the_api_answers_401,
    |app| async move {
        app.create_user(EMAIL, "Anna Andersson", false).await;
        let none = app.get("/api/v1/users/me").await;
        none.problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(none.header("www-authenticate"), Some("Bearer"));
        for junk in ["nonsense", &"0".repeat(64), &"g".repeat(64)] {
            app.get("/api/v1/users/me")
                .token(junk)
                .await
                .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
        }
        app.get("/api/v1/organisations")
            .await
            .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
);

both!(signing_out_revokes_the_token_at_once, |app| async move {
    app.create_user(EMAIL, "Anna Andersson", false).await;
    let token = app.sign_in(EMAIL, PASSWORD).await;
    let other = app.sign_in(EMAIL, PASSWORD).await;
    let res = app.delete("/api/v1/session").token(&token).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    let cleared = res.header("set-cookie").expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    app.get("/api/v1/session")
        .token(&token)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    app.delete("/api/v1/session")
        .token(&token)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Only that session ends.
    app.get("/api/v1/session")
        .token(&other)
        .await
        .expect(StatusCode::OK);
});

both!(
    a_cookie_session_reads_but_needs_the_csrf_token_to_change,
    |app| async move {
        let admin = app.admin().await;
        let cookie = format!("ombud_session={}", admin.token);
        let session = app
            .get("/api/v1/session")
            .header("cookie", &cookie)
            .await
            .expect(StatusCode::OK);
        let csrf = text(&session, "csrf_token");
        let before = app.audit_events().await;
        let body = json!({ "name": "Exempelstad", "kind": "city" });
        app.post("/api/v1/organisations")
            .header("cookie", &cookie)
            .json(body.clone())
            .await
            .problem(StatusCode::FORBIDDEN, "csrf");
        app.post("/api/v1/organisations")
            .header("cookie", &cookie)
            .header("x-csrf-token", "fel")
            .json(body.clone())
            .await
            .problem(StatusCode::FORBIDDEN, "csrf");
        assert_eq!(app.audit_events().await, before);
        app.post("/api/v1/organisations")
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(body)
            .await
            .expect(StatusCode::CREATED);
    }
);
