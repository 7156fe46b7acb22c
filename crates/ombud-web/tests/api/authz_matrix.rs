//! Who may do what where: every route × every role, in the person's own controller (A), and in another
//! controller (B), where nobody but the system administrator may learn anything.
//!
//! The expectations come from the table below, written out by hand from the rules (a role applies to
//! the subtree of the organisation where it is held, never across a controller's border; management
//! administers its tree but does not move or archive the controller itself; the auditor and the other
//! specialists read members and history; the employee sees organisations only), not from the
//! production authorisation code.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::json;
use std::collections::BTreeSet;

/// Where a person's one grant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// The system administrator: no grant needed.
    Admin,
    /// At the city: reaches no controller.
    City,
    /// At controller A (the board): reaches A's whole tree.
    Board,
    /// At A's unit only.
    Unit,
    Nowhere,
}

/// One row of the table.
struct Who {
    key: &'static str,
    role: Option<Role>,
    held: Held,
    /// May see the organisations in reach.
    read: bool,
    /// May read their members and history.
    oversee: bool,
    /// May create children, rename, give roles, and move or archive below the controller.
    administer: bool,
}

const fn who(
    key: &'static str,
    role: Option<Role>,
    held: Held,
    read: bool,
    oversee: bool,
    administer: bool,
) -> Who {
    Who {
        key,
        role,
        held,
        read,
        oversee,
        administer,
    }
}

use Held::*;
#[rustfmt::skip]
const TABLE: &[Who] = &[
    //   key                    role                              held     read   oversee administer
    who("admin",                None,                             Admin,   true,  true,   true),
    who("employee",             Some(Role::Employee),             Board,   true,  false,  false),
    who("manager",              Some(Role::Manager),              Board,   true,  true,   false),
    who("records_keeper",       Some(Role::RecordsKeeper),        Board,   true,  true,   false),
    who("system_owner",         Some(Role::SystemOwner),          Board,   true,  true,   false),
    who("security_coordinator", Some(Role::SecurityCoordinator),  Board,   true,  true,   false),
    who("dpo",                  Some(Role::Dpo),                  Board,   true,  true,   false),
    who("management",           Some(Role::Management),           Board,   true,  true,   true),
    who("auditor",              Some(Role::Auditor),              Board,   true,  true,   false),
    who("unit_employee",        Some(Role::Employee),             Unit,    true,  false,  false),
    who("unit_manager",         Some(Role::Manager),              Unit,    true,  true,   false),
    who("unit_management",      Some(Role::Management),           Unit,    true,  true,   true),
    who("city_dpo",             Some(Role::Dpo),                  City,    true,  true,   false),
    who("nobody",               None,                             Nowhere, false, false,  false),
];

/// The person whose record `GET /api/v1/users/{id}` asks for in A.
const A_USER: &str = "dpo";

/// Which organisation of a controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Board,
    Administration,
    Unit,
}

const LEVELS: [Level; 3] = [Level::Board, Level::Administration, Level::Unit];

/// The routes that concern one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `GET /organisations/{id}`
    Get,
    /// `PATCH /organisations/{id}` with a name
    Rename,
    /// `PATCH /organisations/{id}` with `archived: false` (a move or archive permission)
    Restore,
    /// `DELETE /organisations/{id}`
    Archive,
    /// `POST /organisations` under it
    CreateChild,
    /// `GET /organisations/{id}/members`
    Members,
    /// `PUT /organisations/{id}/members/{user}`
    SetRoles,
    /// `GET /organisations/{id}/history`
    History,
}

const OPS: [Op; 8] = [
    Op::Get,
    Op::Rename,
    Op::Restore,
    Op::Archive,
    Op::CreateChild,
    Op::Members,
    Op::SetRoles,
    Op::History,
];

/// The answer the table gives for an operation on an organisation of controller A.
fn expected(w: &Who, op: Op, level: Level) -> StatusCode {
    let in_reach = match w.held {
        Admin | Board => true,
        Unit => level == Level::Unit,
        City | Nowhere => false,
    };
    if !(in_reach && w.read) {
        return StatusCode::NOT_FOUND;
    }
    let allow = |yes: bool, status: StatusCode| {
        if yes { status } else { StatusCode::FORBIDDEN }
    };
    // The controller itself is moved and archived by the system administrator only.
    let restructure = w.administer && (level != Level::Board || w.held == Admin);
    let has_children = level != Level::Unit;
    match op {
        Op::Get => StatusCode::OK,
        Op::Rename => allow(w.administer, StatusCode::OK),
        Op::Restore => allow(restructure, StatusCode::OK),
        Op::Archive if has_children => allow(restructure, StatusCode::CONFLICT),
        Op::Archive => allow(restructure, StatusCode::OK),
        // Nothing may sit under a unit.
        Op::CreateChild if level == Level::Unit => {
            allow(w.administer, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Op::CreateChild => allow(w.administer, StatusCode::CREATED),
        Op::Members | Op::History => allow(w.oversee, StatusCode::OK),
        Op::SetRoles => allow(w.administer, StatusCode::OK),
    }
}

/// The organisations of A a person sees in lists.
fn expected_visible(w: &Who) -> &'static [Level] {
    match w.held {
        Admin | Board => &LEVELS,
        Unit => &[Level::Unit],
        City | Nowhere => &[],
    }
}

struct Side {
    board: String,
    administration: String,
    unit: String,
}

impl Side {
    fn id(&self, level: Level) -> &str {
        match level {
            Level::Board => &self.board,
            Level::Administration => &self.administration,
            Level::Unit => &self.unit,
        }
    }
}

const A_NAMES: [&str; 3] = ["Socialnämnden", "Socialförvaltningen", "Familjeenheten"];
const B_NAMES: [&str; 3] = [
    "Bygg- och miljönämnden",
    "Bygg- och miljöförvaltningen",
    "Bygglovsenheten",
];

fn name_of(names: &[&'static str; 3], level: Level) -> &'static str {
    match level {
        Level::Board => names[0],
        Level::Administration => names[1],
        Level::Unit => names[2],
    }
}

struct World {
    admin: Person,
    city: String,
    a: Side,
    b: Side,
    /// One signed-in person per row of [`TABLE`], in its order.
    people: Vec<Person>,
    /// Whose roles `SetRoles` sets: holds nothing otherwise.
    probe: Person,
    /// B's data protection officer: a person of B.
    berit: Person,
}

impl World {
    fn person(&self, key: &str) -> &Person {
        let i = TABLE
            .iter()
            .position(|w| w.key == key)
            .unwrap_or_else(|| panic!("no {key} in the table"));
        &self.people[i]
    }

    /// Strings that would tell a person of A something about B.
    fn secrets_of_b(&self) -> Vec<String> {
        let mut s: Vec<String> = LEVELS.iter().map(|l| self.b.id(*l).to_string()).collect();
        s.extend(B_NAMES.iter().map(|n| n.to_string()));
        s.extend([
            "Bygg".into(),
            self.berit.id.clone(),
            self.berit.name.clone(),
            self.berit.email.clone(),
        ]);
        s
    }
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
    let mut sides = Vec::new();
    for names in [A_NAMES, B_NAMES] {
        let board = text(&app.org(&admin, names[0], "board", Some(&city)).await, "id");
        let administration = text(
            &app.org(&admin, names[1], "administration", Some(&board))
                .await,
            "id",
        );
        let unit = text(
            &app.org(&admin, names[2], "unit", Some(&administration))
                .await,
            "id",
        );
        sides.push(Side {
            board,
            administration,
            unit,
        });
    }
    let b = sides.pop().expect("B");
    let a = sides.pop().expect("A");

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
                Board => &a.board,
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
    app.grant(&b.board, &berit.id, &[Role::Dpo]).await;
    app.grant(&b.unit, &berit.id, &[Role::Manager]).await;
    // Give B some history beyond its creation.
    app.patch(org_url(&b.unit))
        .by(&admin)
        .json(json!({ "name": B_NAMES[2] }))
        .await
        .expect(StatusCode::OK);
    World {
        admin,
        city,
        a,
        b,
        people,
        probe,
        berit,
    }
}

/// The start of a response body, for a readable list of differences.
fn short(body: &str) -> String {
    body.chars().take(160).collect()
}

/// Performs an operation on an organisation as a person.
async fn perform(app: &TestApp, world: &World, by: &Person, op: Op, id: &str, name: &str) -> Resp {
    let url = org_url(id);
    match op {
        Op::Get => app.get(url).by(by).await,
        Op::Rename => app.patch(url).by(by).json(json!({ "name": name })).await,
        Op::Restore => {
            app.patch(url)
                .by(by)
                .json(json!({ "archived": false }))
                .await
        }
        Op::Archive => app.delete(url).by(by).await,
        Op::CreateChild => {
            app.post("/api/v1/organisations")
                .by(by)
                .json(json!({ "name": "Nya enheten", "kind": "unit", "parent_id": id }))
                .await
        }
        Op::Members => app.get(format!("{url}/members")).by(by).await,
        Op::SetRoles => {
            app.put(format!("{url}/members/{}", world.probe.id))
                .by(by)
                .json(json!({ "roles": ["employee"] }))
                .await
        }
        Op::History => app.get(format!("{url}/history")).by(by).await,
    }
}

/// Undoes what a successful operation changed, as the administrator, so that every cell of the matrix
/// starts from the same world.
async fn undo(app: &TestApp, world: &World, op: Op, id: &str, res: &Resp) {
    let admin = &world.admin;
    match (op, res.status) {
        (Op::Archive, StatusCode::OK) => {
            app.patch(org_url(id))
                .by(admin)
                .json(json!({ "archived": false }))
                .await
                .expect(StatusCode::OK);
        }
        (Op::CreateChild, StatusCode::CREATED) => {
            app.delete(org_url(&text(&res.json(), "id")))
                .by(admin)
                .await
                .expect(StatusCode::OK);
        }
        (Op::SetRoles, StatusCode::OK) => {
            app.put(format!("{}/members/{}", org_url(id), world.probe.id))
                .by(admin)
                .json(json!({ "roles": [] }))
                .await
                .expect(StatusCode::OK);
        }
        _ => {}
    }
}

both!(
    every_role_gets_the_expected_answer_in_its_own_controller,
    |app| async move {
        let world = world(&app).await;
        let mut wrong = Vec::new();
        for (w, person) in TABLE.iter().zip(&world.people) {
            for level in LEVELS {
                let id = world.a.id(level);
                for op in OPS {
                    let want = expected(w, op, level);
                    let res = perform(&app, &world, person, op, id, name_of(&A_NAMES, level)).await;
                    if res.status != want {
                        wrong.push(format!(
                            "{:<22} {op:?} {level:?}: expected {want}, got {} {}",
                            w.key,
                            res.status,
                            short(&res.text())
                        ));
                    }
                    undo(&app, &world, op, id, &res).await;
                }
            }

            // The routes about people.
            let admin_only = |ok: StatusCode| {
                if w.held == Admin {
                    ok
                } else {
                    StatusCode::FORBIDDEN
                }
            };
            let new_person = json!({
                "email": format!("ny.{}@soc.exempelstad.se", w.key),
                "name": "Ny Person",
                "password": "ett bra lösenord",
            });
            let a_user = &world.person(A_USER).id;
            let a_user_status = if w.held == Admin || w.key == A_USER {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            let checks = [
                (
                    "list users",
                    app.get("/api/v1/users").by(person).await,
                    admin_only(StatusCode::OK),
                ),
                (
                    "create user",
                    app.post("/api/v1/users").by(person).json(new_person).await,
                    admin_only(StatusCode::CREATED),
                ),
                (
                    "get user of A",
                    app.get(format!("/api/v1/users/{a_user}")).by(person).await,
                    a_user_status,
                ),
                (
                    "get own user",
                    app.get(format!("/api/v1/users/{}", person.id))
                        .by(person)
                        .await,
                    StatusCode::OK,
                ),
            ];
            for (what, res, want) in checks {
                if res.status != want {
                    wrong.push(format!(
                        "{:<22} {what}: expected {want}, got {} {}",
                        w.key,
                        res.status,
                        short(&res.text())
                    ));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} answers differ from the table on {}:\n{}",
            wrong.len(),
            app.backend,
            wrong.join("\n")
        );
    }
);

both!(
    nobody_but_the_admin_learns_anything_about_another_controller,
    |app| async move {
        let world = world(&app).await;
        let secrets = world.secrets_of_b();
        let mut wrong = Vec::new();
        for (w, person) in TABLE.iter().zip(&world.people) {
            if w.held == Admin {
                continue;
            }
            let mut answers = Vec::new();
            for level in LEVELS {
                let id = world.b.id(level);
                for op in OPS {
                    let res = perform(&app, &world, person, op, id, "Nytt namn").await;
                    answers.push((format!("{op:?} {level:?}"), res));
                }
            }
            answers.push((
                "get user of B".into(),
                app.get(format!("/api/v1/users/{}", world.berit.id))
                    .by(person)
                    .await,
            ));
            for (what, res) in &answers {
                if !matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                    wrong.push(format!(
                        "{:<22} {what}: got {} {}",
                        w.key,
                        res.status,
                        short(&res.text())
                    ));
                }
                let body = res.text();
                for s in &secrets {
                    if body.contains(s.as_str()) {
                        wrong.push(format!(
                            "{:<22} {what}: the answer reveals {s:?}: {}",
                            w.key,
                            short(&body)
                        ));
                    }
                }
                for (name, value) in &res.headers {
                    let v = value.to_str().unwrap_or_default();
                    if secrets.iter().any(|s| v.contains(s.as_str())) {
                        wrong.push(format!(
                            "{:<22} {what}: header {name} reveals B: {v}",
                            w.key
                        ));
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} leaks on {}:\n{}",
            wrong.len(),
            app.backend,
            wrong.join("\n")
        );

        // B is real: its administrator and its own people do reach it.
        for level in LEVELS {
            for by in [&world.admin, &world.berit] {
                app.get(org_url(world.b.id(level)))
                    .by(by)
                    .await
                    .expect(StatusCode::OK);
            }
        }
        let members = app
            .get(format!("{}/members", org_url(&world.b.board)))
            .by(&world.berit)
            .await
            .expect(StatusCode::OK);
        assert!(members.to_string().contains("Berit Byggare"));
        // Nothing was changed in B along the way.
        for level in LEVELS {
            let o = app.stored(world.b.id(level)).await;
            assert_eq!(o.name, name_of(&B_NAMES, level));
            assert!(o.archived_at.is_none());
        }
        let b_children = app
            .get(format!(
                "/api/v1/organisations?parent_id={}&archived=true",
                world.b.unit
            ))
            .by(&world.admin)
            .await
            .expect(StatusCode::OK);
        assert!(ids(&b_children).is_empty(), "{b_children}");
    }
);

both!(
    lists_show_each_person_exactly_what_their_roles_reach,
    |app| async move {
        let world = world(&app).await;
        let secrets = world.secrets_of_b();
        let mut wrong = Vec::new();
        for (w, person) in TABLE.iter().zip(&world.people) {
            let mut want: BTreeSet<String> = expected_visible(w)
                .iter()
                .map(|l| world.a.id(*l).to_string())
                .collect();
            match w.held {
                Admin => {
                    want.insert(world.city.clone());
                    want.extend(LEVELS.iter().map(|l| world.b.id(*l).to_string()));
                }
                City => {
                    want.insert(world.city.clone());
                }
                _ => {}
            }
            let res = app.get("/api/v1/organisations?limit=500").by(person).await;
            let got: BTreeSet<String> = ids(&res.expect(StatusCode::OK)).into_iter().collect();
            if got != want {
                wrong.push(format!("{:<22} sees {got:?}, expected {want:?}", w.key));
            }
            if w.held == Admin {
                continue;
            }
            // Filters aimed at B find nothing either.
            for query in [
                "limit=500".to_string(),
                "q=bygg".into(),
                "controller=true".into(),
                "archived=true&limit=500".into(),
                format!("parent_id={}", world.b.board),
                format!("parent_id={}", world.b.administration),
                format!("parent_id={}", world.city),
            ] {
                let res = app
                    .get(format!("/api/v1/organisations?{query}"))
                    .by(person)
                    .await;
                let body = res.text();
                if res.status != StatusCode::OK {
                    wrong.push(format!("{:<22} ?{query}: {} {body}", w.key, res.status));
                }
                for s in &secrets {
                    if body.contains(s.as_str()) {
                        wrong.push(format!("{:<22} ?{query}: the list reveals {s:?}", w.key));
                    }
                }
            }
            // Nor does anyone of A see B in their own grants.
            let me = app.get("/api/v1/users/me").by(person).await.text();
            if secrets.iter().any(|s| me.contains(s.as_str())) {
                wrong.push(format!("{:<22} users/me reveals B: {me}", w.key));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong lists on {}:\n{}",
            wrong.len(),
            app.backend,
            wrong.join("\n")
        );
    }
);
