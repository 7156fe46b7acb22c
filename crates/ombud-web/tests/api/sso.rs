//! Sign-in with the city's identity provider, against a real OpenID Connect provider on loopback
//! made for the test: discovery, JWKS, a token endpoint that checks PKCE and uses each code once,
//! and ID tokens signed with an RSA key (or, to try Ombud, with another key, or expired). Ombud must
//! refuse a wrong state, a replayed code, a bad signature, an expired token and an unknown subject,
//! and match people by subject, never by e-mail address alone.

use crate::helpers::*;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, EndUserUsername, IssuerUrl, JsonWebKeyId,
    JsonWebKeySet, Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const KEY: &str = include_str!("fixtures/idp-key.pem");
const OTHER_KEY: &str = include_str!("fixtures/idp-other-key.pem");
const CLIENT_ID: &str = "ombud-test";
const CLIENT_SECRET: &str = "hemlig-klient-7";

/// What the person did at the provider: who they are, for which request.
#[derive(Clone)]
struct Grant {
    sub: String,
    email: String,
    nonce: String,
    challenge: String,
}

#[derive(Default)]
struct IdpState {
    base: String,
    codes: Mutex<HashMap<String, Grant>>,
    /// Sign with a key the JWKS does not publish.
    wrong_key: AtomicBool,
    /// Issue tokens that expired an hour ago.
    expired: AtomicBool,
}

/// The test's identity provider.
struct Idp {
    state: Arc<IdpState>,
}

impl Idp {
    async fn start() -> Idp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let state = Arc::new(IdpState {
            base,
            ..IdpState::default()
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Idp { state }
    }

    fn issuer(&self) -> String {
        self.state.base.clone()
    }

    /// The person signs in at the provider: a code for this request.
    fn grant(&self, code: &str, sub: &str, email: &str, nonce: &str, challenge: &str) {
        self.state
            .codes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                code.into(),
                Grant {
                    sub: sub.into(),
                    email: email.into(),
                    nonce: nonce.into(),
                    challenge: challenge.into(),
                },
            );
    }
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("k1".into()))).expect("a key")
}

async fn discovery(State(s): State<Arc<IdpState>>) -> Json<Value> {
    Json(json!({
        "issuer": s.base,
        "authorization_endpoint": format!("{}/authorize", s.base),
        "token_endpoint": format!("{}/token", s.base),
        "jwks_uri": format!("{}/jwks", s.base),
        "end_session_endpoint": format!("{}/logout", s.base),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks() -> Json<Value> {
    let set = JsonWebKeySet::new(vec![signing_key(KEY).as_verification_key()]);
    Json(serde_json::to_value(set).expect("JSON"))
}

async fn token(
    State(s): State<Arc<IdpState>>,
    headers: axum::http::HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let refuse = |why: &str| (StatusCode::BAD_REQUEST, Json(json!({ "error": why })));
    // The client authenticates (basic auth, as openidconnect sends it by default).
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Basic {basic}") {
        return refuse("invalid_client");
    }
    let code = f.get("code").cloned().unwrap_or_default();
    // Each code once.
    let Some(g) = s
        .codes
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&code)
    else {
        return refuse("invalid_grant");
    };
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    if challenge != g.challenge {
        return refuse("invalid_grant");
    }
    let now = chrono::Utc::now();
    let (iat, exp) = if s.expired.load(Ordering::SeqCst) {
        (
            now - chrono::Duration::hours(2),
            now - chrono::Duration::hours(1),
        )
    } else {
        (now, now + chrono::Duration::minutes(5))
    };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(s.base.clone()).expect("an issuer"),
        vec![Audience::new(CLIENT_ID.into())],
        exp,
        iat,
        StandardClaims::new(SubjectIdentifier::new(g.sub.clone()))
            .set_email(Some(EndUserEmail::new(g.email.clone())))
            .set_preferred_username(Some(EndUserUsername::new(g.email.clone()))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(g.nonce.clone())));
    let key = if s.wrong_key.load(Ordering::SeqCst) {
        signing_key(OTHER_KEY)
    } else {
        signing_key(KEY)
    };
    let id_token = CoreIdToken::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .expect("signed");
    (
        StatusCode::OK,
        Json(json!({
            "access_token": "at-1",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": serde_json::to_value(&id_token).expect("JSON"),
        })),
    )
}

/// Ombud configured for the provider.
fn with_sso(app: &TestApp, idp: &Idp, create_people: bool, required: bool) -> TestApp {
    let issuer = idp.issuer();
    app.configured(move |c| {
        c.public_url = "http://ombud.test".into();
        c.sso = Some(ombud_app::sso::SsoConfig {
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            label: "Exempelstads inloggning".into(),
            create_people,
            required,
        });
    })
}

/// A sign-in started: the state and the browser's cookie, the nonce and the PKCE challenge the
/// provider was sent.
struct Started {
    state: String,
    cookie: String,
    nonce: String,
    challenge: String,
}

async fn start(app: &TestApp, next: &str) -> Started {
    let res = app.get(format!("/logga-in/sso?next={next}")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let to = url::Url::parse(res.header("location").expect("off to the provider")).expect("a URL");
    assert!(to.path().ends_with("/authorize"), "{to}");
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
    assert_eq!(q.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert_eq!(
        q.get("redirect_uri").map(String::as_str),
        Some("http://ombud.test/logga-in/sso/klar")
    );
    let cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ombud_sso_state="))
        .and_then(|c| c.split(';').next())
        .expect("the state's cookie")
        .to_string();
    Started {
        state: q.get("state").cloned().expect("a state"),
        nonce: q.get("nonce").cloned().expect("a nonce"),
        challenge: q.get("code_challenge").cloned().expect("a challenge"),
        cookie,
    }
}

async fn back(app: &TestApp, code: &str, state: &str, cookie: &str) -> Resp {
    app.get(format!("/logga-in/sso/klar?code={code}&state={state}"))
        .header("cookie", cookie)
        .await
}

fn session_cookie(res: &Resp) -> Option<String> {
    res.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ombud_session=") && !c.starts_with("ombud_session=;"))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

both!(
    a_linked_person_signs_in_through_the_provider_and_each_state_and_code_works_once,
    |app| async move {
        let idp = Idp::start().await;
        let ombud = with_sso(&app, &idp, false, false);
        let admin = app.admin().await;
        let person = app.person("greta@exempelstad.se", "Greta Gran").await;
        // Linked by the administrator to her subject at the provider (an Ombud without a provider
        // cannot link anyone).
        app.patch(format!("/api/v1/users/{}", person.id))
            .by(&admin)
            .json(json!({ "sso_subject": "entra-oid-123" }))
            .await
            .problem(StatusCode::CONFLICT, "sso_not_configured");
        ombud
            .patch(format!("/api/v1/users/{}", person.id))
            .by(&admin)
            .json(json!({ "sso_subject": "entra-oid-123" }))
            .await
            .expect(StatusCode::OK);
        let s = start(&ombud, "/begaranden").await;
        idp.grant(
            "kod-1",
            "entra-oid-123",
            "greta@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let res = back(&ombud, "kod-1", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        assert_eq!(res.header("location"), Some("/begaranden"));
        let session = session_cookie(&res).expect("a session");
        let me = ombud
            .get("/api/v1/users/me")
            .header("cookie", &session)
            .await
            .expect(StatusCode::OK);
        assert_eq!(me["user"]["email"], "greta@exempelstad.se");

        // The same callback again: the state is used up (on any instance).
        let replay = back(&ombud, "kod-1", &s.state, &s.cookie).await;
        assert_eq!(replay.status, StatusCode::BAD_REQUEST);
        assert!(session_cookie(&replay).is_none());
        // The code again with a fresh state: the provider refuses it.
        let s2 = start(&ombud, "/").await;
        let again = back(&ombud, "kod-1", &s2.state, &s2.cookie).await;
        assert_eq!(again.status, StatusCode::BAD_GATEWAY, "{}", again.text());
        assert!(session_cookie(&again).is_none());
        // Signed out: the provider's end-session endpoint is offered.
        let page = ombud.get("/logga-in?utloggad=1").await;
        assert!(
            page.text().contains("/logout?client_id=ombud-test"),
            "{}",
            page.text()
        );
    }
);

both!(
    a_wrong_state_a_bad_signature_an_expired_token_and_an_unknown_subject_are_refused,
    |app| async move {
        let idp = Idp::start().await;
        let ombud = with_sso(&app, &idp, false, false);
        let admin = app.admin().await;
        let person = app.person("greta@exempelstad.se", "Greta Gran").await;
        ombud
            .patch(format!("/api/v1/users/{}", person.id))
            .by(&admin)
            .json(json!({ "sso_subject": "entra-oid-123" }))
            .await
            .expect(StatusCode::OK);
        let before = app.audit_events().await;

        // Another browser's state, or none: refused before the code is used.
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-a",
            "entra-oid-123",
            "greta@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let other = start(&ombud, "/").await;
        let res = back(&ombud, "kod-a", &s.state, &other.cookie).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.text().contains("Inloggningen gick inte igenom"));
        let res = back(&ombud, "kod-a", &s.state, "").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);

        // Signed with a key the provider does not publish.
        idp.state.wrong_key.store(true, Ordering::SeqCst);
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-b",
            "entra-oid-123",
            "greta@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let res = back(&ombud, "kod-b", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::BAD_GATEWAY, "{}", res.text());
        assert!(session_cookie(&res).is_none());
        idp.state.wrong_key.store(false, Ordering::SeqCst);

        // Expired an hour ago.
        idp.state.expired.store(true, Ordering::SeqCst);
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-c",
            "entra-oid-123",
            "greta@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let res = back(&ombud, "kod-c", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::BAD_GATEWAY, "{}", res.text());
        assert!(session_cookie(&res).is_none());
        idp.state.expired.store(false, Ordering::SeqCst);

        // A token for another request's nonce.
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-n",
            "entra-oid-123",
            "greta@exempelstad.se",
            "en-annan-nonce",
            &s.challenge,
        );
        let res = back(&ombud, "kod-n", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::BAD_GATEWAY, "{}", res.text());

        // A subject no one has, although the address is Greta's: not matched by e-mail.
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-d",
            "okand-777",
            "greta@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let res = back(&ombud, "kod-d", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
        assert!(
            res.text().contains("okand-777"),
            "the subject, for the administrator"
        );
        assert!(session_cookie(&res).is_none());
        assert_eq!(app.audit_events().await, before, "nothing was written");
    }
);

both!(
    people_are_created_without_roles_on_first_sign_in_when_the_city_chooses_and_sso_can_be_required,
    |app| async move {
        let idp = Idp::start().await;
        let ombud = with_sso(&app, &idp, true, true);
        let admin = app.admin().await;
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-1",
            "ny-person-1",
            "ny.person@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        let res = back(&ombud, "kod-1", &s.state, &s.cookie).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        let session = session_cookie(&res).expect("a session");
        let me = ombud
            .get("/api/v1/users/me")
            .header("cookie", &session)
            .await
            .expect(StatusCode::OK);
        assert_eq!(me["user"]["email"], "ny.person@exempelstad.se");
        assert_eq!(
            me["memberships"].as_array().map(Vec::len).unwrap_or(0),
            0,
            "{me}"
        );
        // Again: the same person, not a second one.
        let s = start(&ombud, "/").await;
        idp.grant(
            "kod-2",
            "ny-person-1",
            "ny.person@exempelstad.se",
            &s.nonce,
            &s.challenge,
        );
        back(&ombud, "kod-2", &s.state, &s.cookie).await;
        let people = ombud
            .get("/api/v1/users?q=ny.person")
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            people["items"].as_array().map(Vec::len),
            Some(1),
            "{people}"
        );

        // SSO required: a person's right password is turned away, the administrator's is not.
        app.create_user("lars@exempelstad.se", "Lars Lösen", false)
            .await;
        ombud
            .post("/api/v1/session")
            .json(json!({ "email": "lars@exempelstad.se", "password": PASSWORD }))
            .await
            .problem(StatusCode::CONFLICT, "sso_required");
        ombud
            .post("/api/v1/session")
            .json(json!({ "email": admin.email, "password": PASSWORD }))
            .await
            .expect(StatusCode::OK);
        // A wrong password still says only that it is wrong.
        ombud
            .post("/api/v1/session")
            .json(json!({ "email": "lars@exempelstad.se", "password": "fel fel fel" }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
);
