//! The demo street office, or a demo city district of several offices: seeded into an empty
//! database on first start, on the generated town's roads or on a real extract's.

use std::collections::HashMap;

pub use vaxride_demo::OfficeSize;
use vaxride_demo::{DemoOffice, city, road_anchors, town_roads};
use vaxride_dispatch::model::{Day, Point};
use vaxride_dispatch::values::Role;
use vaxride_roadnet::RoadNetwork;
use vaxride_store::{
    ElderInput, NewBooking, NewDriver, NewSite, NewUser, NewVehicle, Scope, Store,
};

use crate::auth::hash_password;

/// Seed of the demo's generators.
const SEED: u64 = 2022;

/// The generated demo town's road network, with junctions that cost (`turns`) or not.
pub fn demo_network(turns: bool) -> anyhow::Result<RoadNetwork> {
    let mut roads = town_roads(SEED);
    if !turns {
        roads.turns = None;
    }
    Ok(RoadNetwork::from_car_ways(&roads)?)
}

/// Today's date (UTC), for the demo's day of bookings.
pub fn today(now_unix: i64) -> Day {
    Day::from_unix(now_unix).expect("the clock is in the years vaxride takes")
}

/// Seeds the demo street office (district, communities, elders, sites and van stops,
/// vehicles and drivers, users of every role, and today's bookings); returns the logins as
/// (role, username, password).
pub async fn seed_demo(
    store: &Store,
    network: &RoadNetwork,
    real_extract: bool,
) -> anyhow::Result<Vec<(String, String, String)>> {
    seed_city(store, network, real_extract, 1, OfficeSize::DEMO).await
}

/// Seeds a demo city district: `offices` street offices of `size` side by side on the
/// network (`vaxride_demo::city`; one office of the demo's size is the demo street office),
/// each its own district with today's bookings. Returns the logins to print as (role,
/// username, password): every role of the first office, the coordinator of each other.
pub async fn seed_city(
    store: &Store,
    network: &RoadNetwork,
    real_extract: bool,
    offices: usize,
    size: OfficeSize,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let day = today(now);
    let anchors: Vec<Point> = if real_extract {
        let g = network.graph();
        (0..g.node_count() as u32)
            .map(|i| {
                let [lon, lat] = g.node(i);
                Point { lon, lat }
            })
            .collect()
    } else {
        road_anchors(&town_roads(SEED))
    };
    let mut hashes = HashMap::new();
    let mut logins = Vec::new();
    for (k, mut o) in city(SEED, &day, &anchors, offices, size)
        .into_iter()
        .enumerate()
    {
        o.address_homes(network.places());
        let office_logins = seed_office(store, &o, &day, now, &mut hashes).await?;
        logins.extend(
            office_logins
                .into_iter()
                .filter(|(role, _, _)| k == 0 || *role == Role::Coordinator.to_string()),
        );
    }
    Ok(logins)
}

/// Seeds one street office on `day`; returns one login per role and every secretary's.
/// `hashes` keeps the password hashes made so far (one per demo password).
async fn seed_office(
    store: &Store,
    o: &DemoOffice,
    day: &Day,
    now: i64,
    hashes: &mut HashMap<String, String>,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let district = store.create_district(&o.district).await?;
    let mut communities = Vec::new();
    for c in &o.communities {
        communities.push(store.create_community(district, &c.name, c.centre).await?);
    }
    let scope = Scope::District(district);
    let mut elders = Vec::new();
    for e in &o.elders {
        let input = ElderInput {
            name: e.name.clone(),
            phone: e.phone.clone(),
            address: e.address.clone(),
            home: e.home,
            mobility: e.mobility,
            companions: e.companions,
            dose: e.dose,
            priority: e.priority,
            notes: e.notes.clone(),
        };
        elders.push(
            store
                .create_elder(scope, communities[e.community], &input, now)
                .await?
                .id,
        );
    }
    let mut vans = Vec::new();
    for name in &o.vans {
        vans.push((name.clone(), store.create_van(district, name).await?));
    }
    let mut sites = Vec::new();
    for s in &o.sites {
        // A van stop's name starts with its van's name.
        let van_id = vans
            .iter()
            .find(|(name, _)| s.name.starts_with(name.as_str()))
            .map(|&(_, id)| id);
        sites.push(
            store
                .create_site(
                    district,
                    &NewSite {
                        site: s.clone(),
                        address: String::new(),
                        van_id,
                        walk_m: None,
                    },
                )
                .await?,
        );
    }
    let mut vehicles = Vec::new();
    for v in &o.vehicles {
        vehicles.push(
            store
                .create_vehicle(district, &NewVehicle { vehicle: v.clone() })
                .await?,
        );
    }
    let mut drivers = Vec::new();
    for d in &o.drivers {
        drivers.push(
            store
                .create_driver(
                    district,
                    &NewDriver {
                        name: d.name.clone(),
                        phone: d.phone.clone(),
                        vehicle_id: Some(vehicles[d.vehicle]),
                    },
                )
                .await?,
        );
    }
    let mut logins = Vec::new();
    let mut secretary_of: HashMap<usize, i64> = HashMap::new();
    for u in &o.users {
        let role = u.role;
        let hash = hashes
            .entry(u.password.clone())
            .or_insert_with(|| hash_password(&u.password))
            .clone();
        let id = store
            .create_user(&NewUser {
                username: u.username.clone(),
                password_hash: hash,
                role,
                district_id: (role != Role::Admin).then_some(district),
                community_id: u.community.map(|c| communities[c]),
                driver_id: u.driver.map(|d| drivers[d]),
                display_name: u.display_name.clone(),
            })
            .await?;
        if let Some(c) = u.community {
            secretary_of.entry(c).or_insert(id);
        }
        // Print one login per role (and every secretary's, they differ by community).
        if role != Role::Driver || u.driver == Some(0) {
            logins.push((u.role.to_string(), u.username.clone(), u.password.clone()));
        }
    }
    // Today's bookings, one batch per community, made by its secretary.
    for (c, &community) in communities.iter().enumerate() {
        let batch: Vec<NewBooking> = o
            .bookings
            .iter()
            .filter(|b| o.elders[b.elder].community == c)
            .map(|b| NewBooking {
                elder_id: elders[b.elder],
                day: day.clone(),
                window: b.window,
                site_id: b.site.map(|s| sites[s]),
                return_wanted: b.return_wanted,
                dwell_minutes: b.dwell_minutes,
                notes: String::new(),
                walk_in: false,
            })
            .collect();
        if batch.is_empty() {
            continue;
        }
        let by = secretary_of.get(&c).copied().unwrap_or(1);
        store
            .create_bookings(scope, community, by, &batch, None, now)
            .await?;
    }
    tracing::info!(
        district,
        communities = communities.len(),
        elders = elders.len(),
        bookings = o.bookings.len(),
        "demo seeded"
    );
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use super::today;

    #[test]
    fn today_is_the_civil_date() {
        assert_eq!(today(1_650_240_000).as_str(), "2022-04-18");
        assert_eq!(today(1_795_305_600).as_str(), "2026-11-22");
        assert_eq!(today(951_782_400).as_str(), "2000-02-29");
    }
}
