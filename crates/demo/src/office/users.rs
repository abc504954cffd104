//! The office's logins: an admin (the demo's own office only), a coordinator, a secretary per
//! community, one per driver.

use rand::rngs::StdRng;
use vaxride_dispatch::values::Role;

use super::{DemoCommunity, DemoDriver, DemoUser};
use crate::names::younger_name;

/// The users of street office number `k`; the passwords are the demo's, printed on first
/// start. The demo's own office (`k` 0) has `admin`, `coordinator`, `sec-1`… and `driver-1`…;
/// office `k` prefixes them with `o{k+1}-` (`o2-coordinator`) and has no admin of its own.
pub(super) fn draw(
    k: usize,
    district: &str,
    communities: &[DemoCommunity],
    drivers: &[DemoDriver],
    rng: &mut StdRng,
) -> Vec<DemoUser> {
    let prefix = if k == 0 {
        String::new()
    } else {
        format!("o{}-", k + 1)
    };
    let mut users = Vec::new();
    if k == 0 {
        users.push(DemoUser {
            username: "admin".into(),
            password: "admin-demo".into(),
            role: Role::Admin,
            display_name: "系统管理员".into(),
            community: None,
            driver: None,
        });
    }
    users.push(DemoUser {
        username: format!("{prefix}coordinator"),
        password: "coord-demo".into(),
        role: Role::Coordinator,
        display_name: format!("{}（{district}调度员）", younger_name(rng)),
        community: None,
        driver: None,
    });
    for (c, community) in communities.iter().enumerate() {
        users.push(DemoUser {
            username: format!("{prefix}sec-{}", c + 1),
            password: "sec-demo".into(),
            role: Role::Secretary,
            display_name: format!("{}（{}书记）", younger_name(rng), community.name),
            community: Some(c),
            driver: None,
        });
    }
    for (d, driver) in drivers.iter().enumerate() {
        users.push(DemoUser {
            username: format!("{prefix}driver-{}", d + 1),
            password: "driver-demo".into(),
            role: Role::Driver,
            display_name: driver.name.clone(),
            community: None,
            driver: Some(d),
        });
    }
    users
}
