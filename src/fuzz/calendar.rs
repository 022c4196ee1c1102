//! The calendar check: at every instant of the fixed table
//! ([`crate::oracle::calendar`]), a fresh Identity's stopped clock is set,
//! a process with a grace period of one day is initiated there, cancelled
//! exactly at the end of its grace period and listed; every answer is judged
//! by the oracle (`createdAt`, `gracePeriodEndsAt` and `cancelledAt` at their
//! exact instants). What it covers is the same whatever the date of the run.

use super::exec::judged_call;
use crate::adapter::{Adapter, Capability, ImplementationInfo};
use crate::oracle::calendar::{Mark, table};
use crate::oracle::{Call, Oracle, Waivers};
use crate::verdict::{Fault, Verdict};
use chrono::TimeDelta;
use std::sync::Arc;

/// The check's name (its test case is `fuzz: calendar`).
pub const CALENDAR: &str = "calendar";

/// The grace period each process of the check gets, in days.
const DAYS: u32 = 1;

/// Why the check cannot run against `info` (`None`: it runs).
pub fn skip_reason(info: &ImplementationInfo) -> Option<String> {
    [Capability::Clock, Capability::SetClock]
        .into_iter()
        .find(|c| !info.has(*c))
        .map(|c| {
            format!(
                "needs the capability `{}`: the calendar's instants are set on stopped clocks",
                c.name()
            )
        })
}

/// What the check does, in words.
pub fn what() -> String {
    format!(
        "at each of {} fixed instants (offset changes of every zone at both edges, year and month ends, leap days, week-based-year days): initiate with {DAYS} day of grace, cancel at its end, list",
        table().len()
    )
}

/// Runs the check at every instant of the table; the first divergence,
/// named with the instant and what it is.
pub async fn check(adapter: &dyn Adapter, waivers: &Arc<Waivers>) -> Result<(), Verdict> {
    for mark in table() {
        at_mark(adapter, waivers, mark).await?;
    }
    Ok(())
}

/// [`check`] with the instants spread over every process of `members`
/// ([`super::spread`]; each instant has its own fresh Identity): the same
/// verdict, the first divergence in table order, and the same waiver counts
/// (those of the instants up to it). Blocks.
pub fn check_over(
    members: &[Arc<dyn Adapter>],
    runtime: &tokio::runtime::Handle,
    waivers: &Arc<Waivers>,
) -> Result<(), Verdict> {
    if members.is_empty() {
        return Err(Fault::suite("the calendar check has no implementation process").into());
    }
    let marks = table();
    let runs = super::spread::spread(members, runtime, marks.len(), |member, i| async move {
        let counted = Arc::new(waivers.uncounted());
        let result = at_mark(member.as_ref(), &counted, &marks[i]).await;
        super::spread::CaseRun {
            result,
            waivers: counted,
            operations: 0,
        }
    });
    for run in runs.into_iter().flatten() {
        waivers.absorb(&run.waivers);
        run.result?;
    }
    Ok(())
}

/// The check at one instant; a failure names the instant and what it is.
async fn at_mark(
    adapter: &dyn Adapter,
    waivers: &Arc<Waivers>,
    mark: &Mark,
) -> Result<(), Verdict> {
    at_mark_unnamed(adapter, waivers, mark)
        .await
        .map_err(|v| match v {
            Verdict::Failed(f) => Verdict::Failed(f.context(&format!(
                "with the clock set to {} ({})",
                crate::domain::format_timestamp(mark.at),
                mark.what
            ))),
            errored => errored,
        })
}

async fn at_mark_unnamed(
    adapter: &dyn Adapter,
    waivers: &Arc<Waivers>,
    mark: &Mark,
) -> Result<(), Verdict> {
    let mut oracle = Oracle::with_waivers(waivers.clone());
    let handle = adapter
        .new_identity()
        .await
        .map_err(|e| Verdict::from(Fault::adapter("creating an Identity", &e)))?;
    let me = oracle.add_identity();
    for (at, call) in [
        (mark.at, Call::Initiate(Some(DAYS))),
        (mark.at + TimeDelta::days(i64::from(DAYS)), Call::Cancel),
    ] {
        adapter
            .set_clock(&handle, at)
            .await
            .map_err(|e| Verdict::from(Fault::adapter("setting the clock", &e)))?;
        oracle.set_clock(me, at);
        judged_call(adapter, &mut oracle, &handle, me, call, None, None).await?;
    }
    judged_call(adapter, &mut oracle, &handle, me, Call::GetAll, None, None).await
}
