//! The one place the actix-web application is put together: its data, its middleware and its
//! routes ([`build_app`]), and the HTTP server around it ([`Application`]). `serve`, the
//! server's tests and the browser tests all use these, so what is tested is what runs.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};

use crate::{AppState, JSON_LIMIT, error, metrics, routes};

/// The largest request body of any other kind (the ledger CSV), bytes.
pub const PAYLOAD_LIMIT: usize = 4 * 1024 * 1024;

/// The application: shared state, body limits with coded errors, compression, metrics and
/// the request log, every route of the registry.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(|e, _| error::json_error(e)),
        )
        .app_data(web::QueryConfig::default().error_handler(|e, _| error::query_error(e)))
        .app_data(web::PayloadConfig::new(PAYLOAD_LIMIT))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .wrap(actix_web::middleware::ErrorHandlers::new().default_handler(error::json_errors))
        .wrap(actix_web::middleware::Compress::default())
        .wrap(actix_web::middleware::from_fn(metrics::observe))
        .configure(routes::register)
        .default_service(web::to(error::unmatched))
}

/// The HTTP server on a bound listener (port 0 for any free one), not yet running.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
}

impl Application {
    /// Serves [`build_app`] on `listener` with `workers` threads (default: one per core);
    /// in-flight requests get 10 s to finish at shutdown.
    pub fn build(
        state: web::Data<AppState>,
        listener: TcpListener,
        workers: Option<usize>,
    ) -> std::io::Result<Application> {
        let port = listener.local_addr()?.port();
        let app_state = state.clone();
        let mut server = actix_web::HttpServer::new(move || build_app(app_state.clone()))
            .shutdown_timeout(10)
            .listen(listener)?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Application {
            server: server.run(),
            port,
            state,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn local_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops it: `handle().stop(true)` lets in-flight requests finish. SIGINT and SIGTERM stop
    /// it too.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Runs until stopped; claims queued planning jobs meanwhile (this instance's own from
    /// before a restart first).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        crate::jobs::Runner::start(&self.state);
        self.server.await
    }

    /// Runs on the current Tokio runtime in the background (tests), claiming planning jobs
    /// too; the handle stops the HTTP server.
    pub fn spawn(self) -> ServerHandle {
        crate::jobs::Runner::start(&self.state);
        let handle = self.server.handle();
        tokio::spawn(self.server);
        handle
    }
}
