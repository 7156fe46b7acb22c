//! People: the system administrator creates them, lists them and disables or enables them; everyone
//! sees themselves.

use crate::{App, AppError, Caller, Page, PageRequest, Result};
use ombud_domain::ids::UserId;
use ombud_domain::people;
use ombud_store::WriteTx;
use ombud_store::people::{RoleGrant, User};

/// A new person as asked for.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
    /// A password for signing in with one; without, the person signs in another way (single sign-on).
    pub password: Option<String>,
    pub admin: bool,
}

impl App {
    fn admin_only(caller: &Caller) -> Result<()> {
        if caller.principal.is_admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Creates a person (system administrators only). Every problem is listed at once: a too short
    /// password is reported beside an invalid address, not after it is fixed.
    pub async fn create_person(&self, caller: &Caller, new: NewPerson) -> Result<User> {
        Self::admin_only(caller)?;
        let email = people::email(&new.email);
        let name = people::name(&new.name);
        let mut invalid = Vec::new();
        if let Err(i) = &email {
            invalid.push(i.clone());
        }
        if let Err(i) = &name {
            invalid.push(i.clone());
        }
        if let Some(pw) = &new.password {
            let (e, n) = (
                email.as_deref().unwrap_or_default(),
                name.as_deref().unwrap_or_default(),
            );
            if let Err(i) = people::new_password("password", pw, e, n) {
                invalid.push(i);
            }
        }
        let (Ok(email), Ok(name), true) = (email, name, invalid.is_empty()) else {
            return Err(AppError::Invalid(invalid));
        };
        let hash = match new.password {
            Some(pw) => Some(self.hash_password(pw).await?),
            None => None,
        };
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let u = w
            .create_user(&email, &name, hash.as_deref(), new.admin)
            .await?;
        w.commit().await?;
        Ok(u)
    }

    /// People by name (system administrators only).
    pub async fn people(
        &self,
        caller: &Caller,
        q: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<User>> {
        Self::admin_only(caller)?;
        let q = ombud_domain::text::search(q.unwrap_or_default())?;
        Ok(self.store.users(q.as_deref(), page).await?)
    }

    /// One person: system administrators see anyone, everyone else themselves; any other id is
    /// "not found".
    pub async fn person(&self, caller: &Caller, id: &str) -> Result<User> {
        let id = UserId::parse(id).ok_or(AppError::NotFound)?;
        if !caller.principal.is_admin && caller.user.id != id.as_str() {
            return Err(AppError::NotFound);
        }
        Ok(self.store.user(id.as_str()).await?)
    }

    /// Disables a person — they cannot sign in and every session of theirs ends, on every instance at
    /// once — or enables them again (system administrators only; nobody disables themself).
    pub async fn set_disabled(&self, caller: &Caller, id: &str, disabled: bool) -> Result<User> {
        Self::admin_only(caller)?;
        let id = UserId::parse(id).ok_or(AppError::NotFound)?;
        if caller.user.id == id.as_str() {
            return Err(AppError::Forbidden);
        }
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let u = w.set_disabled(id.as_str(), disabled).await?;
        w.commit().await?;
        Ok(u)
    }

    /// Whether the caller is the system administrator (who sets up the city and its people).
    pub fn is_admin(&self, caller: &Caller) -> bool {
        caller.principal.is_admin
    }

    /// The caller's roles, by organisation.
    /// They come from this instance's cache while no role or organisation has changed anywhere; a
    /// renamed organisation shows its new name within the cache's lifetime (half a minute).
    pub async fn my_roles(&self, caller: &Caller) -> Result<Vec<RoleGrant>> {
        let epoch = self.store.auth_epoch().await?;
        if let Some(g) = self.grants.get(&caller.user.id, epoch) {
            return Ok(g);
        }
        let g = self.store.grants(&caller.user.id).await?;
        self.grants.put(&caller.user.id, epoch, g.clone());
        Ok(g)
    }
}
