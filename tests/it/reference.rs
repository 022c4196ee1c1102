//! The reference implementation's rules, checked directly.

use chrono::{TimeDelta, TimeZone, Utc};
use enmeshed_conformance::adapter::{Adapter, CallError};
use enmeshed_conformance::domain::{ErrorKind, Status, parse_timestamp};
use enmeshed_conformance::reference::{ManualClock, ReferenceImplementation};
use std::sync::Arc;
use std::time::Duration;

fn domain_error(result: Result<impl std::fmt::Debug, CallError>) -> ErrorKind {
    match result {
        Err(CallError::Domain(e)) => {
            let kind = ErrorKind::from_code(&e.code).expect("known code");
            assert!(kind.matches(&e), "message of {e}");
            kind
        }
        other => panic!("expected a domain error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_initiates_give_exactly_one_active() {
    let reference = Arc::new(ReferenceImplementation::new());
    for _ in 0..50 {
        let identity = reference.new_identity().await.unwrap();
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (reference, identity) = (reference.clone(), identity.clone());
                tokio::spawn(async move { reference.initiate(&identity, None).await })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(
                    domain_error(Err::<(), _>(e)),
                    ErrorKind::ActiveProcessAlreadyExists
                ),
            }
        }
        assert_eq!(ok, 1);
        let all = reference.get_all(&identity).await.unwrap();
        assert_eq!(all.len(), 1);
    }
}

#[tokio::test]
async fn grace_period_boundary_on_a_manual_clock() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap(),
    ));
    let reference = ReferenceImplementation::with_clock(clock.clone());
    let identity = reference.new_identity().await.unwrap();
    let process = reference.initiate(&identity, Some(2)).await.unwrap();
    assert_eq!(process.created_at, "2026-01-01T12:00:00.000Z");
    assert_eq!(
        process.grace_period_ends_at.as_deref(),
        Some("2026-01-03T12:00:00.000Z")
    );

    clock.advance(TimeDelta::days(2));
    // Exactly at the end: still allowed.
    let cancelled = reference.cancel(&identity).await.unwrap();
    assert_eq!(cancelled.status, Status::Cancelled.as_str());
    assert_eq!(
        cancelled.cancelled_at.as_deref(),
        Some("2026-01-03T12:00:00.000Z")
    );
    assert_eq!(
        cancelled.cancelled_by_device.as_deref(),
        process.created_by_device.as_deref()
    );
    assert_eq!(cancelled.grace_period_ends_at, None);

    reference.initiate(&identity, Some(0)).await.unwrap();
    clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(
        domain_error(reference.cancel(&identity).await),
        ErrorKind::GracePeriodExpired
    );
}

#[tokio::test]
async fn per_identity_clock_stops_and_advances() {
    let reference = ReferenceImplementation::new();
    let identity = reference.new_identity().await.unwrap();
    reference
        .advance_clock(&identity, Duration::ZERO)
        .await
        .unwrap();
    let first = reference.initiate(&identity, Some(1)).await.unwrap();
    reference
        .advance_clock(&identity, Duration::from_secs(86_400))
        .await
        .unwrap();
    let cancelled = reference.cancel(&identity).await.unwrap();
    let created = parse_timestamp(&first.created_at).unwrap();
    assert_eq!(
        parse_timestamp(cancelled.cancelled_at.as_deref().unwrap()).unwrap() - created,
        TimeDelta::days(1)
    );
    // Another Identity still follows real time.
    let other = reference.new_identity().await.unwrap();
    let p = reference.initiate(&other, None).await.unwrap();
    assert!(parse_timestamp(&p.created_at).unwrap() < created + TimeDelta::hours(1));
}

#[tokio::test]
async fn reads_and_their_errors() {
    let reference = ReferenceImplementation::new();
    let identity = reference.new_identity().await.unwrap();
    let other = reference.new_identity().await.unwrap();
    assert!(reference.get_all(&identity).await.unwrap().is_empty());
    assert_eq!(
        domain_error(reference.get_active(&identity).await),
        ErrorKind::NoActiveProcess
    );
    assert_eq!(
        domain_error(reference.cancel(&identity).await),
        ErrorKind::NoActiveProcess
    );
    let first = reference.initiate(&identity, None).await.unwrap();
    assert_eq!(reference.get(&identity, &first.id).await.unwrap(), first);
    assert_eq!(
        domain_error(reference.get(&other, &first.id).await),
        ErrorKind::RecordNotFound
    );
    assert_eq!(
        domain_error(reference.get(&identity, "IDP123").await),
        ErrorKind::InvalidPropertyValue
    );
    let cancelled = reference.cancel(&identity).await.unwrap();
    let second = reference.initiate(&identity, None).await.unwrap();
    assert_eq!(
        reference.get_all(&identity).await.unwrap(),
        vec![cancelled, second.clone()]
    );
    assert_eq!(reference.get_active(&identity).await.unwrap(), second);
    let events = reference.take_events(&identity).await.unwrap();
    let statuses: Vec<&str> = events
        .iter()
        .filter_map(|e| e.data.get("status").and_then(|s| s.as_str()))
        .collect();
    assert_eq!(statuses, ["Active", "Cancelled", "Active"]);
    assert!(reference.take_events(&identity).await.unwrap().is_empty());
}
