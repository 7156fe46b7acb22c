//! Who is calling, and the services of signing in and out.
//!
//! A caller is found from a session's secret (a browser's cookie or an API client's bearer token; the
//! store keeps only its SHA-256). What a session resolves to — the person and every role they hold
//! where — is cached per instance under the auth epoch, so that a busy client costs one tiny read per
//! request, and a revoked role, a disabled person or an ended session stops being trusted at once on
//! every instance.

use crate::{App, AppError, Result, blocking};
use ombud_domain::audit::Channel;
use ombud_domain::authz::Principal;
use ombud_domain::ids::UserId;
use ombud_domain::{Invalid, Lang, Rule, people, time};
use ombud_store::people::{NewSession, SessionInfo, User};
use ombud_store::{Actor, StoreError, WriteTx};

/// A signed-in caller: their session, shared by every request it makes while nothing changed (a
/// request copies two words, not the person's roles and names), and how this request came.
#[derive(Debug, Clone)]
pub struct Caller {
    pub session: std::sync::Arc<Session>,
    pub channel: Channel,
    pub lang: Lang,
}

/// What a session resolves to.
#[derive(Debug)]
pub struct Session {
    pub user: User,
    pub principal: Principal,
    pub session_id: String,
    pub csrf_token: String,
    /// When the session ends unless used (UTC, storage form).
    pub expires_at: String,
    /// The same instant, for comparing on every request without formatting the time.
    expires: Option<jiff::Timestamp>,
}

impl std::ops::Deref for Caller {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

impl Caller {
    /// Who the audit trail says made a change.
    pub fn actor(&self) -> Actor {
        Actor::user(
            self.principal.user_id.clone(),
            self.user.name.clone(),
            self.channel,
        )
    }

    /// The caller acting through another channel (an import).
    pub fn via(&self, channel: Channel) -> Actor {
        Actor::user(
            self.principal.user_id.clone(),
            self.user.name.clone(),
            channel,
        )
    }
}

impl App {
    /// Runs a password hash off the async threads.
    pub(crate) async fn hash_password(&self, password: String) -> Result<String> {
        let cost = self.config.password_cost;
        blocking(move || people::hash_password(&password, cost))
            .await?
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Checks a password off the async threads.
    pub(crate) async fn verify_password(&self, phc: String, password: String) -> Result<bool> {
        blocking(move || people::verify_password(&phc, &password)).await
    }

    /// The caller behind a session secret, or `None` for no live session.
    pub async fn resolve(&self, token: &str, channel: Channel) -> Result<Option<Caller>> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let epoch = self.store.auth_epoch().await?;
        let now = jiff::Timestamp::now();
        if let Some(mut c) = self.callers.get(token, epoch)
            && c.expires.is_some_and(|end| end > now)
        {
            c.channel = channel;
            return Ok(Some(c));
        }
        let now_s = time::to_storage(now);
        let Some(session) = self.store.session(token, &now_s).await? else {
            self.callers.forget(token);
            return Ok(None);
        };
        let expires_at = self.slide(&session, now).await;
        let principal = self.store.principal(&session.user).await?;
        let lang = Lang::from_tag(&session.user.language).unwrap_or_default();
        let caller = Caller {
            session: std::sync::Arc::new(Session {
                principal,
                session_id: session.session_id,
                csrf_token: session.csrf_token,
                expires: time::from_storage(&expires_at),
                expires_at,
                user: session.user,
            }),
            channel,
            lang,
        };
        self.callers.put(token, epoch, caller.clone());
        Ok(Some(caller))
    }

    /// Extends an idle timeout, writing at most every five minutes per session; answers the expiry.
    async fn slide(&self, s: &SessionInfo, now: jiff::Timestamp) -> String {
        let stale = time::from_storage(&s.last_seen_at)
            .is_none_or(|seen| now.duration_since(seen) > jiff::SignedDuration::from_mins(5));
        if !stale {
            return s.expires_at.clone();
        }
        let until = self.session_expiry_from(now);
        match self
            .store
            .touch_session(&s.session_id, &time::to_storage(now), &until)
            .await
        {
            Ok(()) => until,
            Err(e) => {
                tracing::warn!(error = %e, "could not extend session");
                s.expires_at.clone()
            }
        }
    }

    fn session_expiry_from(&self, now: jiff::Timestamp) -> String {
        let idle = jiff::SignedDuration::try_from(self.config.session_idle).unwrap_or_default();
        time::to_storage(now + idle)
    }

    /// Checks an e-mail address and password, within the sign-in limit (see
    /// [`ombud_domain::sign_in`]): refused with the time to wait while the account or the source
    /// address (when known) must wait; a failure counts for both; a success clears the account's
    /// count. Unknown addresses take as long as known ones, so that timing does not tell which
    /// exist.
    pub async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        source: Option<std::net::IpAddr>,
    ) -> Result<User> {
        let key = email.trim().to_lowercase();
        // An address no one can have is wrong like any other, and never reaches the database
        // (PostgreSQL refuses some characters that SQLite keeps).
        if key.chars().any(ombud_domain::text::is_refused_in_line)
            || key.chars().count() > ombud_domain::people::EMAIL_MAX
        {
            return Err(AppError::BadCredentials);
        }
        let guess = Guess::new(&key, source);
        self.may_guess(&guess).await?;
        let user = match self.store.user_by_email(&key).await {
            Ok(u) if u.disabled_at.is_none() => Some(u),
            Ok(_) | Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let secret = match &user {
            Some(u) => self.store.local_secret(&u.id).await?,
            None => None,
        };
        let ok = match secret {
            Some(phc) => self.verify_password(phc, password.to_string()).await?,
            None => {
                let cost = self.config.password_cost;
                blocking(move || people::burn_time_like_a_verification(cost)).await?;
                false
            }
        };
        match user {
            Some(u) if ok => {
                self.store.clear_sign_in_failures(&guess.account).await?;
                // Told only to the one who knows the password: it reveals nothing to a guesser.
                if self.sso_required() && !u.is_admin.0 {
                    return Err(AppError::SsoRequired);
                }
                Ok(u)
            }
            _ => {
                self.guessed_wrong(&guess).await?;
                tracing::info!("failed sign-in");
                Err(AppError::BadCredentials)
            }
        }
    }

    /// Opens a session for a person who has proved who they are; `kind` is `browser` or `api`.
    pub async fn open_session(
        &self,
        user: &User,
        kind: &str,
        channel: Channel,
    ) -> Result<NewSession> {
        let id = UserId::parse(&user.id).ok_or(AppError::NotFound)?;
        let actor = Actor::user(id, user.name.clone(), channel);
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let s = w
            .create_session(
                user,
                kind,
                &self.session_expiry_from(jiff::Timestamp::now()),
            )
            .await?;
        w.commit().await?;
        Ok(s)
    }

    /// Ends the caller's session (sign-out), on every instance at once.
    pub async fn sign_out(&self, caller: &Caller) -> Result<()> {
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.end_session(&caller.session_id).await?;
        w.commit().await?;
        Ok(())
    }

    /// Changes the caller's own password after checking the current one; every other session of
    /// theirs ends.
    pub async fn change_own_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
    ) -> Result<()> {
        // Guessing the current password here is guessing a password: it counts with sign-ins.
        let guess = Guess::new(&caller.user.email, None);
        self.may_guess(&guess).await?;
        let secret = self.store.local_secret(&caller.user.id).await?;
        let ok = match secret {
            Some(phc) => self.verify_password(phc, current.to_string()).await?,
            None => false,
        };
        if !ok {
            self.guessed_wrong(&guess).await?;
            return Err(Invalid::new("current_password", Rule::Required).into());
        }
        people::new_password("new_password", new, &caller.user.email, &caller.user.name)?;
        let hash = self.hash_password(new.to_string()).await?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.set_password(&caller.user.id, &hash).await?;
        w.end_other_sessions(&caller.user.id, &caller.session_id)
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Saves the caller's language.
    pub async fn set_language(&self, caller: &Caller, lang: Lang) -> Result<()> {
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.set_language(&caller.user.id, lang).await?;
        w.commit().await?;
        Ok(())
    }
}

/// A password attempt, as the sign-in limit counts it: for the account, and for the source address
/// when it is known (see [`ombud_domain::sign_in`]).
struct Guess {
    account: String,
    source: Option<String>,
}

impl Guess {
    fn new(email: &str, source: Option<std::net::IpAddr>) -> Guess {
        Guess {
            account: ombud_domain::sign_in::account_key(email),
            source: source.map(ombud_domain::sign_in::source_key),
        }
    }
}

impl App {
    /// Refuses an attempt, with the time to wait, while the account or the source must wait.
    async fn may_guess(&self, g: &Guess) -> Result<()> {
        use ombud_domain::sign_in::{ACCOUNT, SOURCE};
        let now = jiff::Timestamp::now();
        let keys: Vec<&str> = std::iter::once(g.account.as_str())
            .chain(g.source.as_deref())
            .collect();
        let counted = self.store.sign_in_failures(&keys).await?;
        let of = |k: &str| counted.iter().find(|(c, _)| c == k).map(|(_, f)| *f);
        let wait = ACCOUNT.wait(of(&g.account), now).max(
            g.source
                .as_deref()
                .map_or(jiff::SignedDuration::ZERO, |s| SOURCE.wait(of(s), now)),
        );
        if wait.is_positive() {
            return Err(AppError::TooManyAttempts {
                retry_after: ombud_domain::sign_in::retry_after(wait),
            });
        }
        Ok(())
    }

    /// Counts a wrong password for the account and the source.
    async fn guessed_wrong(&self, g: &Guess) -> Result<()> {
        use ombud_domain::sign_in::{ACCOUNT, SOURCE};
        let now = jiff::Timestamp::now();
        self.store
            .record_sign_in_failure(&g.account, &ACCOUNT, now)
            .await?;
        if let Some(s) = &g.source {
            self.store.record_sign_in_failure(s, &SOURCE, now).await?;
        }
        Ok(())
    }
}
