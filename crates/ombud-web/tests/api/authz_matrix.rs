//! The authorisation matrix, generated from the route table: every route of the API and of the pages
//! (`ombud_web::route_table()`) × every role (held at controller A's board, at A's unit, at the city,
//! nowhere, and the system administrator) × the place it is asked about (A, the person's own
//! controller, or B, another controller). Each answer is compared with what the rules allow, and no
//! answer to a person of A may carry anything of B.
//!
//! A route the table has but this test has no probe for fails the test: a route is tested the day it
//! is added, and a new kind's routes (which have the kinds' generic patterns) the day the kind is.
//!
//! The expectations are written out here by hand from the rules, not taken from the production
//! policy: a role applies to the subtree where it is held, never across a controller's border; the
//! registers are read by every role but the employee's and written by the kind's own editors;
//! management administers its tree (but hands on only the roles it holds itself); a record or an
//! organisation a person may not see does not exist for them.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use ombud_domain::kernel::Kind;
use ombud_domain::role::Role;
use ombud_web::routes::{RouteInfo, Surface};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Where a person's one grant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Admin,
    /// At A's board: reaches A's whole tree.
    Board,
    /// At A's unit only.
    Unit,
    /// At the city: reaches no controller.
    City,
    Nowhere,
}

struct Who {
    key: &'static str,
    role: Option<Role>,
    held: Held,
}

const fn who(key: &'static str, role: Option<Role>, held: Held) -> Who {
    Who { key, role, held }
}

use Held::*;
#[rustfmt::skip]
const TABLE: &[Who] = &[
    who("admin",                None,                            Admin),
    who("employee",             Some(Role::Employee),            Board),
    who("manager",              Some(Role::Manager),             Board),
    who("records_keeper",       Some(Role::RecordsKeeper),       Board),
    who("system_owner",         Some(Role::SystemOwner),         Board),
    who("security_coordinator", Some(Role::SecurityCoordinator), Board),
    who("dpo",                  Some(Role::Dpo),                 Board),
    who("management",           Some(Role::Management),          Board),
    who("auditor",              Some(Role::Auditor),             Board),
    who("unit_employee",        Some(Role::Employee),            Unit),
    who("unit_manager",         Some(Role::Manager),             Unit),
    who("unit_management",      Some(Role::Management),          Unit),
    who("city_dpo",             Some(Role::Dpo),                 City),
    who("nobody",               None,                            Nowhere),
];

/// What is asked about: in A (the unit, where every grant of A reaches) or in B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    A,
    B,
}

// ---------------------------------------------------------------------------------------------
// The rules, by hand

impl Who {
    fn admin(&self) -> bool {
        self.held == Admin
    }
    fn has(&self, roles: &[Role]) -> bool {
        self.admin() || self.role.is_some_and(|r| roles.contains(&r))
    }
    /// Whether the person holds a role at the place (A's unit).
    fn sees(&self, place: Place) -> bool {
        self.admin() || (place == Place::A && matches!(self.held, Board | Unit))
    }
    /// Whether the person holds a role at A's department (above the unit).
    fn sees_above_unit(&self, place: Place) -> bool {
        self.admin() || (place == Place::A && self.held == Board)
    }
    fn reads(&self) -> bool {
        self.has(&[
            Role::Manager,
            Role::RecordsKeeper,
            Role::SystemOwner,
            Role::SecurityCoordinator,
            Role::Dpo,
            Role::Management,
            Role::Auditor,
        ])
    }
    fn edits(&self, kind: Kind) -> bool {
        self.has(match kind {
            Kind::ProcessingActivity => &[Role::RecordsKeeper, Role::Manager, Role::Dpo],
            Kind::System => &[
                Role::SystemOwner,
                Role::SecurityCoordinator,
                Role::RecordsKeeper,
                Role::Dpo,
            ],
            Kind::Agreement => &[
                Role::RecordsKeeper,
                Role::SystemOwner,
                Role::Dpo,
                Role::Management,
            ],
        })
    }
    fn administers(&self) -> bool {
        self.has(&[Role::Management])
    }
}

fn allow(yes: bool, ok: StatusCode) -> StatusCode {
    if yes { ok } else { StatusCode::FORBIDDEN }
}

/// What the rules answer a person asking a route about a place.
fn expected(r: &RouteInfo, w: &Who, place: Place) -> StatusCode {
    use StatusCode as S;
    let kind = r.kind;
    let sees = w.sees(place);
    let read = |ok: S| if sees && w.reads() { ok } else { S::NOT_FOUND };
    let edit = |k: Kind, ok: S| {
        if !sees || !w.reads() {
            S::NOT_FOUND
        } else {
            allow(w.edits(k), ok)
        }
    };
    let unknown_org = S::UNPROCESSABLE_ENTITY;
    match (r.method, r.pattern.as_str(), kind) {
        ("POST", "/api/v1/session", _) => S::OK,
        ("GET", "/api/v1/session", _) => S::OK,
        ("DELETE", "/api/v1/session", _) => S::NO_CONTENT,
        ("GET", "/api/v1/users", _) => allow(w.admin(), S::OK),
        ("POST", "/api/v1/users", _) => allow(w.admin(), S::CREATED),
        ("GET", "/api/v1/users/me", _) => S::OK,
        // A wrong current password, whoever asks.
        ("POST", "/api/v1/users/me/password", _) => S::UNPROCESSABLE_ENTITY,
        ("GET", "/api/v1/users/{id}", _) => {
            if w.admin() {
                S::OK
            } else {
                S::NOT_FOUND
            }
        }
        ("PATCH", "/api/v1/users/{id}", _) => allow(w.admin(), S::OK),
        ("GET", "/api/v1/organisations", _) => S::OK,
        ("POST", "/api/v1/organisations", _) => {
            if w.sees_above_unit(place) {
                allow(w.administers(), S::CREATED)
            } else {
                unknown_org
            }
        }
        ("GET", "/api/v1/organisations/{id}", _) => {
            if sees {
                S::OK
            } else {
                S::NOT_FOUND
            }
        }
        ("PATCH", "/api/v1/organisations/{id}", _) => {
            if sees {
                allow(w.administers(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        // Archives a fresh unit beside A's unit: out of a unit-holder's sight.
        ("DELETE", "/api/v1/organisations/{id}", _) => {
            if w.sees_above_unit(place) {
                allow(w.administers(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/api/v1/organisations/{id}/members", _)
        | ("GET", "/api/v1/organisations/{id}/history", _) => {
            if sees {
                allow(w.reads(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        // Hands on the role "management": only management (and the administrator) holds it.
        ("PUT", "/api/v1/organisations/{id}/members/{user_id}", _) => {
            if sees {
                allow(w.administers(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/api/v1/organisations/{id}/gaps", _)
        | ("GET", "/api/v1/organisations/{id}/system-figures", _) => {
            if sees {
                allow(w.reads(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/api/v1/{kind}", Some(_)) => {
            if sees {
                S::OK
            } else {
                S::NOT_FOUND
            }
        }
        ("POST", "/api/v1/{kind}", Some(k)) => {
            if sees {
                allow(w.edits(k), S::CREATED)
            } else {
                unknown_org
            }
        }
        ("GET", "/api/v1/{kind}/export", Some(_)) => {
            if sees {
                allow(w.reads(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("POST", "/api/v1/{kind}/import", Some(k)) => {
            if sees {
                allow(w.edits(k), S::OK)
            } else {
                unknown_org
            }
        }
        ("GET", "/api/v1/{kind}/{id}", Some(_)) => read(S::OK),
        ("GET", "/api/v1/{kind}/{id}/history", Some(_)) => read(S::OK),
        ("PATCH", "/api/v1/{kind}/{id}", Some(k)) => edit(k, S::OK),
        ("DELETE", "/api/v1/{kind}/{id}", Some(k)) => edit(k, S::NO_CONTENT),
        ("POST", "/api/v1/{kind}/{id}/transitions", Some(k)) => edit(k, S::OK),
        ("POST", "/api/v1/{kind}/{id}/compliance-checks", Some(k)) => edit(k, S::CREATED),
        ("GET", "/api/v1/openapi.json", _) | ("GET", "/healthz", _) => S::OK,
        (m, p, _) => panic!(
            "{m} {p} ({:?}) is not in the matrix: add its probe and rule",
            r.access
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The world

struct Side {
    department: String,
    unit: String,
    /// One record of each kind, owned by the unit.
    records: Vec<(Kind, String)>,
}

struct World {
    admin: Person,
    a: Side,
    b: Side,
    people: Vec<Person>,
    /// Whose roles the members route sets: holds nothing otherwise.
    probe: Person,
    /// B's data protection officer.
    berit: Person,
    /// Everything of B a person of A must never see.
    secrets_of_b: Vec<String>,
}

impl World {
    fn side(&self, place: Place) -> &Side {
        match place {
            Place::A => &self.a,
            Place::B => &self.b,
        }
    }
}

/// The least a record of a kind needs, for a probe.
fn draft(kind: Kind, name: &str) -> Value {
    match kind {
        Kind::ProcessingActivity | Kind::System => json!({ "name": name }),
        Kind::Agreement => json!({ "counterparty": name }),
    }
}

async fn record(app: &TestApp, by: &Person, kind: Kind, org: &str, name: &str) -> String {
    let mut body = draft(kind, name);
    body["organisation_id"] = json!(org);
    text(
        &app.post(format!("/api/v1/{}", kind.info().api))
            .by(by)
            .json(body)
            .await
            .expect(StatusCode::CREATED),
        "id",
    )
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
    let mut sides = Vec::new();
    for (board_name, prefix) in [
        ("Socialnämnden", "Social"),
        ("Bygg- och miljönämnden", "Hemlig B"),
    ] {
        let board = text(
            &app.org(&admin, board_name, "board", Some(&city)).await,
            "id",
        );
        let department = text(
            &app.org(
                &admin,
                &format!("{prefix} avdelning"),
                "department",
                Some(&board),
            )
            .await,
            "id",
        );
        let unit = text(
            &app.org(
                &admin,
                &format!("{prefix} enhet"),
                "unit",
                Some(&department),
            )
            .await,
            "id",
        );
        let mut records = Vec::new();
        for kind in Kind::ALL {
            let id = record(
                app,
                &admin,
                kind,
                &unit,
                &format!("{prefix} {}", kind.code()),
            )
            .await;
            records.push((kind, id));
        }
        sides.push((
            board,
            Side {
                department,
                unit,
                records,
            },
        ));
    }
    let (b_board, b) = sides.pop().expect("B");
    let (a_board, a) = sides.pop().expect("A");
    let mut people = Vec::new();
    for w in TABLE {
        if w.held == Admin {
            people.push(admin.clone());
            continue;
        }
        let email = format!("{}@soc.exempelstad.se", w.key.replace('_', "."));
        let id = app
            .create_user(&email, &format!("Person {}", w.key), false)
            .await;
        if let Some(role) = w.role {
            let at = match w.held {
                Board => &a_board,
                Unit => &a.unit,
                City => &city,
                Admin | Nowhere => unreachable!("no grant for {}", w.key),
            };
            app.grant(at, &id, &[role]).await;
        }
        people.push(Person {
            token: app.sign_in(&email, PASSWORD).await,
            name: format!("Person {}", w.key),
            id,
            email,
        });
    }
    let probe = app
        .person("provperson@soc.exempelstad.se", "Prova Persson")
        .await;
    let berit = app
        .person("berit.byggare@bygg.exempelstad.se", "Berit Byggare")
        .await;
    app.grant(&b_board, &berit.id, &[Role::Dpo]).await;
    let mut secrets_of_b = vec![
        b_board.clone(),
        b.department.clone(),
        b.unit.clone(),
        "Hemlig B".into(),
        "Bygg- och miljö".into(),
        berit.id.clone(),
        berit.name.clone(),
        berit.email.clone(),
    ];
    secrets_of_b.extend(b.records.iter().map(|(_, id)| id.clone()));
    World {
        admin,
        a,
        b,
        people,
        probe,
        berit,
        secrets_of_b,
    }
}

// ---------------------------------------------------------------------------------------------
// Probes: one request per route, about a place

/// A small CSV for an import's dry run.
fn csv_of(kind: Kind) -> &'static str {
    match kind {
        Kind::ProcessingActivity => "Behandling;Ändamål\nProvimport;Att prova\n",
        Kind::System => "System;Leverantör\nProvsystem;Prov AB\n",
        Kind::Agreement => "Motpart;Avtal\nProv AB;Provavtal\n",
    }
}

fn multipart(fields: &[(&str, &str)], file: &str) -> (String, Vec<u8>) {
    let boundary = "ombudmatrixboundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prov.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// Fills a route's path and body for a person and place, makes what the request would consume
/// (a record to delete, a session to end), and sends it.
async fn probe(app: &TestApp, world: &World, r: &RouteInfo, by: &Person, place: Place) -> Resp {
    let side = world.side(place);
    let admin = &world.admin;
    let method = Method::from_bytes(r.method.as_bytes()).expect("a method");
    let kind_record = |k: Kind| {
        side.records
            .iter()
            .find(|(kk, _)| *kk == k)
            .map(|(_, id)| id.clone())
            .expect("a record of every kind")
    };
    let fill = |path: &str, id: &str| path.replace("{id}", id);
    match (r.method, r.pattern.as_str(), r.kind) {
        ("POST", "/api/v1/session", _) => {
            app.post(&r.path)
                .json(json!({ "email": by.email, "password": PASSWORD }))
                .await
        }
        ("DELETE", "/api/v1/session", _) => {
            // A session of its own to end, so that the person's token lives on.
            let token = app.sign_in(&by.email, PASSWORD).await;
            app.delete(&r.path).token(&token).await
        }
        ("POST", "/api/v1/users", _) => {
            app.post(&r.path)
                .by(by)
                .json(json!({
                    "email": format!("ny.{}@soc.exempelstad.se", ombud_domain::ids::new_id()),
                    "name": "Ny Person",
                }))
                .await
        }
        ("POST", "/api/v1/users/me/password", _) => {
            app.post(&r.path)
                .by(by)
                .json(json!({ "current_password": "fel lösenord", "new_password": "ett annat bra lösenord" }))
                .await
        }
        ("GET", "/api/v1/users/{id}", _) => {
            let target = match place {
                Place::A => &world.probe,
                Place::B => &world.berit,
            };
            app.get(fill(&r.path, &target.id)).by(by).await
        }
        ("PATCH", "/api/v1/users/{id}", _) => {
            let target = match place {
                Place::A => &world.probe,
                Place::B => &world.berit,
            };
            app.patch(fill(&r.path, &target.id))
                .by(by)
                .json(json!({ "disabled": false }))
                .await
        }
        ("POST", "/api/v1/organisations", _) => {
            app.post(&r.path)
                .by(by)
                .json(json!({ "name": "Nya enheten", "kind": "unit", "parent_id": side.department }))
                .await
        }
        ("PATCH", "/api/v1/organisations/{id}", _) => {
            let name = app.stored(&side.unit).await.name;
            app.patch(fill(&r.path, &side.unit))
                .by(by)
                .json(json!({ "name": name }))
                .await
        }
        ("DELETE", "/api/v1/organisations/{id}", _) => {
            let fresh = text(
                &app.org(admin, "Tillfällig enhet", "unit", Some(&side.department)).await,
                "id",
            );
            app.delete(fill(&r.path, &fresh)).by(by).await
        }
        ("PUT", "/api/v1/organisations/{id}/members/{user_id}", _) => {
            let res = app
                .put(fill(&r.path, &side.unit).replace("{user_id}", &world.probe.id))
                .by(by)
                .json(json!({ "roles": ["management"] }))
                .await;
            if res.status == StatusCode::OK {
                app.put(fill(&r.path, &side.unit).replace("{user_id}", &world.probe.id))
                    .by(admin)
                    .json(json!({ "roles": [] }))
                    .await
                    .expect(StatusCode::OK);
            }
            res
        }
        (_, p, _) if p.starts_with("/api/v1/organisations/{id}") => {
            app.call(method, fill(&r.path, &side.unit)).by(by).await
        }
        ("GET", "/api/v1/{kind}", Some(_)) => {
            app.get(format!("{}?organisation_id={}", r.path, side.unit))
                .by(by)
                .await
        }
        ("POST", "/api/v1/{kind}", Some(k)) => {
            let mut body = draft(k, "Ny post");
            body["organisation_id"] = json!(side.unit);
            app.post(&r.path).by(by).json(body).await
        }
        ("GET", "/api/v1/{kind}/export", Some(_)) => {
            app.get(format!("{}?organisation_id={}&format=csv", r.path, side.unit))
                .by(by)
                .await
        }
        ("POST", "/api/v1/{kind}/import", Some(k)) => {
            let (ct, body) = multipart(&[("organisation_id", &side.unit)], csv_of(k));
            app.post(&r.path).by(by).raw(Some(&ct), body).await
        }
        ("DELETE", "/api/v1/{kind}/{id}", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att ta bort").await;
            app.delete(fill(&r.path, &fresh)).by(by).await
        }
        ("PATCH", "/api/v1/{kind}/{id}", Some(k)) => {
            app.patch(fill(&r.path, &kind_record(k)))
                .by(by)
                .json(json!({}))
                .await
        }
        ("POST", "/api/v1/{kind}/{id}/transitions", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att skicka").await;
            let wf = k.info().workflow.expect("a workflow");
            let to = wf
                .steps
                .iter()
                .find(|s| s.from == wf.initial)
                .expect("a first step")
                .to;
            app.post(fill(&r.path, &fresh))
                .by(by)
                .json(json!({ "to": to }))
                .await
        }
        ("POST", "/api/v1/{kind}/{id}/compliance-checks", Some(k)) => {
            app.post(fill(&r.path, &kind_record(k)))
                .by(by)
                .json(json!({ "checked_on": "2026-01-05", "finding": "Stämmer med avtalet." }))
                .await
        }
        (_, _, Some(k)) if r.path.contains("{id}") => {
            app.call(method, fill(&r.path, &kind_record(k))).by(by).await
        }
        _ => app.call(method, r.path.clone()).by(by).await,
    }
}

/// Whether an answer carries anything of B.
fn leaks(world: &World, res: &Resp) -> Option<String> {
    let text = res.text();
    let headers: String = res
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", v.to_str().unwrap_or_default()))
        .collect();
    world
        .secrets_of_b
        .iter()
        .find(|s| text.contains(s.as_str()) || headers.contains(s.as_str()))
        .cloned()
}

fn short(body: &str) -> String {
    body.chars().take(200).collect()
}

/// Every route of the table, the API's as this test probes them.
fn routes(surface: Surface) -> Vec<RouteInfo> {
    ombud_web::route_table()
        .into_iter()
        .filter(|r| r.surface == surface)
        .collect()
}

both!(
    every_api_route_answers_every_role_as_the_rules_say_and_tells_nothing_of_another_controller,
    |app| async move {
        let world = world(&app).await;
        let mut wrong = Vec::new();
        let mut seen = BTreeSet::new();
        for r in routes(Surface::Api) {
            seen.insert(format!("{} {}", r.method, r.pattern));
            for (w, person) in TABLE.iter().zip(&world.people) {
                for place in [Place::A, Place::B] {
                    let want = expected(&r, w, place);
                    let res = probe(&app, &world, &r, person, place).await;
                    if res.status != want {
                        wrong.push(format!(
                            "{:<22} {:<6} {} about {place:?}: expected {want}, got {} {}",
                            w.key,
                            r.method,
                            r.path,
                            res.status,
                            short(&res.text())
                        ));
                    }
                    if !w.admin()
                        && let Some(secret) = leaks(&world, &res)
                    {
                        wrong.push(format!(
                            "{:<22} {:<6} {} about {place:?} tells {secret:?}: {}",
                            w.key,
                            r.method,
                            r.path,
                            short(&res.text())
                        ));
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} answers differ from the rules on {}:\n{}",
            wrong.len(),
            app.backend,
            wrong.join("\n")
        );
        // Every kind's routes were among them.
        for k in Kind::ALL {
            for m in [
                "GET /api/v1/{kind}",
                "POST /api/v1/{kind}",
                "GET /api/v1/{kind}/{id}",
            ] {
                assert!(seen.contains(m), "{m} for {k:?}");
            }
        }
    }
);

both!(
    the_openapi_document_describes_every_api_route_of_the_table,
    |app| async move {
        let doc = app.get("/api/v1/openapi.json").await.expect(StatusCode::OK);
        let mut described = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for m in ["get", "post", "put", "patch", "delete"] {
                if item[m].is_object() {
                    described.insert(format!("{} {path}", m.to_uppercase()));
                }
            }
        }
        let routed: BTreeSet<String> = routes(Surface::Api)
            .into_iter()
            .filter(|r| r.path != "/api/v1/openapi.json")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            routed.difference(&described).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "routes without a description"
        );
        assert_eq!(
            described.difference(&routed).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "descriptions without a route"
        );
        for k in Kind::ALL {
            let path = format!("/api/v1/{}", k.info().api);
            let props = &doc["paths"][&path]["post"]["requestBody"]["content"]["application/json"]
                ["schema"]["properties"];
            for f in k
                .info()
                .fields
                .iter()
                .filter(|f| !matches!(f.input, ombud_domain::kernel::field::Input::Kept))
            {
                assert!(
                    props[f.key()].is_object(),
                    "{path}: {} is not described",
                    f.key()
                );
            }
        }
    }
);

/// The people and places of the matrix are what the rules need: every role, every place, and B has
/// something of each kind to keep from A.
#[test]
fn the_matrix_covers_every_role_and_every_kind() {
    let roles: BTreeSet<&str> = TABLE
        .iter()
        .filter_map(|w| w.role.map(|r| r.as_str()))
        .collect();
    for r in Role::ALL {
        assert!(roles.contains(r.as_str()), "{r:?}");
    }
    assert!(TABLE.iter().any(|w| w.held == Nowhere));
    assert!(TABLE.iter().any(|w| w.held == City));
    for k in Kind::ALL {
        assert!(!csv_of(k).is_empty());
        assert!(draft(k, "x").is_object());
    }
}
