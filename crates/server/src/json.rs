//! The JSON request bodies: one reader for every handler ([`Json`] as an extractor, [`parse`]
//! for a body already read). The document is OpenAPI 3.1, whose JSON Schema counts `2.0` as the
//! integer 2, so a whole number spelled as a float is read as that integer; a body that does not
//! fit its type is refused naming the field (`bookings[0].elder_id`), not a position in the text.

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::problems;

/// A JSON body of type `T` (`Content-Type: application/json`, within the size limit).
pub(crate) struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The content type, the size limit and the syntax are checked as for any JSON (with the
        // coded answers of `crate::error::json_error`); the shape here.
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            Ok(Json(fit(value)?))
        })
    }
}

/// A body read as bytes (a handler that also hashes them), as [`Json`] reads it.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| crate::error::bad_json(&e))?;
    fit(value)
}

/// Fits a JSON value to `T`, whole floats read as integers; the error names the field.
fn fit<T: DeserializeOwned>(mut value: Value) -> Result<T, ApiError> {
    // Every body is an object: serde would also read a struct from an array of its fields.
    if !value.is_object() {
        return Err(ApiError::field(
            "body",
            problems::bad_json("expected a JSON object"),
        ));
    }
    whole_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            crate::error::clipped(path)
        };
        ApiError::field(&field, problems::bad_json(crate::error::clipped(e.inner())))
    })
}

/// Rewrites every number that is a whole float (`2.0`, `-3e2`) within ±2^53, where floats count
/// exactly, as that integer.
fn whole_floats_to_integers(v: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(whole_floats_to_integers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        id: i64,
        share: f64,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[test]
    fn whole_floats_are_integers_and_errors_name_the_field() {
        let ok: Outer =
            parse(br#"{"items": [{"id": 2.0, "share": 1.0}, {"id": -3e2, "share": 0.5}]}"#)
                .unwrap();
        assert_eq!(ok.items[0], Inner { id: 2, share: 1.0 });
        assert_eq!(ok.items[1].id, -300);
        let e = parse::<Outer>(br#"{"items": [{"id": 1, "share": 1}, {"id": 2.5, "share": 1}]}"#)
            .unwrap_err();
        let body = e.body();
        assert_eq!(body["fields"][0]["field"], "items[1].id", "{body}");
        assert_eq!(body["fields"][0]["code"], "bad_json");
        let e = parse::<Outer>(br#"{"items": [], "x": 1}"#)
            .unwrap_err()
            .body();
        assert_eq!(e["fields"][0]["code"], "bad_json", "{e}");
        // Syntax errors still say where.
        let e = parse::<Outer>(b"{\"items\": [}").unwrap_err().body();
        assert!(
            e["fields"][0]["field"]
                .as_str()
                .unwrap()
                .starts_with("line 1 column"),
            "{e}"
        );
    }
}
