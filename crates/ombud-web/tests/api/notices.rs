//! Telling other controllers of the city of a breach, as an attacker from either side would probe
//! it, on both databases: the recipient reads the shared facts in its inbox and never the sender's
//! breach, internal notes or other breaches; the sender sees when it was read, not what the
//! recipient registered; the recipient's clock runs from when it was told; a notice is registered
//! once; a unit's people do not open the controller's inbox; the recipient's DPO is told by e-mail.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::json;

both!(
    a_notice_tells_another_controller_the_shared_facts_and_nothing_else,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let it = text(
            &app.org(&admin, "Servicenämnden", "board", Some(&city))
                .await,
            "id",
        );
        let it_unit = text(
            &app.org(&admin, "IT-avdelningen", "unit", Some(&it)).await,
            "id",
        );
        let school = text(
            &app.org(&admin, "Utbildningsnämnden", "board", Some(&city))
                .await,
            "id",
        );
        let school_unit = text(
            &app.org(&admin, "Norra skolan", "unit", Some(&school)).await,
            "id",
        );
        let social = text(
            &app.org(&admin, "Socialnämnden", "board", Some(&city)).await,
            "id",
        );
        let it_dpo = app
            .person("ines@service.exempelstad.se", "Ines Itdpo")
            .await;
        app.grant(&it, &it_dpo.id, &[Role::Dpo]).await;
        let school_dpo = app.person("sara@utb.exempelstad.se", "Sara Skoldpo").await;
        app.grant(&school, &school_dpo.id, &[Role::Dpo]).await;
        let rektor = app.person("rut@utb.exempelstad.se", "Rut Rektor").await;
        app.grant(&school_unit, &rektor.id, &[Role::Manager]).await;
        let social_dpo = app.person("sam@soc.exempelstad.se", "Sam Socdpo").await;
        app.grant(&social, &social_dpo.id, &[Role::Dpo]).await;

        // The IT department, the school's processor, records a breach with its internal handling.
        let r = app
            .post("/api/v1/breaches")
            .by(&it_dpo)
            .json(json!({ "organisation_id": it_unit,
                "description": "Elevregistret åtkomligt utan inloggning\nFelkonfigurerad brandvägg",
                "discovered_at": "2026-03-28T22:00:00+01:00", "aware_at": "2026-03-28T23:00:00+01:00",
                "our_role": "processor", "breach_types": ["confidentiality"],
                "affected_data": ["personal_identity_number"], "data_subjects": "elever",
                "data_subjects_count": "cirka 400", "measures": "Brandväggen rättad",
                "reference": "SN 2026/77", "dpo_advice": "Internt: utred loggarna",
                "lessons": "Internt: granska regler" }))
            .await
            .expect(StatusCode::CREATED);
        let breach = text(&r, "id");
        // Another breach of theirs, which the school must never learn of.
        let other = text(
            &app.post("/api/v1/breaches")
                .by(&it_dpo)
                .json(json!({ "organisation_id": it_unit, "description": "Hemlig annan incident",
                    "discovered_at": "2026-03-01T10:00:00+01:00", "aware_at": "2026-03-01T10:00:00+01:00" }))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );

        // The list of controllers to tell: every other board, not their own.
        let listed = app
            .get(format!("/api/v1/breaches/{breach}/notices"))
            .by(&it_dpo)
            .await
            .expect(StatusCode::OK);
        let names: Vec<&str> = listed["controllers"]
            .as_array()
            .expect("controllers")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert!(names.contains(&"Utbildningsnämnden"), "{listed}");
        assert!(!names.contains(&"Servicenämnden"), "{listed}");

        // Refused: no one, their own controller, an unknown id, a unit, a long note.
        for bad in [
            json!({ "controller_ids": [] }),
            json!({ "controller_ids": [it] }),
            json!({ "controller_ids": [unknown_id()] }),
            json!({ "controller_ids": [school_unit] }),
            json!({ "controller_ids": [school], "message": "x".repeat(4001) }),
        ] {
            app.post(format!("/api/v1/breaches/{breach}/notices"))
                .by(&it_dpo)
                .json(bad.clone())
                .await
                .expect(StatusCode::UNPROCESSABLE_ENTITY);
        }
        // The school's DPO cannot send from, or list, a breach that is not theirs.
        app.post(format!("/api/v1/breaches/{breach}/notices"))
            .by(&school_dpo)
            .json(json!({ "controller_ids": [social] }))
            .await
            .expect(StatusCode::NOT_FOUND);
        app.get(format!("/api/v1/breaches/{breach}/notices"))
            .by(&school_dpo)
            .await
            .expect(StatusCode::NOT_FOUND);

        let before = app.audit_events().await;
        let sent = app
            .post(format!("/api/v1/breaches/{breach}/notices"))
            .by(&it_dpo)
            .json(json!({ "controller_ids": [school], "message": "Ring Ines på 08-123 45." }))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(app.audit_events().await, before + 1, "one event per notice");
        let notice = text(&sent["items"][0], "id");
        assert!(sent["items"][0]["read_at"].is_null());
        // The school's DPO is told at once, by e-mail without the facts.
        let mail = app
            .store
            .outbox_entry(&format!("breach-notice:{notice}:{}", school_dpo.id))
            .await
            .expect("outbox read")
            .expect("the school's DPO is told");
        assert!(mail.subject.contains("Servicenämnden"), "{}", mail.subject);
        assert!(!mail.subject.contains("Elevregistret"), "{}", mail.subject);
        // Nobody at the social board is told.
        assert!(
            app.store
                .outbox_entry(&format!("breach-notice:{notice}:{}", social_dpo.id))
                .await
                .expect("outbox read")
                .is_none()
        );

        // The school's inbox: the shared facts and the note, never the internal handling.
        let inbox = app
            .get("/api/v1/breach-notices")
            .by(&school_dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(inbox["items"].as_array().map(Vec::len), Some(1), "{inbox}");
        let got = app
            .get(format!("/api/v1/breach-notices/{notice}"))
            .by(&school_dpo)
            .await
            .expect(StatusCode::OK);
        let body = got.to_string();
        for internal in [
            "SN 2026/77",
            "Internt: utred loggarna",
            "Internt: granska regler",
            breach.as_str(),
            other.as_str(),
            "Hemlig annan incident",
        ] {
            assert!(
                !body.contains(internal),
                "the notice tells {internal:?}: {body}"
            );
        }
        assert_eq!(got["facts"]["measures"], "Brandväggen rättad");
        assert_eq!(got["facts"]["message"], "Ring Ines på 08-123 45.");
        assert_eq!(got["from"], "Servicenämnden (IT-avdelningen)");
        assert_eq!(got["read_by"], "Sara Skoldpo");
        let told = got["sent_at"].as_str().expect("sent_at").to_string();
        let told_at: jiff::Timestamp = told.parse().expect("RFC 3339");
        assert_eq!(
            got["imy_deadline"]
                .as_str()
                .map(|s| s.parse::<jiff::Timestamp>().expect("RFC 3339")),
            Some(told_at + jiff::SignedDuration::from_hours(72))
        );
        // The school reaches neither of the sender's breaches.
        for id in [&breach, &other] {
            app.get(format!("/api/v1/breaches/{id}"))
                .by(&school_dpo)
                .await
                .expect(StatusCode::NOT_FOUND);
        }
        // A unit's manager at the school, and the social board's DPO, do not open the inbox.
        for outsider in [&rektor, &social_dpo] {
            app.get(format!("/api/v1/breach-notices/{notice}"))
                .by(outsider)
                .await
                .expect(StatusCode::NOT_FOUND);
            let theirs = app
                .get("/api/v1/breach-notices")
                .by(outsider)
                .await
                .expect(StatusCode::OK);
            assert_eq!(theirs["items"], json!([]), "{theirs}");
            app.post(format!("/api/v1/breach-notices/{notice}/breach"))
                .by(outsider)
                .await
                .expect(StatusCode::NOT_FOUND);
        }

        // The sender sees that, and when, it was read.
        let seen = app
            .get(format!("/api/v1/breaches/{breach}/notices"))
            .by(&it_dpo)
            .await
            .expect(StatusCode::OK);
        assert_eq!(seen["items"][0]["read_by"], "Sara Skoldpo", "{seen}");
        assert!(seen["items"][0]["read_at"].is_string());

        // The school registers it: aware when told, the clock from then; once only.
        let theirs = app
            .post(format!("/api/v1/breach-notices/{notice}/breach"))
            .by(&school_dpo)
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(theirs["organisation_id"], school.as_str());
        assert_eq!(
            theirs["aware_at"]
                .as_str()
                .map(|s| s.parse::<jiff::Timestamp>().expect("RFC 3339")),
            Some(told_at)
        );
        assert_eq!(theirs["our_role"], "controller");
        assert_eq!(
            theirs["other_controllers"][0],
            "Servicenämnden (IT-avdelningen)"
        );
        assert!(
            theirs["reference"].is_null() && theirs["dpo_advice"].is_null(),
            "{theirs}"
        );
        let their_id = text(&theirs, "id");
        app.post(format!("/api/v1/breach-notices/{notice}/breach"))
            .by(&school_dpo)
            .await
            .expect(StatusCode::CONFLICT);
        // The sender never reaches the school's breach, nor learns its id.
        app.get(format!("/api/v1/breaches/{their_id}"))
            .by(&it_dpo)
            .await
            .expect(StatusCode::NOT_FOUND);
        let seen = app
            .get(format!("/api/v1/breaches/{breach}/notices"))
            .by(&it_dpo)
            .await
            .expect(StatusCode::OK);
        assert!(!seen.to_string().contains(&their_id), "{seen}");
        // The reading and the registering are on the record, under the school.
        let events = app.events_of("breach_notice", &notice).await;
        assert_eq!(events.len(), 3, "sent, read, registered");
        for e in &events {
            if e.operation == "create" {
                assert_eq!(e.organisation_id.as_deref(), Some(it_unit.as_str()));
            } else {
                assert_eq!(e.organisation_id.as_deref(), Some(school.as_str()));
                assert!(
                    !e.after.as_deref().unwrap_or_default().contains(&breach),
                    "the school's events name the sender's breach"
                );
            }
        }
    }
);
