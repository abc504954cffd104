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
                         u.community_id, u.driver_id";

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
    })
}

impl Store {
    /// Creates a user; a taken username is a conflict.
    pub async fn create_user(&self, user: &NewUser) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, district_id, community_id, \
             driver_id, display_name) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(user.role.code())
        .bind(user.district_id)
        .bind(user.community_id)
        .bind(user.driver_id)
        .bind(&user.display_name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(problems::username_taken()),
            other => other,
        })?;
        tx.commit().await?;
        Ok(id)
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
