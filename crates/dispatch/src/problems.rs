//! The domain's problem codes: what the values' parsers, the ledger and the shared validators
//! can say is wrong, each code once with the values its words name and the English words. The
//! store and the server re-export these beside their own; the web page has a `field_msg.<code>`
//! entry for each (checked by the server's `tests/messages.rs`, which iterates every `ALL`).

crate::declare_problems! {
    control_character() => "must not hold control characters (such as NUL)";
    day_in_past(day, today) => "{day} has passed (today is {today}): a coordinator may book past days";
    day_out_of_range(value, min, max) => "'{value}' is a date outside the years {min} to {max}";
    bedridden() => "bedridden: gets a home visit, not a ride";
    home_visit_site() => "a bedridden elder is visited at home by a home-visit team: leave the site empty";
    chars_between(min, max) => "must be {min} to {max} characters";
    clock_time(value) => "'{value}' is not a time like 08:30";
    crs_unconvertible() => "the coordinates cannot be converted to WGS-84";
    csv_bad_crs(value) => "'{value}' is not a coordinate system: write wgs84 (GPS), gcj02 (高德/腾讯) or bd09 (百度)";
    csv_bad_mobility(value) => "'{value}' is not a mobility: write walks, wheelchair or bedridden (可搀扶行走, 轮椅, 卧床)";
    csv_bad_time(value) => "'{value}' is not a time: write morning, afternoon or any (上午, 下午, 不限), or a window like 09:00-11:30";
    csv_cell_count(cells, columns) => "has {cells} cells but the header has {columns} (a value with a comma in it must be in double quotes)";
    csv_column_twice(column, other) => "the column {column} is given twice (also as '{other}')";
    csv_duplicate_elder(day, first) => "the same elder (name and phone) is already booked for {day} in row {first}";
    csv_empty() => "the file is empty: it needs a header row and at least one row";
    csv_empty_header() => "the first row must be the header (column names), but it is empty";
    csv_lon_lat_both() => "missing: give both longitude and latitude, or neither";
    csv_lon_lat_pair(zh, en) => "longitude and latitude go together: add the column '{zh}' or '{en}'";
    csv_missing_column(zh, en) => "missing required column: add a column named '{zh}' or '{en}'";
    csv_no_rows() => "the file has no rows under the header";
    csv_no_header(expected) => "the first row is not a header: it must name the columns, e.g. {expected}";
    csv_not_commas(expected) => "the header is one column: the columns must be separated by commas (save the file as CSV UTF-8); expected {expected}";
    csv_not_utf8() => "the file is not UTF-8 (perhaps GBK/ANSI): save it as CSV UTF-8 (Excel: Save As → \"CSV UTF-8 (逗号分隔)\")";
    csv_required() => "missing: this column is required";
    csv_too_many_rows(max) => "more than {max} rows: split the ledger into several files";
    csv_unknown_column(position, expected) => "column {position} of the header is not a known column: expected {expected}";
    csv_unnamed_column() => "a value under a column with no name in the header: name the column or delete the value";
    csv_unreadable_header(detail) => "cannot read the header: {detail}";
    csv_unreadable_row(detail) => "cannot read the row: {detail}";
    csv_utf16() => "the file is UTF-16 (Excel's \"Unicode text\"), not UTF-8: save it as CSV UTF-8";
    home_missing() => "give the home: search its address or tap it on the map";
    home_off_roads(distance, limit) => "the home is {distance} m from the nearest road of the map: at most {limit} m (is the point right?)";
    lon_lat_swapped(value) => "{value} is not a latitude: it must be in [-90, 90] (are longitude and latitude swapped?)";
    max_chars(max) => "must be at most {max} characters";
    not_a_day(value) => "'{value}' is not a date like 2026-12-01";
    not_a_dose(value) => "'{value}' is not a vaccination status: write none, first, full or booster (未接种, 第一针, 已全程, 加强针)";
    not_a_latitude(value) => "{value} is not a latitude: it must be in [-90, 90]";
    not_a_longitude(value) => "{value} is not a longitude: it must be in [-180, 180]";
    not_a_number(value) => "'{value}' is not a number like 123.4321";
    not_a_whole_number(value, min, max) => "'{value}' must be a whole number from {min} to {max}";
    not_a_window(value) => "'{value}' is not a window like 09:00-11:30";
    not_yes_no(value) => "'{value}' is not yes or no (是/否)";
    phone_bad_char(value, char) => "'{value}' is not a phone number: '{char}' is not allowed (digits, spaces, -, + and brackets only)";
    phone_digits(value, digits) => "'{value}' is not a phone number: it has {digits} digits (5 to 20 expected)";
    phone_scientific(value) => "Excel turned the phone number into '{value}': format the column as text and type the number again";
    range(min, max) => "must be {min} to {max}";
    too_long(chars, max) => "too long: {chars} characters, at most {max}";
    unknown_role(value) => "'{value}' is not a role: write admin, coordinator, secretary or driver";
    unknown_feature(value) => "'{value}' is not a vehicle feature: write ramp or low_step";
    unknown_shot(value) => "'{value}' is not a shot: write first, second or booster";
    weekdays(value) => "'{value}' is not a list of ISO weekdays like 12345 (Monday to Friday)";
    window_empty() => "must end after it starts";
    window_outside_day(from, to) => "must lie between {from} and {to}";
    zero_zero_home() => "0, 0 is not a home: leave longitude and latitude empty when unknown";
}
