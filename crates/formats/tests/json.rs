//! vaxride's JSON problem: the fixture reads into choices and legs; bad input names the field.

use vaxride_formats::{Format, json};
use vaxride_solver::StopKind;

const SMALL: &str = include_str!("../../../data/fixtures/elders_small.json");

#[test]
fn the_small_fixture_reads_into_one_choice_per_slot_with_a_ride_home() {
    let inst = json::read("elders_small.json", SMALL).expect("reads");
    let p = &inst.problem;
    assert_eq!(Format::guess("x", SMALL), Some(Format::Json));
    assert_eq!(
        (p.vehicles.len(), p.slots.len(), p.requests.len()),
        (2, 3, 3)
    );
    let wang = &p.requests[0];
    assert_eq!(wang.choices.len(), 2);
    assert_eq!(wang.choices[0].legs.len(), 2, "outbound and return");
    let [out, back] = [&wang.choices[0].legs[0], &wang.choices[0].legs[1]];
    assert_eq!(p.stops[out[0]].kind, StopKind::Pickup);
    assert_eq!(p.stops[out[1]].loc, 1, "dropped at the centre");
    // Arrival within the slot and no later than start + max wait; the ride home from the
    // latest arrival + dwell until start + dwell + max wait.
    assert_eq!(p.stops[out[1]].window, (32400, 34200));
    assert_eq!(p.stops[back[0]].window, (34200 + 1800, 32400 + 1800 + 1800));
    assert_eq!(p.requests[2].choices[0].legs.len(), 1, "zhang goes one way");
    assert_eq!(p.vehicles[1].capacity.0, [6, 1]);
    assert_ne!(p.requests[1].needs & p.vehicles[1].features, 0, "the ramp");
    assert_eq!(p.requests[1].needs & p.vehicles[0].features, 0);
}

#[test]
fn an_unknown_field_is_refused_with_its_line() {
    let bad = SMALL.replacen("\"seats\": 3}", "\"seats\": 3, \"colour\": \"red\"}", 1);
    let e = json::read("x.json", &bad).unwrap_err();
    assert!(e.line > 0 && e.to_string().contains("colour"), "{e}");
}

#[test]
fn an_unknown_slot_is_named_by_its_path() {
    let bad = SMALL.replace(
        "\"plaza-0900\", \"centre-0930\"",
        "\"plaza-0900\", \"moon-0900\"",
    );
    let e = json::read("x.json", &bad).unwrap_err().to_string();
    assert!(
        e.contains("requests[2].slots[1]") && e.contains("moon-0900"),
        "{e}"
    );
}

#[test]
fn an_inverted_window_and_a_location_outside_the_matrix_are_refused() {
    let bad = SMALL.replace("[30600, 35000]", "[35000, 30600]");
    let e = json::read("x.json", &bad).unwrap_err().to_string();
    assert!(
        e.contains("requests[2].pickup_window") && e.contains("closes before it opens"),
        "{e}"
    );
    let bad = SMALL.replace("\"home\": 5", "\"home\": 9");
    let e = json::read("x.json", &bad).unwrap_err().to_string();
    assert!(
        e.contains("requests[2].home") && e.contains("outside"),
        "{e}"
    );
}

#[test]
fn a_ragged_or_negative_matrix_is_refused() {
    let bad = SMALL.replace("[0, 600, 700, 500, 650, 800]", "[0, 600, 700, 500, 650]");
    assert!(
        json::read("x.json", &bad)
            .unwrap_err()
            .to_string()
            .contains("matrix.durations[0]")
    );
    let bad = SMALL.replace(
        "[0, 600, 700, 500, 650, 800]",
        "[0, -600, 700, 500, 650, 800]",
    );
    assert!(
        json::read("x.json", &bad)
            .unwrap_err()
            .to_string()
            .contains("negative")
    );
}

#[test]
fn a_generated_street_office_day_reads_back_as_a_valid_problem() {
    use vaxride_formats::generate::{DayParams, street_office_day};
    let params = DayParams {
        requests: 60,
        vehicles: 8,
        ..DayParams::default()
    };
    let text = street_office_day(7, &params);
    assert_eq!(text, street_office_day(7, &params), "same seed, same day");
    let inst = json::read("day.json", &text).expect("reads");
    let p = &inst.problem;
    assert!(
        p.requests.len() >= 50,
        "most elders get candidate slots: {}",
        p.requests.len()
    );
    assert_eq!(
        p.slots.len(),
        (params.sites + 1) * params.slots_per_site,
        "sites plus the van"
    );
    assert!(
        p.requests.iter().any(|r| r.choices[0].legs.len() == 2),
        "some ride home"
    );
    assert!(p.requests.iter().all(|r| !r.choices.is_empty()));
}

#[test]
fn a_home_visit_is_one_delivery_of_one_shot_needing_the_team() {
    let with_visit = SMALL.replacen(
        "\"requests\": [",
        "\"visits\": [{\"id\": \"zhao\", \"home\": 4, \"window\": [32400, 39600], \"service\": 2700, \
         \"needs\": [\"home_visit\"], \"priority\": 2}],\n  \"requests\": [",
        1,
    );
    let p = json::read("x.json", &with_visit).expect("reads").problem;
    let li = p.requests.last().expect("the visit");
    assert_eq!((li.id.as_str(), li.priority), ("zhao", 2));
    assert_eq!(li.choices.len(), 1);
    assert_eq!(li.choices[0].legs, vec![vec![p.stops.len() - 1]]);
    let stop = &p.stops[li.choices[0].legs[0][0]];
    assert_eq!(stop.kind, StopKind::Delivery);
    assert_eq!(
        (stop.loc, stop.window, stop.service),
        (4, (32400, 39600), 2700)
    );
    assert_eq!(stop.load.0, [1, 0]);
    assert!(
        p.vehicles.iter().all(|v| li.needs & !v.features != 0),
        "no team here"
    );

    let twice = with_visit.replacen("\"id\": \"zhao\"", "\"id\": \"wang\"", 1);
    let e = json::read("x.json", &twice).unwrap_err().to_string();
    assert!(e.contains("visits[0].id") && e.contains("twice"), "{e}");
    let bad = with_visit.replacen("\"service\": 2700", "\"service\": -1", 1);
    let e = json::read("x.json", &bad).unwrap_err().to_string();
    assert!(e.contains("visits[0].service"), "{e}");
}
