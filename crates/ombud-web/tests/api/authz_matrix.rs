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
//! registers are read by every role but the employee's and written by the kind's own editors; the
//! breach register is read by those who handle breaches (and the auditor), while anyone with a role
//! reports a breach;
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
    /// Whether the person reads the kind's records.
    fn reads_kind(&self, kind: Kind) -> bool {
        match kind {
            Kind::Breach => self.has(&[
                Role::Manager,
                Role::SecurityCoordinator,
                Role::Dpo,
                Role::Management,
                Role::Auditor,
            ]),
            Kind::Request => self.has(&[
                Role::RecordsKeeper,
                Role::Manager,
                Role::Dpo,
                Role::Management,
                Role::Auditor,
            ]),
            _ => self.reads(),
        }
    }
    /// Whether the person registers the kind's records: a breach is reported by anyone with a role.
    fn creates(&self, kind: Kind) -> bool {
        match kind {
            Kind::Breach => self.admin() || self.role.is_some(),
            k => self.edits(k),
        }
    }
    fn edits(&self, kind: Kind) -> bool {
        self.has(match kind {
            Kind::Breach => &[
                Role::Manager,
                Role::SecurityCoordinator,
                Role::Dpo,
                Role::Management,
            ],
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
            Kind::Request => &[Role::RecordsKeeper, Role::Manager, Role::Dpo],
        })
    }
    fn administers(&self) -> bool {
        self.has(&[Role::Management])
    }
    /// The DPO's position on a breach's proposal: the DPO's alone among those who handle breaches.
    fn decides(&self, kind: Kind, place: Place, ok: StatusCode) -> StatusCode {
        if !self.sees(place) || !self.reads_kind(kind) {
            StatusCode::NOT_FOUND
        } else {
            allow(self.edits(kind) && self.has(&[Role::Dpo]), ok)
        }
    }
    /// A notice to the place's controller: read (and registered as their breach) by those who read
    /// breaches at the controller itself; a role at a unit does not open the controller's inbox.
    fn inbox(&self, place: Place, ok: StatusCode) -> StatusCode {
        if self.sees_above_unit(place) && self.reads_kind(Kind::Breach) {
            ok
        } else {
            StatusCode::NOT_FOUND
        }
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
    let reads = kind.map_or(w.reads(), |k| w.reads_kind(k));
    let read = |ok: S| if sees && reads { ok } else { S::NOT_FOUND };
    let edit = |k: Kind, ok: S| {
        if !sees || !w.reads_kind(k) {
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
        ("GET", "/api/v1/organisations/{id}/breach-figures", _) => {
            if sees {
                allow(w.reads_kind(Kind::Breach), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/api/v1/organisations/{id}/request-retention", _)
        | ("GET", "/api/v1/organisations/{id}/request-days-off", _) => {
            if sees {
                allow(w.reads_kind(Kind::Request), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        // Decided for the whole controller: a role at a unit sees the unit but does not decide.
        ("PUT", "/api/v1/organisations/{id}/request-retention", _)
        | ("PUT", "/api/v1/organisations/{id}/request-days-off", _) => {
            if sees {
                allow(w.edits(Kind::Request) && w.sees_above_unit(place), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/api/v1/organisations/{id}/request-figures", _) => {
            if sees {
                allow(w.reads_kind(Kind::Request), S::OK)
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
                allow(w.creates(k), S::CREATED)
            } else {
                unknown_org
            }
        }
        ("GET", "/api/v1/{kind}/export", Some(k)) => {
            if sees {
                allow(w.reads_kind(k), S::OK)
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
        ("PUT", "/api/v1/{kind}/{id}/assessment", Some(k)) => edit(k, S::OK),
        ("PUT", "/api/v1/{kind}/{id}/dpo-decision", Some(k)) => w.decides(k, place, S::OK),
        ("GET", "/api/v1/{kind}/{id}/notices", Some(_))
        | ("GET", "/api/v1/{kind}/{id}/imy-notice", Some(_))
        | ("GET", "/api/v1/{kind}/{id}/answer", Some(_)) => read(S::OK),
        ("POST", "/api/v1/{kind}/{id}/imy-notices", Some(k)) => edit(k, S::OK),
        ("POST", "/api/v1/{kind}/{id}/notices", Some(k)) => edit(k, S::CREATED),
        ("POST", "/api/v1/{kind}/{id}/extension", Some(k)) => edit(k, S::OK),
        // The inbox lists what the person may read, and is empty for the rest.
        ("GET", "/api/v1/breach-notices", _) => S::OK,
        ("GET", "/api/v1/breach-notices/{id}", _) => w.inbox(place, S::OK),
        ("POST", "/api/v1/breach-notices/{id}/breach", _) => w.inbox(place, S::CREATED),
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
    board: String,
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
    /// What the directory of the city's controllers shows of B (its board, by id and name), which
    /// the page that addresses a notice may show and nothing else may.
    directory_of_b: Vec<String>,
    /// A third controller, C, whose breach tells A and B.
    c_board: String,
    c_breach: String,
    /// C's notice to A's board and to B's.
    notice_to_a: String,
    notice_to_b: String,
}

impl World {
    fn side(&self, place: Place) -> &Side {
        match place {
            Place::A => &self.a,
            Place::B => &self.b,
        }
    }

    fn notice_to(&self, place: Place) -> &str {
        match place {
            Place::A => &self.notice_to_a,
            Place::B => &self.notice_to_b,
        }
    }

    fn board_of(&self, place: Place) -> &str {
        &self.side(place).board
    }
}

/// Gives a breach a risk assessment (negligible risk: the proposal is not to notify), by the
/// administrator.
async fn assessed(app: &TestApp, admin: &Person, breach: &str) {
    app.put(format!("/api/v1/breaches/{breach}/assessment"))
        .by(admin)
        .json(
            json!({ "data_processing_context": 2, "ease_of_identification": 0.75,
            "confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": false }),
        )
        .await
        .expect(StatusCode::OK);
}

/// A notice from C's breach to a board, sent by the administrator.
async fn notice(app: &TestApp, admin: &Person, c_breach: &str, to_board: &str) -> String {
    let res = app
        .post(format!("/api/v1/breaches/{c_breach}/notices"))
        .by(admin)
        .json(json!({ "controller_ids": [to_board], "message": "Ring Kulturförvaltningen." }))
        .await
        .expect(StatusCode::CREATED);
    res["items"][0]["id"]
        .as_str()
        .expect("a notice id")
        .to_string()
}

/// The least a record of a kind needs, for a probe.
fn draft(kind: Kind, name: &str) -> Value {
    match kind {
        Kind::ProcessingActivity | Kind::System => json!({ "name": name }),
        Kind::Agreement => json!({ "counterparty": name }),
        Kind::Breach => json!({ "description": name,
            "discovered_at": "2026-01-05T09:00:00+01:00", "aware_at": "2026-01-05T09:30:00+01:00" }),
        // Its identity checked already, so that the workflow's first step can be taken.
        Kind::Request => json!({ "type": "access", "received_on": "2026-01-05",
            "identity_verified_on": "2026-01-06", "requester": { "name": name } }),
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
            board.clone(),
            Side {
                board,
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
    let directory_of_b = vec![b_board.clone(), "Bygg- och miljö".into()];
    let c_board = text(
        &app.org(&admin, "Kulturnämnden", "board", Some(&city)).await,
        "id",
    );
    let c_breach = record(app, &admin, Kind::Breach, &c_board, "Kultur incident").await;
    let notice_to_a = notice(app, &admin, &c_breach, &a_board).await;
    let notice_to_b = notice(app, &admin, &c_breach, &b_board).await;
    secrets_of_b.push(notice_to_b.clone());
    World {
        admin,
        a,
        b,
        people,
        probe,
        berit,
        secrets_of_b,
        directory_of_b,
        c_board,
        c_breach,
        notice_to_a,
        notice_to_b,
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
        Kind::Breach => {
            "Beskrivning;Upptäckt;Kännedom\nProvincident;2026-01-05 09:00;2026-01-05 09:30\n"
        }
        Kind::Request => "Typ;Mottagen;Den registrerade\naccess;2026-01-05;Prova Person\n",
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
        ("PUT", "/api/v1/organisations/{id}/request-retention", _) => {
            app.put(fill(&r.path, &side.unit))
                .by(by)
                .json(json!({ "granted_identity_months": null, "refused_identity_years": null }))
                .await
        }
        ("PUT", "/api/v1/organisations/{id}/request-days-off", _) => {
            app.put(fill(&r.path, &side.unit))
                .by(by)
                .json(json!({ "midsommarafton": false, "julafton": true, "nyarsafton": false }))
                .await
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
        ("PUT", "/api/v1/{kind}/{id}/assessment", Some(k)) => {
            app.put(fill(&r.path, &kind_record(k)))
                .by(by)
                .json(json!({ "data_processing_context": 2, "ease_of_identification": 0.75,
                    "confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": false }))
                .await
        }
        ("PUT", "/api/v1/{kind}/{id}/dpo-decision", Some(k)) => {
            let id = kind_record(k);
            assessed(app, admin, &id).await;
            app.put(fill(&r.path, &id))
                .by(by)
                .json(json!({ "confirm": true }))
                .await
        }
        ("POST", "/api/v1/{kind}/{id}/imy-notices", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att anmäla").await;
            app.post(fill(&r.path, &fresh))
                .by(by)
                .json(json!({ "sent_at": "2026-01-06T09:00:00+01:00" }))
                .await
        }
        ("POST", "/api/v1/{kind}/{id}/extension", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att förlänga").await;
            app.post(fill(&r.path, &fresh))
                .by(by)
                .json(json!({ "months": 2, "reason": "Omfattande", "requester_informed_on": "2026-01-10" }))
                .await
        }
        ("POST", "/api/v1/{kind}/{id}/notices", Some(k)) => {
            app.post(fill(&r.path, &kind_record(k)))
                .by(by)
                .json(json!({ "controller_ids": [world.c_board] }))
                .await
        }
        ("GET", "/api/v1/breach-notices/{id}", _) => {
            app.get(fill(&r.path, world.notice_to(place))).by(by).await
        }
        ("POST", "/api/v1/breach-notices/{id}/breach", _) => {
            let fresh = notice(app, admin, &world.c_breach, world.board_of(place)).await;
            app.post(fill(&r.path, &fresh)).by(by).await
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

/// The routes that show the directory of the city's controllers (to address a notice): they may
/// name B's board, and nothing else of B.
const DIRECTORY: &[&str] = &["/api/v1/{kind}/{id}/notices", "/{kind}/{id}/underrattelser"];

/// Whether an answer carries anything of B that the route may not show.
fn leaks_from(world: &World, r: &RouteInfo, res: &Resp) -> Option<String> {
    if r.method == "GET" && DIRECTORY.contains(&r.pattern.as_str()) {
        let text = res.text();
        return world
            .secrets_of_b
            .iter()
            .filter(|s| !world.directory_of_b.contains(s))
            .find(|s| text.contains(s.as_str()))
            .cloned();
    }
    leaks(world, res)
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
                        && let Some(secret) = leaks_from(&world, &r, &res)
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

// ---------------------------------------------------------------------------------------------
// The pages: the same people and places, as a browser asks (session cookie, CSRF token in forms,
// a same-origin request). A form that is accepted answers 303; one that is read but refused for
// what it says answers 422.

/// What the rules answer a signed-in person asking a page route about a place.
fn expected_page(r: &RouteInfo, w: &Who, place: Place) -> StatusCode {
    use StatusCode as S;
    let sees = w.sees(place);
    let reads = r.kind.map_or(w.reads(), |k| w.reads_kind(k));
    let read = |ok: S| if sees && reads { ok } else { S::NOT_FOUND };
    let edit = |k: Kind, ok: S| {
        if !sees || !w.reads_kind(k) {
            S::NOT_FOUND
        } else {
            allow(w.edits(k), ok)
        }
    };
    // A kind's pages reached without a record: the list and the forms are for whoever reads (or
    // edits) the kind anywhere; an organisation out of sight is one that does not exist.
    let anywhere = |may: bool, ok: S| {
        if !may {
            S::FORBIDDEN
        } else if sees {
            ok
        } else {
            S::NOT_FOUND
        }
    };
    let reaches_a_controller = matches!(w.held, Admin | Board | Unit);
    match (r.method, r.pattern.as_str(), r.kind) {
        ("GET", "/static/ombud.css", _) | ("GET", "/static/form-check.js", _) => S::OK,
        ("GET", "/healthz", _) => S::OK,
        // No metrics token in the tests' configuration: as if it did not exist, for everyone.
        ("GET", "/metrics", _) => S::NOT_FOUND,
        // No identity provider in the tests' configuration.
        ("GET", "/logga-in/sso", _) | ("GET", "/logga-in/sso/klar", _) => S::NOT_FOUND,
        // Signed in already: on to the start page.
        ("GET", "/logga-in", _) => S::SEE_OTHER,
        ("POST", "/logga-in", _) | ("POST", "/logga-ut", _) | ("POST", "/sprak", _) => S::SEE_OTHER,
        ("GET", "/", _)
        | ("GET", "/konto", _)
        | ("GET", "/organisationer", _)
        | ("GET", "/brister", _) => S::OK,
        // A wrong current password, whoever asks.
        ("POST", "/konto/losenord", _) => S::UNPROCESSABLE_ENTITY,
        ("POST", "/organisationer", _) => allow(w.admin(), S::SEE_OTHER),
        ("GET", "/organisationer/{id}", _) => {
            if sees {
                S::OK
            } else {
                S::NOT_FOUND
            }
        }
        // Under A's department: out of a unit-holder's sight.
        ("POST", "/organisationer/{id}/underorganisationer", _) => {
            if w.sees_above_unit(place) {
                allow(w.administers(), S::SEE_OTHER)
            } else {
                S::NOT_FOUND
            }
        }
        ("POST", "/organisationer/{id}/namn", _)
        | ("POST", "/organisationer/{id}/medlemmar", _) => {
            if sees {
                allow(w.administers(), S::SEE_OTHER)
            } else {
                S::NOT_FOUND
            }
        }
        // A fresh unit beside A's unit, moved to the board or archived.
        ("POST", "/organisationer/{id}/flytta", _) | ("POST", "/organisationer/{id}/arkiv", _) => {
            if w.sees_above_unit(place) {
                allow(w.administers(), S::SEE_OTHER)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/organisationer/{id}/gallring", _)
        | ("GET", "/organisationer/{id}/lediga-dagar", _) => {
            if sees {
                allow(w.reads_kind(Kind::Request), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("POST", "/organisationer/{id}/gallring", _)
        | ("POST", "/organisationer/{id}/lediga-dagar", _) => {
            if sees {
                allow(
                    w.edits(Kind::Request) && w.sees_above_unit(place),
                    S::SEE_OTHER,
                )
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/organisationer/{id}/historik", _)
        | ("GET", "/organisationer/{id}/brister", _) => {
            if sees {
                allow(w.reads(), S::OK)
            } else {
                S::NOT_FOUND
            }
        }
        ("GET", "/personer", _) => allow(w.admin(), S::OK),
        ("POST", "/personer", _) | ("POST", "/personer/{id}/avstangd", _) => {
            allow(w.admin(), S::SEE_OTHER)
        }
        ("GET", "/{kind}", Some(k)) => anywhere(w.reads_kind(k) && reaches_a_controller, S::OK),
        // A new record's form: for whoever registers the kind somewhere; the import's first page
        // for whoever edits it. A place out of sight is not chosen in advance, as an unknown one is
        // not.
        ("GET", "/{kind}/ny", Some(k)) => allow(w.creates(k) && reaches_a_controller, S::OK),
        ("GET", "/{kind}/import", Some(k)) => allow(w.edits(k) && reaches_a_controller, S::OK),
        // Saved into a place out of sight: the place is unknown, whoever asks (as in the API).
        ("POST", "/{kind}/ny", Some(k)) => {
            if sees {
                allow(w.creates(k), S::SEE_OTHER)
            } else {
                S::UNPROCESSABLE_ENTITY
            }
        }
        ("POST", "/{kind}/import", Some(k)) => {
            if sees {
                allow(w.edits(k), S::OK)
            } else {
                S::UNPROCESSABLE_ENTITY
            }
        }
        ("POST", "/{kind}/validera", Some(k)) => allow(w.creates(k) && reaches_a_controller, S::OK),
        ("GET", "/{kind}/{id}", Some(_)) | ("GET", "/{kind}/{id}/historik", Some(_)) => read(S::OK),
        ("GET", "/{kind}/{id}/redigera", Some(k)) | ("GET", "/{kind}/{id}/ta-bort", Some(k)) => {
            edit(k, S::OK)
        }
        ("POST", "/{kind}/{id}/redigera", Some(k))
        | ("POST", "/{kind}/{id}/ta-bort", Some(k))
        | ("POST", "/{kind}/{id}/status", Some(k))
        | ("POST", "/{kind}/{id}/efterlevnadskontroller", Some(k))
        | ("POST", "/{kind}/{id}/riskbedomning", Some(k)) => edit(k, S::SEE_OTHER),
        ("GET", "/{kind}/{id}/riskbedomning", Some(k)) => edit(k, S::OK),
        ("GET", "/{kind}/{id}/dokument", Some(_))
        | ("GET", "/{kind}/{id}/underrattelser", Some(_)) => read(S::OK),
        ("POST", "/{kind}/{id}/underrattelser", Some(k))
        | ("POST", "/{kind}/{id}/dokument/skickad", Some(k)) => edit(k, S::SEE_OTHER),
        ("GET", "/{kind}/{id}/dokument/imy.pdf", Some(_))
        | ("GET", "/{kind}/{id}/dokument/brev.pdf", Some(_))
        | ("GET", "/{kind}/{id}/svar", Some(_))
        | ("GET", "/{kind}/{id}/sok", Some(_))
        | ("GET", "/{kind}/{id}/svar.pdf", Some(_)) => read(S::OK),
        ("GET", "/{kind}/{id}/dpo-stallningstagande", Some(k)) => w.decides(k, place, S::OK),
        ("GET", "/{kind}/{id}/forlangning", Some(k)) => edit(k, S::OK),
        ("POST", "/{kind}/{id}/forlangning", Some(k)) | ("POST", "/{kind}/{id}/sok", Some(k)) => {
            edit(k, S::SEE_OTHER)
        }
        ("POST", "/{kind}/{id}/dpo-stallningstagande", Some(k)) => {
            w.decides(k, place, S::SEE_OTHER)
        }
        ("GET", "/incidenter/inkorg", _) => S::OK,
        ("GET", "/incidenter/inkorg/{id}", _) => w.inbox(place, S::OK),
        ("POST", "/incidenter/inkorg/{id}/registrera", _) => w.inbox(place, S::SEE_OTHER),
        (m, p, _) => panic!(
            "page {m} {p} ({:?}) is not in the matrix: add its probe and rule",
            r.access
        ),
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A browser's session: its cookie and the CSRF token its forms carry.
struct Browser {
    token: String,
    csrf: String,
}

async fn browser(app: &TestApp, token: &str) -> Browser {
    let s = app
        .get("/api/v1/session")
        .token(token)
        .await
        .expect(StatusCode::OK);
    Browser {
        token: token.to_string(),
        csrf: text(&s, "csrf_token"),
    }
}

impl Browser {
    fn get<'a>(&self, app: &'a TestApp, path: &str) -> Call<'a> {
        app.get(path)
            .header("cookie", &format!("ombud_session={}", self.token))
            .header("sec-fetch-site", "same-origin")
    }

    /// A form posted from a page of this site, with the session's CSRF token.
    fn post<'a>(&self, app: &'a TestApp, path: &str, fields: &[(&str, &str)]) -> Call<'a> {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        app.post(path)
            .header("cookie", &format!("ombud_session={}", self.token))
            .header("sec-fetch-site", "same-origin")
            .raw(Some("application/x-www-form-urlencoded"), form(&all))
    }

    fn multipart<'a>(&self, app: &'a TestApp, path: &str, org: &str, file: &str) -> Call<'a> {
        let (ct, body) = multipart(&[("csrf", &self.csrf), ("organisation_id", org)], file);
        app.post(path)
            .header("cookie", &format!("ombud_session={}", self.token))
            .header("sec-fetch-site", "same-origin")
            .raw(Some(&ct), body)
    }
}

/// A record's version as the administrator reads it.
async fn record_version(app: &TestApp, admin: &Person, kind: Kind, id: &str) -> String {
    let v = app
        .get(format!("/api/v1/{}/{id}", kind.info().api))
        .by(admin)
        .await
        .expect(StatusCode::OK);
    v["version"].to_string()
}

async fn probe_page(
    app: &TestApp,
    world: &World,
    r: &RouteInfo,
    by: &Person,
    b: &Browser,
    place: Place,
) -> Resp {
    let side = world.side(place);
    let admin = &world.admin;
    let kind_record = |k: Kind| {
        side.records
            .iter()
            .find(|(kk, _)| *kk == k)
            .map(|(_, id)| id.clone())
            .expect("a record of every kind")
    };
    let fill = |id: &str| r.path.replace("{id}", id);
    match (r.method, r.pattern.as_str(), r.kind) {
        ("POST", "/logga-in", _) => {
            app.post(&r.path)
                .header("sec-fetch-site", "same-origin")
                .raw(
                    Some("application/x-www-form-urlencoded"),
                    form(&[("email", &by.email), ("password", PASSWORD), ("next", "/")]),
                )
                .await
        }
        ("POST", "/logga-ut", _) => {
            // A session of its own to end, so that the person's own lives on.
            let own = browser(app, &app.sign_in(&by.email, PASSWORD).await).await;
            own.post(app, &r.path, &[]).await
        }
        ("POST", "/sprak", _) => {
            b.post(app, &r.path, &[("lang", "sv"), ("back", "/konto")])
                .await
        }
        ("POST", "/konto/losenord", _) => {
            b.post(
                app,
                &r.path,
                &[
                    ("current_password", "fel lösenord"),
                    ("new_password", "ett annat bra lösenord"),
                    ("repeat_password", "ett annat bra lösenord"),
                ],
            )
            .await
        }
        ("POST", "/organisationer", _) => {
            b.post(app, &r.path, &[("name", "Ny nämnd"), ("kind", "board")])
                .await
        }
        ("POST", "/organisationer/{id}/underorganisationer", _) => {
            b.post(
                app,
                &fill(&side.department),
                &[("name", "Ny enhet"), ("kind", "unit")],
            )
            .await
        }
        ("POST", "/organisationer/{id}/namn", _) => {
            let o = app.stored(&side.unit).await;
            b.post(
                app,
                &fill(&side.unit),
                &[("name", &o.name), ("version", &o.version.to_string())],
            )
            .await
        }
        ("POST", "/organisationer/{id}/flytta", _) => {
            let fresh = text(
                &app.org(admin, "Flyttbar enhet", "unit", Some(&side.department))
                    .await,
                "id",
            );
            b.post(
                app,
                &fill(&fresh),
                &[("parent_id", &side.board), ("version", "1")],
            )
            .await
        }
        ("POST", "/organisationer/{id}/arkiv", _) => {
            let fresh = text(
                &app.org(admin, "Tillfällig enhet", "unit", Some(&side.department))
                    .await,
                "id",
            );
            b.post(
                app,
                &fill(&fresh),
                &[("archived", "true"), ("version", "1")],
            )
            .await
        }
        ("POST", "/organisationer/{id}/medlemmar", _) => {
            let res = b
                .post(
                    app,
                    &fill(&side.unit),
                    &[("email", &world.probe.email), ("roles", "management")],
                )
                .await;
            if res.status == StatusCode::SEE_OTHER {
                app.put(format!(
                    "/api/v1/organisations/{}/members/{}",
                    side.unit, world.probe.id
                ))
                .by(admin)
                .json(json!({ "roles": [] }))
                .await
                .expect(StatusCode::OK);
            }
            res
        }
        ("POST", "/personer", _) => {
            let email = format!("ny.{}@soc.exempelstad.se", ombud_domain::ids::new_id());
            b.post(
                app,
                &r.path,
                &[
                    ("email", &email),
                    ("name", "Ny Person"),
                    ("password", "ett långt bra lösenord"),
                ],
            )
            .await
        }
        ("POST", "/personer/{id}/avstangd", _) => {
            let target = match place {
                Place::A => &world.probe,
                Place::B => &world.berit,
            };
            b.post(app, &fill(&target.id), &[("disabled", "0")]).await
        }
        ("POST", "/organisationer/{id}/lediga-dagar", _) => {
            b.post(app, &fill(&side.unit), &[("julafton", "on")]).await
        }
        ("POST", "/organisationer/{id}/gallring", _) => {
            b.post(
                app,
                &fill(&side.unit),
                &[
                    ("granted_identity_months", ""),
                    ("refused_identity_years", ""),
                ],
            )
            .await
        }
        (_, p, _) if p.starts_with("/organisationer/{id}") => b.get(app, &fill(&side.unit)).await,
        ("GET", "/{kind}", Some(_))
        | ("GET", "/{kind}/ny", Some(_))
        | ("GET", "/{kind}/import", Some(_)) => {
            b.get(app, &format!("{}?organisation={}", r.path, side.unit))
                .await
        }
        ("POST", "/{kind}/ny", Some(k)) | ("POST", "/{kind}/validera", Some(k)) => {
            let mut fields = vec![("organisation_id", side.unit.as_str())];
            match k {
                Kind::Agreement => fields.push(("counterparty", "Ny post")),
                Kind::Breach => fields.extend([
                    ("description", "Ny post"),
                    ("discovered_at", "2026-01-05T09:00"),
                    ("aware_at", "2026-01-05T09:30"),
                ]),
                Kind::Request => fields.extend([
                    ("type", "access"),
                    ("received_on", "2026-01-05"),
                    ("requester.name", "Ny post"),
                ]),
                _ => fields.push(("name", "Ny post")),
            }
            b.post(app, &r.path, &fields).await
        }
        ("POST", "/{kind}/import", Some(k)) => {
            b.multipart(app, &r.path, &side.unit, csv_of(k)).await
        }
        ("POST", "/{kind}/{id}/redigera", Some(k)) => {
            let id = kind_record(k);
            let version = record_version(app, admin, k, &id).await;
            let current = app
                .get(format!("/api/v1/{}/{id}", k.info().api))
                .by(admin)
                .await
                .expect(StatusCode::OK);
            let keep: &[&str] = match k {
                Kind::Agreement => &["counterparty"],
                Kind::Breach => &["description", "discovered_at", "aware_at"],
                Kind::Request => &["type", "received_on", "requester.name"],
                _ => &["name"],
            };
            let values: Vec<(&str, String)> = keep
                .iter()
                .map(|f| match f.split_once('.') {
                    Some((group, sub)) => (*f, text(&current[group], sub)),
                    None => (*f, text(&current, f)),
                })
                .collect();
            let mut fields: Vec<(&str, &str)> =
                values.iter().map(|(f, v)| (*f, v.as_str())).collect();
            fields.push(("version", &version));
            b.post(app, &fill(&id), &fields).await
        }
        ("POST", "/{kind}/{id}/ta-bort", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att ta bort").await;
            b.post(app, &fill(&fresh), &[("version", "1")]).await
        }
        ("POST", "/{kind}/{id}/status", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att skicka").await;
            let wf = k.info().workflow.expect("a workflow");
            let step = wf
                .steps
                .iter()
                .find(|s| s.from == wf.initial)
                .expect("a first step");
            b.post(
                app,
                &fill(&fresh),
                &[("to", step.to), ("step", step.key), ("version", "1")],
            )
            .await
        }
        ("POST", "/{kind}/{id}/efterlevnadskontroller", Some(k)) => {
            let id = kind_record(k);
            let version = record_version(app, admin, k, &id).await;
            b.post(
                app,
                &fill(&id),
                &[
                    ("checked_on", "2026-01-05"),
                    ("finding", "Stämmer med avtalet."),
                    ("version", &version),
                ],
            )
            .await
        }
        ("POST", "/{kind}/{id}/riskbedomning", Some(k)) => {
            let id = kind_record(k);
            let version = record_version(app, admin, k, &id).await;
            b.post(
                app,
                &fill(&id),
                &[
                    ("data_processing_context", "2"),
                    ("ease_of_identification", "0.75"),
                    ("confidentiality", "0.25"),
                    ("integrity", "0"),
                    ("availability", "0"),
                    ("version", &version),
                ],
            )
            .await
        }
        ("POST", "/{kind}/{id}/underrattelser", Some(k)) => {
            b.post(
                app,
                &fill(&kind_record(k)),
                &[("controller_ids", world.c_board.as_str())],
            )
            .await
        }
        ("GET", "/incidenter/inkorg/{id}", _) => b.get(app, &fill(world.notice_to(place))).await,
        ("POST", "/{kind}/{id}/sok", Some(k)) => {
            let id = kind_record(k);
            let version = record_version(app, admin, k, &id).await;
            b.post(
                app,
                &fill(&id),
                &[("searched", "Personalsystemet"), ("version", &version)],
            )
            .await
        }
        ("POST", "/{kind}/{id}/forlangning", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att förlänga").await;
            b.post(
                app,
                &fill(&fresh),
                &[
                    ("months", "2"),
                    ("reason", "Omfattande"),
                    ("requester_informed_on", "2026-01-10"),
                    ("version", "1"),
                ],
            )
            .await
        }
        ("POST", "/{kind}/{id}/dokument/skickad", Some(k)) => {
            let fresh = record(app, admin, k, &side.unit, "Att anmäla").await;
            b.post(
                app,
                &fill(&fresh),
                &[("sent_at", "2026-01-06T09:00"), ("version", "1")],
            )
            .await
        }
        ("GET", "/{kind}/{id}/dpo-stallningstagande", Some(k)) => {
            let id = kind_record(k);
            assessed(app, admin, &id).await;
            b.get(app, &fill(&id)).await
        }
        ("POST", "/{kind}/{id}/dpo-stallningstagande", Some(k)) => {
            let id = kind_record(k);
            assessed(app, admin, &id).await;
            let version = record_version(app, admin, k, &id).await;
            b.post(
                app,
                &fill(&id),
                &[
                    ("notify_imy", "nej"),
                    ("inform_subjects", "nej"),
                    ("version", &version),
                ],
            )
            .await
        }
        ("POST", "/incidenter/inkorg/{id}/registrera", _) => {
            let fresh = notice(app, admin, &world.c_breach, world.board_of(place)).await;
            b.post(app, &fill(&fresh), &[]).await
        }
        (_, _, Some(k)) if r.path.contains("{id}") => b.get(app, &fill(&kind_record(k))).await,
        _ => b.get(app, &r.path).await,
    }
}

both!(
    every_page_route_answers_every_role_as_the_rules_say_and_tells_nothing_of_another_controller,
    |app| async move {
        let world = world(&app).await;
        let mut browsers = Vec::new();
        for person in &world.people {
            browsers.push(browser(&app, &person.token).await);
        }
        let mut wrong = Vec::new();
        for r in routes(Surface::Page) {
            for ((w, person), b) in TABLE.iter().zip(&world.people).zip(&browsers) {
                for place in [Place::A, Place::B] {
                    let want = expected_page(&r, w, place);
                    let res = probe_page(&app, &world, &r, person, b, place).await;
                    if res.status != want {
                        wrong.push(format!(
                            "{:<22} {:<4} {} about {place:?}: expected {want}, got {} {}",
                            w.key,
                            r.method,
                            r.path,
                            res.status,
                            res.header("location").unwrap_or_default()
                        ));
                    }
                    if !w.admin()
                        && let Some(secret) = leaks_from(&world, &r, &res)
                    {
                        wrong.push(format!(
                            "{:<22} {:<4} {} about {place:?} tells {secret:?}",
                            w.key, r.method, r.path,
                        ));
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} pages differ from the rules on {}:\n{}",
            wrong.len(),
            app.backend,
            wrong.join("\n")
        );
    }
);

both!(
    every_page_but_the_public_ones_sends_a_stranger_to_sign_in_and_changes_nothing,
    |app| async move {
        let world = world(&app).await;
        let before = app.audit_events().await;
        for r in routes(Surface::Page) {
            let path = r
                .path
                .replace("{id}", &world.a.records[0].1)
                .replace("{user_id}", &world.probe.id);
            let res = match r.method {
                "GET" => app.get(&path).await,
                _ => {
                    app.post(&path)
                        .header("sec-fetch-site", "same-origin")
                        .raw(Some("application/x-www-form-urlencoded"), "name=x")
                        .await
                }
            };
            if r.access == ombud_web::routes::Access::Public {
                assert!(
                    !res.status.is_server_error(),
                    "{} {path}: {}",
                    r.method,
                    res.status
                );
                continue;
            }
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{} {path}", r.method);
            let to = res.header("location").unwrap_or_default();
            assert!(to.starts_with("/logga-in"), "{} {path} → {to}", r.method);
            assert!(
                leaks(&world, &res).is_none() && !res.text().contains("Social"),
                "{} {path} tells a stranger something",
                r.method
            );
        }
        assert_eq!(
            app.audit_events().await,
            before,
            "a stranger's posts changed something"
        );
    }
);
