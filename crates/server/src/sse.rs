//! Server-Sent Events: frames and the streaming response.

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use futures_util::Stream;

/// One event: `id:` (when given), `event:`, `data:` (JSON on one line), blank line.
pub(crate) fn frame(id: Option<&str>, event: &str, data: &serde_json::Value) -> Bytes {
    let mut s = String::new();
    if let Some(id) = id {
        s.push_str("id: ");
        s.push_str(id);
        s.push('\n');
    }
    s.push_str("event: ");
    s.push_str(event);
    s.push_str("\ndata: ");
    s.push_str(&data.to_string());
    s.push_str("\n\n");
    Bytes::from(s)
}

/// A comment line that keeps idle connections open through proxies.
pub(crate) fn heartbeat() -> Bytes {
    Bytes::from_static(b": keep-alive\n\n")
}

/// The streaming response with the headers SSE needs.
pub(crate) fn response<S>(stream: S) -> HttpResponse
where
    S: Stream<Item = Result<Bytes, actix_web::Error>> + 'static,
{
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream)
}
