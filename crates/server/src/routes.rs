//! The route registry: every route the service answers is declared here, once. The same
//! declaration registers the handlers with actix-web ([`register`]), lists the routes for the
//! tests ([`API`], [`PAGES`]) and gives the OpenAPI document its operations ([`Documented`]:
//! each API handler's `#[utoipa::path]`). A tidy test fails on a route declared anywhere else.

use actix_web::web;

/// Declares the routes: `documented` ones (the API, in the OpenAPI document) and `pages`
/// (the web interface's files and their `HEAD` twins, not part of the API).
macro_rules! registry {
    (
        documented { $( $dm:ident $dp:literal => $($dh:ident)::+ ; )* }
        pages { $( $pm:ident $pp:literal => $($ph:ident)::+ ; )* }
    ) => {
        /// Every API route, `(method, path pattern)`, in registration order.
        pub const API: &[(&str, &str)] = &[ $( (stringify!($dm), $dp) ),* ];

        /// The web interface's routes, `(method, path pattern)`.
        pub const PAGES: &[(&str, &str)] = &[ $( (stringify!($pm), $pp) ),* ];

        /// Registers every route's handler.
        pub(crate) fn register(cfg: &mut web::ServiceConfig) {
            $( cfg.route($dp, web::$dm().to($($dh)::+)); )*
            $( cfg.route($pp, web::$pm().to($($ph)::+)); )*
        }

        /// The API handlers' operations, for the OpenAPI document.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths( $( $($dh)::+ ),* ))]
        pub(crate) struct Documented;
    };
}

registry! {
    documented {
        get "/metrics" => crate::metrics::render;
        get "/api/health" => crate::health;
        get "/api/openapi.json" => crate::openapi::openapi_json;
        post "/api/login" => crate::auth::login;
        post "/api/logout" => crate::auth::logout;
        get "/api/me" => crate::auth::me;
        get "/api/session" => crate::auth::session;
        put "/api/me/password" => crate::users::change_password;
        get "/api/districts" => crate::users::districts;
        post "/api/districts" => crate::users::create_district;
        get "/api/users" => crate::users::list;
        post "/api/users" => crate::users::create;
        post "/api/users/{id}/reset-password" => crate::users::reset_password;
        put "/api/users/{id}/active" => crate::users::set_active;
        get "/api/roads" => crate::roads::roads;
        get "/api/places" => crate::places::search;
        get "/api/places/at" => crate::places::at;
        get "/api/communities" => crate::communities::communities;
        post "/api/communities" => crate::communities::create_community;
        get "/api/elders" => crate::elders::list_elders;
        post "/api/elders" => crate::elders::create_elder;
        get "/api/elders/{id}" => crate::elders::get_elder;
        put "/api/elders/{id}" => crate::elders::update_elder;
        delete "/api/elders/{id}" => crate::elders::retire_elder;
        get "/api/elders/{id}/vaccinations" => crate::progress::elder_vaccinations;
        get "/api/progress" => crate::progress::progress;
        get "/api/progress.csv" => crate::progress::progress_csv;
        get "/api/bookings" => crate::bookings::list;
        post "/api/bookings" => crate::bookings::create_batch;
        post "/api/bookings/import" => crate::ledger::import_csv;
        post "/api/bookings/offers" => crate::offers::offers;
        post "/api/bookings/into-slot" => crate::offers::into_slot;
        get "/api/bookings/template.csv" => crate::ledger::template;
        get "/api/bookings/{id}" => crate::bookings::get;
        post "/api/bookings/{id}/cancel" => crate::bookings::cancel;
        post "/api/bookings/{id}/move" => crate::moves::move_booking;
        post "/api/bookings/{id}/ready" => crate::bookings::ready;
        post "/api/bookings/{id}/vaccinated" => crate::bookings::vaccinated;
        delete "/api/bookings/{id}/vaccinated" => crate::bookings::unvaccinated;
        get "/api/sites" => crate::fleet::list_sites;
        post "/api/sites" => crate::fleet::create_site;
        get "/api/vehicles" => crate::fleet::list_vehicles;
        post "/api/vehicles" => crate::fleet::create_vehicle;
        put "/api/sites/{id}" => crate::fleet::update_site;
        delete "/api/sites/{id}" => crate::fleet::retire_site;
        put "/api/vehicles/{id}" => crate::fleet::update_vehicle;
        delete "/api/vehicles/{id}" => crate::fleet::retire_vehicle;
        get "/api/drivers" => crate::fleet::list_drivers;
        post "/api/drivers" => crate::fleet::create_driver;
        put "/api/drivers/{id}" => crate::fleet::update_driver;
        get "/api/vans" => crate::vans::list_vans;
        post "/api/vans" => crate::vans::create_van;
        post "/api/vanplan" => crate::vanplan::propose;
        post "/api/vanplan/accept" => crate::vanplan::accept;
        get "/api/vanplan/walks" => crate::walks::walks;
        post "/api/vanplan/jobs" => crate::vanjobs::start;
        get "/api/vanplan/jobs/{id}" => crate::vanjobs::job;
        post "/api/trips/{id}/reassign" => crate::fleet::reassign;
        get "/api/plans" => crate::planning::list;
        post "/api/plans/run" => crate::planning::run;
        get "/api/plans/jobs/{id}" => crate::planning::job;
        get "/api/plans/jobs/{id}/events" => crate::planning::job_events;
        post "/api/plans/jobs/{id}/cancel" => crate::planning::cancel;
        get "/api/plans/{id}" => crate::planning::get;
        post "/api/plans/{id}/publish" => crate::planning::publish;
        get "/api/events" => crate::repairs::list;
        get "/api/settings/repairs" => crate::repairs::settings;
        put "/api/settings/repairs" => crate::repairs::set_settings;
        get "/api/trips" => crate::driver::trips;
        get "/api/driver/events" => crate::driver::events;
        post "/api/driver/ack" => crate::driver::ack;
        post "/api/trips/{id}/accept" => crate::driver::accept;
        post "/api/trips/{id}/decline" => crate::driver::decline;
        post "/api/trips/{id}/changes/{change}/acknowledge" => crate::driver::acknowledge;
        post "/api/stops/{id}/report" => crate::driver::report;
    }
    pages {
        get "/" => crate::ui::index;
        head "/" => crate::ui::index;
        get "/assets/{name}" => crate::ui::asset;
        head "/assets/{name}" => crate::ui::asset;
    }
}
