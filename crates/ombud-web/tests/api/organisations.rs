//! `/api/v1/organisations`: the tree, its placement rules, lists, renaming, moving and archiving.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::{Value, json};
use std::collections::HashSet;

both!(
    a_city_is_built_down_to_a_unit_and_each_level_knows_its_controller,
    |app| async move {
        let admin = app.admin().await;
        let city = app.org(&admin, "Exempelstad", "city", None).await;
        let city_id = text(&city, "id");
        assert_eq!(city["kind"], "city");
        assert_eq!(city["parent_id"], Value::Null);
        assert_eq!(city["controller"], false);
        assert_eq!(city["controller_id"], Value::Null);
        assert_eq!(city["archived"], false);
        assert_eq!(city["version"], 1);

        let res = app
            .post("/api/v1/organisations")
            .by(&admin)
            .json(json!({ "name": "Socialnämnden", "kind": "board", "parent_id": city_id }))
            .await;
        let board = res.expect(StatusCode::CREATED);
        let board_id = text(&board, "id");
        assert_eq!(res.etag(), Some("\"1\""));
        assert_eq!(res.header("location"), Some(org_url(&board_id).as_str()));
        assert_eq!(
            board["controller"], true,
            "a board is a controller by default"
        );
        assert_eq!(board["controller_id"], board_id);
        assert_eq!(board["parent_id"], city_id);

        let mut parent = board_id.clone();
        for (name, kind) in [
            ("Socialförvaltningen", "administration"),
            ("Avdelningen för barn och unga", "department"),
            ("Familjeenheten", "unit"),
        ] {
            let o = app.org(&admin, name, kind, Some(&parent)).await;
            assert_eq!(o["kind"], kind);
            assert_eq!(o["name"], name);
            assert_eq!(o["parent_id"], parent);
            assert_eq!(o["controller"], false);
            assert_eq!(o["controller_id"], board_id, "{kind} belongs to the board");
            let fetched = app
                .get(org_url(&text(&o, "id")))
                .by(&admin)
                .await
                .expect(StatusCode::OK);
            assert_eq!(fetched, o);
            parent = text(&o, "id");
        }

        // A company that is not a controller belongs to none.
        let company = app
        .post("/api/v1/organisations")
        .by(&admin)
        .json(json!({ "name": "Stadens fastighetsbolag", "kind": "company", "parent_id": city_id, "controller": false }))
        .await
        .expect(StatusCode::CREATED);
        assert_eq!(company["controller"], false);
        assert_eq!(company["controller_id"], Value::Null);
    }
);

both!(
    names_are_trimmed_and_keep_swedish_letters,
    |app| async move {
        let admin = app.admin().await;
        let o = app
            .org(&admin, "  Älvsjö stadsdelsnämnd ", "board", None)
            .await;
        assert_eq!(o["name"], "Älvsjö stadsdelsnämnd");
        let max = "å".repeat(200);
        let long = app.org(&admin, &max, "board", None).await;
        assert_eq!(
            long["name"], max,
            "200 characters are allowed, counted as characters"
        );
    }
);

both!(
    placement_rules_are_refused_with_422_and_a_field_error,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let archived = app
            .org(&admin, "Gamla enheten", "unit", Some(&t.department))
            .await;
        app.delete(org_url(&text(&archived, "id")))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        let before = app.audit_events().await;

        let cases: Vec<(Value, &str, &str)> = vec![
            // A controller sits only at the top or directly under a city.
            (
                json!({ "name": "X", "kind": "board", "parent_id": t.board }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            (
                json!({ "name": "X", "kind": "company", "parent_id": t.administration }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            // A child is always of a deeper kind than its parent.
            (
                json!({ "name": "X", "kind": "administration", "parent_id": t.department }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            (
                json!({ "name": "X", "kind": "department", "parent_id": t.department }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            (
                json!({ "name": "X", "kind": "unit", "parent_id": t.unit }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            (
                json!({ "name": "X", "kind": "city", "parent_id": t.city }),
                "parent_id",
                "parent_kind_not_allowed",
            ),
            // Only a city, board or company stands at the top.
            (
                json!({ "name": "X", "kind": "administration" }),
                "parent_id",
                "parent_required",
            ),
            (
                json!({ "name": "X", "kind": "unit" }),
                "parent_id",
                "parent_required",
            ),
            // The parent must exist and be active.
            (
                json!({ "name": "X", "kind": "unit", "parent_id": unknown_id() }),
                "parent_id",
                "parent_required",
            ),
            (
                json!({ "name": "X", "kind": "unit", "parent_id": "inte-ett-id" }),
                "parent_id",
                "parent_required",
            ),
            (
                json!({ "name": "X", "kind": "department", "parent_id": text(&archived, "id") }),
                "parent_id",
                "parent_required",
            ),
            // Only boards and companies can be controllers.
            (
                json!({ "name": "X", "kind": "unit", "parent_id": t.department, "controller": true }),
                "controller",
                "controller_kind_only",
            ),
            // Kinds and names.
            (
                json!({ "name": "X", "kind": "nämnd", "parent_id": t.city }),
                "kind",
                "invalid_kind",
            ),
            (
                json!({ "name": "X", "kind": "Board" }),
                "kind",
                "invalid_kind",
            ),
            (
                json!({ "name": "   ", "kind": "board" }),
                "name",
                "required",
            ),
            (
                json!({ "name": "a\u{7}b", "kind": "board" }),
                "name",
                "control_characters",
            ),
            (
                json!({ "name": "x".repeat(201), "kind": "board" }),
                "name",
                "too_long",
            ),
        ];
        for (body, field, code) in cases {
            let res = app
                .post("/api/v1/organisations")
                .by(&admin)
                .json(body.clone())
                .await;
            let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![(field.to_string(), code.to_string())],
                "{body}"
            );
            assert!(
                p["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{p}"
            );
        }
        assert_eq!(app.audit_events().await, before, "nothing was created");
    }
);

both!(
    the_list_pages_through_every_organisation_exactly_once,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let mut created = vec![city.clone()];
        // Names that sort differently by bytes and by locale, and some that tie.
        for name in [
            "Östermalms stadsdelsnämnd",
            "Älvsjö stadsdelsnämnd",
            "Arbetsmarknadsnämnden",
            "arkivnämnden",
            "Bostadsbolaget",
            "Bostadsbolaget",
            "Zooföreningen",
            "Ängby skolnämnd",
        ] {
            created.push(text(
                &app.org(&admin, name, "board", Some(&city)).await,
                "id",
            ));
        }

        let whole = app
            .get("/api/v1/organisations?limit=500")
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(whole["next"], Value::Null);
        let all = ids(&whole);

        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        let mut pages = 0;
        loop {
            let uri = match &next {
                Some(c) => format!("/api/v1/organisations?limit=2&cursor={c}"),
                None => "/api/v1/organisations?limit=2".to_string(),
            };
            let page = app.get(uri).by(&admin).await.expect(StatusCode::OK);
            let items = ids(&page);
            assert!(items.len() <= 2, "{page}");
            seen.extend(items);
            pages += 1;
            assert!(pages <= 10, "the pages never end");
            match page["next"].as_str() {
                Some(c) => next = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(pages, 5, "9 organisations in pages of 2");
        assert_eq!(
            seen, all,
            "the pages together are the whole list, in its order"
        );
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), created.len(), "each seen once");
        assert_eq!(unique, created.iter().collect::<HashSet<_>>());
    }
);

both!(list_filters_narrow_the_list, |app| async move {
    let admin = app.admin().await;
    let t = app.city(&admin).await;
    let second_unit = app
        .org(&admin, "Barnhälsoenheten", "unit", Some(&t.department))
        .await;
    let older = app
        .org(&admin, "Avvecklade enheten", "unit", Some(&t.department))
        .await;
    app.delete(org_url(&text(&older, "id")))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    let other_board = app
        .org(&admin, "Älvsjö stadsdelsnämnd", "board", Some(&t.city))
        .await;

    let list = |query: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            let res = app
                .get(format!("/api/v1/organisations?{query}"))
                .by(admin)
                .await
                .expect(StatusCode::OK);
            let mut found = ids(&res);
            found.sort();
            found
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    assert_eq!(
        list("kind=unit").await,
        sorted(vec![t.unit.clone(), text(&second_unit, "id")])
    );
    assert_eq!(
        list("controller=true").await,
        sorted(vec![t.board.clone(), text(&other_board, "id")])
    );
    assert_eq!(
        list("controller=false&kind=city").await,
        vec![t.city.clone()]
    );
    // Case-insensitive substring, Swedish letters included.
    assert_eq!(
        list("q=%C3%A4LVSJ%C3%96").await,
        vec![text(&other_board, "id")]
    );
    assert_eq!(list("q=FAMILJE").await, vec![t.unit.clone()]);
    assert_eq!(
        list("q=enheten").await,
        sorted(vec![t.unit.clone(), text(&second_unit, "id")])
    );
    // A LIKE wildcard is an ordinary character.
    assert_eq!(list("q=%25").await, Vec::<String>::new());
    assert_eq!(list("q=_").await, Vec::<String>::new());
    let by_parent = app
        .get(format!("/api/v1/organisations?parent_id={}", t.department))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        sorted(ids(&by_parent)),
        sorted(vec![t.unit.clone(), text(&second_unit, "id")])
    );
    // Archived ones only when asked for.
    let with_archived = app
        .get(format!(
            "/api/v1/organisations?parent_id={}&archived=true",
            t.department
        ))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        sorted(ids(&with_archived)),
        sorted(vec![
            t.unit.clone(),
            text(&second_unit, "id"),
            text(&older, "id")
        ])
    );
    assert_eq!(
        list("kind=unit&q=barn").await,
        vec![text(&second_unit, "id")]
    );

    let bad_kind = app
        .get("/api/v1/organisations?kind=planet")
        .by(&admin)
        .await;
    let p = bad_kind.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        field_errors(&p),
        vec![("kind".into(), "invalid_kind".into())]
    );
});

both!(
    a_limit_outside_1_to_500_and_a_junk_cursor_are_refused,
    |app| async move {
        let admin = app.admin().await;
        app.org(&admin, "Exempelstad", "city", None).await;
        for limit in ["0", "501", "-1"] {
            let p = app
                .get(format!("/api/v1/organisations?limit={limit}"))
                .by(&admin)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(field_errors(&p)[0].0, "limit");
        }
        for limit in ["1", "500"] {
            app.get(format!("/api/v1/organisations?limit={limit}"))
                .by(&admin)
                .await
                .expect(StatusCode::OK);
        }
        // Cursors are opaque: anything not made by the API is refused.
        for junk in ["zz", "00", "abc", "6e6f2d6e756c"] {
            app.get(format!("/api/v1/organisations?cursor={junk}"))
                .by(&admin)
                .await
                .problem(StatusCode::BAD_REQUEST, "malformed_request");
        }
    }
);

both!(
    renaming_changes_the_name_and_the_version,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let res = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "name": "Familjeenheten Syd" }))
            .await;
        let renamed = res.expect(StatusCode::OK);
        assert_eq!(renamed["name"], "Familjeenheten Syd");
        assert_eq!(renamed["version"], 2);
        assert_eq!(res.etag(), Some("\"2\""));
        let fetched = app
            .get(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(fetched, renamed);
        let found = app
            .get("/api/v1/organisations?q=syd")
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            ids(&found),
            vec![t.unit.clone()],
            "search follows the new name"
        );

        // Nothing to change is no change.
        let same = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "name": "Familjeenheten Syd" }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(same["version"], 2);
        let empty = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(empty["version"], 2);
    }
);

both!(
    moving_within_a_controller_carries_the_subtree_along,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let second_department = app
            .org(
                &admin,
                "Avdelningen för vuxna",
                "department",
                Some(&t.administration),
            )
            .await;
        let to = text(&second_department, "id");
        let moved = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "parent_id": to }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(moved["parent_id"], to);
        assert_eq!(moved["controller_id"], t.board);
        assert_eq!(moved["version"], 2);
        let stored = app.stored(&t.unit).await;
        assert_eq!(
            stored.path,
            format!("{}{}/", app.stored(&to).await.path, t.unit)
        );
        assert_eq!(stored.depth, 4);

        // A whole department moves to another administration, with its unit.
        let second_administration = app
            .org(
                &admin,
                "Äldreförvaltningen",
                "administration",
                Some(&t.board),
            )
            .await;
        let adm2 = text(&second_administration, "id");
        app.patch(org_url(&to))
            .by(&admin)
            .json(json!({ "parent_id": adm2 }))
            .await
            .expect(StatusCode::OK);
        let unit = app.stored(&t.unit).await;
        assert_eq!(
            unit.path,
            format!("/{}/{}/{}/{}/{}/", t.city, t.board, adm2, to, t.unit)
        );
        assert_eq!(unit.depth, 4);
        assert_eq!(unit.parent_id.as_deref(), Some(to.as_str()));

        // Moving to the parent it already has changes nothing.
        let same = app
            .patch(org_url(&to))
            .by(&admin)
            .json(json!({ "parent_id": adm2 }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(same["version"], 2);
    }
);

both!(
    the_admin_moves_a_department_into_another_controller_and_its_subtree_follows,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let board_b = text(
            &app.org(&admin, "Bygg- och miljönämnden", "board", Some(&t.city))
                .await,
            "id",
        );
        let adm_b = text(
            &app.org(
                &admin,
                "Bygg- och miljöförvaltningen",
                "administration",
                Some(&board_b),
            )
            .await,
            "id",
        );
        let dpo_a = app.person("dpo.a@exempelstad.se", "Dora Dataskydd").await;
        let dpo_b = app.person("dpo.b@exempelstad.se", "Bo Byggskydd").await;
        app.grant(&t.board, &dpo_a.id, &[Role::Dpo]).await;
        app.grant(&board_b, &dpo_b.id, &[Role::Dpo]).await;
        app.get(org_url(&t.unit))
            .by(&dpo_a)
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&t.unit))
            .by(&dpo_b)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");

        let moved = app
            .patch(org_url(&t.department))
            .by(&admin)
            .json(json!({ "parent_id": adm_b }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(moved["parent_id"], adm_b);
        assert_eq!(moved["controller_id"], board_b);

        let unit = app
            .get(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(unit["controller_id"], board_b, "the unit follows into B");
        let stored = app.stored(&t.unit).await;
        assert_eq!(
            stored.path,
            format!(
                "/{}/{}/{}/{}/{}/",
                t.city, board_b, adm_b, t.department, t.unit
            )
        );
        assert_eq!(stored.controller_id.as_deref(), Some(board_b.as_str()));

        // Who may see it follows too: B's people now, A's people no longer.
        app.get(org_url(&t.unit))
            .by(&dpo_b)
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&t.department))
            .by(&dpo_b)
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&t.unit))
            .by(&dpo_a)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        let a_list = app
            .get("/api/v1/organisations")
            .by(&dpo_a)
            .await
            .expect(StatusCode::OK);
        let a_ids = ids(&a_list);
        assert!(
            !a_ids.contains(&t.unit) && !a_ids.contains(&t.department),
            "{a_list}"
        );
        let b_list = app
            .get("/api/v1/organisations")
            .by(&dpo_b)
            .await
            .expect(StatusCode::OK);
        let b_ids = ids(&b_list);
        assert!(
            b_ids.contains(&t.unit) && b_ids.contains(&t.department),
            "{b_list}"
        );

        // A single unit moves across just the same, and back again.
        let lone = text(
            &app.org(&admin, "Ensamma enheten", "unit", Some(&t.administration))
                .await,
            "id",
        );
        let moved = app
            .patch(org_url(&lone))
            .by(&admin)
            .json(json!({ "parent_id": adm_b }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(moved["controller_id"], board_b);
        assert_eq!(
            app.stored(&lone).await.path,
            format!("/{}/{}/{}/{}/", t.city, board_b, adm_b, lone)
        );
        app.get(org_url(&lone))
            .by(&dpo_a)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        let back = app
            .patch(org_url(&lone))
            .by(&admin)
            .json(json!({ "parent_id": t.administration }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(back["controller_id"], t.board);
        assert_eq!(back["version"], 3);
        app.get(org_url(&lone))
            .by(&dpo_a)
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&lone))
            .by(&dpo_b)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
);

both!(
    management_may_not_move_anything_into_another_controller,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let board_b = text(
            &app.org(&admin, "Bygg- och miljönämnden", "board", Some(&t.city))
                .await,
            "id",
        );
        let adm_b = text(
            &app.org(
                &admin,
                "Bygg- och miljöförvaltningen",
                "administration",
                Some(&board_b),
            )
            .await,
            "id",
        );
        // Even someone who leads both controllers.
        let boss = app.person("ledning@exempelstad.se", "Lena Ledning").await;
        app.grant(&t.board, &boss.id, &[Role::Management]).await;
        app.grant(&board_b, &boss.id, &[Role::Management]).await;
        let before = app.audit_events().await;
        app.patch(org_url(&t.department))
            .by(&boss)
            .json(json!({ "parent_id": adm_b }))
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(app.audit_events().await, before);
        assert_eq!(
            app.stored(&t.department).await.controller_id.as_deref(),
            Some(t.board.as_str())
        );
        // Within their own controller they may.
        let adm2 = text(
            &app.org(
                &boss,
                "Äldreförvaltningen",
                "administration",
                Some(&t.board),
            )
            .await,
            "id",
        );
        app.patch(org_url(&t.department))
            .by(&boss)
            .json(json!({ "parent_id": adm2 }))
            .await
            .expect(StatusCode::OK);
    }
);

both!(
    an_organisation_cannot_move_under_itself_or_to_a_wrong_kind_of_parent,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let other_department = app
            .org(
                &admin,
                "Avdelningen för vuxna",
                "department",
                Some(&t.administration),
            )
            .await;
        let other_board = text(
            &app.org(&admin, "Bygg- och miljönämnden", "board", Some(&t.city))
                .await,
            "id",
        );
        let before = app.audit_events().await;
        let unknown = unknown_id();
        for (target, parent, code) in [
            (&t.administration, &t.unit, "move_into_own_subtree"),
            (&t.administration, &t.department, "move_into_own_subtree"),
            (&t.department, &t.department, "move_into_own_subtree"),
            (&t.department, &t.unit, "move_into_own_subtree"),
            (
                &t.department,
                &text(&other_department, "id"),
                "parent_kind_not_allowed",
            ),
            (&t.board, &t.administration, "move_into_own_subtree"),
            (&t.board, &other_board, "parent_kind_not_allowed"),
            (&t.unit, &unknown, "parent_required"),
        ] {
            let p = app
                .patch(org_url(target))
                .by(&admin)
                .json(json!({ "parent_id": parent }))
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(
                field_errors(&p),
                vec![("parent_id".to_string(), code.to_string())],
                "{p}"
            );
        }
        assert_eq!(app.audit_events().await, before);
        assert_eq!(app.stored(&t.unit).await.version, 1);
    }
);

both!(
    archiving_is_refused_with_409_while_active_children_remain,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let before = app.audit_events().await;
        for id in [&t.department, &t.administration, &t.board, &t.city] {
            app.delete(org_url(id))
                .by(&admin)
                .await
                .problem(StatusCode::CONFLICT, "organisation_has_active_children");
        }
        app.patch(org_url(&t.department))
            .by(&admin)
            .json(json!({ "archived": true }))
            .await
            .problem(StatusCode::CONFLICT, "organisation_has_active_children");
        assert_eq!(app.audit_events().await, before);
        let d = app
            .get(org_url(&t.department))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        assert_eq!(d["archived"], false);
        assert_eq!(d["version"], 1);

        // Bottom up it works: an archived child no longer counts.
        app.delete(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        app.delete(org_url(&t.department))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
    }
);

both!(an_archived_organisation_can_be_restored, |app| async move {
    let admin = app.admin().await;
    let t = app.city(&admin).await;
    let res = app.delete(org_url(&t.unit)).by(&admin).await;
    let archived = res.expect(StatusCode::OK);
    assert_eq!(archived["archived"], true);
    assert!(archived["archived_at"].is_string());
    assert_eq!(archived["version"], 2);
    assert_eq!(res.etag(), Some("\"2\""));

    // Still there to be read, but not listed unless asked for.
    app.get(org_url(&t.unit))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    let listed = app
        .get("/api/v1/organisations?kind=unit")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert!(ids(&listed).is_empty(), "{listed}");
    let listed = app
        .get("/api/v1/organisations?kind=unit&archived=true")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(ids(&listed), vec![t.unit.clone()]);

    // Archiving again changes nothing.
    let again = app
        .delete(org_url(&t.unit))
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(again["version"], 2);
    assert_eq!(again["archived_at"], archived["archived_at"]);

    let restored = app
        .patch(org_url(&t.unit))
        .by(&admin)
        .json(json!({ "archived": false }))
        .await
        .expect(StatusCode::OK);
    assert_eq!(restored["archived"], false);
    assert_eq!(restored["archived_at"], Value::Null);
    assert_eq!(restored["version"], 3);
    let listed = app
        .get("/api/v1/organisations?kind=unit")
        .by(&admin)
        .await
        .expect(StatusCode::OK);
    assert_eq!(ids(&listed), vec![t.unit.clone()]);
});

both!(
    roles_in_an_archived_organisation_stop_working_until_it_is_restored,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        let manager = app.person("chef@exempelstad.se", "Cecilia Chef").await;
        app.grant(&t.unit, &manager.id, &[Role::Manager]).await;
        app.get(org_url(&t.unit))
            .by(&manager)
            .await
            .expect(StatusCode::OK);
        app.delete(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&t.unit))
            .by(&manager)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
        app.patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "archived": false }))
            .await
            .expect(StatusCode::OK);
        app.get(org_url(&t.unit))
            .by(&manager)
            .await
            .expect(StatusCode::OK);
    }
);

both!(an_unknown_organisation_is_404, |app| async move {
    let admin = app.admin().await;
    let id = unknown_id();
    app.get(org_url(&id))
        .by(&admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    app.patch(org_url(&id))
        .by(&admin)
        .json(json!({ "name": "X" }))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    app.delete(org_url(&id))
        .by(&admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    for sub in ["members", "history"] {
        app.get(format!("{}/{sub}", org_url(&id)))
            .by(&admin)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
});

both!(
    an_organisation_is_not_restored_under_an_archived_parent,
    |app| async move {
        let admin = app.admin().await;
        let t = app.city(&admin).await;
        app.delete(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        app.delete(org_url(&t.department))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        let before = app.audit_events().await;
        let res = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "archived": false }))
            .await;
        let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(
            field_errors(&p),
            vec![("parent_id".into(), "parent_required".into())]
        );
        assert_eq!(app.audit_events().await, before);
        assert!(app.stored(&t.unit).await.is_archived());
        // Moved under an active parent while being restored, it may.
        let other = text(
            &app.org(
                &admin,
                "Avdelningen för vuxna",
                "department",
                Some(&t.administration),
            )
            .await,
            "id",
        );
        let restored = app
            .patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "archived": false, "parent_id": other }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(restored["parent_id"], other);
        assert_eq!(restored["archived"], false);
        // Restored top down, it may too.
        app.patch(org_url(&t.department))
            .by(&admin)
            .json(json!({ "archived": false }))
            .await
            .expect(StatusCode::OK);
        app.delete(org_url(&t.unit))
            .by(&admin)
            .await
            .expect(StatusCode::OK);
        app.patch(org_url(&t.unit))
            .by(&admin)
            .json(json!({ "archived": false, "parent_id": t.department }))
            .await
            .expect(StatusCode::OK);
    }
);
