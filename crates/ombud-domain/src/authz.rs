//! Authorisation, decided in one place.
//!
//! A person holds roles in organisations. A role held in an organisation applies to it and to its
//! subtree, *but only within one controller*: roles held at a city do not reach into its boards, and
//! no role reaches from one controller into another. So a controller's data is readable only by the
//! people it has given roles (and by the system administrator, who sets up the city).
//!
//! Every decision is `Principal::can(action, &target_scope)`; callers never look at roles themselves.

use crate::ids::{OrganisationId, UserId};
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
    /// Read the registers: processing activities, systems, agreements and their gaps.
    ReadRegister,
    /// Create and edit processing activities (and submit them for review).
    EditRegister,
    /// Create and edit IT systems, their classification and action plans.
    EditSystems,
    /// Create and edit processor agreements and their compliance checks.
    EditAgreements,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::ReadOrganisation,
        Action::CreateChild,
        Action::RenameOrganisation,
        Action::RestructureOrganisation,
        Action::ReadMembers,
        Action::ManageMembers,
        Action::ReadHistory,
        Action::ReadRegister,
        Action::EditRegister,
        Action::EditSystems,
        Action::EditAgreements,
    ];
}

/// The roles that allow an action (beyond the system administrator, who may do everything).
pub fn roles_for(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::ReadOrganisation => &Role::ALL,
        Action::ReadMembers => &[
            Manager,
            RecordsKeeper,
            SystemOwner,
            SecurityCoordinator,
            Dpo,
            Management,
            Auditor,
        ],
        Action::ReadHistory => &[
            Manager,
            RecordsKeeper,
            SystemOwner,
            SecurityCoordinator,
            Dpo,
            Management,
            Auditor,
        ],
        Action::CreateChild | Action::RenameOrganisation | Action::ManageMembers => &[Management],
        Action::RestructureOrganisation => &[Management],
        Action::ReadRegister => &[
            Manager,
            RecordsKeeper,
            SystemOwner,
            SecurityCoordinator,
            Dpo,
            Management,
            Auditor,
        ],
        Action::EditRegister => &crate::register::workflow::EDITORS,
        Action::EditSystems => &[SystemOwner, SecurityCoordinator, RecordsKeeper, Dpo],
        Action::EditAgreements => &[RecordsKeeper, SystemOwner, Dpo, Management],
    }
}

impl Principal {
    /// The roles this person holds at `target`: grants at it or above it, within the same controller.
    pub fn roles_at(&self, target: &Scope) -> RoleSet {
        self.memberships
            .iter()
            .filter(|m| m.controller_id == target.controller_id && is_within(&target.path, &m.path))
            .fold(RoleSet::EMPTY, |acc, m| acc.union(m.roles))
    }

    /// Whether this person may do `action` at `target`.
    pub fn can(&self, action: Action, target: &Scope) -> bool {
        if self.is_admin {
            return true;
        }
        // The top of a scope (a controller or a city) is set up by the system administrator: its
        // leadership may rename it and manage what is under it, but not move or archive it.
        if action == Action::RestructureOrganisation && target.is_top {
            return false;
        }
        self.roles_at(target).any(roles_for(action))
    }

    /// Whether this person holds any role at all at `target`; deciding whether a record exists for them.
    pub fn sees(&self, target: &Scope) -> bool {
        self.is_admin || !self.roles_at(target).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(s: &str) -> OrganisationId {
        OrganisationId(s.into())
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
            user_id: UserId("u".into()),
            name: "Test".into(),
            is_admin: false,
            memberships: grants
                .iter()
                .map(|(path, ctrl, roles)| Membership {
                    organisation_id: org(path
                        .trim_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()),
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
        for a in Action::ALL {
            assert!(!dpo.can(a, &scope(BOARD_B, Some("b"), true)), "{a:?}");
            assert!(!dpo.can(a, &scope(UNIT_B, Some("b"), false)), "{a:?}");
        }
        assert!(!dpo.sees(&scope(UNIT_B, Some("b"), false)));
    }

    #[test]
    fn roles_at_the_city_do_not_reach_into_its_controllers() {
        let network = person(&[(CITY, None, &Role::ALL)]);
        assert!(network.sees(&scope(CITY, None, true)));
        assert!(!network.sees(&scope(BOARD_A, Some("a"), true)));
        assert!(!network.sees(&scope(UNIT_A, Some("a"), false)));
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
        assert!(auditor.can(Action::ReadOrganisation, &unit));
        assert!(auditor.can(Action::ReadMembers, &unit));
        assert!(auditor.can(Action::ReadHistory, &unit));
        for a in [
            Action::CreateChild,
            Action::RenameOrganisation,
            Action::RestructureOrganisation,
            Action::ManageMembers,
        ] {
            assert!(!auditor.can(a, &unit), "{a:?}");
        }
    }

    #[test]
    fn an_employee_sees_the_organisation_but_not_its_members_or_history() {
        let e = person(&[(UNIT_A, Some("a"), &[Role::Employee])]);
        let unit = scope(UNIT_A, Some("a"), false);
        assert!(e.can(Action::ReadOrganisation, &unit));
        assert!(!e.can(Action::ReadMembers, &unit));
        assert!(!e.can(Action::ReadHistory, &unit));
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
        for a in Action::ALL {
            assert!(admin.can(a, &scope(UNIT_B, Some("b"), false)));
        }
    }

    #[test]
    fn a_person_without_roles_sees_nothing() {
        let nobody = person(&[]);
        for a in Action::ALL {
            assert!(!nobody.can(a, &scope(CITY, None, true)));
        }
    }
}
