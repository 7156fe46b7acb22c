//! People: accounts, how they sign in (identities), their roles (memberships) and their sessions.

use crate::paging::{self, Cursor, Page, PageRequest};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant, Membership, Principal};
use ombud_domain::ids::{OrganisationId, SessionId, UserId};
use ombud_domain::people;
use ombud_domain::role::RoleSet;
use serde::Serialize;

/// The identity provider of local (password) accounts.
pub const LOCAL: &str = "local";

/// A person. Also the audit snapshot: no secrets in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "i32")]
    #[serde(serialize_with = "as_bool")]
    pub is_admin: IntFlag,
    pub language: String,
    pub disabled_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// An INTEGER 0/1 column read as a flag (sqlx's `Any` cannot decode SQLite booleans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IntFlag(pub bool);

impl From<i32> for IntFlag {
    fn from(v: i32) -> Self {
        IntFlag(v != 0)
    }
}

fn as_bool<S: serde::Serializer>(f: &IntFlag, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(f.0)
}

const USER_COLUMNS: &str =
    "id, email, name, is_admin, language, disabled_at, created_at, updated_at, version";

/// A person's role grant in one organisation, for listing members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub organisation_id: String,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<&'static str>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    organisation_id: String,
    user_id: String,
    name: String,
    email: String,
    roles: String,
    version: i64,
}

/// The audit snapshot of a membership.
#[derive(Serialize)]
struct MembershipSnapshot<'a> {
    organisation_id: &'a str,
    user_id: &'a str,
    roles: Vec<&'static str>,
    version: i64,
}

/// A person's roles in one organisation, with the organisation's name, for the organisation switcher.
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub membership: Membership,
    pub organisation_name: String,
    pub organisation_kind: String,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    organisation_id: String,
    path: String,
    controller_id: Option<String>,
    roles: String,
    name: String,
    kind: String,
}

/// A signed-in session, as found from its secret.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session_id: String,
    pub csrf_token: String,
    pub expires_at: String,
    pub last_seen_at: String,
    pub user: User,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: String,
    csrf_token: String,
    expires_at: String,
    last_seen_at: String,
    id: String,
    email: String,
    name: String,
    is_admin: i32,
    language: String,
    disabled_at: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
}

/// A new session's secrets, given to the client once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_id: String,
    pub token: String,
    pub csrf_token: String,
    pub expires_at: String,
}

impl Store {
    pub async fn user(&self, id: &str) -> Result<User> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<User> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        )))
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The person an identity provider's subject belongs to.
    pub async fn user_by_identity(&self, provider: &str, subject: &str) -> Result<User> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM users u JOIN identities i ON i.user_id = u.id \
             WHERE i.provider = $1 AND i.subject = $2",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
        .bind(provider.to_string())
        .bind(subject.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The subject a person has at an identity provider, if they are linked to it.
    pub async fn identity_of(&self, provider: &str, user_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT subject FROM identities WHERE provider = $1 AND user_id = $2",
        )
        .bind(provider.to_string())
        .bind(user_id.to_string())
        .fetch_optional(self.pool())
        .await?)
    }

    /// Keeps a sign-in with the identity provider on its way.
    pub async fn save_sso_login(
        &self,
        state_hash: &str,
        nonce: &str,
        pkce_verifier: &str,
        next_path: &str,
        now: jiff::Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, nonce, pkce_verifier, next_path, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state_hash.to_string())
        .bind(nonce.to_string())
        .bind(pkce_verifier.to_string())
        .bind(next_path.to_string())
        .bind(ombud_domain::time::to_storage(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes a sign-in on its way, once: (nonce, PKCE verifier, where to go next) when the state is
    /// known and was made after `not_before`. Whoever takes it, on whichever instance, is the only
    /// one who does.
    pub async fn take_sso_login(
        &self,
        state_hash: &str,
        not_before: jiff::Timestamp,
    ) -> Result<Option<(String, String, String)>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "DELETE FROM sso_logins WHERE state_hash = $1 \
             RETURNING nonce, pkce_verifier, next_path, created_at",
        )
        .bind(state_hash.to_string())
        .fetch_optional(self.pool())
        .await?;
        sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
            .bind(ombud_domain::time::to_storage(not_before))
            .execute(self.pool())
            .await?;
        Ok(row.and_then(|(nonce, verifier, next, created)| {
            (created >= ombud_domain::time::to_storage(not_before))
                .then_some((nonce, verifier, next))
        }))
    }

    /// The stored password hash of a person's local account, if they have one.
    pub async fn local_secret(&self, user_id: &str) -> Result<Option<String>> {
        let s: Option<Option<String>> = sqlx::query_scalar(
            "SELECT secret_hash FROM identities WHERE provider = $1 AND user_id = $2",
        )
        .bind(LOCAL)
        .bind(user_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(s.flatten())
    }

    /// People sorted by name, keyset-paginated.
    pub async fn users(&self, q: Option<&str>, page: &PageRequest) -> Result<Page<User>> {
        let mut sql =
            crate::sql::Sql::new(&format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            let pat = format!("%{}%", crate::sql::like_escape(&q.to_lowercase()));
            sql.push(" AND (LOWER(name) LIKE ")
                .bind(crate::sql::Arg::Text(pat.clone()))
                .push(" ESCAPE '\\' OR email LIKE ")
                .bind(crate::sql::Arg::Text(pat))
                .push(" ESCAPE '\\')");
        }
        sql.page_by_name("", page);
        let rows: Vec<User> = sql.query_as().fetch_all(self.pool()).await?;
        Ok(paging::finish(rows, page.limit, |u| Cursor {
            key: u.name.clone(),
            id: u.id.clone(),
        }))
    }

    /// Everyone holding roles in one organisation (not inherited ones).
    pub async fn members(&self, organisation_id: &str) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.organisation_id, m.user_id, u.name, u.email, m.roles, m.version \
             FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY u.name, u.id",
        )
        .bind(organisation_id.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Member {
                organisation_id: r.organisation_id,
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                roles: RoleSet::from_storage(&r.roles).names(),
                version: r.version,
            })
            .collect())
    }

    /// A person's grants in active organisations.
    pub async fn grants(&self, user_id: &str) -> Result<Vec<RoleGrant>> {
        let rows: Vec<GrantRow> = sqlx::query_as(
            "SELECT m.organisation_id, o.path, o.controller_id, m.roles, o.name, o.kind \
             FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
             WHERE m.user_id = $1 AND o.archived_at IS NULL ORDER BY o.path",
        )
        .bind(user_id.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(RoleGrant {
                    membership: Membership {
                        organisation_id: OrganisationId::parse(&r.organisation_id)?,
                        path: r.path,
                        controller_id: r.controller_id.as_deref().and_then(OrganisationId::parse),
                        roles: RoleSet::from_storage(&r.roles),
                    },
                    organisation_name: r.name,
                    organisation_kind: r.kind,
                })
            })
            .collect())
    }

    /// Who a person is for authorisation: their admin flag and every role they hold where.
    pub async fn principal(&self, user: &User) -> Result<Principal> {
        let grants = self.grants(&user.id).await?;
        Ok(Principal {
            user_id: UserId::parse(&user.id).ok_or(StoreError::NotFound)?,
            name: user.name.clone(),
            is_admin: user.is_admin.0,
            memberships: grants.into_iter().map(|g| g.membership).collect(),
        })
    }

    /// Finds the live session behind a secret token.
    pub async fn session(&self, token: &str, now: &str) -> Result<Option<SessionInfo>> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id AS session_id, s.csrf_token, s.expires_at, s.last_seen_at, u.id, u.email, u.name, \
             u.is_admin, u.language, u.disabled_at, u.created_at, u.updated_at, u.version \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(people::token_hash(token))
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .filter(|r| r.expires_at.as_str() > now && r.disabled_at.is_none())
            .map(|r| SessionInfo {
                session_id: r.session_id,
                csrf_token: r.csrf_token,
                expires_at: r.expires_at,
                last_seen_at: r.last_seen_at,
                user: User {
                    id: r.id,
                    email: r.email,
                    name: r.name,
                    is_admin: IntFlag(r.is_admin != 0),
                    language: r.language,
                    disabled_at: r.disabled_at,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    version: r.version,
                },
            }))
    }

    /// Extends a session that is in use (sliding expiry). Not an audited change.
    pub async fn touch_session(&self, session_id: &str, now: &str, expires_at: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
            .bind(now.to_string())
            .bind(expires_at.to_string())
            .bind(session_id.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes sessions that have expired.
    pub async fn purge_expired_sessions(&self, now: &str) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.to_string())
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// The failed sign-ins counted for these keys (absent: none).
    pub async fn sign_in_failures(
        &self,
        keys: &[&str],
    ) -> Result<Vec<(String, ombud_domain::sign_in::Failures)>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT failures, last_failure_at FROM sign_in_failures WHERE counted_key = $1",
            )
            .bind((*key).to_string())
            .fetch_optional(self.pool())
            .await?;
            if let Some((count, last)) = row {
                let last = ombud_domain::time::from_storage(&last).ok_or_else(|| {
                    crate::StoreError::Database(format!("sign_in_failures: a time {last:?}"))
                })?;
                out.push((
                    (*key).to_string(),
                    ombud_domain::sign_in::Failures {
                        count: u32::try_from(count).unwrap_or(u32::MAX),
                        last,
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Counts a failure for a key at `now`, as the policy says: one more, or the first again once
    /// the window has passed since the last. One statement, so that instances failing the same
    /// account at once each count.
    pub async fn record_sign_in_failure(
        &self,
        key: &str,
        policy: &ombud_domain::sign_in::Policy,
        now: jiff::Timestamp,
    ) -> Result<()> {
        let window_start = ombud_domain::time::to_storage(now - policy.window);
        sqlx::query(
            "INSERT INTO sign_in_failures (counted_key, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (counted_key) DO UPDATE SET \
               failures = CASE WHEN sign_in_failures.last_failure_at <= $3 THEN 1 \
                               ELSE sign_in_failures.failures + 1 END, \
               last_failure_at = excluded.last_failure_at",
        )
        .bind(key.to_string())
        .bind(ombud_domain::time::to_storage(now))
        .bind(window_start)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets a key's failures (an account signed in with the right password).
    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE counted_key = $1")
            .bind(key.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes counts whose window has passed (run with the session purge).
    pub async fn purge_sign_in_failures(&self, before: jiff::Timestamp) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM sign_in_failures WHERE last_failure_at <= $1")
                .bind(ombud_domain::time::to_storage(before))
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }
}

impl WriteTx<'_> {
    /// Creates a person, with a local password when `password_hash` is given.
    pub async fn create_user(
        &mut self,
        email: &str,
        name: &str,
        password_hash: Option<&str>,
        is_admin: bool,
    ) -> Result<User> {
        let email = people::email(email)?;
        let name = people::name(name)?;
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(email.clone())
            .fetch_one(&mut *self.tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Conflict("email_taken"));
        }
        let now = self.now().to_string();
        let u = User {
            id: UserId::generate().into_string(),
            email,
            name,
            is_admin: IntFlag(is_admin),
            language: "sv".into(),
            disabled_at: None,
            created_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
        };
        sqlx::query(
            "INSERT INTO users (id, email, name, is_admin, language, disabled_at, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8)",
        )
        .bind(u.id.clone())
        .bind(u.email.clone())
        .bind(u.name.clone())
        .bind(i32::from(is_admin))
        .bind(u.language.clone())
        .bind(now.clone())
        .bind(now.clone())
        .bind(u.version)
        .execute(&mut *self.tx)
        .await?;
        if let Some(hash) = password_hash {
            sqlx::query(
                "INSERT INTO identities (provider, subject, user_id, secret_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(LOCAL)
            .bind(u.id.clone())
            .bind(u.id.clone())
            .bind(hash.to_string())
            .bind(now.clone())
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        }
        self.record_event(
            Operation::Create,
            "user",
            &u.id,
            None,
            None::<&()>,
            Some(&u),
        )
        .await?;
        Ok(u)
    }

    /// Links a person to their subject at an identity provider (one subject, one person). The audit
    /// trail records the link under the person.
    pub async fn link_identity(
        &mut self,
        user_id: &str,
        provider: &str,
        subject: &str,
    ) -> Result<()> {
        let now = self.now().to_string();
        sqlx::query(
            "INSERT INTO identities (provider, subject, user_id, secret_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, NULL, $4, $5)",
        )
        .bind(provider.to_string())
        .bind(subject.to_string())
        .bind(user_id.to_string())
        .bind(now.clone())
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict("identity_taken")
            }
            other => other.into(),
        })?;
        let fact = serde_json::json!({ "identity": { "provider": provider, "subject": subject } });
        self.record_event(
            Operation::Update,
            "user",
            user_id,
            None,
            None::<&()>,
            Some(&fact),
        )
        .await
    }

    /// Sets a person's local password (the hash is never put in the audit trail, only the fact).
    pub async fn set_password(&mut self, user_id: &str, password_hash: &str) -> Result<()> {
        let now = self.now().to_string();
        let n = sqlx::query("UPDATE identities SET secret_hash = $1, updated_at = $2 WHERE provider = $3 AND user_id = $4")
            .bind(password_hash.to_string())
            .bind(now.clone())
            .bind(LOCAL)
            .bind(user_id.to_string())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if n == 0 {
            sqlx::query(
                "INSERT INTO identities (provider, subject, user_id, secret_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(LOCAL)
            .bind(user_id.to_string())
            .bind(user_id.to_string())
            .bind(password_hash.to_string())
            .bind(now.clone())
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        }
        let fact = serde_json::json!({ "password": "changed" });
        self.record_event(
            Operation::Update,
            "user",
            user_id,
            None,
            None::<&()>,
            Some(&fact),
        )
        .await?;
        Ok(())
    }

    /// Sets a person's language preference.
    pub async fn set_language(
        &mut self,
        user_id: &str,
        language: ombud_domain::Lang,
    ) -> Result<User> {
        let before: User = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(user_id.to_string())
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if before.language == language.tag() {
            return Ok(before);
        }
        let mut after = before.clone();
        after.language = language.tag().to_string();
        after.version += 1;
        after.updated_at = self.now().to_string();
        sqlx::query("UPDATE users SET language = $1, version = $2, updated_at = $3 WHERE id = $4")
            .bind(after.language.clone())
            .bind(after.version)
            .bind(after.updated_at.clone())
            .bind(user_id.to_string())
            .execute(&mut *self.tx)
            .await?;
        self.record_event(
            Operation::Update,
            "user",
            user_id,
            None,
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Gives a person exactly these roles in an organisation; an empty set removes the membership.
    /// Returns the new version, or `None` when removed.
    pub async fn set_roles(
        &mut self,
        grant: &Grant,
        organisation: &crate::organisations::Organisation,
        user_id: &str,
        roles: RoleSet,
        expected_version: Option<i64>,
    ) -> Result<Option<i64>> {
        if !grant.allows(Action::ManageMembers, &organisation.scope()) {
            return Err(StoreError::NotGranted);
        }
        let organisation_id = organisation.id.as_str();
        // Whatever the outcome, who may do what may change: every instance re-reads its sessions.
        self.bump_auth_epoch().await?;
        let current: Option<(String, i64)> = sqlx::query_as(
            "SELECT roles, version FROM memberships WHERE organisation_id = $1 AND user_id = $2",
        )
        .bind(organisation_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        if let (Some(expected), Some((_, v))) = (expected_version, &current)
            && expected != *v
        {
            return Err(StoreError::Stale { current: *v });
        }
        let now = self.now().to_string();
        let record_id = format!("{organisation_id}/{user_id}");
        match current {
            None if roles.is_empty() => Ok(None),
            None => {
                sqlx::query(
                    "INSERT INTO memberships (organisation_id, user_id, roles, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, 1)",
                )
                .bind(organisation_id.to_string())
                .bind(user_id.to_string())
                .bind(roles.to_storage())
                .bind(now.clone())
                .bind(now)
                .execute(&mut *self.tx)
                .await?;
                let after = MembershipSnapshot {
                    organisation_id,
                    user_id,
                    roles: roles.names(),
                    version: 1,
                };
                self.record_event(
                    Operation::Create,
                    "membership",
                    &record_id,
                    Some(organisation_id),
                    None::<&()>,
                    Some(&after),
                )
                .await?;
                Ok(Some(1))
            }
            Some((old, v)) => {
                let old = RoleSet::from_storage(&old);
                let before = MembershipSnapshot {
                    organisation_id,
                    user_id,
                    roles: old.names(),
                    version: v,
                };
                if roles.is_empty() {
                    sqlx::query(
                        "DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2",
                    )
                    .bind(organisation_id.to_string())
                    .bind(user_id.to_string())
                    .execute(&mut *self.tx)
                    .await?;
                    self.record_event(
                        Operation::Delete,
                        "membership",
                        &record_id,
                        Some(organisation_id),
                        Some(&before),
                        None::<&()>,
                    )
                    .await?;
                    return Ok(None);
                }
                if old == roles {
                    return Ok(Some(v));
                }
                sqlx::query(
                    "UPDATE memberships SET roles = $1, updated_at = $2, version = $3 \
                     WHERE organisation_id = $4 AND user_id = $5",
                )
                .bind(roles.to_storage())
                .bind(now)
                .bind(v + 1)
                .bind(organisation_id.to_string())
                .bind(user_id.to_string())
                .execute(&mut *self.tx)
                .await?;
                let after = MembershipSnapshot {
                    organisation_id,
                    user_id,
                    roles: roles.names(),
                    version: v + 1,
                };
                self.record_event(
                    Operation::Update,
                    "membership",
                    &record_id,
                    Some(organisation_id),
                    Some(&before),
                    Some(&after),
                )
                .await?;
                Ok(Some(v + 1))
            }
        }
    }

    /// Opens a session for a person who has proved who they are. `kind` is `browser` or `api`.
    pub async fn create_session(
        &mut self,
        user: &User,
        kind: &str,
        expires_at: &str,
    ) -> Result<NewSession> {
        let token = people::new_token().map_err(|e| StoreError::Database(e.to_string()))?;
        let csrf_token = people::new_token().map_err(|e| StoreError::Database(e.to_string()))?;
        let id = SessionId::generate().into_string();
        let now = self.now().to_string();
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, kind, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.clone())
        .bind(people::token_hash(&token))
        .bind(user.id.clone())
        .bind(kind.to_string())
        .bind(csrf_token.clone())
        .bind(now.clone())
        .bind(expires_at.to_string())
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        let snapshot =
            serde_json::json!({ "user_id": user.id, "kind": kind, "expires_at": expires_at });
        self.record_event(
            Operation::Create,
            "session",
            &id,
            None,
            None::<&()>,
            Some(&snapshot),
        )
        .await?;
        Ok(NewSession {
            session_id: id,
            token,
            csrf_token,
            expires_at: expires_at.to_string(),
        })
    }

    /// The roles a person holds in one organisation now (not inherited ones).
    pub async fn roles_in(&mut self, organisation_id: &str, user_id: &str) -> Result<RoleSet> {
        let roles: Option<String> = sqlx::query_scalar(
            "SELECT roles FROM memberships WHERE organisation_id = $1 AND user_id = $2",
        )
        .bind(organisation_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(roles
            .map(|r| RoleSet::from_storage(&r))
            .unwrap_or(RoleSet::EMPTY))
    }

    /// Disables a person (no sign-in, every session ended, at once on every instance) or enables them
    /// again.
    pub async fn set_disabled(&mut self, user_id: &str, disabled: bool) -> Result<User> {
        let before: User = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(user_id.to_string())
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if before.disabled_at.is_some() == disabled {
            return Ok(before);
        }
        let mut after = before.clone();
        after.disabled_at = disabled.then(|| self.now().to_string());
        after.version += 1;
        after.updated_at = self.now().to_string();
        sqlx::query(
            "UPDATE users SET disabled_at = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(after.disabled_at.clone())
        .bind(after.version)
        .bind(after.updated_at.clone())
        .bind(user_id.to_string())
        .bind(before.version)
        .execute(&mut *self.tx)
        .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        self.record_event(
            Operation::Update,
            "user",
            user_id,
            None,
            Some(&before),
            Some(&after),
        )
        .await?;
        self.bump_auth_epoch().await?;
        Ok(after)
    }

    /// Ends a session (sign-out).
    pub async fn end_session(&mut self, session_id: &str) -> Result<()> {
        let n = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id.to_string())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if n > 0 {
            self.bump_auth_epoch().await?;
            self.record_event(
                Operation::Delete,
                "session",
                session_id,
                None,
                None::<&()>,
                None::<&()>,
            )
            .await?;
        }
        Ok(())
    }

    /// Ends every session of a person except one (after a password change).
    pub async fn end_other_sessions(&mut self, user_id: &str, keep: &str) -> Result<u64> {
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id.to_string())
            .bind(keep.to_string())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if n > 0 {
            self.bump_auth_epoch().await?;
        }
        Ok(n)
    }
}
