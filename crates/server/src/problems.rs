//! The server's problem codes (a body, a query or a header that does not fit), each once with
//! the values its words name and the English words; the store's and the domain's are
//! re-exported here too, so a handler names every problem as `problems::code(…)`.

pub use vaxride_store::problems::*;

vaxride_dispatch::declare_problems! {
    at_least(min) => "must be at least {min}";
    bad_json(detail) => "the body does not fit: {detail}";
    bad_query(detail) => "the query string does not fit: {detail}";
    batch_size(max) => "must hold 1 to {max} bookings";
    community_needed() => "name the community (coordinators work for several)";
    credentials_too_long() => "too long";
    district_needed() => "a coordinator works for a district: name it";
    driver_has_login() => "this driver has a login already";
    event_id() => "must be an event id (a number)";
    idempotency_key(max) => "must be 1 to {max} visible characters";
    list_size(min, max) => "must hold {min} to {max} items";
    log_in_as_coordinator() => "log in as a coordinator";
    negative() => "must not be negative";
    no_such_community() => "no such community in your district";
    no_such_district() => "no such district";
    no_such_driver() => "no such driver in your district";
    no_such_van() => "no such van in your district";
    no_room(vehicle) => "vehicle {vehicle}'s trip has no room for the ride with nothing else moved: choose another vehicle, or plan the day again";
    not_published(day) => "{day} has no published plan yet: book the elder and the day's plan takes them";
    not_a_polygon() => "must be a GeoJSON Polygon";
    not_a_van_stop() => "only a van stop (kind van_stop) belongs to a van";
    password_length(min, max) => "must be {min} to {max} characters";
    plan_too_large(bookings, max) => "the day has {bookings} bookings: one planning run takes at most {max}";
    polygon_open() => "each ring must end where it starts";
    polygon_position() => "positions must be [lon, lat] numbers";
    slot_gone() => "that slot can no longer take the elder: ask for the slots again";
    polygon_range() => "positions must be finite longitudes and latitudes in range";
    polygon_ring_size(min, max) => "each ring needs {min} to {max} positions";
    polygon_rings() => "coordinates must be a list of rings";
    ride_not_planned() => "the published plan has no such ride for this elder";
    ride_started() => "the ride has begun: it stays with its driver";
    role_not_managed() => "you cannot make accounts of this role (an admin makes coordinators, a coordinator secretaries and drivers)";
    same_password() => "choose a password other than the one you have";
    share() => "must be more than 0 and at most 1";
    time_or_window() => "give either time or window, not both";
    username_format(min, max) => "{min} to {max} letters, digits, dots, dashes or underscores";
    unreadable_body() => "could not read the body";
    unreadable_query() => "could not read the query string";
    vehicle_cannot_carry() => "that vehicle cannot carry the elder (a wheelchair needs a ramp)";
    van_stops_only() => "only van stops (kind van_stop) are accepted from a proposal";
    van_twice() => "this van is given twice: give each van once, with all its days";
    van_stop_day() => "a van stop needs its day";
    van_stop_van() => "a van stop needs its van";
    wrong_password() => "this is not your password";
}
