//! The store's problem codes (a batch or a change refused, a conflict), each once with the
//! values its words name and the English words; the domain's are re-exported here too.

pub use vaxride_dispatch::problems::*;

vaxride_dispatch::declare_problems! {
    already_booked(day, other) => "already booked on {day} (booking {other})";
    already_exists() => "already exists";
    already_vaccinated() => "a shot is recorded for this visit: the health check did not fail";
    address_not_found(address) => "the map has no house or street called \"{address}\": add the home's lon and lat, or add the elder on the elders page and find the home there";
    booked_twice_in_batch() => "the batch books this elder twice on the same day";
    data_rule() => "breaks a rule of the data";
    health_check_failed() => "the elder's health check failed: no shot was given";
    idempotency_in_progress() => "a request with this Idempotency-Key is in progress";
    missing_reference() => "refers to something that does not exist";
    new_elder_needs_home() => "a new elder needs the home coordinates (lon, lat)";
    no_site_named(name) => "no site is called \"{name}\"";
    no_such_elder() => "no such elder in this community";
    no_such_site() => "no such site in this district";
    no_such_vehicle() => "no such vehicle in your district";
    no_shot_due() => "the elder has had every shot (the booster)";
    no_shot_recorded() => "no shot is recorded for this booking";
    no_ride_home_wanted() => "the elder wants no ride home";
    not_at_site(status) => "the elder is not at the site (the booking is {status})";
    not_latest_shot(shot, day) => "a later shot is recorded for the elder ({shot} on {day}): take that one back first";
    nul_character() => "holds a NUL character, which cannot be stored: remove it";
    plan_changed() => "the plan changed meanwhile";
    plan_outdated(plan) => "plan {plan} was published after this one was made: publishing this one would undo its changes; plan the day again";
    plan_not_draft(plan_status) => "the plan is {plan_status}: only a draft can be published";
    ride_begun() => "the ride has begun: it can no longer be cancelled";
    driver_on_a_trip(trip) => "the driver is on trip {trip}: move them to another vehicle when it has ended";
    van_elsewhere(name, site, from, to) => "the van is at {name} (site {site}) from {from} to {to} that day: one place at a time";
    ride_under_way(booking) => "a ride of this elder is under way (booking {booking}): retire them when it has ended";
    shift_does_not_cover() => "the driver's shift does not cover the trip";
    step_does_not_fit(step, kind) => "'{step}' does not fit a {kind} stop";
    team_short_of_shots(visits, shots) => "the trip makes {visits} home visits and the team carries {shots} shots a day";
    trip_already(trip_status) => "the trip is already {trip_status}";
    trip_not_accepted(trip_status) => "the trip is {trip_status}: accept it first";
    trip_not_reassignable(trip_status) => "the trip is {trip_status}: only a declined or unanswered trip can be reassigned";
    username_taken() => "the username is taken";
    walk_in_van_stop() => "a walker comes on foot to a van stop of that day: name one (site_id)";
    walk_in_walkers_only() => "only an elder who walks comes to the van on foot: book a ride instead";
    not_a_slot(first, minutes) => "not one of the stop's slots: they start at {first}, every {minutes} minutes";
    slot_full() => "no place is left for walkers in that slot: pick another";
    walk_in_not_yet(day) => "the walker's place is for {day}: record the shot on that day";
    van_stop_dose(shot) => "the van stop does not give the {shot} shot the elder needs next";
    walk_ins_booked(count) => "{count} walkers are booked into this stop's slots: cancel their places first";
    walk_in_no_ride() => "a walker's place at a van stop is no ride: there is no slot of a ride to offer; book the place itself";
    vehicle_busy(other) => "the vehicle already drives trip {other} that day";
    vehicle_has_driver() => "the vehicle already has a driver";
    vehicle_too_small(seats, wheelchairs) => "the trip needs {seats} seats and {wheelchairs} wheelchair places at once";
    vehicle_without_driver() => "the vehicle has no driver";
    vehicle_wrong_kind() => "home visits go to a home-visit team, rides to a car: this vehicle is the other kind";
}
