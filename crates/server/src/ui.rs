//! The web interface: a single page (`GET /`) and its static assets (`GET /assets/{name}`),
//! plain HTML, CSS and JavaScript modules embedded in the binary with `include_str!` — no
//! build step, nothing fetched from elsewhere at run time.
//!
//! The page carries a strict Content-Security-Policy (everything from this origin only, no
//! inline script or style). Assets are revalidated on every load (`Cache-Control: no-cache`)
//! against a strong `ETag` (the SHA-256 of their bytes), so a new binary's assets are picked
//! up at once and unchanged ones cost a 304.
//!
//! For work on the interface, `VAXRIDE_ASSETS_DIR=crates/server/assets` makes the server read
//! the same files from that directory on every request (only the names listed here), so a
//! change shows on reload without rebuilding.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

/// The page's Content-Security-Policy; images may also come from the tile server's origin.
pub fn csp(tiles: Option<&TileSource>) -> String {
    let img = tiles.map_or(String::new(), |t| format!(" {}", t.origin));
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; \
         img-src 'self' data:{img}; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// A raster tile server for the maps' base layer, for deployments that have one
/// (`https://tiles.example.org/{z}/{x}/{y}.png`). Without one the base map is the road network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileSource {
    template: String,
    origin: String,
    attribution: Option<String>,
}

/// Why a tile URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TileUrlError {
    /// `{z}`, `{x}` or `{y}` is missing.
    #[error(
        "the tile URL must contain {{z}}, {{x}} and {{y}} (e.g. https://tiles.example.org/{{z}}/{{x}}/{{y}}.png)"
    )]
    Placeholders,
    /// A placeholder other than `{z}`, `{x}`, `{y}` (such as `{s}`), or a stray brace.
    #[error(
        "the tile URL may only use the placeholders {{z}}, {{x}} and {{y}}, and found another brace"
    )]
    OtherPlaceholder,
    /// A placeholder in the scheme, host or port: the tiles' origin would change with the
    /// tile, and the page's policy names one origin.
    #[error("the tile URL's placeholders must be in its path or query, not in its host or port")]
    PlaceholderInOrigin,
    /// Not a URL once the placeholders are filled in.
    #[error("the tile URL is not a valid URL: {0}")]
    Invalid(String),
    /// Not http or https.
    #[error("the tile URL must start with http:// or https://, not {0}:")]
    Scheme(String),
    /// A user name or password in the URL (it would be shown to every browser).
    #[error("the tile URL may not carry a user name or password")]
    Credentials,
}

impl TileSource {
    /// Checks a tile URL template: http(s), a host, `{z}`, `{x}` and `{y}`, no credentials.
    pub fn parse(template: &str) -> Result<TileSource, TileUrlError> {
        let template = template.trim();
        if !["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p)) {
            return Err(TileUrlError::Placeholders);
        }
        let fill = |v: &str| {
            template
                .replace("{z}", v)
                .replace("{x}", v)
                .replace("{y}", v)
        };
        let probe = fill("0");
        if probe.contains(['{', '}']) {
            return Err(TileUrlError::OtherPlaceholder);
        }
        let url = url::Url::parse(&probe).map_err(|e| TileUrlError::Invalid(e.to_string()))?;
        let other =
            url::Url::parse(&fill("19")).map_err(|e| TileUrlError::Invalid(e.to_string()))?;
        if other.origin() != url.origin() {
            return Err(TileUrlError::PlaceholderInOrigin);
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TileUrlError::Scheme(url.scheme().to_string()));
        }
        match url.host() {
            None => return Err(TileUrlError::Invalid("no host".into())),
            Some(url::Host::Domain(d))
                if !d
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
            {
                return Err(TileUrlError::Invalid(format!("not a host name: {d}")));
            }
            Some(_) => {}
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TileUrlError::Credentials);
        }
        Ok(TileSource {
            template: template.to_string(),
            origin: url.origin().ascii_serialization(),
            attribution: None,
        })
    }

    /// The tile provider's credit, shown under every map after the OpenStreetMap one.
    pub fn with_attribution(mut self, text: Option<String>) -> TileSource {
        self.attribution = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        self
    }

    /// The provider's credit line, if given.
    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    /// The template as given, for the page.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// `scheme://host[:port]`, for the Content-Security-Policy.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// One embedded file.
struct Asset {
    /// Its name under `/assets/`.
    name: &'static str,
    /// Its path under `assets/` (and under `VAXRIDE_ASSETS_DIR`).
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
    /// A third party's file, copied verbatim (`assets/vendor/README.md`): its hash is checked,
    /// the page's own rules are not (the tests' business only).
    #[cfg(test)]
    vendored: bool,
}

macro_rules! asset {
    ($name:literal, $type:expr) => {
        Asset {
            name: $name,
            path: $name,
            content_type: $type,
            body: include_str!(concat!("../assets/", $name)),
            #[cfg(test)]
            vendored: false,
        }
    };
    (vendor $name:literal, $type:expr) => {
        Asset {
            name: $name,
            path: concat!("vendor/", $name),
            content_type: $type,
            body: include_str!(concat!("../assets/vendor/", $name)),
            #[cfg(test)]
            vendored: true,
        }
    };
}

const CSS: &str = "text/css; charset=utf-8";

const JS: &str = "text/javascript; charset=utf-8";

/// Every asset the page uses.
const ASSETS: &[Asset] = &[
    asset!(vendor "leaflet.css", CSS),
    asset!(vendor "leaflet.js", JS),
    asset!("app.css", CSS),
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("i18n.js", JS),
    asset!("i18n.zh-CN.json", "application/json; charset=utf-8"),
    asset!("i18n.en.json", "application/json; charset=utf-8"),
    asset!("dom.js", JS),
    asset!("codes.js", JS),
    asset!("map.js", JS),
    asset!("secretary.js", JS),
    asset!("home.js", JS),
    asset!("coordinator.js", JS),
    asset!("daylog.js", JS),
    asset!("progress.js", JS),
    asset!("vans.js", JS),
    asset!("walkin.js", JS),
    asset!("driver.js", JS),
    asset!("accounts.js", JS),
    asset!("icon.svg", "image/svg+xml"),
];

const INDEX: &str = include_str!("../assets/index.html");

fn etag(body: &str) -> String {
    let d = Sha256::digest(body.as_bytes());
    let hex: String = d[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The ETags, computed once: one per asset, then the page's.
fn etags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| etag(a.body))
            .chain(std::iter::once(etag(INDEX)))
            .collect()
    })
}

/// Whether the request already holds this version.
fn fresh(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

fn answer(req: &HttpRequest, tag: &str, content_type: &str, body: Bytes) -> HttpResponse {
    let not_modified = fresh(req, tag);
    let mut res = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, tag.to_string()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if not_modified {
        res.finish()
    } else {
        res.content_type(content_type.to_string()).body(body)
    }
}

/// The file from `VAXRIDE_ASSETS_DIR`, when set (development), with its tag.
fn from_dir(name: &str) -> Option<(String, Bytes)> {
    let dir = std::env::var_os("VAXRIDE_ASSETS_DIR")?;
    let text = std::fs::read_to_string(std::path::Path::new(&dir).join(name)).ok()?;
    Some((etag(&text), Bytes::from(text)))
}

/// `GET /`: the single-page app.
pub(crate) async fn index(req: HttpRequest, state: web::Data<crate::AppState>) -> HttpResponse {
    let (tag, body) = from_dir("index.html").unwrap_or_else(|| {
        (
            etags().last().expect("the page's tag").clone(),
            Bytes::from_static(INDEX.as_bytes()),
        )
    });
    let mut res = answer(&req, &tag, "text/html; charset=utf-8", body);
    let h = res.headers_mut();
    // The tile origin is checked at start, so this cannot fail; if it ever did, the page
    // keeps the policy without tiles rather than none.
    let policy = header::HeaderValue::from_str(&csp(state.tiles.as_ref()))
        .unwrap_or_else(|_| header::HeaderValue::from_str(&csp(None)).expect("an ASCII policy"));
    h.insert(header::CONTENT_SECURITY_POLICY, policy);
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    res
}

/// The name of the one generated asset: the codes the pages offer and check, from the domain's
/// registries (so no page lists a code by hand).
const CODES: &str = "codes.json";

/// `codes.json` and its tag (built once).
fn codes() -> &'static (String, Bytes) {
    use vaxride_dispatch::model::{
        BookingStatus, Dose, Mobility, Report, SiteKind, StopKind, TimePreference,
    };
    static CODES_JSON: OnceLock<(String, Bytes)> = OnceLock::new();
    CODES_JSON.get_or_init(|| {
        let steps: serde_json::Map<String, serde_json::Value> = StopKind::ALL
            .iter()
            .map(|k| {
                let fits: Vec<&str> = Report::ALL
                    .iter()
                    .filter(|r| r.fits(*k))
                    .map(|r| r.code())
                    .collect();
                (k.code().to_string(), fits.into())
            })
            .collect();
        let body = serde_json::json!({
            "mobility": Mobility::ALL.map(Mobility::code),
            "dose": Dose::ALL.map(Dose::code),
            "feature": vaxride_dispatch::values::Feature::ALL.map(|f| f.code()),
            "site_kind": SiteKind::ALL.map(SiteKind::code),
            "time_preference": TimePreference::ALL.map(TimePreference::code),
            "cancellable": BookingStatus::ALL
                .iter()
                .filter(|s| s.cancellable())
                .map(|s| s.code())
                .collect::<Vec<_>>(),
            "reached_site": BookingStatus::ALL
                .iter()
                .filter(|s| s.reached_site())
                .map(|s| s.code())
                .collect::<Vec<_>>(),
            "steps": steps,
            "closing": StopKind::ALL
                .iter()
                .map(|k| {
                    let closing: Vec<&str> = Report::ALL
                        .iter()
                        .filter(|r| r.fits(*k) && r.closes_stop(*k))
                        .map(|r| r.code())
                        .collect();
                    (k.code().to_string(), closing.into())
                })
                .collect::<serde_json::Map<String, serde_json::Value>>(),
        })
        .to_string();
        (etag(&body), Bytes::from(body))
    })
}

/// `GET /assets/{name}`.
pub(crate) async fn asset(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    if name.as_str() == CODES {
        let (tag, body) = codes();
        return answer(&req, tag, "application/json; charset=utf-8", body.clone());
    }
    match ASSETS.iter().position(|a| a.name == name.as_str()) {
        Some(i) => {
            let a = &ASSETS[i];
            let (tag, body) = from_dir(a.path)
                .unwrap_or_else(|| (etags()[i].clone(), Bytes::from_static(a.body.as_bytes())));
            answer(&req, &tag, a.content_type, body)
        }
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_embedded() {
        for a in ASSETS
            .iter()
            .filter(|a| a.name.ends_with(".js") && !a.vendored)
        {
            for line in a.body.lines() {
                let l = line.trim();
                if !(l.starts_with("import ") || l.starts_with("} from ")) {
                    continue;
                }
                if let Some(start) = l.find("'./") {
                    let rest = &l[start + 3..];
                    let file = &rest[..rest.find('\'').expect("closing quote")];
                    assert!(
                        ASSETS.iter().any(|x| x.name == file),
                        "{} imports {file}, which is not embedded",
                        a.name
                    );
                }
            }
        }
        for a in ASSETS {
            let path = format!("/assets/{}", a.name);
            let quoted = format!("'{}'", a.name);
            assert!(
                a.name.ends_with(".js")
                    || INDEX.contains(&path)
                    || a.name == "app.css"
                    || ASSETS
                        .iter()
                        .any(|js| js.name.ends_with(".js") && js.body.contains(&quoted)),
                "{path} unused"
            );
        }
    }
    fn asset(name: &str) -> &'static str {
        ASSETS
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.body)
            .expect("embedded")
    }

    /// The keys of one language's dictionary.
    fn keys(name: &str) -> std::collections::BTreeSet<String> {
        let dict: std::collections::BTreeMap<String, String> =
            serde_json::from_str(asset(name)).expect("a JSON object of strings");
        dict.into_keys().collect()
    }

    /// One dose vocabulary (issue 14): every word the pages use for an elder's vaccination
    /// status reads back as that status in the ledger, and a site's shot word reads as the
    /// status of an elder who has had it, or, after `需`/`needs`, who still needs it.
    #[test]
    fn the_ledger_reads_every_dose_word_the_pages_show() {
        use vaxride_dispatch::model::Dose;
        use vaxride_dispatch::values::Shot;
        for name in ["i18n.zh-CN.json", "i18n.en.json"] {
            let dict: std::collections::BTreeMap<String, String> =
                serde_json::from_str(asset(name)).expect("a JSON object of strings");
            for dose in Dose::ALL {
                let word = &dict[&format!("dose.{}", dose.code())];
                assert_eq!(Dose::parse(word), Ok(dose), "{name}: {word}");
            }
            for shot in Shot::ALL {
                let word = &dict[&format!("site_dose.{}", shot.code())];
                let needs = Dose::ALL
                    .into_iter()
                    .find(|d| d.next_shot() == Some(shot))
                    .expect("a dose before every shot");
                let prefix = if name.starts_with("i18n.zh") {
                    "需"
                } else {
                    "needs "
                };
                assert_eq!(
                    Dose::parse(&format!("{prefix}{word}")),
                    Ok(needs),
                    "{name}: {word}"
                );
                let had = Dose::ALL
                    .into_iter()
                    .find(|d| d.next_shot() == needs_after(shot))
                    .expect("a dose after every shot");
                assert_eq!(Dose::parse(word), Ok(had), "{name}: {word}");
            }
        }
        /// The shot after `shot`, if any.
        fn needs_after(shot: Shot) -> Option<Shot> {
            match shot {
                Shot::First => Some(Shot::Second),
                Shot::Second => Some(Shot::Booster),
                Shot::Booster => None,
            }
        }
    }

    #[test]
    fn both_languages_translate_every_string_the_pages_use() {
        let (zh, en) = (keys("i18n.zh-CN.json"), keys("i18n.en.json"));
        assert!(zh.len() > 100, "{} keys", zh.len());
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only zh: {only_zh:?}; only en: {only_en:?}"
        );
        let mut missing = Vec::new();
        for a in ASSETS
            .iter()
            .filter(|a| a.name.ends_with(".js") && !a.vendored)
        {
            // t('key'…) and keys written as plain strings ('nav.plan', 'kind_stop.drop_site').
            for piece in a.body.split('\'').skip(1).step_by(2) {
                let looks_like_key = piece.contains('.')
                    && !piece.contains(' ')
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    && zh
                        .iter()
                        .any(|k| k.split('.').next() == piece.split('.').next());
                if looks_like_key && !zh.contains(piece) {
                    missing.push(format!("{}: {piece}", a.name));
                }
            }
            // t(`prefix.${…}`): the prefix has entries.
            for piece in a.body.split("t(`").skip(1) {
                let prefix = &piece[..piece.find("${").unwrap_or(0)];
                if !prefix.is_empty() && !zh.iter().any(|k| k.starts_with(prefix)) {
                    missing.push(format!("{}: {prefix}*", a.name));
                }
            }
        }
        assert!(missing.is_empty(), "not translated: {missing:?}");
        // Codes the server sends, shown in words: every value of each registry.
        use vaxride_dispatch::model::{
            BookingStatus, ChangeReason, Dose, Mobility, Report, StopKind, TripStatus,
        };
        use vaxride_dispatch::plan::RefusalReason;
        use vaxride_dispatch::values::Role;
        use vaxride_solver::UnassignedReason;
        let codes: Vec<(&str, Vec<&str>)> = vec![
            (
                "status",
                BookingStatus::ALL
                    .iter()
                    .map(|s| s.code())
                    .chain(TripStatus::ALL.iter().map(|s| s.code()))
                    .chain(std::iter::once(Report::DroppedAtSite.code()))
                    .collect(),
            ),
            (
                "reason",
                RefusalReason::ALL
                    .iter()
                    .map(|r| r.code())
                    .chain(UnassignedReason::ALL.iter().map(|r| r.code()))
                    .collect(),
            ),
            ("step", Report::ALL.iter().map(|r| r.code()).collect()),
            ("err", crate::error::ApiError::CODES.to_vec()),
            (
                "kind_stop",
                StopKind::ALL.iter().map(|k| k.code()).collect(),
            ),
            (
                "change",
                ChangeReason::ALL.iter().map(|c| c.code()).collect(),
            ),
            (
                "driver.off",
                ChangeReason::ALL.iter().map(|c| c.code()).collect(),
            ),
            ("mobility", Mobility::ALL.iter().map(|m| m.code()).collect()),
            ("dose", Dose::ALL.iter().map(|d| d.code()).collect()),
            ("role", Role::ALL.iter().map(|r| r.code()).collect()),
        ];
        for (prefix, values) in &codes {
            for v in values {
                let key = format!("{prefix}.{v}");
                assert!(zh.contains(&key), "{key} is not translated");
            }
        }
    }

    /// Vendored files are the published ones, byte for byte (`assets/vendor/README.md`).
    #[test]
    fn vendored_files_are_the_published_ones() {
        const PUBLISHED: &[(&str, usize, &str)] = &[
            (
                "leaflet.js",
                147_552,
                "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
            ),
            (
                "leaflet.css",
                14_806,
                "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
            ),
        ];
        let readme = include_str!("../assets/vendor/README.md");
        let vendored: Vec<_> = ASSETS.iter().filter(|a| a.vendored).collect();
        assert_eq!(vendored.len(), PUBLISHED.len());
        for (name, len, sha) in PUBLISHED {
            let a = vendored.iter().find(|a| a.name == *name).expect(name);
            let got: String = Sha256::digest(a.body.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!((a.body.len(), got.as_str()), (*len, *sha), "{name}");
            assert!(
                readme.contains(sha),
                "{name}'s hash is in the vendor README"
            );
        }
    }

    #[test]
    fn the_page_loads_nothing_from_elsewhere_and_runs_no_inline_script() {
        for (name, body) in ASSETS
            .iter()
            .filter(|a| !a.vendored)
            .map(|a| (a.name, a.body))
            .chain(std::iter::once(("index.html", INDEX)))
        {
            for bad in [
                "http://",
                "https://",
                "//cdn",
                "eval(",
                "innerHTML",
                "document.write",
            ] {
                let hits = body
                    .lines()
                    .filter(|l| l.contains(bad) && !l.contains("www.w3.org/2000/svg"))
                    .count();
                assert_eq!(hits, 0, "{name} contains {bad}");
            }
        }
        assert!(!INDEX.contains("<script>") && !INDEX.contains(" style="));
        // The vendored library comes before the page's own style and code, which use it.
        let at = |needle: &str| INDEX.find(needle).unwrap_or_else(|| panic!("{needle}"));
        assert!(at("/assets/leaflet.css") < at("/assets/app.css"));
        assert!(at("<script defer src=\"/assets/leaflet.js\">") < at("/assets/app.js"));
        assert!(INDEX.contains("<html lang=\"zh-CN\">"));
    }
}
