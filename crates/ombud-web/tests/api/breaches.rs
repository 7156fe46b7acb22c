//! Personal data breaches through the API, on both databases: anyone with a role reports one and
//! sees their own report only; the deadline is 72 hours from awareness as an instant; the DPO and
//! the manager are told through the outbox in the report's own transaction, with the reminders
//! scheduled; the assessment scores by ENISA's method; no decision on notification before the DPO is
//! consulted; a late notification needs its reason.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::json;

both!(
    a_breach_is_reported_told_assessed_and_decided,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Socialnämnden", "board", Some(&city)).await,
            "id",
        );
        let unit = text(
            &app.org(&admin, "Hemtjänst norr", "unit", Some(&board))
                .await,
            "id",
        );
        let dpo = app
            .person("dora@soc.exempelstad.se", "Dora Dataskydd")
            .await;
        app.grant(&board, &dpo.id, &[Role::Dpo]).await;
        let chef = app.person("mats@soc.exempelstad.se", "Mats Chef").await;
        app.grant(&unit, &chef.id, &[Role::Manager]).await;
        let emma = app
            .person("emma@soc.exempelstad.se", "Emma Medarbetare")
            .await;
        app.grant(&unit, &emma.id, &[Role::Employee]).await;
        let other = app
            .person("olle@soc.exempelstad.se", "Olle Medarbetare")
            .await;
        app.grant(&unit, &other.id, &[Role::Employee]).await;

        // An employee reports; the deadline is exactly 72 hours later, across the autumn DST change.
        let r = app
        .post("/api/v1/breaches")
        .by(&emma)
        .json(json!({ "organisation_id": unit, "description": "Brukarlista skickad till fel mottagare",
            "discovered_at": "2026-10-23T09:30:00+02:00", "aware_at": "2026-10-23T10:00:00+02:00" }))
        .await
        .expect(StatusCode::CREATED);
        let id = text(&r, "id");
        assert_eq!(r["imy_deadline"], "2026-10-26T08:00:00Z", "{r}");
        assert_eq!(r["status"], "rapporterad");
        assert_eq!(r["reported_by"]["name"], "Emma Medarbetare");
        // Investigation fields are not the reporter's to set.
        app.post("/api/v1/breaches")
        .by(&emma)
        .json(json!({ "organisation_id": unit, "description": "x", "dpo_advice": "ingen fara",
            "discovered_at": "2026-10-23T09:30:00+02:00", "aware_at": "2026-10-23T10:00:00+02:00" }))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
        // A time without its offset is refused, naming the field.
        let bad = app
            .post("/api/v1/breaches")
            .by(&emma)
            .json(json!({ "organisation_id": unit, "description": "x",
            "discovered_at": "2026-10-23T09:30:00", "aware_at": "2026-10-23T10:00:00+02:00" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["errors"][0]["field"], "discovered_at", "{bad}");

        // The reporter reads their own report, not another's and not the register.
        app.get(format!("/api/v1/breaches/{id}"))
            .by(&emma)
            .await
            .expect(StatusCode::OK);
        app.get(format!("/api/v1/breaches/{id}"))
            .by(&other)
            .await
            .expect(StatusCode::NOT_FOUND);
        let listed = app
            .get(format!("/api/v1/breaches?organisation_id={unit}"))
            .by(&emma)
            .await
            .expect(StatusCode::OK);
        assert_eq!(listed["items"], json!([]), "{listed}");
        app.patch(format!("/api/v1/breaches/{id}"))
            .by(&emma)
            .json(json!({ "description": "ändrad" }))
            .await
            .expect(StatusCode::FORBIDDEN);

        // The DPO and the manager were told in the report's transaction; the reporter was not.
        for (who, told) in [(&dpo, true), (&chef, true), (&emma, false)] {
            let key = format!("breach:{id}:reported:{}", who.id);
            let entry = app.store.outbox_entry(&key).await.expect("outbox read");
            assert_eq!(entry.is_some(), told, "{}", who.email);
        }
        for h in ["h24", "h48", "h66"] {
            let job = app
                .store
                .scheduled_job(&format!("breach:{id}:reminder:{h}"))
                .await
                .expect("job read");
            assert!(job.is_some(), "reminder {h}");
        }

        // The assessment: the pinned example, and a field out of range named.
        let a = app
            .put(format!("/api/v1/breaches/{id}/assessment"))
            .by(&chef)
            .json(
                json!({ "data_processing_context": 2, "ease_of_identification": 0.75,
            "confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": false }),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["severity_score"], 1.75);
        assert_eq!(a["risk_category"], "obetydlig");
        assert_eq!(a["notify_imy_proposed"], false);
        let bad = app
            .put(format!("/api/v1/breaches/{id}/assessment"))
            .by(&chef)
            .json(
                json!({ "data_processing_context": 2, "ease_of_identification": 0.3,
            "confidentiality": 0, "integrity": 0, "availability": 0, "malicious": false }),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["errors"][0]["field"], "ease_of_identification", "{bad}");
        // Sensitive data, easily identified, sent to unknown recipients: very high risk.
        let high = app
            .put(format!("/api/v1/breaches/{id}/assessment"))
            .by(&chef)
            .json(
                json!({ "data_processing_context": 4, "ease_of_identification": 1,
            "confidentiality": 0.5, "integrity": 0, "availability": 0, "malicious": false }),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(high["risk_category"], "mycket_allvarlig");
        assert_eq!(high["notify_imy_proposed"], true);
        assert_eq!(high["inform_subjects_proposed"], true);

        // Through the workflow: no decision before the DPO is consulted.
        for to in ["under_utredning", "riskbedomd"] {
            app.post(format!("/api/v1/breaches/{id}/transitions"))
                .by(&chef)
                .json(json!({ "to": to }))
                .await
                .expect(StatusCode::OK);
        }
        let refused = app
            .post(format!("/api/v1/breaches/{id}/transitions"))
            .by(&chef)
            .json(json!({ "to": "anmald_imy" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = refused["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(fields.contains(&"dpo_consulted_at"), "{refused}");
        assert!(fields.contains(&"imy_notified_at"), "{refused}");
        // A notification after the deadline needs the reason for the delay.
        let late = app
            .patch(format!("/api/v1/breaches/{id}"))
            .by(&chef)
            .json(json!({ "dpo_consulted_at": "2026-10-23T11:00:00+02:00",
            "imy_notified_at": "2026-10-26T10:00:00+01:00" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(late["errors"][0]["field"], "delay_reason", "{late}");
        app.patch(format!("/api/v1/breaches/{id}"))
            .by(&chef)
            .json(json!({ "dpo_consulted_at": "2026-10-23T11:00:00+02:00",
            "imy_notified_at": "2026-10-26T08:00:00Z" }))
            .await
            .expect(StatusCode::OK);
        app.post(format!("/api/v1/breaches/{id}/transitions"))
            .by(&dpo)
            .json(json!({ "to": "anmald_imy" }))
            .await
            .expect(StatusCode::OK);
        // The reporter sees where it stands, not the investigation.
        let seen = app
            .get(format!("/api/v1/breaches/{id}"))
            .by(&emma)
            .await
            .expect(StatusCode::OK);
        assert_eq!(seen["status"], "anmald_imy");
        assert!(seen["assessment"].is_null(), "{seen}");
        assert!(seen["dpo_consulted_at"].is_null(), "{seen}");
    }
);

/// Waits for a scheduled job to be done, and answers its outcome.
async fn outcome_of(app: &TestApp, key: &str) -> String {
    for _ in 0..200 {
        if let Some(job) = app.store.scheduled_job(key).await.expect("job read")
            && job.done_at.is_some()
        {
            return job.outcome.unwrap_or_default();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the job {key} never ran");
}

both!(
    reminders_come_while_no_decision_is_recorded_and_not_twice_across_a_restart,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Utbildningsnämnden", "board", Some(&city))
                .await,
            "id",
        );
        let dpo = app
            .person("dina@utb.exempelstad.se", "Dina Dataskydd")
            .await;
        app.grant(&board, &dpo.id, &[Role::Dpo]).await;
        let report = |aware: &str| {
            json!({ "organisation_id": board, "description": "Elevlista på vift",
            "discovered_at": aware, "aware_at": aware })
        };
        // Aware 49 hours ago: the 24- and 48-hour reminders are due; only the latest is sent.
        let aware = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(49))
            .expect("in range")
            .to_string();
        let open = text(
            &app.post("/api/v1/breaches")
                .by(&admin)
                .json(report(&aware))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        // The same, but decided already: no reminder at all.
        let decided = text(
            &app.post("/api/v1/breaches")
                .by(&admin)
                .json(report(&aware))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        app.put(format!("/api/v1/breaches/{decided}/assessment"))
            .by(&admin)
            .json(
                json!({ "data_processing_context": 1, "ease_of_identification": 0.25,
            "confidentiality": 0, "integrity": 0, "availability": 0, "malicious": false }),
            )
            .await
            .expect(StatusCode::OK);
        app.patch(format!("/api/v1/breaches/{decided}"))
            .by(&admin)
            .json(json!({ "dpo_consulted_at": aware }))
            .await
            .expect(StatusCode::OK);
        for to in ["under_utredning", "riskbedomd", "ej_anmalningspliktig"] {
            app.post(format!("/api/v1/breaches/{decided}/transitions"))
                .by(&admin)
                .json(json!({ "to": to }))
                .await
                .expect(StatusCode::OK);
        }

        let config = ombud_app::jobs::SchedulerConfig {
            poll: std::time::Duration::from_millis(50),
            ..Default::default()
        };
        let handlers = ombud_app::jobs::handlers(&app.store, "https://ombud.exempelstad.se");
        let scheduler =
            ombud_app::jobs::spawn_scheduler(app.store.clone(), handlers.clone(), config.clone());
        assert!(
            outcome_of(&app, &format!("breach:{open}:reminder:h24"))
                .await
                .starts_with("skipped: a later reminder"),
        );
        assert_eq!(
            outcome_of(&app, &format!("breach:{open}:reminder:h48")).await,
            "reminder queued for 1"
        );
        let mail = app
            .store
            .outbox_entry(&format!("breach:{open}:reminder:h48:{}", dpo.id))
            .await
            .expect("outbox read")
            .expect("the DPO is reminded");
        assert!(mail.subject.starts_with("Påminnelse"), "{}", mail.subject);
        for h in ["h24", "h48"] {
            assert!(
                outcome_of(&app, &format!("breach:{decided}:reminder:{h}"))
                    .await
                    .starts_with("skipped: a decision"),
            );
        }
        scheduler.stop().await;

        // After a restart the done jobs are not run again, and the 66-hour one still waits.
        let again = ombud_app::jobs::spawn_scheduler(app.store.clone(), handlers, config);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        again.stop().await;
        let h48 = app
            .store
            .scheduled_job(&format!("breach:{open}:reminder:h48"))
            .await
            .expect("job read")
            .expect("the job");
        assert_eq!(h48.attempts, 0, "{h48:?}");
        let h66 = app
            .store
            .scheduled_job(&format!("breach:{open}:reminder:h66"))
            .await
            .expect("job read")
            .expect("the job");
        assert!(h66.done_at.is_none(), "{h66:?}");
    }
);

both!(
    the_dpo_confirms_or_changes_the_proposal_with_a_reason,
    |app| async move {
        let admin = app.admin().await;
        let board = text(&app.org(&admin, "Kulturnämnden", "board", None).await, "id");
        let dpo = app.person("dina@kultur.exempelstad.se", "Dina Dpo").await;
        app.grant(&board, &dpo.id, &[Role::Dpo]).await;
        let chef = app.person("max@kultur.exempelstad.se", "Max Chef").await;
        app.grant(&board, &chef.id, &[Role::Manager]).await;
        let id = text(
            &app.post("/api/v1/breaches")
                .by(&chef)
                .json(json!({ "organisation_id": board, "description": "Krypterad USB-sticka borttappad",
                    "discovered_at": "2026-05-04T09:00:00+02:00", "aware_at": "2026-05-04T09:00:00+02:00" }))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        // Before an assessment there is nothing to take a position on.
        app.put(format!("/api/v1/breaches/{id}/dpo-decision"))
            .by(&dpo)
            .json(json!({ "confirm": true }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        // Begränsad risk: the proposal is to notify IMY.
        let a = app
            .put(format!("/api/v1/breaches/{id}/assessment"))
            .by(&chef)
            .json(
                json!({ "data_processing_context": 3, "ease_of_identification": 0.75,
                "confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": false }),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(a["risk_category"], "begransad", "{a}");
        assert_eq!(a["notify_imy_proposed"], true);
        // The manager handles the breach but does not speak for the DPO.
        app.put(format!("/api/v1/breaches/{id}/dpo-decision"))
            .by(&chef)
            .json(json!({ "confirm": true }))
            .await
            .expect(StatusCode::FORBIDDEN);
        // A change without its reason is refused, naming the field.
        let refused = app
            .put(format!("/api/v1/breaches/{id}/dpo-decision"))
            .by(&dpo)
            .json(json!({ "confirm": false, "notify_imy": false, "inform_subjects": false }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["errors"][0]["field"], "reason", "{refused}");
        let decided = app
            .put(format!("/api/v1/breaches/{id}/dpo-decision"))
            .by(&dpo)
            .json(
                json!({ "confirm": false, "notify_imy": false, "inform_subjects": false,
                "reason": "Stickan var krypterad med stark kryptering; nyckeln är inte röjd." }),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(decided["dpo_decision"]["confirmed"], false, "{decided}");
        assert_eq!(decided["dpo_decision"]["by"], "Dina Dpo");
        assert!(
            decided["dpo_consulted_at"].is_string(),
            "consulted, on record"
        );
        // Deciding as the DPO holds needs no comment, though it departs from the category's proposal.
        for to in ["under_utredning", "riskbedomd", "ej_anmalningspliktig"] {
            app.post(format!("/api/v1/breaches/{id}/transitions"))
                .by(&chef)
                .json(json!({ "to": to }))
                .await
                .expect(StatusCode::OK);
        }
        // The history keeps the position taken.
        let history = app
            .get(format!("/api/v1/breaches/{id}/history"))
            .by(&dpo)
            .await
            .expect(StatusCode::OK);
        assert!(
            history.to_string().contains("nyckeln är inte röjd"),
            "{history}"
        );
    }
);

both!(
    the_notification_goes_in_phases_each_kept_as_sent,
    |app| async move {
        let admin = app.admin().await;
        let board = text(&app.org(&admin, "Miljönämnden", "board", None).await, "id");
        let dpo = app.person("mia@miljo.exempelstad.se", "Mia Dpo").await;
        app.grant(&board, &dpo.id, &[Role::Dpo]).await;
        let id = text(
            &app.post("/api/v1/breaches")
                .by(&dpo)
                .json(json!({ "organisation_id": board, "description": "Tillsynsärenden publicerade av misstag",
                    "discovered_at": "2026-03-27T09:00:00+01:00", "aware_at": "2026-03-27T10:00:00+01:00",
                    "ongoing": true }))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        let draft = app
            .get(format!("/api/v1/breaches/{id}/imy-notice"))
            .by(&dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(draft["phase"], 0, "{draft}");
        assert!(
            draft["missing"].as_array().is_some_and(|m| !m.is_empty()),
            "{draft}"
        );
        // Sent after the 72 hours (which end 2026-03-30 11:00 summer time): the delay needs its reason.
        let late = app
            .post(format!("/api/v1/breaches/{id}/imy-notices"))
            .by(&dpo)
            .json(json!({ "sent_at": "2026-03-30T12:00:00+02:00" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(late["errors"][0]["field"], "delay_reason", "{late}");
        app.patch(format!("/api/v1/breaches/{id}"))
            .by(&dpo)
            .json(json!({ "delay_reason": "Omfattningen var oklar till måndagen." }))
            .await
            .expect(StatusCode::OK);
        let first = app
            .post(format!("/api/v1/breaches/{id}/imy-notices"))
            .by(&dpo)
            .json(
                json!({ "sent_at": "2026-03-30T12:00:00+02:00", "imy_reference": "IMY-2026-123" }),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(first["imy_notified_at"], "2026-03-30T10:00:00Z", "{first}");
        assert_eq!(first["imy_reference"], "IMY-2026-123");
        // A supplement may not be dated before the first.
        app.post(format!("/api/v1/breaches/{id}/imy-notices"))
            .by(&dpo)
            .json(json!({ "sent_at": "2026-03-30T11:00:00+02:00" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        app.patch(format!("/api/v1/breaches/{id}"))
            .by(&dpo)
            .json(json!({ "measures": "Publiceringen är borttagen och sökmotorerna kontaktade." }))
            .await
            .expect(StatusCode::OK);
        app.post(format!("/api/v1/breaches/{id}/imy-notices"))
            .by(&dpo)
            .json(json!({ "sent_at": "2026-04-01T15:00:00+02:00" }))
            .await
            .expect(StatusCode::OK);
        // What IMY was told first stays as it was; the supplement says what came after.
        let sent_first = app
            .get(format!(
                "/api/v1/breaches/{id}/imy-notice?phase=0&format=text"
            ))
            .by(&dpo)
            .await;
        assert_eq!(sent_first.status, StatusCode::OK);
        let first_text = sent_first.text();
        assert!(first_text.contains("Första anmälan"), "{first_text}");
        assert!(
            first_text.contains("Omfattningen var oklar"),
            "{first_text}"
        );
        assert!(!first_text.contains("sökmotorerna"), "{first_text}");
        let supplement = app
            .get(format!(
                "/api/v1/breaches/{id}/imy-notice?phase=1&format=text"
            ))
            .by(&dpo)
            .await
            .text();
        assert!(supplement.contains("Komplettering 1"), "{supplement}");
        assert!(supplement.contains("sökmotorerna"), "{supplement}");
        let next = app
            .get(format!("/api/v1/breaches/{id}/imy-notice"))
            .by(&dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(next["phase"], 2);
        assert_eq!(next["sent"].as_array().map(Vec::len), Some(2));
        let pdf = app
            .get(format!(
                "/api/v1/breaches/{id}/imy-notice?phase=1&format=pdf"
            ))
            .by(&dpo)
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        assert!(pdf.body.starts_with(b"%PDF-"));
        app.get(format!("/api/v1/breaches/{id}/imy-notice?phase=7"))
            .by(&dpo)
            .await
            .expect(StatusCode::NOT_FOUND);
        app.get(format!("/api/v1/breaches/{id}/imy-notice?format=docx"))
            .by(&dpo)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
    }
);
