//! Authorisation, decided in one place and handed out as a capability.
//!
//! A person holds roles in organisations. A role held in an organisation applies to it and to its
//! subtree, *but only within one controller*: roles held at a city do not reach into its boards, and
//! no role reaches from one controller into another. So a controller's data is readable only by the
//! people it has given roles (and by the system administrator, who sets up the city).
//!
//! Every decision is [`Principal::authorize`], which answers with a [`Grant`] for that action at that
//! place or with why not ([`Denied`]): "not found" when the person holds no role there at all (so
//! nothing is learnt about another controller's records), "forbidden" when they see it but may not do
//! it. Writes in the store require a grant for exactly the record they change. Lists read
//! [`Principal::reach`], the subtrees where the same rule allows an action — one source for a single
//! read and for a list.

use crate::ids::{OrganisationId, UserId};
use crate::kernel::Kind;
use crate::organisation::is_within;
use crate::role::{Role, RoleSet};

/// Where a record lives: the organisation that owns it, by path and controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub path: String,
    pub controller_id: Option<OrganisationId>,
    /// Whether the owning organisation is itself a controller or a city (the top of a scope).
    pub is_top: bool,
}

/// A role grant of one person in one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organisation_id: OrganisationId,
    pub path: String,
    pub controller_id: Option<OrganisationId>,
    pub roles: RoleSet,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub name: String,
    pub is_admin: bool,
    pub memberships: Vec<Membership>,
}

/// What someone wants to do to an organisation or what it owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the organisation, its name and place.
    ReadOrganisation,
    /// Create an organisation under this one.
    CreateChild,
    /// Rename this organisation.
    RenameOrganisation,
    /// Move or archive this organisation.
    RestructureOrganisation,
    /// See who holds which roles here.
    ReadMembers,
    /// Give or take roles here.
    ManageMembers,
    /// See the history (audit events) of this organisation's records.
    ReadHistory,
    /// Read a kind's records (and their gaps, history and exports).
    Read(Kind),
    /// Create, change, import and delete a kind's records.
    Edit(Kind),
    /// Register a new record of a kind (a breach is reported by anyone; other kinds by editors).
    Create(Kind),
}

impl Action {
    /// Every action, the kinds' included.
    pub fn all() -> Vec<Action> {
        let mut out = vec![
            Action::ReadOrganisation,
            Action::CreateChild,
            Action::RenameOrganisation,
            Action::RestructureOrganisation,
            Action::ReadMembers,
            Action::ManageMembers,
            Action::ReadHistory,
        ];
        for k in Kind::ALL {
            out.push(Action::Read(k));
            out.push(Action::Edit(k));
            out.push(Action::Create(k));
        }
        out
    }
}

/// The roles that allow an action (beyond the system administrator, who may do everything).
pub fn roles_for(action: Action) -> &'static [Role] {
    use Role::*;
    const OVERSEERS: &[Role] = &[
        Manager,
        RecordsKeeper,
        SystemOwner,
        SecurityCoordinator,
        Dpo,
        Management,
        Auditor,
    ];
    match action {
        Action::ReadOrganisation => &Role::ALL,
        Action::ReadMembers | Action::ReadHistory => OVERSEERS,
        Action::CreateChild
        | Action::RenameOrganisation
        | Action::ManageMembers
        | Action::RestructureOrganisation => &[Management],
        Action::Read(k) => k.info().access.read,
        Action::Edit(k) => k.info().access.edit,
        Action::Create(k) => k.info().access.create,
    }
}

/// One subtree within one controller (or within none, at the city).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub controller_id: Option<OrganisationId>,
}

impl Place {
    fn covers(&self, scope: &Scope) -> bool {
        self.controller_id == scope.controller_id && is_within(&scope.path, &self.path)
    }
}

/// Where a person may do an action: everywhere (the system administrator) or within these subtrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Everywhere,
    Within(Vec<Place>),
}

impl Reach {
    pub fn covers(&self, scope: &Scope) -> bool {
        match self {
            Reach::Everywhere => true,
            Reach::Within(places) => places.iter().any(|p| p.covers(scope)),
        }
    }

    /// Whether this reaches everywhere `other` does.
    pub fn includes(&self, other: &Reach) -> bool {
        match (self, other) {
            (Reach::Everywhere, _) => true,
            (Reach::Within(_), Reach::Everywhere) => false,
            (Reach::Within(mine), Reach::Within(theirs)) => theirs.iter().all(|t| {
                mine.iter()
                    .any(|m| m.controller_id == t.controller_id && is_within(&t.path, &m.path))
            }),
        }
    }

    /// Whether the action is allowed nowhere.
    pub fn is_nowhere(&self) -> bool {
        matches!(self, Reach::Within(p) if p.is_empty())
    }

    /// The reach narrowed to one subtree: when that subtree is covered whole, only it remains (a list
    /// of it needs no other border); otherwise the reach stays as it is and the list's own filter
    /// narrows it.
    pub fn within(self, scope: &Scope) -> Reach {
        if self.covers(scope) {
            Reach::Everywhere
        } else {
            self
        }
    }
}

/// Why an action is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The person holds no role where it would happen: for them, it does not exist.
    #[error("not found")]
    NotFound,
    /// They see it but their roles do not allow this.
    #[error("forbidden")]
    Forbidden,
}

/// The capability to do one action at one place, given by [`Principal::authorize`]. Store writes
/// take one and refuse to change anything it does not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    action: Action,
    scope: Scope,
    user_id: UserId,
}

impl Grant {
    pub fn action(&self) -> Action {
        self.action
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Who was granted it.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }

    /// Whether the grant is for this action at this place.
    pub fn allows(&self, action: Action, scope: &Scope) -> bool {
        self.action == action && &self.scope == scope
    }
}

impl Principal {
    /// Ombud itself acting for an operator at the command line (the demo city, a bulk load): a
    /// system administrator.
    pub fn system(name: &str) -> Principal {
        Principal {
            user_id: UserId::generate(),
            name: name.to_string(),
            is_admin: true,
            memberships: Vec::new(),
        }
    }

    /// The roles this person holds at `target`: grants at it or above it, within the same controller.
    pub fn roles_at(&self, target: &Scope) -> RoleSet {
        self.memberships
            .iter()
            .filter(|m| m.controller_id == target.controller_id && is_within(&target.path, &m.path))
            .fold(RoleSet::EMPTY, |acc, m| acc.union(m.roles))
    }

    /// Where this person may do `action`.
    pub fn reach(&self, action: Action) -> Reach {
        if self.is_admin {
            return Reach::Everywhere;
        }
        // Records always belong to a controller, so a role held above every controller (at the
        // city) reaches none of them: it is no reach at all, not a reach that happens to be empty.
        let records = matches!(
            action,
            Action::Read(_) | Action::Edit(_) | Action::Create(_)
        );
        self.places(roles_for(action), records)
    }

    /// Where this person holds one of `roles` over a controller's records: the places of a worklist
    /// (the system administrator's powers are not roles, and reach nothing here).
    pub fn reach_of_roles(&self, roles: &[Role]) -> Reach {
        self.places(roles, true)
    }

    /// The places where this person holds one of `roles`; with `records`, only those within a
    /// controller.
    fn places(&self, roles: &[Role], records: bool) -> Reach {
        Reach::Within(
            self.memberships
                .iter()
                .filter(|m| m.roles.any(roles) && !(records && m.controller_id.is_none()))
                .map(|m| Place {
                    path: m.path.clone(),
                    controller_id: m.controller_id.clone(),
                })
                .collect(),
        )
    }

    /// Whether this person may do `action` at `target`.
    pub fn can(&self, action: Action, target: &Scope) -> bool {
        self.authorize(action, target).is_ok()
    }

    /// Whether this person holds any role at all at `target`; deciding whether a record exists for them.
    pub fn sees(&self, target: &Scope) -> bool {
        self.is_admin || !self.roles_at(target).is_empty()
    }

    /// The one decision: may this person do `action` at `target`?
    pub fn authorize(&self, action: Action, target: &Scope) -> Result<Grant, Denied> {
        if !self.sees(target) {
            return Err(Denied::NotFound);
        }
        // The top of a scope (a controller or a city) is set up by the system administrator: its
        // leadership may rename it and manage what is under it, but not move or archive it.
        let top_restructure = action == Action::RestructureOrganisation && target.is_top;
        if self.is_admin || (!top_restructure && self.reach(action).covers(target)) {
            Ok(Grant {
                action,
                scope: target.clone(),
                user_id: self.user_id.clone(),
            })
        } else {
            Err(Denied::Forbidden)
        }
    }

    /// May this person change `user`'s roles at `target` from `old` to `new`? Nobody changes their
    /// own roles, nobody gives or takes a role they do not hold there themselves, and the data
    /// protection officer is appointed (and removed) by the system administrator alone — so that no
    /// one can make themselves the reviewer of their own records.
    pub fn authorize_roles(
        &self,
        target: &Scope,
        user: &UserId,
        old: RoleSet,
        new: RoleSet,
    ) -> Result<Grant, Denied> {
        let grant = self.authorize(Action::ManageMembers, target)?;
        if *user == self.user_id {
            return Err(Denied::Forbidden);
        }
        if self.is_admin {
            return Ok(grant);
        }
        let changed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| old.contains(*r) != new.contains(*r))
            .collect();
        let held = self.roles_at(target);
        if changed.contains(&Role::Dpo) || changed.iter().any(|r| !held.contains(*r)) {
            return Err(Denied::Forbidden);
        }
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(s: &str) -> OrganisationId {
        // Stable ids from names, so that a test reads as the tree it builds.
        let n: u128 = s.bytes().fold(0, |a, b| a * 257 + u128::from(b));
        OrganisationId::parse(&uuid::Uuid::from_u128(n).to_string()).expect("an id")
    }

    fn scope(path: &str, controller: Option<&str>, is_top: bool) -> Scope {
        Scope {
            path: path.into(),
            controller_id: controller.map(org),
            is_top,
        }
    }

    fn person(grants: &[(&str, Option<&str>, &[Role])]) -> Principal {
        Principal {
            user_id: UserId::generate(),
            name: "Test".into(),
            is_admin: false,
            memberships: grants
                .iter()
                .map(|(path, ctrl, roles)| Membership {
                    organisation_id: org(path),
                    path: (*path).into(),
                    controller_id: ctrl.map(org),
                    roles: roles.iter().copied().collect(),
                })
                .collect(),
        }
    }

    const CITY: &str = "/c/";
    const BOARD_A: &str = "/c/a/";
    const UNIT_A: &str = "/c/a/x/";
    const BOARD_B: &str = "/c/b/";
    const UNIT_B: &str = "/c/b/y/";

    #[test]
    fn a_role_applies_to_the_subtree_of_its_organisation() {
        let dpo = person(&[(BOARD_A, Some("a"), &[Role::Dpo])]);
        assert!(dpo.can(Action::ReadOrganisation, &scope(BOARD_A, Some("a"), true)));
        assert!(dpo.can(Action::ReadOrganisation, &scope(UNIT_A, Some("a"), false)));
        assert!(dpo.can(Action::ReadHistory, &scope(UNIT_A, Some("a"), false)));
    }

    #[test]
    fn no_role_reaches_into_another_controller() {
        let dpo = person(&[(BOARD_A, Some("a"), &Role::ALL)]);
        for a in Action::all() {
            assert_eq!(
                dpo.authorize(a, &scope(BOARD_B, Some("b"), true)),
                Err(Denied::NotFound),
                "{a:?}"
            );
            assert_eq!(
                dpo.authorize(a, &scope(UNIT_B, Some("b"), false)),
                Err(Denied::NotFound),
                "{a:?}"
            );
        }
        assert!(!dpo.sees(&scope(UNIT_B, Some("b"), false)));
    }

    #[test]
    fn roles_at_the_city_do_not_reach_into_its_controllers() {
        let network = person(&[(CITY, None, &Role::ALL)]);
        assert!(network.sees(&scope(CITY, None, true)));
        assert!(!network.sees(&scope(BOARD_A, Some("a"), true)));
        assert!(!network.sees(&scope(UNIT_A, Some("a"), false)));
        // No register anywhere: the pages offer no list or form that could only ever be empty.
        for k in crate::kernel::Kind::ALL {
            assert!(network.reach(Action::Read(k)).is_nowhere(), "{k:?}");
            assert!(network.reach(Action::Edit(k)).is_nowhere(), "{k:?}");
        }
        assert!(!network.reach(Action::ReadOrganisation).is_nowhere());
    }

    #[test]
    fn a_role_in_a_unit_does_not_reach_up_or_sideways() {
        let manager = person(&[(UNIT_A, Some("a"), &[Role::Manager])]);
        assert!(!manager.sees(&scope(BOARD_A, Some("a"), true)));
        assert!(!manager.sees(&scope("/c/a/z/", Some("a"), false)));
        assert!(manager.sees(&scope("/c/a/x/w/", Some("a"), false)));
    }

    #[test]
    fn the_auditor_reads_but_changes_nothing() {
        let auditor = person(&[(BOARD_A, Some("a"), &[Role::Auditor])]);
        let unit = scope(UNIT_A, Some("a"), false);
        for a in [
            Action::ReadOrganisation,
            Action::ReadMembers,
            Action::ReadHistory,
        ] {
            assert!(auditor.can(a, &unit), "{a:?}");
        }
        for k in Kind::ALL {
            assert!(auditor.can(Action::Read(k), &unit));
            assert_eq!(
                auditor.authorize(Action::Edit(k), &unit),
                Err(Denied::Forbidden)
            );
        }
        for a in [
            Action::CreateChild,
            Action::RenameOrganisation,
            Action::RestructureOrganisation,
            Action::ManageMembers,
        ] {
            assert_eq!(auditor.authorize(a, &unit), Err(Denied::Forbidden), "{a:?}");
        }
    }

    #[test]
    fn an_employee_sees_the_organisation_but_not_its_members_history_or_registers() {
        let e = person(&[(UNIT_A, Some("a"), &[Role::Employee])]);
        let unit = scope(UNIT_A, Some("a"), false);
        assert!(e.can(Action::ReadOrganisation, &unit));
        assert!(!e.can(Action::ReadMembers, &unit));
        assert!(!e.can(Action::ReadHistory, &unit));
        for k in Kind::ALL {
            assert_eq!(e.authorize(Action::Read(k), &unit), Err(Denied::Forbidden));
        }
    }

    #[test]
    fn management_administers_below_the_controller_but_cannot_move_or_archive_it() {
        let m = person(&[(BOARD_A, Some("a"), &[Role::Management])]);
        let board = scope(BOARD_A, Some("a"), true);
        let unit = scope(UNIT_A, Some("a"), false);
        assert!(m.can(Action::CreateChild, &board));
        assert!(m.can(Action::RenameOrganisation, &board));
        assert!(m.can(Action::ManageMembers, &board));
        assert!(!m.can(Action::RestructureOrganisation, &board));
        assert!(m.can(Action::RestructureOrganisation, &unit));
    }

    #[test]
    fn the_system_administrator_may_do_everything() {
        let admin = Principal {
            is_admin: true,
            ..person(&[])
        };
        for a in Action::all() {
            assert!(admin.can(a, &scope(UNIT_B, Some("b"), false)));
        }
    }

    #[test]
    fn a_person_without_roles_sees_nothing() {
        let nobody = person(&[]);
        for a in Action::all() {
            assert_eq!(
                nobody.authorize(a, &scope(CITY, None, true)),
                Err(Denied::NotFound)
            );
        }
    }

    #[test]
    fn a_grant_is_for_one_action_at_one_place() {
        let keeper = person(&[(BOARD_A, Some("a"), &[Role::RecordsKeeper])]);
        let unit = scope(UNIT_A, Some("a"), false);
        let g = keeper
            .authorize(Action::Edit(Kind::ProcessingActivity), &unit)
            .expect("granted");
        assert!(g.allows(Action::Edit(Kind::ProcessingActivity), &unit));
        assert!(!g.allows(Action::Edit(Kind::System), &unit));
        assert!(!g.allows(
            Action::Edit(Kind::ProcessingActivity),
            &scope(BOARD_A, Some("a"), true)
        ));
    }

    #[test]
    fn a_single_read_and_a_list_follow_the_same_reach() {
        let people = [
            person(&[(BOARD_A, Some("a"), &[Role::Dpo])]),
            person(&[(UNIT_A, Some("a"), &[Role::Manager])]),
            person(&[(UNIT_A, Some("a"), &[Role::Employee])]),
            person(&[(CITY, None, &Role::ALL)]),
        ];
        let places = [
            scope(CITY, None, true),
            scope(BOARD_A, Some("a"), true),
            scope(UNIT_A, Some("a"), false),
            scope("/c/a/z/", Some("a"), false),
            scope(UNIT_B, Some("b"), false),
        ];
        for p in &people {
            for k in Kind::ALL {
                let reach = p.reach(Action::Read(k));
                for s in &places {
                    assert_eq!(reach.covers(s), p.can(Action::Read(k), s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn nobody_changes_their_own_roles_or_gives_what_they_do_not_hold() {
        let board = scope(BOARD_A, Some("a"), true);
        let boss = person(&[(BOARD_A, Some("a"), &[Role::Management])]);
        let other = UserId::generate();
        let set = |r: &[Role]| -> RoleSet { r.iter().copied().collect() };
        assert!(
            boss.authorize_roles(&board, &other, RoleSet::EMPTY, set(&[Role::Management]))
                .is_ok()
        );
        for r in [Role::Dpo, Role::RecordsKeeper, Role::Auditor] {
            assert_eq!(
                boss.authorize_roles(&board, &other, RoleSet::EMPTY, set(&[r])),
                Err(Denied::Forbidden),
                "{r:?}"
            );
        }
        assert_eq!(
            boss.authorize_roles(&board, &other, set(&[Role::Dpo]), RoleSet::EMPTY),
            Err(Denied::Forbidden),
            "removing the DPO"
        );
        assert_eq!(
            boss.authorize_roles(
                &board,
                &boss.user_id,
                set(&[Role::Management]),
                set(&[Role::Management, Role::Dpo])
            ),
            Err(Denied::Forbidden),
            "their own roles"
        );
        let dpo_too = person(&[(BOARD_A, Some("a"), &[Role::Management, Role::Dpo])]);
        assert_eq!(
            dpo_too.authorize_roles(&board, &other, RoleSet::EMPTY, set(&[Role::Dpo])),
            Err(Denied::Forbidden),
            "only the system administrator appoints a DPO"
        );
        let admin = Principal {
            is_admin: true,
            ..person(&[])
        };
        assert!(
            admin
                .authorize_roles(&board, &other, RoleSet::EMPTY, set(&[Role::Dpo]))
                .is_ok()
        );
    }
}
