//! What a kind's lists can be filtered and sorted by, as declarations the store turns into SQL.
//!
//! Every kind's table has the common columns (`name`, `status`, `review_on`, `gap_codes`,
//! `search_text`, `updated_at`) besides its own derived ones; a filter names them in a small
//! condition language ([`Cond`]) with no SQL in it, so the domain says *what* a filter means and the
//! store alone says how it is asked.

use super::field::{Opt, Text2};

/// One filter of a list.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// The API's query parameter (`special_categories`, `classified`, `status`).
    pub param: &'static str,
    /// The pages' query parameter, in Swedish (`kansliga`).
    pub ui: &'static str,
    pub label: Text2,
    pub kind: FilterKind,
}

/// What a filter tests.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    /// A yes/no question: the condition for yes and the one for no, and how each answer is called
    /// in a list's filter.
    Test {
        yes: Cond,
        no: Cond,
        yes_label: Text2,
        no_label: Text2,
    },
    /// One of a column's values.
    OneOf {
        column: &'static str,
        opts: &'static [Opt],
    },
}

/// A condition on a row's columns. `today` is the day the list is read, in Sweden.
#[derive(Debug, Clone, Copy)]
pub enum Cond {
    /// The 0/1 column is 1.
    On(&'static str),
    /// The 0/1 column is 0.
    Off(&'static str),
    /// The column has a value.
    Set(&'static str),
    /// The column has none.
    Unset(&'static str),
    /// The text column is not the empty text.
    NotEmpty(&'static str),
    /// The text column is the empty text.
    Empty(&'static str),
    /// The date column is today or later.
    FromToday(&'static str),
    /// The date column is before today.
    BeforeToday(&'static str),
    /// The JSON object column has this key at its top level (the workflow's `state`).
    HasKey(&'static str, &'static str),
    /// Any of the conditions.
    Any(&'static [Cond]),
    /// All of the conditions.
    All(&'static [Cond]),
}

impl Filter {
    /// A yes/no filter on a 0/1 column.
    pub const fn flag(
        param: &'static str,
        ui: &'static str,
        column: &'static str,
        label: Text2,
        yes_label: Text2,
        no_label: Text2,
    ) -> Filter {
        Filter {
            param,
            ui,
            label,
            kind: FilterKind::Test {
                yes: Cond::On(column),
                no: Cond::Off(column),
                yes_label,
                no_label,
            },
        }
    }

    /// The condition a value of the filter asks for: `true`/`false` for a yes/no question, a code
    /// for one of a column's values; `None` when the value means nothing to this filter.
    pub fn condition(&self, value: &FilterValue) -> Option<Condition> {
        match (self.kind, value) {
            (FilterKind::Test { yes, .. }, FilterValue::Yes(true)) => Some(Condition::Cond(yes)),
            (FilterKind::Test { no, .. }, FilterValue::Yes(false)) => Some(Condition::Cond(no)),
            (FilterKind::OneOf { column, opts }, FilterValue::Code(c)) => opts
                .iter()
                .find(|o| o.code == c)
                .map(|o| Condition::Equals(column, o.code)),
            _ => None,
        }
    }
}

/// A filter's value as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    Yes(bool),
    Code(String),
}

/// A condition a list query carries to the store.
#[derive(Debug, Clone, Copy)]
pub enum Condition {
    Cond(Cond),
    /// The text column equals the value (one of the filter's options, never free input).
    Equals(&'static str, &'static str),
}

/// The orders a list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By name, A to Ö.
    #[default]
    Name,
    /// By the next review date, the earliest (the most overdue) first; records without one last.
    NextReview,
    /// By last change, the newest first.
    RecentlyUpdated,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Name, Sort::NextReview, Sort::RecentlyUpdated];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::NextReview => "next_review",
            Sort::RecentlyUpdated => "recently_updated",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The pages' name for the order (`sortera=granskning`).
    pub fn ui(self) -> &'static str {
        match self {
            Sort::Name => "namn",
            Sort::NextReview => "granskning",
            Sort::RecentlyUpdated => "andrad",
        }
    }

    pub fn from_ui(s: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|x| x.ui() == s)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::field::{opt, t2};

    #[test]
    fn every_order_round_trips_through_both_names() {
        for s in Sort::ALL {
            assert_eq!(Sort::parse(s.as_str()), Some(s));
            assert_eq!(Sort::from_ui(s.ui()), s);
        }
        assert_eq!(Sort::from_ui("nonsense"), Sort::Name);
    }

    #[test]
    fn a_filter_knows_only_its_own_values() {
        const OPTS: &[crate::kernel::field::Opt] = &[opt("godkand", "Godkänd", "Approved")];
        let status = Filter {
            param: "status",
            ui: "status",
            label: t2("Status", "Status"),
            kind: FilterKind::OneOf {
                column: "status",
                opts: OPTS,
            },
        };
        assert!(matches!(
            status.condition(&FilterValue::Code("godkand".into())),
            Some(Condition::Equals("status", "godkand"))
        ));
        assert!(
            status
                .condition(&FilterValue::Code("x' OR 1=1".into()))
                .is_none()
        );
        assert!(status.condition(&FilterValue::Yes(true)).is_none());
        let flag = Filter::flag("f", "f", "col", t2("", ""), t2("", ""), t2("", ""));
        assert!(matches!(
            flag.condition(&FilterValue::Yes(false)),
            Some(Condition::Cond(Cond::Off("col")))
        ));
    }
}
