//! The campaign's progress of the caller's area (issue 16): the rows the domain's figures
//! are made of (`vaxride_dispatch::progress`), read in one snapshot.

use sqlx::Row;
use vaxride_dispatch::model::Dose;
use vaxride_dispatch::progress::{Given, OnRoster, Progress, progress};

use crate::communities::community_filter;
use crate::error::Result;
use crate::{Scope, Store, StoreError};

impl Store {
    /// The progress of the caller's area: a coordinator's district (every community), a
    /// secretary's community (its elders' shots, at whichever site they were given), or for an
    /// admin every district.
    pub async fn progress(&self, scope: Scope) -> Result<Progress> {
        let filter = community_filter(scope);
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(sql!(
            "SELECT c.id, c.name, c.district_id FROM communities c WHERE 1 = 1{filter} ORDER BY c.id"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut communities = Vec::with_capacity(rows.len());
        let mut districts = std::collections::BTreeSet::new();
        for r in &rows {
            communities.push((r.try_get::<i64, _>("id")?, r.try_get::<String, _>("name")?));
            districts.insert(r.try_get::<i64, _>("district_id")?);
        }
        let rows = sqlx::query(sql!(
            "SELECT e.community_id, e.dose FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.active = 1{filter}"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut elders = Vec::with_capacity(rows.len());
        for r in &rows {
            let dose: String = r.try_get("dose")?;
            elders.push(OnRoster {
                community: r.try_get("community_id")?,
                dose: Dose::from_code(&dose)
                    .ok_or_else(|| StoreError::Database("bad stored dose".into()))?,
            });
        }
        let rows = sqlx::query(sql!(
            "SELECT v.day, v.site_id, v.shot FROM vaccinations v JOIN elders e ON e.id = v.elder_id \
             JOIN communities c ON c.id = e.community_id WHERE 1 = 1{filter}"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut shots = Vec::with_capacity(rows.len());
        for r in &rows {
            let shot: String = r.try_get("shot")?;
            shots.push(Given {
                day: r.try_get("day")?,
                site: r.try_get("site_id")?,
                shot: crate::vaccinations::stored_shot(&shot)?,
            });
        }
        let rows = sqlx::query(sql!(
            "SELECT DISTINCT s.id, s.name FROM sites s JOIN vaccinations v ON v.site_id = s.id \
             JOIN elders e ON e.id = v.elder_id JOIN communities c ON c.id = e.community_id \
             WHERE s.active = 0{filter}"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let retired = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect::<Result<Vec<(i64, String)>>>()?;
        tx.commit().await?;
        let mut sites = Vec::new();
        for d in districts {
            sites.extend(self.sites(d).await?);
        }
        Ok(progress(&communities, &elders, &shots, &sites, &retired))
    }
}
