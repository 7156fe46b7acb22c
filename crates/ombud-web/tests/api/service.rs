//! The service around the API: health and the OpenAPI document.

use axum::http::StatusCode;

both!(the_health_check_answers_200, |app| async move {
    let res = app.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
});

both!(
    the_openapi_document_describes_every_route,
    |app| async move {
        let res = app.get("/api/v1/openapi.json").await;
        let doc = res.expect(StatusCode::OK);
        assert!(
            res.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{:?}",
            res.header("content-type")
        );
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "{}",
            doc["openapi"]
        );
        assert_eq!(doc["info"]["title"], "Ombud API");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        for (path, methods) in [
            ("/api/v1/session", &["get", "post", "delete"][..]),
            ("/api/v1/users", &["get", "post"][..]),
            ("/api/v1/users/me", &["get"][..]),
            ("/api/v1/users/me/password", &["post"][..]),
            ("/api/v1/users/{id}", &["get"][..]),
            ("/api/v1/organisations", &["get", "post"][..]),
            (
                "/api/v1/organisations/{id}",
                &["get", "patch", "delete"][..],
            ),
            ("/api/v1/organisations/{id}/members", &["get"][..]),
            ("/api/v1/organisations/{id}/members/{user_id}", &["put"][..]),
            ("/api/v1/organisations/{id}/history", &["get"][..]),
        ] {
            for m in methods {
                assert!(
                    doc["paths"][path][m].is_object(),
                    "{m} {path} is not described"
                );
            }
        }
    }
);
