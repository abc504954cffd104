//! A day under way made consistent before it is planned: a stop under way whose elder has not
//! come that far is opened again.

use std::collections::HashMap;

use super::{DayUnderWay, StopState, prefix_len, step};
use crate::model::StopKind;

impl DayUnderWay {
    /// The day with each stop under way that its elder has not come to yet opened again: a
    /// driver heading to the site for an elder whom another car has not yet picked up at home
    /// (or has not yet dropped there) is on the way early, not at a step the elder reached
    /// (whereas a later step done implies those before it). Every planning of a day under way
    /// starts from this, so that such a stop neither counts the elder as on board (which lost
    /// her pick-up at home) nor binds the plan: it is planned again like any open stop.
    pub fn settled(&self) -> DayUnderWay {
        let mut done: HashMap<i64, u8> = HashMap::new();
        for r in &self.routes {
            for s in r.stops[..prefix_len(r)]
                .iter()
                .filter(|s| matches!(s.state, StopState::Done { .. }))
            {
                let reached = done.entry(s.stop.booking_id).or_default();
                *reached = (*reached).max(step(s.stop.kind));
            }
        }
        let mut day = self.clone();
        for r in &mut day.routes {
            let Some(s) = prefix_len(r).checked_sub(1).map(|i| &mut r.stops[i]) else {
                continue;
            };
            let before = match s.stop.kind {
                StopKind::PickupHome | StopKind::HomeVisit => 0,
                kind => step(kind) - 1,
            };
            let came = done.get(&s.stop.booking_id).copied().unwrap_or(0);
            if s.state == StopState::UnderWay && came < before {
                s.state = StopState::Open;
            }
        }
        day
    }
}
