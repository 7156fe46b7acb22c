//! The gaps of an organisation's registers: every kind's, by the same rules its lists and records
//! show, for the kinds the caller may read there.

use crate::{App, Caller, Organisation, Result, today};
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::kernel::gaps::GapRule;

/// One gap of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub rule: GapRule,
    pub kind: Kind,
    pub record_id: String,
    pub record_name: String,
}

impl App {
    /// Every gap within an organisation's subtree, kind by kind, record by record.
    pub async fn gaps(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<(Organisation, Vec<Gap>)> {
        let org = self.organisation(caller, organisation_id).await?;
        let readable: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| caller.principal.can(Action::Read(*k), &org.scope()))
            .collect();
        if readable.is_empty() {
            return Err(crate::AppError::Forbidden);
        }
        let infos: Vec<_> = readable.iter().map(|k| k.info()).collect();
        let mut out = Vec::new();
        let found = self.store.gaps_within(&infos, &org, today()).await?;
        for (kind, records) in readable.into_iter().zip(found) {
            for (id, name, rules) in records {
                for rule in rules {
                    out.push(Gap {
                        rule,
                        kind,
                        record_id: id.clone(),
                        record_name: name.clone(),
                    });
                }
            }
        }
        Ok((org, out))
    }
}
