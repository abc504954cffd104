//! Users, their roles and their sessions (opaque tokens, stored hashed).

use serde::Serialize;
use sqlx::Row;

use vaxride_dispatch::values::Role;

use crate::error::Result;
use crate::problems;
use crate::{Scope, Store, StoreError};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// PHC string of the password hash (argon2id).
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// District (all but admins).
    pub district_id: Option<i64>,
    /// Community (secretaries).
    pub community_id: Option<i64>,
    /// Driver record (drivers).
    pub driver_id: Option<i64>,
    /// Name shown in the interface.
    pub display_name: String,
}

/// The user behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// User id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// District.
    pub district_id: Option<i64>,
    /// Community (secretaries).
    pub community_id: Option<i64>,
    /// Driver (drivers).
    pub driver_id: Option<i64>,
    /// Whether the password is a one-time one the user must replace before anything else.
    pub must_change_password: bool,
}

/// A street office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct District {
    /// Id.
    pub id: i64,
    /// Name, e.g. 皇城街道.
    pub name: String,
}

/// A user as the people who manage accounts see it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Who.
    #[serde(flatten)]
    pub user: Principal,
    /// Whether they may log in.
    pub active: bool,
}

impl Principal {
    /// What this user may see.
    pub fn scope(&self) -> Scope {
        match (self.role, self.district_id) {
            (Role::Admin, _) | (_, None) => Scope::Admin,
            (Role::Coordinator, Some(d)) => Scope::District(d),
            (Role::Secretary, Some(d)) => Scope::Community {
                district: d,
                community: self.community_id.unwrap_or(-1),
            },
            (Role::Driver, Some(d)) => Scope::Driver {
                district: d,
                driver: self.driver_id.unwrap_or(-1),
            },
        }
    }
}

const PRINCIPAL: &str = "u.id, u.username, u.display_name, u.role, u.district_id, \
                         u.community_id, u.driver_id, u.must_change_password";

fn principal(row: &sqlx::any::AnyRow) -> Result<Principal> {
    let role: String = row.try_get("role")?;
    Ok(Principal {
        user_id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).map_err(|e| StoreError::Database(format!("stored role: {e}")))?,
        district_id: row.try_get("district_id")?,
        community_id: row.try_get("community_id")?,
        driver_id: row.try_get("driver_id")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
    })
}

/// The accounts a scope manages: all for an admin, the district's for a coordinator.
fn account_filter(scope: Scope) -> String {
    match scope {
        Scope::Admin => String::new(),
        Scope::District(d) => format!(" AND u.district_id = {d}"),
        _ => " AND 1 = 0".into(),
    }
}

fn account(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        user: principal(row)?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

impl Store {
    /// Creates a user; a taken username is a conflict.
    pub async fn create_user(&self, user: &NewUser) -> Result<i64> {
        self.insert_user(user, false).await
    }

    /// Creates an account with a one-time password (`user.password_hash`), which the user must
    /// replace at their first login; a taken username is a conflict.
    pub async fn create_account(&self, user: &NewUser) -> Result<i64> {
        self.insert_user(user, true).await
    }

    async fn insert_user(&self, user: &NewUser, one_time: bool) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, district_id, community_id, \
             driver_id, display_name, must_change_password) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(user.role.code())
        .bind(user.district_id)
        .bind(user.community_id)
        .bind(user.driver_id)
        .bind(&user.display_name)
        .bind(i64::from(one_time))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(problems::username_taken()),
            other => other,
        })?;
        tx.commit().await?;
        Ok(id)
    }

    /// The accounts `scope` manages, by username.
    pub async fn accounts(&self, scope: Scope) -> Result<Vec<Account>> {
        let rows = sqlx::query(sql!(
            "SELECT {PRINCIPAL}, u.active FROM users u WHERE 1 = 1{} ORDER BY u.username",
            account_filter(scope)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account).collect()
    }

    /// One account `scope` manages.
    pub async fn account(&self, scope: Scope, id: i64) -> Result<Option<Account>> {
        let row = sqlx::query(sql!(
            "SELECT {PRINCIPAL}, u.active FROM users u WHERE u.id = $1{}",
            account_filter(scope)
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account).transpose()
    }

    /// Sets a user's password (a PHC hash); `one_time` when the user must replace it at the
    /// next login. Every session of the user but `keep` (a token hash) is revoked.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        one_time: bool,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(i64::from(one_time))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND token_hash <> COALESCE($2, '')",
        )
        .bind(user_id)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The password hash of a user (to check the current one before a change).
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The street offices, by name: `[{id, name}]`.
    pub async fn districts(&self) -> Result<Vec<District>> {
        let rows = sqlx::query("SELECT id, name FROM districts ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(District {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// Whether a district exists.
    pub async fn district_exists(&self, id: i64) -> Result<bool> {
        Ok(self.district_of("districts", id).await?.is_some())
    }

    /// The district of a community.
    pub async fn community_district(&self, id: i64) -> Result<Option<i64>> {
        self.district_of("communities", id).await
    }

    /// The district of a driver.
    pub async fn driver_district(&self, id: i64) -> Result<Option<i64>> {
        self.district_of("drivers", id).await
    }

    async fn district_of(&self, table: &'static str, id: i64) -> Result<Option<i64>> {
        let column = if table == "districts" {
            "id"
        } else {
            "district_id"
        };
        Ok(
            sqlx::query_scalar(sql!("SELECT {column} FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Whether a driver already has a login (active or not).
    pub async fn driver_has_login(&self, driver: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE driver_id = $1")
            .bind(driver)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Lets a user log in again, or not; deactivating revokes their sessions at once.
    pub async fn set_active(&self, user_id: i64, active: bool) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !active {
            sqlx::query("UPDATE sessions SET revoked = 1 WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The active user with this login name and their password hash.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(Principal, String)>> {
        let row = sqlx::query(sql!(
            "SELECT {PRINCIPAL}, u.password_hash FROM users u WHERE u.username = $1 AND u.active = 1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((principal(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    /// Stores a session (the token's SHA-256, never the token).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user of a live session.
    pub async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<Principal>> {
        let row = sqlx::query(sql!(
            "SELECT {PRINCIPAL} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(principal).transpose()
    }

    /// Revokes a session (logout).
    pub async fn revoke_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether any user exists (the demo seeds an empty database only).
    pub async fn has_users(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}
