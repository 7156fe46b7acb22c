//! The gaps of an organisation's registers: every kind's, by the same rules its lists and records
//! show, for the kinds the caller may read there.
//!
//! Reading them walks every record of a controller, which under load made this the slowest answer
//! Ombud gives. They change only when a record or an organisation does, and every such change is
//! audited, so an answer is reused while the audit sequence stands still (and the day is the same:
//! reviews fall due by date). Who may see them is decided before the cache is asked.

use crate::{App, Caller, Organisation, Result, today};
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::kernel::gaps::GapRule;
use std::sync::Arc;

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
        let org = self
            .organisation_for_reading(caller, organisation_id)
            .await?;
        let readable: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| caller.principal.can(Action::Read(*k), &org.scope()))
            .collect();
        if readable.is_empty() {
            return Err(crate::AppError::Forbidden);
        }
        // Read before the records, so that an entry is never labelled newer than what it holds.
        let seq = self.store.audit_seq().await?;
        let today = today();
        let key = format!(
            "{}|{}|{today}",
            org.id,
            readable
                .iter()
                .map(|k| k.code())
                .collect::<Vec<_>>()
                .join(",")
        );
        if let Some(found) = self.0.gaps.get(&key, seq) {
            return Ok((org, found.as_ref().clone()));
        }
        let infos: Vec<_> = readable.iter().map(|k| k.info()).collect();
        let mut out = Vec::new();
        let found = self.store.gaps_within(&infos, &org, today).await?;
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
        self.0.gaps.put(&key, seq, Arc::new(out.clone()));
        Ok((org, out))
    }
}
