//! Malformed files are refused with the right line and the right complaint.

mod common;

use common::fixture;
use vaxride_formats::{ErrorKind, Format, FormatError, read, read_bks_csv, read_vrplib_solution};

/// `text` with its 1-based line `no` replaced by `new`.
fn with_line(text: &str, no: usize, new: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == no { new } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fails(name: &str, text: &str, format: Format) -> FormatError {
    match read(name, text, format) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_cordeau_line_with_five_numbers_names_its_line_and_the_seven_fields() {
    let text = with_line(&fixture("darp_small.txt"), 3, "  1  -1.500   2.250   3   1");
    let e = fails("darp_small.txt", &text, Format::Cordeau);
    assert_eq!(
        e.to_string(),
        "darp_small.txt: line 3: expected 7 numbers (id x y service load early late), got 5"
    );
}

#[test]
fn a_capacity_that_is_not_a_number_names_its_line() {
    let text = with_line(&fixture("c101_10.vrp"), 6, "CAPACITY : abc");
    let e = fails("c.vrp", &text, Format::Vrplib);
    assert_eq!(e.line, 6);
    assert_eq!(
        e.to_string(),
        "c.vrp: line 6: CAPACITY is not a number: 'abc'"
    );
}

#[test]
fn a_missing_vrplib_section_is_named_at_the_last_line() {
    let text = fixture("c101_10.vrp");
    let lines: Vec<&str> = text.lines().collect();
    let from = lines
        .iter()
        .position(|l| *l == "TIME_WINDOW_SECTION")
        .unwrap();
    let to = lines.iter().position(|l| *l == "DEPOT_SECTION").unwrap();
    let cut = [&lines[..from], &lines[to..]].concat().join("\n");
    let e = fails("c.vrp", &cut, Format::Vrplib);
    assert_eq!(
        (e.line, e.kind),
        (
            cut.lines().count(),
            ErrorKind::Missing("TIME_WINDOW_SECTION".into())
        )
    );
}

#[test]
fn a_vrplib_dimension_that_the_coordinates_do_not_have_is_refused() {
    let text = with_line(&fixture("c101_10.vrp"), 4, "DIMENSION : 12");
    let e = fails("c.vrp", &text, Format::Vrplib);
    assert_eq!(e.line, 4);
    assert!(matches!(e.kind, ErrorKind::Inconsistent(_)), "{e}");
}

#[test]
fn explicit_vrplib_edge_weights_are_not_supported() {
    let text = with_line(&fixture("c101_10.vrp"), 8, "EDGE_WEIGHT_TYPE : EXPLICIT");
    let e = fails("c.vrp", &text, Format::Vrplib);
    assert_eq!(e.line, 8);
    assert!(matches!(e.kind, ErrorKind::Unsupported(_)), "{e}");
}

#[test]
fn a_vrplib_demand_for_a_node_that_does_not_exist_names_its_line() {
    let text = fixture("c101_10.vrp");
    let no = text.lines().position(|l| l == "DEMAND_SECTION").unwrap() + 2;
    let e = fails("c.vrp", &with_line(&text, no, "12 0"), Format::Vrplib);
    assert_eq!(
        (e.line, e.kind),
        (
            no,
            ErrorKind::UnknownNode {
                what: "DEMAND_SECTION".into(),
                id: 12
            }
        )
    );
}

#[test]
fn a_li_lim_delivery_index_pointing_nowhere_names_the_pickup_line() {
    // Line 4 is task 2, a pick-up whose delivery is 5.
    let text = with_line(
        &fixture("lilim_small.txt"),
        4,
        "2\t2\t7\t20\t0\t120\t10\t0\t99",
    );
    let e = fails("l.txt", &text, Format::LiLim);
    assert_eq!(
        (e.line, e.kind),
        (
            4,
            ErrorKind::UnknownNode {
                what: "delivery index".into(),
                id: 99
            }
        )
    );
}

#[test]
fn a_li_lim_pickup_with_negative_demand_is_refused() {
    let text = fixture("lilim_small.txt");
    let text = with_line(&text, 4, "2\t2\t7\t-20\t0\t120\t10\t0\t5");
    let text = with_line(&text, 7, "5\t6\t1\t20\t60\t300\t10\t2\t0");
    let e = fails("l.txt", &text, Format::LiLim);
    assert_eq!((e.line, e.kind), (4, ErrorKind::NegativePickup(-20.0)));
}

#[test]
fn a_li_lim_delivery_that_names_another_pickup_is_refused() {
    // Task 5 is the delivery of 2; make it claim pick-up 3 (whose delivery is 1).
    let text = with_line(
        &fixture("lilim_small.txt"),
        7,
        "5\t6\t1\t-20\t60\t300\t10\t3\t0",
    );
    let e = fails("l.txt", &text, Format::LiLim);
    assert_eq!(
        e.line, 4,
        "found from the pick-up's side first (task 2, line 4): {e}"
    );
    assert!(matches!(e.kind, ErrorKind::Inconsistent(_)));
}

#[test]
fn a_li_lim_header_with_one_number_is_refused() {
    let e = fails(
        "l.txt",
        &with_line(&fixture("lilim_small.txt"), 1, "3"),
        Format::LiLim,
    );
    assert_eq!(
        e.to_string(),
        "l.txt: line 1: expected 3 numbers (K Q speed), got 1"
    );
}

#[test]
fn a_solomon_window_that_closes_before_it_opens_names_its_line() {
    let text = fixture("c101_10.txt");
    let no = text
        .lines()
        .position(|l| l.trim_start().starts_with("3 "))
        .unwrap()
        + 1;
    let text = with_line(
        &text,
        no,
        "    3      42         66         10        146         65         90",
    );
    let e = fails("c.txt", &text, Format::Solomon);
    assert_eq!(
        (e.line, e.kind),
        (
            no,
            ErrorKind::InvertedWindow {
                early: 146.0,
                late: 65.0
            }
        )
    );
}

#[test]
fn a_solomon_file_with_a_customer_line_missing_names_the_gap() {
    let text = fixture("c101_10.txt");
    let gone = text
        .lines()
        .position(|l| l.trim_start().starts_with("4 "))
        .unwrap()
        + 1;
    let text = with_line(&text, gone, "");
    let e = fails("c.txt", &text, Format::Solomon);
    assert_eq!(
        (e.line, e.kind),
        (
            gone + 1,
            ErrorKind::NodeOrder {
                expected: 4,
                got: 5
            }
        )
    );
}

#[test]
fn a_solomon_file_without_its_vehicle_section_is_refused() {
    let text: String = fixture("c101_10.txt")
        .lines()
        .skip(2)
        .skip(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let e = fails("c.txt", &format!("C101\n{text}"), Format::Solomon);
    assert!(matches!(e.kind, ErrorKind::Missing(_)), "{e}");
}

#[test]
fn a_cordeau_drop_off_whose_load_does_not_balance_its_pickup_is_refused() {
    // Line 6 is node 4, the drop-off of pick-up 1.
    let text = with_line(
        &fixture("darp_small.txt"),
        6,
        "  4   3.750   1.000   3  -2   30   60",
    );
    let e = fails("d.txt", &text, Format::Cordeau);
    assert_eq!(e.line, 6);
    assert!(matches!(e.kind, ErrorKind::Inconsistent(_)), "{e}");
}

#[test]
fn a_cordeau_pickup_with_negative_load_is_refused() {
    let text = fixture("darp_small.txt");
    let text = with_line(&text, 3, "  1  -1.500   2.250   3  -1    0  480");
    let text = with_line(&text, 6, "  4   3.750   1.000   3   1   30   60");
    let e = fails("d.txt", &text, Format::Cordeau);
    assert_eq!((e.line, e.kind), (3, ErrorKind::NegativePickup(-1.0)));
}

#[test]
fn a_cordeau_header_whose_count_is_neither_n_nor_2n_is_refused() {
    let e = fails(
        "d.txt",
        &with_line(&fixture("darp_small.txt"), 1, "2 5 120 3 30"),
        Format::Cordeau,
    );
    assert_eq!(e.line, 1);
    assert!(matches!(e.kind, ErrorKind::Inconsistent(_)), "{e}");
}

#[test]
fn words_that_parse_as_infinite_floats_are_not_numbers() {
    let e = fails(
        "d.txt",
        &with_line(
            &fixture("darp_small.txt"),
            3,
            "  1  inf   2.250   3   1    0  480",
        ),
        Format::Cordeau,
    );
    assert_eq!(
        (e.line, e.kind),
        (
            3,
            ErrorKind::NotANumber {
                what: "x".into(),
                text: "inf".into()
            }
        )
    );
    let e = fails(
        "d.txt",
        &with_line(
            &fixture("darp_small.txt"),
            3,
            "  1  1e300   2.250   3   1    0  480",
        ),
        Format::Cordeau,
    );
    assert!(matches!(e.kind, ErrorKind::OutOfRange { .. }), "{e}");
}

#[test]
fn an_empty_file_is_refused_in_every_format() {
    for format in [
        Format::Vrplib,
        Format::Solomon,
        Format::LiLim,
        Format::Cordeau,
    ] {
        for text in ["", "  \n\t\r\n\n"] {
            let e = fails("empty", text, format);
            assert_eq!((e.line, e.kind), (1, ErrorKind::Empty));
        }
    }
    assert_eq!(read_bks_csv("").unwrap_err().kind, ErrorKind::Empty);
}

#[test]
fn a_file_of_the_wrong_format_is_refused_not_misread() {
    for (name, format) in [
        ("c101_10.vrp", Format::Solomon),
        ("c101_10.txt", Format::Vrplib),
    ] {
        fails(name, &fixture(name), format);
    }
    for (name, format) in [
        ("lilim_small.txt", Format::Cordeau),
        ("darp_small.txt", Format::LiLim),
    ] {
        let e = fails(name, &fixture(name), format);
        assert!(matches!(e.kind, ErrorKind::FieldCount { .. }), "{e}");
    }
}

#[test]
fn a_bks_row_with_too_few_fields_names_its_line() {
    let e =
        read_bks_csv("instance,vehicles,distance,source\nC101,10,827.3,x\nC102,10\n").unwrap_err();
    assert_eq!(e.line, 3);
    assert!(matches!(e.kind, ErrorKind::Csv(_)), "{e}");
    let e = read_bks_csv("instance,vehicles,distance\nC101,ten,827.3\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: vehicles is not a number: 'ten'");
    let e = read_bks_csv("instance,vehicles\nC101,10\n").unwrap_err();
    assert_eq!(
        (e.line, e.kind),
        (1, ErrorKind::Missing("column 'distance'".into()))
    );
}

#[test]
fn a_solution_with_a_bad_customer_names_its_line() {
    let e = read_vrplib_solution("Route #1: 1 2 3\nRoute #2: 4 x 6\nCost 10\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: customer is not a number: 'x'");
    let e = read_vrplib_solution("Route #1: 1 -2\n").unwrap_err();
    assert_eq!(e.line, 1);
    let e = read_vrplib_solution("Cost 10\n").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Missing(_)));
}
