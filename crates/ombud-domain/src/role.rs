//! Roles a person holds in an organisation. A role applies to that organisation and everything
//! below it, but never across the border of a controller (see [`crate::authz`]).

use crate::{Invalid, Lang, Rule};
use serde::{Deserialize, Serialize};

/// One role. The API names are stable; the labels are what people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Medarbetare: reports, sees own reports.
    Employee,
    /// Chef: investigates and keeps the unit's records current.
    Manager,
    /// Dataskyddshandläggare: keeps the register of processing activities.
    RecordsKeeper,
    /// Objektägare / objektledare: owns IT systems.
    SystemOwner,
    /// Informationssäkerhetssamordnare (ISAM) / CISO.
    SecurityCoordinator,
    /// Dataskyddsombud.
    Dpo,
    /// The controller's leadership: reads, decides, administers its organisation.
    Management,
    /// Reads everything of the controller, changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Employee,
        Role::Manager,
        Role::RecordsKeeper,
        Role::SystemOwner,
        Role::SecurityCoordinator,
        Role::Dpo,
        Role::Management,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::RecordsKeeper => "records_keeper",
            Role::SystemOwner => "system_owner",
            Role::SecurityCoordinator => "security_coordinator",
            Role::Dpo => "dpo",
            Role::Management => "management",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Invalid> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(Invalid::new("roles", Rule::UnknownRole))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Employee => lang.pick("Medarbetare", "Employee"),
            Role::Manager => lang.pick("Chef", "Manager"),
            Role::RecordsKeeper => lang.pick("Dataskyddshandläggare", "Records keeper"),
            Role::SystemOwner => lang.pick("Objektägare", "System owner"),
            Role::SecurityCoordinator => {
                lang.pick("Informationssäkerhetssamordnare", "Security coordinator")
            }
            Role::Dpo => lang.pick("Dataskyddsombud", "Data protection officer"),
            Role::Management => lang.pick("Ledning", "Management"),
            Role::Auditor => lang.pick("Granskare", "Auditor"),
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of roles, small enough to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RoleSet(u16);

impl RoleSet {
    pub const EMPTY: RoleSet = RoleSet(0);

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }
    pub fn union(self, other: RoleSet) -> RoleSet {
        RoleSet(self.0 | other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Parses the API form: a list of role names. Duplicates collapse; an unknown name is refused.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<RoleSet, Invalid> {
        let mut set = RoleSet::EMPTY;
        for n in names {
            set.insert(Role::parse(n.as_ref())?);
        }
        Ok(set)
    }

    /// The storage form: role names joined by commas, in a fixed order.
    pub fn to_storage(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    /// Reads the storage form; names this version does not know are skipped rather than failing a sign-in.
    pub fn from_storage(s: &str) -> RoleSet {
        let mut set = RoleSet::EMPTY;
        for part in s.split(',').filter(|p| !p.is_empty()) {
            if let Ok(r) = Role::parse(part) {
                set.insert(r);
            }
        }
        set
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Role::as_str).collect()
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let mut s = RoleSet::EMPTY;
        for r in iter {
            s.insert(r);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
    }

    #[test]
    fn storage_form_round_trips_in_a_fixed_order() {
        let set = RoleSet::parse_list(&["dpo", "employee", "dpo"]).expect("known roles");
        assert_eq!(set.to_storage(), "employee,dpo");
        assert_eq!(RoleSet::from_storage(&set.to_storage()), set);
    }

    #[test]
    fn an_unknown_role_is_refused() {
        assert_eq!(
            RoleSet::parse_list(&["root"]),
            Err(Invalid::new("roles", Rule::UnknownRole))
        );
    }

    #[test]
    fn every_role_has_a_swedish_and_an_english_label() {
        for r in Role::ALL {
            assert!(!r.label(Lang::Sv).is_empty());
            assert_ne!(r.label(Lang::Sv), r.label(Lang::En), "{r:?}");
        }
    }
}
