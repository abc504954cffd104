//! `vaxride user add`: the first admin of a fresh install (and any admin or coordinator later),
//! straight into the database. The password is read from standard input when it is not a
//! terminal (`echo … | vaxride user add …`); otherwise (or with `--one-time-password`) a
//! one-time password is made, printed once, and must be replaced at the first login.

use std::io::{IsTerminal, Read};

use anyhow::{Context, bail};
use vaxride_dispatch::values::Role;
use vaxride_server::auth::hash_password;
use vaxride_server::users::{check_password, check_username, one_time_password};
use vaxride_store::{NewUser, Store};

/// What `user add` was asked to do.
pub struct AddUser {
    pub database_url: String,
    pub role: Role,
    pub username: String,
    pub display_name: Option<String>,
    pub district: Option<i64>,
    pub one_time: bool,
}

pub fn add(a: AddUser) -> anyhow::Result<()> {
    check_username(&a.username).map_err(|p| anyhow::anyhow!("--username: {}", p.message))?;
    match (a.role, a.district) {
        (Role::Admin, None) | (Role::Coordinator, Some(_)) => {}
        (Role::Admin, Some(_)) => bail!("--district: an admin works for every district"),
        (Role::Coordinator, None) => bail!("--district: a coordinator works for one district"),
        _ => bail!(
            "--role: admin or coordinator here; secretaries and drivers are made by their \
             coordinator (POST /api/users, or the page #/coordinator/people)"
        ),
    }
    let mut stdin = std::io::stdin();
    let (password, one_time) = if a.one_time || stdin.is_terminal() {
        (one_time_password(), true)
    } else {
        let mut s = String::new();
        stdin
            .read_to_string(&mut s)
            .context("cannot read the password from standard input")?;
        let p = s.trim_end_matches(['\r', '\n']).to_string();
        check_password(&p).map_err(|e| anyhow::anyhow!("the password: {}", e.message))?;
        (p, false)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::open(&a.database_url)
            .await
            .context("cannot open the database (check --database-url / DATABASE_URL)")?;
        if let Some(d) = a.district
            && !store.district_exists(d).await?
        {
            bail!("--district: no district {d} (an admin makes one: POST /api/districts)");
        }
        let user = NewUser {
            username: a.username.clone(),
            password_hash: hash_password(&password),
            role: a.role,
            district_id: a.district,
            community_id: None,
            driver_id: None,
            display_name: a.display_name.clone().unwrap_or_else(|| a.username.clone()),
        };
        let made = if one_time {
            store.create_account(&user).await
        } else {
            store.create_user(&user).await
        };
        let id = made.map_err(|e| anyhow::anyhow!("{e}"))?;
        store.close().await;
        if one_time {
            println!(
                "{} {} (id {id}) made. One-time password, shown this once: {password}\n\
                 Log in with it and choose your own.",
                a.role.code(),
                a.username
            );
        } else {
            println!("{} {} (id {id}) made.", a.role.code(), a.username);
        }
        Ok(())
    })
}
