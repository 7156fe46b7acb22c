//! The demo city, Sjöstad: a fictional Swedish municipality with four controllers, their
//! administrations, departments and units, and people in every role, so that a newcomer can sign in
//! and click around at once. Every demo person has the same password.

use anyhow::Result;
use ombud_app::bulk::Bulk;
use ombud_domain::authz::Reach;
use ombud_domain::people::{self, PasswordCost};
use ombud_domain::role::{Role, RoleSet};
use ombud_store::Store;
use ombud_store::organisations::{NewOrganisation, OrganisationFilter};
use ombud_store::paging::PageRequest;

pub const PASSWORD: &str = "Ombud-demo-2026";
pub const ADMIN_EMAIL: &str = "admin@sjostad.se";

/// One node of the demo tree: name, kind, controller flag, children.
struct Node {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    children: Vec<Node>,
}

fn n(key: &'static str, name: &'static str, kind: &'static str, children: Vec<Node>) -> Node {
    Node {
        key,
        name,
        kind,
        children,
    }
}

fn city() -> Node {
    n(
        "city",
        "Sjöstads kommun",
        "city",
        vec![
            n(
                "ks",
                "Kommunstyrelsen",
                "board",
                vec![n(
                    "slk",
                    "Stadsledningskontoret",
                    "administration",
                    vec![
                        n(
                            "digit",
                            "Avdelningen för digitalisering",
                            "department",
                            vec![
                                n("itdrift", "Enheten för IT-drift", "unit", vec![]),
                                n(
                                    "infosak",
                                    "Enheten för informationssäkerhet",
                                    "unit",
                                    vec![],
                                ),
                            ],
                        ),
                        n(
                            "hr",
                            "HR-avdelningen",
                            "department",
                            vec![n("lon", "Enheten för lön och pension", "unit", vec![])],
                        ),
                        n(
                            "kansli",
                            "Kansliavdelningen",
                            "department",
                            vec![n("arkiv", "Registratur och arkiv", "unit", vec![])],
                        ),
                    ],
                )],
            ),
            n(
                "norr",
                "Stadsdelsnämnd Norr",
                "board",
                vec![n(
                    "sdfnorr",
                    "Stadsdelsförvaltning Norr",
                    "administration",
                    vec![
                        n(
                            "aldre",
                            "Avdelningen för äldreomsorg",
                            "department",
                            vec![
                                n("hemtjanst", "Hemtjänst Norr", "unit", vec![]),
                                n(
                                    "lindgarden",
                                    "Vård- och omsorgsboendet Lindgården",
                                    "unit",
                                    vec![],
                                ),
                            ],
                        ),
                        n(
                            "ifo",
                            "Avdelningen för individ- och familjeomsorg",
                            "department",
                            vec![
                                n("forsorj", "Enheten för försörjningsstöd", "unit", vec![]),
                                n("barnunga", "Enheten för barn och unga", "unit", vec![]),
                            ],
                        ),
                        n(
                            "forskola",
                            "Förskoleavdelningen",
                            "department",
                            vec![n("ekorren", "Förskolan Ekorren", "unit", vec![])],
                        ),
                    ],
                )],
            ),
            n(
                "utb",
                "Utbildningsnämnden",
                "board",
                vec![n(
                    "utbf",
                    "Utbildningsförvaltningen",
                    "administration",
                    vec![
                        n(
                            "grund",
                            "Grundskoleavdelningen",
                            "department",
                            vec![
                                n("ekbacken", "Ekbackens skola", "unit", vec![]),
                                n("strand", "Strandskolan", "unit", vec![]),
                            ],
                        ),
                        n("elevhalsa", "Centrala elevhälsan", "department", vec![]),
                    ],
                )],
            ),
            n(
                "vatten",
                "Sjöstad Vatten AB",
                "company",
                vec![
                    n(
                        "kundservice",
                        "Kundservice",
                        "department",
                        vec![n("fakt", "Fakturering", "unit", vec![])],
                    ),
                    n(
                        "ledningsnat",
                        "Ledningsnät och anläggning",
                        "department",
                        vec![],
                    ),
                ],
            ),
        ],
    )
}

/// Demo people: e-mail, name, and where they hold which roles.
/// Where a person holds which roles: (organisation key, roles).
type Grants = &'static [(&'static str, &'static [Role])];

const PEOPLE: &[(&str, &str, Grants)] = &[
    (
        "anna.lindqvist@sjostad.se",
        "Anna Lindqvist",
        &[("ks", &[Role::Dpo])],
    ),
    (
        "erik.johansson@sjostad.se",
        "Erik Johansson",
        &[("ks", &[Role::Management])],
    ),
    (
        "fatima.hassan@sjostad.se",
        "Fatima Hassan",
        &[("slk", &[Role::RecordsKeeper])],
    ),
    (
        "lars.nilsson@sjostad.se",
        "Lars Nilsson",
        &[("itdrift", &[Role::SystemOwner, Role::Manager])],
    ),
    (
        "maria.andersson@sjostad.se",
        "Maria Andersson",
        &[("ks", &[Role::SecurityCoordinator])],
    ),
    (
        "johan.berg@sjostad.se",
        "Johan Berg",
        &[("ks", &[Role::Auditor])],
    ),
    (
        "sara.karlsson@sjostad.se",
        "Sara Karlsson",
        &[("itdrift", &[Role::Employee])],
    ),
    (
        "mehmet.yilmaz@sjostad.se",
        "Mehmet Yilmaz",
        &[("norr", &[Role::Dpo])],
    ),
    (
        "eva.holm@sjostad.se",
        "Eva Holm",
        &[("norr", &[Role::Management])],
    ),
    (
        "karin.sjoberg@sjostad.se",
        "Karin Sjöberg",
        &[("sdfnorr", &[Role::RecordsKeeper])],
    ),
    (
        "peter.sundberg@sjostad.se",
        "Peter Sundberg",
        &[("hemtjanst", &[Role::Manager])],
    ),
    (
        "elin.nordin@sjostad.se",
        "Elin Nordin",
        &[("hemtjanst", &[Role::Employee])],
    ),
    (
        "ali.rahimi@sjostad.se",
        "Ali Rahimi",
        &[("norr", &[Role::SystemOwner])],
    ),
    (
        "ingrid.ek@sjostad.se",
        "Ingrid Ek",
        &[("norr", &[Role::SecurityCoordinator])],
    ),
    (
        "nils.oberg@sjostad.se",
        "Nils Öberg",
        &[("norr", &[Role::Auditor])],
    ),
    (
        "sofia.bergstrom@sjostad.se",
        "Sofia Bergström",
        &[("utb", &[Role::Dpo])],
    ),
    (
        "oskar.lund@sjostad.se",
        "Oskar Lund",
        &[
            ("utb", &[Role::Management]),
            ("grund", &[Role::RecordsKeeper]),
        ],
    ),
    (
        "amira.said@sjostad.se",
        "Amira Said",
        &[("ekbacken", &[Role::Manager])],
    ),
    (
        "david.wallin@sjostad.se",
        "David Wallin",
        &[("ekbacken", &[Role::Employee])],
    ),
    (
        "helena.strom@sjostad.se",
        "Helena Ström",
        &[("vatten", &[Role::Dpo])],
    ),
    (
        "goran.lindahl@sjostad.se",
        "Göran Lindahl",
        &[("vatten", &[Role::Management])],
    ),
    (
        "lina.persson@sjostad.se",
        "Lina Persson",
        &[("vatten", &[Role::RecordsKeeper, Role::SecurityCoordinator])],
    ),
    (
        "tobias.ek@sjostad.se",
        "Tobias Ek",
        &[("fakt", &[Role::Employee])],
    ),
];

/// Whether the database has no organisations yet.
pub async fn is_empty(store: &Store) -> Result<bool> {
    let page = store
        .organisations(
            &Reach::Everywhere,
            &OrganisationFilter {
                include_archived: true,
                ..Default::default()
            },
            &PageRequest::first(1),
        )
        .await?;
    Ok(page.items.is_empty())
}

/// Loads the whole demo city in one transaction: all of it, or nothing.
pub async fn load(store: &Store) -> Result<()> {
    // One hash for every demo person: Argon2 is slow on purpose and they share the password.
    let hash =
        tokio::task::spawn_blocking(|| people::hash_password(PASSWORD, PasswordCost::Standard))
            .await??;
    let actor = Bulk::cli_actor("Ombuds exempeldata");
    let mut b = Bulk::begin(store, &actor).await?;
    let mut orgs: Vec<(&'static str, ombud_store::organisations::Organisation)> = Vec::new();
    let mut stack: Vec<(Node, Option<String>)> = vec![(city(), None)];
    while let Some((node, parent)) = stack.pop() {
        let o = b
            .organisation(&NewOrganisation {
                name: node.name.into(),
                kind: node.kind.into(),
                parent_id: parent,
                controller: None,
            })
            .await?;
        for child in node.children.into_iter().rev() {
            stack.push((child, Some(o.id.clone())));
        }
        orgs.push((node.key, o));
    }
    let org = |key: &str| {
        orgs.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, o)| o.clone())
            .ok_or_else(|| anyhow::anyhow!("demo organisation {key} missing"))
    };
    b.w.create_user(ADMIN_EMAIL, "Systemadministratör", Some(&hash), true)
        .await?;
    let mut ids: Vec<(&str, String, &str)> = Vec::new();
    for (email, name, grants) in PEOPLE {
        let u = b.w.create_user(email, name, Some(&hash), false).await?;
        ids.push((email, u.id.to_string(), name));
        for (key, roles) in *grants {
            b.roles(
                &org(key)?,
                &u.id,
                roles.iter().copied().collect::<RoleSet>(),
            )
            .await?;
        }
    }
    crate::demo_register::load(&mut b, org, ombud_app::today()).await?;
    let person = |email: &str| {
        ids.iter()
            .find(|(e, _, _)| *e == email)
            .map(|(_, id, name)| (id.clone(), name.to_string()))
            .ok_or_else(|| anyhow::anyhow!("demo person {email} missing"))
    };
    crate::demo_register::breaches(&mut b, &org, person).await?;
    crate::demo_register::requests(&mut b, &org, ombud_app::today()).await?;
    b.commit().await?;
    Ok(())
}
