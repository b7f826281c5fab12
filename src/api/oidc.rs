//! OpenID Connect sign-on (`--oidc-issuer`, `--oidc-audience`): bearer tokens
//! that are JWTs signed by the company's provider stand for a caller, beside API
//! tokens for machines. The provider's keys come from its discovery document and
//! JWKS, cached, and fetched again when a token names a key not yet seen (key
//! rotation), at most every 30 seconds. RS256 and ES256 only; `exp`, `nbf`, `iss`
//! and `aud` are checked with a clock skew of at most 60 seconds. The role comes
//! from a claim (`guanxi_role`) or from group names mapped in a file; the account
//! scope from a claim holding a JSON array of account ids (`guanxi_accounts`).

use std::{
    collections::BTreeSet,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use jsonwebtoken::{errors::ErrorKind, jwk::JwkSet, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    domain::{Principal, Role},
    Error, ErrorCode,
};

/// The clock skew allowed on `exp` and `nbf`.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);
/// Keys are fetched again for an unknown key id at most this often: a stream of
/// made-up key ids must not become a stream of requests to the provider.
pub const REFETCH_EVERY: Duration = Duration::from_secs(30);
/// How long a fetch of the discovery document or the keys may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The page's scopes unless `--oidc-scope` says otherwise.
pub const DEFAULT_PAGE_SCOPE: &str = "openid profile";

/// How a deployment signs people in.
#[derive(Debug, Clone)]
pub struct OidcOptions {
    /// The provider, exactly as its tokens' `iss` says.
    pub issuer: String,
    /// What our tokens' `aud` must hold.
    pub audience: String,
    /// The claim holding the caller's role (admin, coach, member, viewer).
    pub role_claim: String,
    /// The claim holding the accounts a member or viewer reaches.
    pub accounts_claim: String,
    /// Group names mapped to roles and accounts, for providers that send groups.
    pub groups: Option<GroupMapping>,
    /// Keys are fetched again for a key id not seen yet at most this often
    /// ([`REFETCH_EVERY`] by default).
    pub refetch_keys_after: Duration,
    /// The planning page's client at the provider (a public client: the
    /// authorization code flow with PKCE, no secret); none: the page asks for an
    /// API token.
    pub page_client_id: Option<String>,
    /// What the page asks the provider for.
    pub page_scope: String,
}

impl OidcOptions {
    /// The provider and audience, with the default claim names.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> OidcOptions {
        OidcOptions {
            issuer: issuer.into(),
            audience: audience.into(),
            role_claim: "guanxi_role".into(),
            accounts_claim: "guanxi_accounts".into(),
            groups: None,
            refetch_keys_after: REFETCH_EVERY,
            page_client_id: None,
            page_scope: DEFAULT_PAGE_SCOPE.into(),
        }
    }
}

/// `--oidc-groups FILE`: which groups give which role and accounts.
///
/// ```toml
/// claim = "groups"
/// [[group]]
/// name = "guanxi-admins"
/// role = "admin"
/// [[group]]
/// name = "huaxin-account-team"
/// role = "member"
/// accounts = ["0196a1b2-…"]
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMapping {
    /// The claim holding the caller's groups (a JSON array of names).
    #[serde(default = "default_groups_claim")]
    pub claim: String,
    #[serde(rename = "group", default)]
    pub groups: Vec<MappedGroup>,
}

fn default_groups_claim() -> String {
    "groups".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedGroup {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub accounts: Vec<Uuid>,
}

impl GroupMapping {
    /// Reads and checks a mapping file, naming the file and the group at fault.
    pub fn load(path: &Path) -> crate::Result<GroupMapping> {
        let field = "oidc-groups";
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::invalid(field, format!("cannot read {}: {e}", path.display())))?;
        let mapping: GroupMapping = toml::from_str(&text)
            .map_err(|e| Error::invalid(field, format!("{}: {e}", path.display())))?;
        for (i, g) in mapping.groups.iter().enumerate() {
            let role = Role::parse("role", &g.role).map_err(|e| {
                Error::invalid(
                    field,
                    format!("{}: group {} ({}): {e}", path.display(), i + 1, g.name),
                )
            })?;
            if role.scoped() && g.accounts.is_empty() {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{}: group {} ({}): a {} group needs at least one account",
                        path.display(),
                        i + 1,
                        g.name,
                        role.as_str()
                    ),
                ));
            }
        }
        Ok(mapping)
    }
}

impl OidcOptions {
    /// Checks the issuer: `https://`, or `http://` on a loopback address (tests).
    pub fn check(&self) -> crate::Result<()> {
        check_url("oidc-issuer", &self.issuer)?;
        if self.audience.trim().is_empty() {
            return Err(Error::invalid(
                "oidc-audience",
                "give the audience the provider puts in guanxi's tokens (--oidc-audience)",
            ));
        }
        Ok(())
    }
}

/// `https://`, or `http://` on a loopback address.
fn check_url(field: &str, url: &str) -> crate::Result<()> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Err(Error::invalid(field, format!("'{url}' is not a URL")));
    };
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(Error::invalid(
            field,
            format!("'{url}' must be https:// (http:// only on a loopback address)"),
        )),
    }
}

/// Why a token is refused: a code and a reason for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: ErrorCode,
    pub message: String,
    /// 401 (not signed in) or 403 (signed in, but not let in).
    pub forbidden: bool,
}

fn refused(code: ErrorCode, message: impl Into<String>) -> Refused {
    Refused {
        code,
        message: message.into(),
        forbidden: false,
    }
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    end_session_endpoint: Option<String>,
    code_challenge_methods_supported: Option<Vec<String>>,
}

struct Keys {
    set: JwkSet,
    fetched: Option<Instant>,
    /// How the page signs in, from the last discovery document read.
    page: Option<Result<PageSignOn, String>>,
}

/// What the planning page needs to sign people in (`GET /sign-on`): the
/// provider's endpoints and our client there. Nothing secret: a public client
/// proves itself with PKCE.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageSignOn {
    pub issuer: String,
    pub client_id: String,
    /// Asked for as the token's resource (RFC 8707), so its `aud` is ours.
    pub audience: String,
    pub scope: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub end_session_endpoint: Option<String>,
}

/// Checks the provider's tokens.
pub struct OidcVerifier {
    options: OidcOptions,
    client: reqwest::Client,
    keys: tokio::sync::Mutex<Keys>,
}

impl OidcVerifier {
    pub fn new(options: OidcOptions) -> crate::Result<Arc<OidcVerifier>> {
        options.check()?;
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
        Ok(Arc::new(OidcVerifier {
            options,
            client,
            keys: tokio::sync::Mutex::new(Keys {
                set: JwkSet { keys: Vec::new() },
                fetched: None,
                page: None,
            }),
        }))
    }

    /// Fetches the keys now (at start, so a misconfigured issuer shows at once).
    pub async fn warm(&self) -> Result<(), String> {
        let mut keys = self.keys.lock().await;
        self.refresh(&mut keys).await
    }

    async fn refresh(&self, keys: &mut Keys) -> Result<(), String> {
        keys.fetched = Some(Instant::now());
        let issuer = self.options.issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let discovery: Discovery = self
            .client
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("{url}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("{url}: not a discovery document ({e})"))?;
        if discovery.issuer != self.options.issuer {
            return Err(format!(
                "{url} names the issuer '{}', not '{}'",
                discovery.issuer, self.options.issuer
            ));
        }
        check_url("jwks_uri", &discovery.jwks_uri).map_err(|e| e.to_string())?;
        keys.page = self
            .options
            .page_client_id
            .as_ref()
            .map(|client| self.page_sign_on_from(&discovery, client));
        let set: JwkSet = self
            .client
            .get(&discovery.jwks_uri)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("{}: {e}", discovery.jwks_uri))?
            .json()
            .await
            .map_err(|e| format!("{}: not a key set ({e})", discovery.jwks_uri))?;
        keys.set = set;
        Ok(())
    }

    /// How the page signs in: `None` when no page client is configured; an error
    /// when the provider cannot be reached or cannot sign a browser in.
    pub async fn page_sign_on(&self) -> Option<Result<PageSignOn, String>> {
        self.options.page_client_id.as_ref()?;
        let mut keys = self.keys.lock().await;
        let due = keys
            .fetched
            .is_none_or(|at| at.elapsed() >= self.options.refetch_keys_after);
        if due && !matches!(keys.page, Some(Ok(_))) {
            if let Err(e) = self.refresh(&mut keys).await {
                keys.page = Some(Err(e));
            }
        }
        Some(keys.page.clone().unwrap_or_else(|| {
            Err("the sign-on provider has not been reached yet; try again".into())
        }))
    }

    fn page_sign_on_from(&self, d: &Discovery, client: &str) -> Result<PageSignOn, String> {
        let endpoint = |name: &str, url: &Option<String>| -> Result<String, String> {
            let url = url
                .clone()
                .ok_or_else(|| format!("the provider's discovery document has no {name}"))?;
            check_url(name, &url).map_err(|e| e.to_string())?;
            Ok(url)
        };
        if let Some(methods) = &d.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == "S256") {
                return Err("the provider does not offer PKCE with S256".into());
            }
        }
        let end_session_endpoint = match &d.end_session_endpoint {
            Some(_) => Some(endpoint("end_session_endpoint", &d.end_session_endpoint)?),
            None => None,
        };
        Ok(PageSignOn {
            issuer: self.options.issuer.clone(),
            client_id: client.to_owned(),
            audience: self.options.audience.clone(),
            scope: self.options.page_scope.clone(),
            authorization_endpoint: endpoint("authorization_endpoint", &d.authorization_endpoint)?,
            token_endpoint: endpoint("token_endpoint", &d.token_endpoint)?,
            end_session_endpoint,
        })
    }

    /// The key a token names, fetching the keys again if it is new to us.
    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, Refused> {
        let mut keys = self.keys.lock().await;
        for attempt in 0..2 {
            // By its id; a token naming none takes the first key of its kind.
            let kind_fits = |k: &jsonwebtoken::jwk::Jwk| {
                matches!(
                    (&k.algorithm, alg),
                    (
                        jsonwebtoken::jwk::AlgorithmParameters::RSA(_),
                        Algorithm::RS256
                    ) | (
                        jsonwebtoken::jwk::AlgorithmParameters::EllipticCurve(_),
                        Algorithm::ES256
                    )
                )
            };
            let found = keys.set.keys.iter().find(|k| match kid {
                Some(kid) => k.common.key_id.as_deref() == Some(kid),
                None => kind_fits(k),
            });
            if let Some(jwk) = found {
                return DecodingKey::from_jwk(jwk).map_err(|e| {
                    refused(
                        ErrorCode::TokenInvalid,
                        format!(
                            "the provider's key {} cannot check {alg:?}: {e}",
                            kid.unwrap_or("-")
                        ),
                    )
                });
            }
            let due = keys
                .fetched
                .is_none_or(|at| at.elapsed() >= self.options.refetch_keys_after);
            if attempt == 1 || !due {
                break;
            }
            if let Err(e) = self.refresh(&mut keys).await {
                tracing::warn!(error = %e, "fetching the OpenID provider's keys");
                return Err(refused(
                    ErrorCode::Internal,
                    "the sign-on provider's keys could not be fetched; try again",
                ));
            }
        }
        Err(refused(
            ErrorCode::UnknownSigningKey,
            format!(
                "the token is signed with a key ({}) the provider does not publish",
                kid.unwrap_or("no key id")
            ),
        ))
    }

    /// The caller a token stands for, or why nobody.
    pub async fn verify(&self, token: &str) -> Result<Principal, Refused> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            refused(
                ErrorCode::TokenInvalid,
                "the bearer token is neither an API token (gx_…) nor a JWT",
            )
        })?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(refused(
                ErrorCode::TokenInvalid,
                format!(
                    "tokens signed with {:?} are refused: RS256 or ES256 only",
                    header.alg
                ),
            ));
        }
        let key = self.key_for(header.kid.as_deref(), header.alg).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.options.issuer]);
        validation.set_audience(&[&self.options.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = CLOCK_SKEW.as_secs();
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key,
            &validation,
        )
        .map_err(|e| {
            let (code, message) = match e.kind() {
                ErrorKind::ExpiredSignature => (
                    ErrorCode::TokenExpired,
                    "the sign-on token has expired: sign in again".to_owned(),
                ),
                ErrorKind::ImmatureSignature => (
                    ErrorCode::TokenNotYetValid,
                    "the sign-on token is not valid yet (nbf): check the clocks".to_owned(),
                ),
                ErrorKind::InvalidAudience => (
                    ErrorCode::WrongAudience,
                    format!(
                        "the sign-on token is not for this server: its audience is not '{}'",
                        self.options.audience
                    ),
                ),
                ErrorKind::InvalidIssuer => (
                    ErrorCode::WrongIssuer,
                    format!("the sign-on token is not from '{}'", self.options.issuer),
                ),
                ErrorKind::InvalidSignature => (
                    ErrorCode::BadSignature,
                    "the sign-on token's signature does not match the provider's key".to_owned(),
                ),
                ErrorKind::MissingRequiredClaim(c) => (
                    ErrorCode::TokenInvalid,
                    format!("the sign-on token has no '{c}' claim"),
                ),
                _ => (
                    ErrorCode::TokenInvalid,
                    format!("the sign-on token cannot be read ({e})"),
                ),
            };
            refused(code, message)
        })?;
        self.principal(&data.claims)
    }

    /// Role, scope and name from the claims.
    fn principal(
        &self,
        claims: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Principal, Refused> {
        let o = &self.options;
        let bad_claim = |claim: &str, what: &str| {
            refused(
                ErrorCode::TokenInvalid,
                format!("the sign-on token's '{claim}' claim {what}"),
            )
        };
        let mut role: Option<Role> = match claims.get(&o.role_claim) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(r)) => Some(Role::parse("role", r).map_err(|_| {
                bad_claim(
                    &o.role_claim,
                    &format!("is '{r}', not admin, coach, member or viewer"),
                )
            })?),
            Some(_) => return Err(bad_claim(&o.role_claim, "is not a string")),
        };
        let mut accounts: BTreeSet<Uuid> = BTreeSet::new();
        match claims.get(&o.accounts_claim) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(ids)) => {
                for id in ids {
                    let parsed = id.as_str().and_then(|s| s.parse::<Uuid>().ok());
                    accounts.insert(parsed.ok_or_else(|| {
                        bad_claim(
                            &o.accounts_claim,
                            &format!("holds {id}, which is not an account id"),
                        )
                    })?);
                }
            }
            Some(_) => {
                return Err(bad_claim(
                    &o.accounts_claim,
                    "is not a JSON array of account ids",
                ))
            }
        }
        if role.is_none() {
            if let Some(mapping) = &o.groups {
                let held: BTreeSet<&str> = match claims.get(&mapping.claim) {
                    Some(serde_json::Value::Array(g)) => {
                        g.iter().filter_map(|v| v.as_str()).collect()
                    }
                    Some(serde_json::Value::String(g)) => [g.as_str()].into(),
                    _ => BTreeSet::new(),
                };
                // The strongest role any group gives, with the accounts of the
                // groups that give it.
                let rank = |r: Role| match r {
                    Role::Admin => 3,
                    Role::Coach => 2,
                    Role::Member => 1,
                    Role::Viewer => 0,
                };
                for g in mapping
                    .groups
                    .iter()
                    .filter(|g| held.contains(g.name.as_str()))
                {
                    let Ok(r) = Role::parse("role", &g.role) else {
                        continue;
                    };
                    if role.is_none_or(|have| rank(r) > rank(have)) {
                        role = Some(r);
                        accounts.clear();
                    }
                    if role == Some(r) {
                        accounts.extend(g.accounts.iter().copied());
                    }
                }
            }
        }
        let name = ["preferred_username", "email", "name", "sub"]
            .iter()
            .find_map(|c| claims.get(*c).and_then(|v| v.as_str()))
            .unwrap_or("signed-in user")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect::<String>();
        let Some(role) = role else {
            return Err(Refused {
                code: ErrorCode::Forbidden,
                message: format!(
                    "{name} is signed in but has no guanxi role: the provider must send '{}' (admin, coach, member or viewer){}",
                    o.role_claim,
                    o.groups.as_ref().map(|m| format!(" or a group mapped in the groups file (claim '{}')", m.claim)).unwrap_or_default()
                ),
                forbidden: true,
            });
        };
        if role.scoped() && accounts.is_empty() {
            return Err(Refused {
                code: ErrorCode::Forbidden,
                message: format!(
                    "{name} is signed in as a {} but reaches no account: the provider must send their account ids in '{}'",
                    role.as_str(),
                    o.accounts_claim
                ),
                forbidden: true,
            });
        }
        Ok(Principal {
            token_id: None,
            name,
            role,
            accounts: if role.scoped() {
                accounts.into_iter().collect()
            } else {
                Vec::new()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn issuers_are_https_or_loopback() {
        assert!(check_url("i", "https://login.corp.example/realms/sales").is_ok());
        assert!(check_url("i", "http://127.0.0.1:4000").is_ok());
        assert!(check_url("i", "http://[::1]:4000").is_ok());
        assert!(check_url("i", "http://localhost:4000").is_ok());
        for bad in [
            "http://login.corp.example",
            "ftp://127.0.0.1",
            "login.corp.example",
            "",
        ] {
            assert!(check_url("i", bad).is_err(), "{bad}");
        }
    }
}
