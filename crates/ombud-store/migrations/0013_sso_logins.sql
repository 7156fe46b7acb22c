-- A sign-in with the city's identity provider on its way: created when the browser is sent to the
-- provider, taken (deleted) once when it comes back, so a state is used at most once, on any
-- instance. `state_hash` is a SHA-256 of the state; the PKCE verifier and the nonce stay here, never
-- in the browser. Rows older than ten minutes are refused and purged.

CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TEXT NOT NULL
);
