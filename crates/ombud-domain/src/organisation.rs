//! The organisation tree: city → board / company (the controllers) → administration → department → unit.
//!
//! Each node knows its materialised path (`/city/board/admin/`) and its controller: the nearest board
//! or company at or above it that is a controller (personuppgiftsansvarig). Controllers never nest,
//! because a board or company may only sit at the top or directly under a city; so every node belongs
//! to at most one controller and that controller's data has one clear border.

use crate::{Invalid, Lang, Rule, ids::OrganisationId, text};
use serde::{Deserialize, Serialize};

/// Longest organisation name accepted.
pub const NAME_MAX: usize = 200;

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    City,
    Board,
    Company,
    Administration,
    Department,
    Unit,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::City,
        OrgKind::Board,
        OrgKind::Company,
        OrgKind::Administration,
        OrgKind::Department,
        OrgKind::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::City => "city",
            OrgKind::Board => "board",
            OrgKind::Company => "company",
            OrgKind::Administration => "administration",
            OrgKind::Department => "department",
            OrgKind::Unit => "unit",
        }
    }

    pub fn parse(s: &str) -> Result<OrgKind, Invalid> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(Invalid::new("kind", Rule::InvalidKind))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OrgKind::City => lang.pick("Stad/kommun", "City"),
            OrgKind::Board => lang.pick("Nämnd", "Board"),
            OrgKind::Company => lang.pick("Bolag", "Company"),
            OrgKind::Administration => lang.pick("Förvaltning", "Administration"),
            OrgKind::Department => lang.pick("Avdelning", "Department"),
            OrgKind::Unit => lang.pick("Enhet", "Unit"),
        }
    }

    /// Depth class: a child must be of a strictly deeper class than its parent.
    fn rank(self) -> u8 {
        match self {
            OrgKind::City => 0,
            OrgKind::Board | OrgKind::Company => 1,
            OrgKind::Administration => 2,
            OrgKind::Department => 3,
            OrgKind::Unit => 4,
        }
    }

    /// Whether this kind may be a controller (personuppgiftsansvarig).
    pub fn can_be_controller(self) -> bool {
        matches!(self, OrgKind::Board | OrgKind::Company)
    }

    /// Whether this kind may stand at the top of a tree.
    pub fn can_be_root(self) -> bool {
        self.rank() <= 1
    }

    /// The kinds that may be placed directly under this one.
    pub fn allowed_children(self) -> impl Iterator<Item = OrgKind> {
        OrgKind::ALL
            .into_iter()
            .filter(move |c| placement(*c, Some(self)).is_ok())
    }
}

/// Whether an organisation of `kind` may sit under a parent of `parent` (or at the top with `None`).
pub fn placement(kind: OrgKind, parent: Option<OrgKind>) -> Result<(), Invalid> {
    match parent {
        None if kind.can_be_root() => Ok(()),
        None => Err(Invalid::new("parent_id", Rule::ParentRequired)),
        // A board or company sits only under a city, so that controllers never nest.
        Some(p) if kind.rank() == 1 && p != OrgKind::City => {
            Err(Invalid::new("parent_id", Rule::ParentKindNotAllowed))
        }
        // Everything below a city belongs to a board or company: an administration, department or unit
        // directly under the city would belong to no controller.
        Some(OrgKind::City) if kind.rank() > 1 => {
            Err(Invalid::new("parent_id", Rule::ParentKindNotAllowed))
        }
        Some(p) if kind.rank() > p.rank() => Ok(()),
        Some(_) => Err(Invalid::new("parent_id", Rule::ParentKindNotAllowed)),
    }
}

/// The controller flag asked for, defaulting to "yes" for boards and companies.
pub fn controller_flag(kind: OrgKind, requested: Option<bool>) -> Result<bool, Invalid> {
    match requested {
        Some(true) if !kind.can_be_controller() => {
            Err(Invalid::new("controller", Rule::ControllerKindOnly))
        }
        Some(flag) => Ok(flag),
        None => Ok(kind.can_be_controller()),
    }
}

/// Accepts an organisation's name.
pub fn name(value: &str) -> Result<String, Invalid> {
    text::required_line("name", value, NAME_MAX)
}

/// Where a node sits: its path and the controller it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// `/root/…/self/`: every ancestor's id and its own, slash-separated.
    pub path: String,
    pub depth: i64,
    pub controller_id: Option<OrganisationId>,
}

/// The placement of a node `id` that is (or is not) a controller, under `parent` (or at the top).
pub fn place(id: &OrganisationId, is_controller: bool, parent: Option<&Placement>) -> Placement {
    let (path, depth, inherited) = match parent {
        Some(p) => (
            format!("{}{}/", p.path, id),
            p.depth + 1,
            p.controller_id.clone(),
        ),
        None => (format!("/{id}/"), 0, None),
    };
    Placement {
        path,
        depth,
        controller_id: if is_controller {
            Some(id.clone())
        } else {
            inherited
        },
    }
}

/// Whether the node at `path` is `ancestor_path` itself or lies below it.
pub fn is_within(path: &str, ancestor_path: &str) -> bool {
    path.starts_with(ancestor_path)
}

/// Checks a move of the node at `moving_path` under the node at `new_parent_path`.
pub fn check_move(moving_path: &str, new_parent_path: &str) -> Result<(), Invalid> {
    if is_within(new_parent_path, moving_path) {
        Err(Invalid::new("parent_id", Rule::MoveIntoOwnSubtree))
    } else {
        Ok(())
    }
}

/// The ids on a path, top first.
pub fn path_ids(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrgKind::*;

    #[test]
    fn only_cities_boards_and_companies_stand_at_the_top() {
        for k in OrgKind::ALL {
            assert_eq!(
                placement(k, None).is_ok(),
                matches!(k, City | Board | Company),
                "{k:?}"
            );
        }
    }

    #[test]
    fn controllers_sit_only_under_a_city() {
        for parent in OrgKind::ALL {
            assert_eq!(
                placement(Board, Some(parent)).is_ok(),
                parent == City,
                "{parent:?}"
            );
            assert_eq!(
                placement(Company, Some(parent)).is_ok(),
                parent == City,
                "{parent:?}"
            );
        }
    }

    #[test]
    fn a_child_is_always_deeper_than_its_parent() {
        assert!(placement(Administration, Some(Board)).is_ok());
        assert!(placement(Department, Some(Company)).is_ok());
        assert!(placement(Unit, Some(Department)).is_ok());
        assert!(placement(Unit, Some(Administration)).is_ok());
        assert!(placement(Administration, Some(Unit)).is_err());
        assert!(placement(Department, Some(Department)).is_err());
        assert!(placement(City, Some(City)).is_err());
    }

    #[test]
    fn nothing_but_a_controller_sits_directly_under_a_city() {
        for k in [Administration, Department, Unit] {
            assert!(placement(k, Some(City)).is_err(), "{k:?}");
        }
    }

    #[test]
    fn the_controller_flag_defaults_to_yes_for_boards_and_companies_only() {
        assert_eq!(controller_flag(Board, None), Ok(true));
        assert_eq!(controller_flag(Company, Some(false)), Ok(false));
        assert_eq!(controller_flag(Unit, None), Ok(false));
        assert_eq!(
            controller_flag(Department, Some(true)),
            Err(Invalid::new("controller", Rule::ControllerKindOnly))
        );
    }

    #[test]
    fn a_node_inherits_its_parents_controller_unless_it_is_one() {
        let (c, b, u) = (
            OrganisationId::generate(),
            OrganisationId::generate(),
            OrganisationId::generate(),
        );
        let city = place(&c, false, None);
        assert_eq!(city.path, format!("/{c}/"));
        assert_eq!(city.controller_id, None);
        let board = place(&b, true, Some(&city));
        assert_eq!(board.path, format!("/{c}/{b}/"));
        assert_eq!(board.controller_id, Some(b.clone()));
        let unit = place(&u, false, Some(&board));
        assert_eq!(unit.path, format!("/{c}/{b}/{u}/"));
        assert_eq!(unit.depth, 2);
        assert_eq!(unit.controller_id, Some(b));
    }

    #[test]
    fn a_node_cannot_move_under_itself_or_its_descendants() {
        assert!(check_move("/c/b/", "/c/b/").is_err());
        assert!(check_move("/c/b/", "/c/b/a/").is_err());
        assert!(check_move("/c/b/a/", "/c/x/").is_ok());
    }

    #[test]
    fn every_kind_has_labels_and_parses_back() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Ok(k));
            assert!(!k.label(Lang::Sv).is_empty());
        }
        assert!(OrgKind::parse("Board").is_err());
    }
}
