//! The organisation tree: reading it, building it, and who holds which roles where.
//!
//! An organisation the caller holds no role in (another controller's, or one that does not exist) is
//! the same to them: "not found" when asked for directly, "no such parent" when named as one — so that
//! nothing is learnt about another controller's tree.

use crate::{App, AppError, Caller, Page, PageRequest, Result};
use ombud_domain::authz::{Action, Denied};
use ombud_domain::ids::{OrganisationId, UserId};
use ombud_domain::organisation::{is_within, placement};
use ombud_domain::role::{Role, RoleSet};
use ombud_domain::{Invalid, Rule, audit::Event, people};
use ombud_store::organisations::{
    Granted, NewOrganisation, Organisation, OrganisationChanges, OrganisationFilter, root_scope,
};
use ombud_store::people::Member;
use ombud_store::{StoreError, WriteTx};
use std::collections::HashMap;

fn no_such_parent() -> AppError {
    Invalid::new("parent_id", Rule::ParentRequired).into()
}

/// A person's roles in one organisation after a change (`version` is absent when removed).
#[derive(Debug, Clone)]
pub struct MembershipChange {
    pub organisation_id: String,
    pub user_id: String,
    pub roles: RoleSet,
    pub version: Option<i64>,
}

impl App {
    /// An organisation the caller may see; any other is "not found".
    pub async fn organisation(&self, caller: &Caller, id: &str) -> Result<Organisation> {
        let id = OrganisationId::parse(id).ok_or(AppError::NotFound)?;
        let o = self.store.organisation(id.as_str()).await?;
        if caller.principal.sees(&o.scope()) {
            Ok(o)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// As [`App::organisation`], for a request that only reads with the organisation as a filter: it
    /// may come from this instance's cache, trusted while nothing about organisations or roles has
    /// changed anywhere (the auth epoch). Never for a write, which reads it inside its transaction.
    pub async fn organisation_for_reading(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Organisation> {
        let id = OrganisationId::parse(id).ok_or(AppError::NotFound)?;
        let epoch = self.store.auth_epoch().await?;
        let o = match self.organisations.get(id.as_str(), epoch) {
            Some(o) => o,
            None => {
                let o = self.store.organisation(id.as_str()).await?;
                self.organisations.put(id.as_str(), epoch, o.clone());
                o
            }
        };
        if caller.principal.sees(&o.scope()) {
            Ok(o)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether the caller may do `action` at an organisation they see.
    pub fn may(&self, caller: &Caller, action: Action, o: &Organisation) -> bool {
        caller.principal.can(action, &o.scope())
    }

    /// The organisations the caller may see, by name.
    pub async fn organisations(
        &self,
        caller: &Caller,
        filter: &OrganisationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organisation>> {
        let filter = OrganisationFilter {
            q: ombud_domain::text::search(filter.q.as_deref().unwrap_or_default())?,
            ..filter.clone()
        };
        Ok(self
            .store
            .organisations(
                &caller.principal.reach(Action::ReadOrganisation),
                &filter,
                page,
            )
            .await?)
    }

    /// The organisations where the caller may do `action`, by name (for a form's choices), shared
    /// with the instance's copy rather than copied for every page.
    pub async fn organisations_where(
        &self,
        caller: &Caller,
        action: Action,
        limit: i64,
    ) -> Result<std::sync::Arc<Vec<Organisation>>> {
        // Kept while the auth epoch holds: it moves with every change to a person's roles and to
        // any organisation, which is all the answer depends on.
        let epoch = self.store.auth_epoch().await?;
        let key = format!("{}\u{1f}{action:?}\u{1f}{limit}", caller.user.id);
        if let Some(found) = self.choices.get(&key, epoch) {
            return Ok(found);
        }
        let page = self
            .store
            .organisations(
                &caller.principal.reach(action),
                &OrganisationFilter::default(),
                &PageRequest::first(limit),
            )
            .await?;
        let found = std::sync::Arc::new(
            page.items
                .into_iter()
                .filter(|o| caller.principal.can(action, &o.scope()))
                .collect::<Vec<_>>(),
        );
        self.choices.put(&key, epoch, found.clone());
        Ok(found)
    }

    /// The organisations directly under one the caller sees.
    pub async fn organisation_children(
        &self,
        caller: &Caller,
        o: &Organisation,
    ) -> Result<Vec<Organisation>> {
        Ok(self
            .store
            .organisation_children(&o.id)
            .await?
            .into_iter()
            .filter(|c| caller.principal.sees(&c.scope()))
            .collect())
    }

    /// The organisations from the top down to one the caller sees, those they see.
    pub async fn organisation_path(
        &self,
        caller: &Caller,
        o: &Organisation,
    ) -> Result<Vec<Organisation>> {
        Ok(self
            .store
            .organisations_on_path(&o.path)
            .await?
            .into_iter()
            .filter(|a| caller.principal.sees(&a.scope()))
            .collect())
    }

    /// Creates an organisation: a city or controller at the top (the system administrator), or one
    /// under an organisation where the caller may create children.
    pub async fn create_organisation(
        &self,
        caller: &Caller,
        new: NewOrganisation,
    ) -> Result<Organisation> {
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let grant = match &new.parent_id {
            Some(pid) => {
                let pid = OrganisationId::parse(pid).ok_or_else(no_such_parent)?;
                let parent = match w.organisation(pid.as_str()).await {
                    Ok(p) => p,
                    Err(ombud_store::StoreError::NotFound) => return Err(no_such_parent()),
                    Err(e) => return Err(e.into()),
                };
                caller
                    .principal
                    .authorize(Action::CreateChild, &parent.scope())
                    .map_err(|d| match d {
                        Denied::NotFound => no_such_parent(),
                        Denied::Forbidden => AppError::Forbidden,
                    })?
            }
            None => caller
                .principal
                .authorize(Action::CreateChild, &root_scope())
                .map_err(|_| AppError::Forbidden)?,
        };
        let o = w.create_organisation(&grant, &new).await?;
        w.commit().await?;
        Ok(o)
    }

    /// Renames, moves, archives or restores an organisation: renaming needs one permission, moving
    /// and archiving another, and a move must also be allowed under the new parent. Moving data into
    /// another controller is the system administrator's decision alone.
    pub async fn update_organisation(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        changes: OrganisationChanges,
    ) -> Result<Organisation> {
        let id = OrganisationId::parse(id).ok_or(AppError::NotFound)?;
        let new_parent = match &changes.parent_id {
            Some(p) => Some(OrganisationId::parse(p).ok_or_else(no_such_parent)?),
            None => None,
        };
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.organisation(id.as_str()).await?;
        let p = &caller.principal;
        p.authorize(Action::ReadOrganisation, &current.scope())?;
        let rename = match changes.name {
            Some(_) => Some(p.authorize(Action::RenameOrganisation, &current.scope())?),
            None => None,
        };
        let restructure = match changes.parent_id.is_some() || changes.archived.is_some() {
            true => Some(p.authorize(Action::RestructureOrganisation, &current.scope())?),
            false => None,
        };
        let new_parent_grant = match &new_parent {
            Some(pid) if Some(pid.as_str()) != current.parent_id.as_deref() => {
                let parent = match w.organisation(pid.as_str()).await {
                    Ok(p) => p,
                    Err(ombud_store::StoreError::NotFound) => return Err(no_such_parent()),
                    Err(e) => return Err(e.into()),
                };
                let grant =
                    p.authorize(Action::CreateChild, &parent.scope())
                        .map_err(|d| match d {
                            Denied::NotFound => no_such_parent(),
                            Denied::Forbidden => AppError::Forbidden,
                        })?;
                if !p.is_admin && parent.controller_id != current.controller_id {
                    return Err(AppError::Forbidden);
                }
                Some(grant)
            }
            _ => None,
        };
        let updated = w
            .update_organisation(
                id.as_str(),
                expected_version,
                Granted {
                    changes: &changes,
                    rename: rename.as_ref(),
                    restructure: restructure.as_ref(),
                    new_parent: new_parent_grant.as_ref(),
                },
            )
            .await?;
        w.commit().await?;
        Ok(updated)
    }

    /// The people holding roles in an organisation (grants made there, not inherited ones).
    pub async fn members(&self, caller: &Caller, o: &Organisation) -> Result<Vec<Member>> {
        caller
            .principal
            .authorize(Action::ReadMembers, &o.scope())?;
        Ok(self.store.members(&o.id).await?)
    }

    /// Gives a person exactly these roles in an organisation; an empty set removes them. Nobody changes
    /// their own roles or gives a role they do not hold, and the DPO is appointed by the system
    /// administrator (see `Principal::authorize_roles`).
    pub async fn set_roles(
        &self,
        caller: &Caller,
        organisation_id: &str,
        user_id: &str,
        roles: RoleSet,
        expected_version: Option<i64>,
    ) -> Result<MembershipChange> {
        let organisation_id = OrganisationId::parse(organisation_id).ok_or(AppError::NotFound)?;
        let user = UserId::parse(user_id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let o = w.organisation(organisation_id.as_str()).await?;
        caller
            .principal
            .authorize(Action::ReadOrganisation, &o.scope())?;
        self.store.user(user.as_str()).await?;
        let old = w.roles_in(&o.id, user.as_str()).await?;
        let grant = caller
            .principal
            .authorize_roles(&o.scope(), &user, old, roles)?;
        let version = w
            .set_roles(&grant, &o, user.as_str(), roles, expected_version)
            .await?;
        w.commit().await?;
        Ok(MembershipChange {
            organisation_id: o.id,
            user_id: user.into_string(),
            roles,
            version,
        })
    }

    /// As [`App::set_roles`], for a person named by e-mail address (the members form). Whether an
    /// address belongs to anyone is told only to someone who may manage members there: an unknown one
    /// is an unknown reference of `email`.
    pub async fn set_roles_by_email(
        &self,
        caller: &Caller,
        organisation_id: &str,
        email: &str,
        roles: RoleSet,
        expected_version: Option<i64>,
    ) -> Result<MembershipChange> {
        let o = self.organisation(caller, organisation_id).await?;
        caller
            .principal
            .authorize(Action::ManageMembers, &o.scope())?;
        let email = people::email(email)?;
        let user = match self.store.user_by_email(&email).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => {
                return Err(Invalid::new("email", Rule::UnknownReference).into());
            }
            Err(e) => return Err(e.into()),
        };
        self.set_roles(caller, &o.id, &user.id, roles, expected_version)
            .await
    }

    /// Where the caller may move an organisation: active organisations they may create under, of a
    /// kind it may sit under, outside its own subtree and — unless they are the system administrator —
    /// within its controller. [`App::update_organisation`] decides again; this only spares a form
    /// choices that would be refused.
    pub async fn move_targets(
        &self,
        caller: &Caller,
        o: &Organisation,
        limit: i64,
    ) -> Result<Vec<Organisation>> {
        let p = &caller.principal;
        if !p.can(Action::RestructureOrganisation, &o.scope()) {
            return Ok(Vec::new());
        }
        Ok(self
            .organisations_where(caller, Action::CreateChild, limit)
            .await?
            .iter()
            .filter(|c| {
                c.id != o.id
                    && !is_within(&c.path, &o.path)
                    && placement(o.kind, Some(c.kind)).is_ok()
                    && (p.is_admin || c.controller_id == o.controller_id)
            })
            .cloned()
            .collect())
    }

    /// Controllers without a data protection officer (GDPR art. 37) that the caller answers for:
    /// all of them for the system administrator, their own for a controller's management, none for
    /// anyone else — nothing is listed that the caller could neither see nor act on.
    pub async fn controllers_without_dpo(&self, caller: &Caller) -> Result<Vec<Organisation>> {
        let p = &caller.principal;
        let managed: Vec<&str> = p
            .memberships
            .iter()
            .filter(|m| m.roles.contains(Role::Management))
            .filter_map(|m| m.controller_id.as_ref().map(|c| c.as_str()))
            .collect();
        if !p.is_admin && managed.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .controllers_without_role(Role::Dpo)
            .await?
            .into_iter()
            .filter(|o| p.is_admin || managed.contains(&o.id.as_str()))
            .collect())
    }

    /// The names of the people whose roles these events of an organisation's history are about
    /// (a membership event records ids only), for someone who may read that history. A person no
    /// longer known is left out.
    pub async fn people_in_history(
        &self,
        caller: &Caller,
        o: &Organisation,
        events: &[Event],
    ) -> Result<HashMap<String, String>> {
        caller
            .principal
            .authorize(Action::ReadHistory, &o.scope())?;
        let prefix = format!("{}/", o.id);
        let mut names = HashMap::new();
        for e in events.iter().filter(|e| e.record_type == "membership") {
            let Some(user_id) = e.record_id.strip_prefix(&prefix) else {
                continue;
            };
            if names.contains_key(user_id) {
                continue;
            }
            match self.store.user(user_id).await {
                Ok(u) => {
                    names.insert(user_id.to_string(), u.name);
                }
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(names)
    }

    /// The history of an organisation: every change to it and to its memberships, newest first.
    pub async fn organisation_history(
        &self,
        caller: &Caller,
        o: &Organisation,
        page: &PageRequest,
    ) -> Result<Page<Event>> {
        caller
            .principal
            .authorize(Action::ReadHistory, &o.scope())?;
        Ok(self.store.organisation_history(&o.id, page).await?)
    }
}
