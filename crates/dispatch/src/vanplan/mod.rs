//! Planning where and when the mobile vaccination vans stop (issue 16). `cover.rs`: the
//! covering part — which candidate stop points to choose and who walks to which — exact on
//! small cases and searched on large ones.

pub mod cover;
