//! The demo's logins: an admin, a coordinator, a secretary per community, one per driver.

use rand::rngs::StdRng;
use vaxride_dispatch::values::Role;

use super::{DemoDriver, DemoUser};
use crate::names::{COMMUNITIES, younger_name};

/// The users; the passwords are the demo's, printed on first start.
pub(super) fn draw(drivers: &[DemoDriver], rng: &mut StdRng) -> Vec<DemoUser> {
    let mut users = vec![
        DemoUser {
            username: "admin".into(),
            password: "admin-demo".into(),
            role: Role::Admin,
            display_name: "系统管理员".into(),
            community: None,
            driver: None,
        },
        DemoUser {
            username: "coordinator".into(),
            password: "coord-demo".into(),
            role: Role::Coordinator,
            display_name: format!("{}（皇城街道调度员）", younger_name(rng)),
            community: None,
            driver: None,
        },
    ];
    for (c, name) in COMMUNITIES.iter().enumerate() {
        users.push(DemoUser {
            username: format!("sec-{}", c + 1),
            password: "sec-demo".into(),
            role: Role::Secretary,
            display_name: format!("{}（{name}书记）", younger_name(rng)),
            community: Some(c),
            driver: None,
        });
    }
    for (d, driver) in drivers.iter().enumerate() {
        users.push(DemoUser {
            username: format!("driver-{}", d + 1),
            password: "driver-demo".into(),
            role: Role::Driver,
            display_name: driver.name.clone(),
            community: None,
            driver: Some(d),
        });
    }
    users
}
