//! Sign-in with the city's identity provider (Microsoft Entra ID, ADFS or any OpenID Connect
//! provider): the authorisation code flow with PKCE, `state` and `nonce`, the ID token's signature
//! and claims (issuer, audience, expiry, nonce) checked by the `openidconnect` crate.
//!
//! - A person is matched by the provider's stable subject (`sub`), linked to their Ombud account
//!   (table `identities`, provider = the issuer URL), never by e-mail address alone.
//! - Someone the provider knows but Ombud does not is refused with their subject shown, so that an
//!   administrator can link it; unless the instance creates people on first sign-in, then they get
//!   an account without any role (an administrator gives roles).
//! - The state is bound to the browser (a cookie holds it) and kept on the server with the nonce
//!   and the PKCE verifier, taken once: a second callback with the same state, on any instance,
//!   finds nothing.
//! - Passwords stay for the system administrator and cities without single sign-on; with
//!   `required`, everyone else must use the provider.

use crate::{App, AppError, Result, User};
use ombud_domain::audit::Channel;
use ombud_store::{Actor, StoreError, WriteTx};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl,
    Scope, TokenResponse,
};
use openidconnect::{EndpointMaybeSet, EndpointNotSet, EndpointSet};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// How this instance signs people in with the city's provider.
#[derive(Debug, Clone)]
pub struct SsoConfig {
    /// The issuer URL (its `/.well-known/openid-configuration` is read).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// What the sign-in button says: "Logga in med {label}".
    pub label: String,
    /// Create an account, without roles, for someone the provider knows and Ombud does not.
    pub create_people: bool,
    /// Everyone but the system administrator signs in with the provider, never with a password.
    pub required: bool,
}

/// The provider's end-session endpoint, which the core metadata leaves out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EndSession {
    pub end_session_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for EndSession {}

type Metadata = ProviderMetadata<
    EndSession,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Ombud as the provider's client: from its metadata (authorisation endpoint set; token and
/// userinfo endpoints as the provider publishes them).
type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long the provider's metadata and keys are kept before they are read again (a key the
/// provider rotated in is then found).
const METADATA_FOR: Duration = Duration::from_secs(3600);
/// How long a browser has from leaving for the provider to coming back.
const LOGIN_FOR: jiff::SignedDuration = jiff::SignedDuration::from_secs(600);

/// Why a sign-in with the provider did not go through. The page says it in words; the log says
/// which (never with the subject or the token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsoFailure {
    #[error("single sign-on is not configured")]
    NotConfigured,
    /// The state is missing, unknown, used before, too old, or not this browser's.
    #[error("the state does not match")]
    State,
    /// The provider answered with an error instead of a code (e.g. the person cancelled).
    #[error("the provider refused: {0}")]
    Provider(String),
    /// The code could not be exchanged (used before, expired, wrong verifier) or the provider
    /// could not be reached.
    #[error("the code could not be exchanged: {0}")]
    Exchange(String),
    /// The ID token is missing, or its signature or claims do not hold.
    #[error("the ID token was not accepted: {0}")]
    Token(String),
    /// The provider knows them, Ombud does not (and does not create people).
    #[error("no Ombud account has this subject")]
    UnknownPerson { subject: String },
    /// Their account is switched off.
    #[error("the account is disabled")]
    Disabled,
    /// A new account would take an address another account has: an administrator links them.
    #[error("the e-mail address belongs to another account")]
    EmailTaken { subject: String },
}

/// The provider's metadata, as read last, and the HTTP client that reads it.
pub struct Sso {
    pub config: SsoConfig,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, Metadata)>>,
}

impl Sso {
    pub fn new(config: SsoConfig) -> std::result::Result<Sso, String> {
        IssuerUrl::new(config.issuer.clone()).map_err(|e| format!("OMBUD_OIDC_ISSUER: {e}"))?;
        let http = reqwest::ClientBuilder::new()
            // The library's advice: following redirects would open the door to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Sso {
            config,
            http,
            metadata: RwLock::new(None),
        })
    }

    async fn metadata(&self, fresh: bool) -> std::result::Result<Metadata, SsoFailure> {
        if !fresh
            && let Some((at, m)) = self.metadata.read().await.as_ref()
            && at.elapsed() < METADATA_FOR
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| SsoFailure::Exchange(format!("issuer: {e}")))?;
        let m = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SsoFailure::Exchange(format!("discovery: {e}")))?;
        *self.metadata.write().await = Some((Instant::now(), m.clone()));
        Ok(m)
    }
}

/// Where to send the browser, and the state to keep in its cookie.
pub struct SsoStart {
    pub url: String,
    pub state: String,
}

fn state_hash(state: &str) -> String {
    ombud_domain::people::token_hash(state)
}

impl App {
    /// The sign-in button's label, when single sign-on is configured.
    pub fn sso_label(&self) -> Option<&str> {
        self.sso.as_ref().map(|s| s.config.label.as_str())
    }

    /// Whether a password sign-in is refused for someone who is not the system administrator.
    pub fn sso_required(&self) -> bool {
        self.sso.as_ref().is_some_and(|s| s.config.required)
    }

    fn client(&self, sso: &Sso, meta: Metadata) -> std::result::Result<Rp, SsoFailure> {
        let redirect = RedirectUrl::new(self.redirect_url())
            .map_err(|e| SsoFailure::Exchange(format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(sso.config.client_id.clone()),
            sso.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    fn redirect_url(&self) -> String {
        format!(
            "{}/logga-in/sso/klar",
            self.config.public_url.trim_end_matches('/')
        )
    }

    /// Starts a sign-in: the provider's authorisation URL (code flow, PKCE S256, state, nonce).
    pub async fn sso_start(&self, next: &str) -> Result<SsoStart> {
        let sso = self
            .sso
            .as_ref()
            .ok_or(AppError::Sso(SsoFailure::NotConfigured))?;
        let meta = sso.metadata(false).await.map_err(AppError::Sso)?;
        let client = self.client(sso, meta).map_err(AppError::Sso)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        self.store
            .save_sso_login(
                &state_hash(state.secret()),
                nonce.secret(),
                verifier.secret(),
                next,
                jiff::Timestamp::now(),
            )
            .await?;
        Ok(SsoStart {
            url: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Finishes a sign-in: the state checked against the browser's and taken once, the code
    /// exchanged with the PKCE verifier, the ID token checked, the person found (or created).
    /// Answers the person and where to go next.
    pub async fn sso_finish(
        &self,
        code: &str,
        state: &str,
        browser_state: Option<&str>,
    ) -> Result<(User, String)> {
        let fail = |f: SsoFailure| {
            tracing::info!(why = %f, "single sign-on refused");
            AppError::Sso(f)
        };
        let sso = self
            .sso
            .as_ref()
            .ok_or(AppError::Sso(SsoFailure::NotConfigured))?;
        // The browser that comes back must be the one that left (login CSRF).
        if state.is_empty() || browser_state != Some(state) {
            return Err(fail(SsoFailure::State));
        }
        let Some((nonce, verifier, next)) = self
            .store
            .take_sso_login(&state_hash(state), jiff::Timestamp::now() - LOGIN_FOR)
            .await?
        else {
            return Err(fail(SsoFailure::State));
        };
        let exchange = async {
            let meta = sso.metadata(false).await?;
            let client = self.client(sso, meta)?;
            let token = client
                .exchange_code(AuthorizationCode::new(code.to_string()))
                .map_err(|e| SsoFailure::Exchange(e.to_string()))?
                .set_pkce_verifier(PkceCodeVerifier::new(verifier.clone()))
                .request_async(&sso.http)
                .await
                .map_err(|e| SsoFailure::Exchange(e.to_string()))?;
            let id_token = token
                .id_token()
                .ok_or_else(|| SsoFailure::Token("the answer has no ID token".into()))?;
            let claims = id_token
                .claims(&client.id_token_verifier(), &Nonce::new(nonce.clone()))
                .map_err(|e| SsoFailure::Token(e.to_string()))?;
            let subject = claims.subject().clone();
            let mut email = claims.email().map(|e| e.to_string());
            let mut name = claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string())
                .or_else(|| claims.preferred_username().map(|u| u.to_string()));
            // Many providers put the e-mail address and the name in the userinfo answer only,
            // not in the ID token; it is asked for the same subject, which the library checks.
            if email.is_none()
                && let Ok(request) =
                    client.user_info(token.access_token().clone(), Some(subject.clone()))
            {
                match request
                    .request_async::<openidconnect::EmptyAdditionalClaims, _, openidconnect::core::CoreGenderClaim>(&sso.http)
                    .await
                {
                    Ok(info) => {
                        email = info.email().map(|e| e.to_string());
                        name = name.or_else(|| {
                            info.name().and_then(|n| n.get(None)).map(|n| n.to_string())
                        });
                    }
                    Err(e) => tracing::info!(error = %e, "the userinfo endpoint did not answer"),
                }
            }
            Ok::<_, SsoFailure>((subject.to_string(), email, name))
        };
        let (subject, email, name) = exchange.await.map_err(fail)?;
        let issuer = sso.config.issuer.clone();
        let user = match self.store.user_by_identity(&issuer, &subject).await {
            Ok(u) => u,
            Err(StoreError::NotFound) if sso.config.create_people => self
                .create_from_provider(&issuer, &subject, email.as_deref(), name.as_deref())
                .await
                .map_err(|e| match e {
                    AppError::Sso(f) => fail(f),
                    other => other,
                })?,
            Err(StoreError::NotFound) => return Err(fail(SsoFailure::UnknownPerson { subject })),
            Err(e) => return Err(e.into()),
        };
        if user.disabled_at.is_some() {
            return Err(fail(SsoFailure::Disabled));
        }
        Ok((user, next))
    }

    /// An account for someone the provider knows, without any role, linked to their subject.
    async fn create_from_provider(
        &self,
        issuer: &str,
        subject: &str,
        email: Option<&str>,
        name: Option<&str>,
    ) -> Result<User> {
        let email = email
            .and_then(|e| ombud_domain::people::email(e).ok())
            .ok_or_else(|| {
                AppError::Sso(SsoFailure::Token(
                    "the ID token has no usable e-mail address".into(),
                ))
            })?;
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(email.as_str())
            .to_string();
        let actor = Actor::system("Inloggning via identitetsleverantör", Channel::Ui);
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let user = match w.create_user(&email, &name, None, false).await {
            Ok(u) => u,
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Sso(SsoFailure::EmailTaken {
                    subject: subject.to_string(),
                }));
            }
            Err(e) => return Err(e.into()),
        };
        w.link_identity(&user.id, issuer, subject).await?;
        w.commit().await?;
        tracing::info!("an account was created at first sign-in with the identity provider");
        Ok(user)
    }

    /// Where to end the session at the provider too (its end-session endpoint), with the way back.
    pub async fn sso_end_session_url(&self) -> Option<String> {
        let sso = self.sso.as_ref()?;
        let meta = sso.metadata(false).await.ok()?;
        let end = meta.additional_metadata().end_session_endpoint.clone()?;
        let mut url = reqwest::Url::parse(&end).ok()?;
        url.query_pairs_mut()
            .append_pair("client_id", &sso.config.client_id)
            .append_pair(
                "post_logout_redirect_uri",
                &format!("{}/logga-in", self.config.public_url.trim_end_matches('/')),
            );
        Some(url.to_string())
    }

    /// Links a person to their subject at the configured provider (the system administrator).
    pub async fn link_sso_subject(
        &self,
        caller: &crate::Caller,
        user_id: &str,
        subject: &str,
    ) -> Result<()> {
        if !caller.principal.is_admin {
            return Err(AppError::Forbidden);
        }
        let sso = self
            .sso
            .as_ref()
            .ok_or(AppError::Sso(SsoFailure::NotConfigured))?;
        let subject = ombud_domain::text::required_line("sso_subject", subject, 255)?;
        let user = self.person(caller, user_id).await?;
        let user_id = user.id.as_str();
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.link_identity(user_id, &sso.config.issuer, &subject)
            .await?;
        w.commit().await?;
        Ok(())
    }
}
