//! Data subject requests through the API, on both databases: the due date by the month rule on
//! Sweden's calendar, the extension counted from receipt and told within the first month, once, the
//! workflow's rules, a refusal's ground and appeal instructions, and who may read a request at all.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::json;

both!(
    a_request_is_registered_extended_answered_and_kept_from_those_without_a_part,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Utbildningsnämnden", "board", Some(&city))
                .await,
            "id",
        );
        let other = text(
            &app.org(&admin, "Socialnämnden", "board", Some(&city)).await,
            "id",
        );
        let keeper = app
            .person("rita@utb.exempelstad.se", "Rita Registrator")
            .await;
        app.grant(&board, &keeper.id, &[Role::RecordsKeeper]).await;
        let teacher = app.person("tor@utb.exempelstad.se", "Tor Lärare").await;
        app.grant(&board, &teacher.id, &[Role::Employee]).await;
        let stranger = app.person("siv@soc.exempelstad.se", "Siv Social").await;
        app.grant(&other, &stranger.id, &[Role::Dpo]).await;

        // Received Thursday 2 April 2026: 2 May is a Saturday → Monday 4 May.
        let r = app
            .post("/api/v1/data-subject-requests")
            .by(&keeper)
            .json(
                json!({ "organisation_id": board, "type": "access", "received_on": "2026-04-02",
                "requester": { "name": "Eva Elevsdotter", "category": "Vårdnadshavare" } }),
            )
            .await
            .expect(StatusCode::CREATED);
        let id = text(&r, "id");
        assert_eq!(r["received_on"], "2026-04-02");
        assert_eq!(r["due_on"], "2026-05-04", "{r}");
        assert_eq!(r["status"], "mottagen");
        assert!(r["version"].is_number());
        // Refused: an impossible date, an unknown type, no requester.
        for bad in [
            json!({ "organisation_id": board, "type": "access", "received_on": "2026-02-30", "requester": { "name": "X" } }),
            json!({ "organisation_id": board, "type": "complaint", "received_on": "2026-02-03", "requester": { "name": "X" } }),
            json!({ "organisation_id": board, "type": "access", "received_on": "2026-02-03" }),
        ] {
            let res = app
                .post("/api/v1/data-subject-requests")
                .by(&keeper)
                .json(bad)
                .await;
            assert!(
                res.status == StatusCode::UNPROCESSABLE_ENTITY
                    || res.status == StatusCode::BAD_REQUEST,
                "{}",
                res.text()
            );
        }
        // The requester's data is not for everyone: an employee and another controller see nothing.
        app.get(format!("/api/v1/data-subject-requests/{id}"))
            .by(&teacher)
            .await
            .expect(StatusCode::NOT_FOUND);
        app.get(format!("/api/v1/data-subject-requests/{id}"))
            .by(&stranger)
            .await
            .expect(StatusCode::NOT_FOUND);
        app.post("/api/v1/data-subject-requests")
            .by(&teacher)
            .json(
                json!({ "organisation_id": board, "type": "access", "received_on": "2026-04-02",
                "requester": { "name": "X" } }),
            )
            .await
            .expect(StatusCode::FORBIDDEN);

        // The extension: one or two months, with a reason, the requester told within the month.
        let ext = |body: serde_json::Value| {
            app.post(format!("/api/v1/data-subject-requests/{id}/extension"))
                .by(&keeper)
                .json(body)
        };
        for (body, field) in [
            (
                json!({ "months": 3, "reason": "x", "requester_informed_on": "2026-04-10" }),
                "months",
            ),
            (
                json!({ "months": 2, "reason": " ", "requester_informed_on": "2026-04-10" }),
                "reason",
            ),
            (
                json!({ "months": 2, "reason": "x", "requester_informed_on": "2026-05-05" }),
                "requester_informed_on",
            ),
            (
                json!({ "months": 2, "reason": "x", "requester_informed_on": "2026-04-01" }),
                "requester_informed_on",
            ),
        ] {
            let refused = ext(body).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(refused["errors"][0]["field"], field, "{refused}");
        }
        // Counted from receipt: 2 July 2026 is a Thursday.
        let extended = ext(json!({ "months": 2, "reason": "Uppgifter i många system",
                "requester_informed_on": "2026-04-20" }))
        .await
        .expect(StatusCode::OK);
        assert_eq!(extended["due_on"], "2026-07-02", "{extended}");
        // The reminders follow the deadline: 7 and 2 working days before it, at 07:00 Swedish time.
        let job = |key: String| {
            let store = app.store.clone();
            async move { store.scheduled_job(&key).await.expect("job read") }
        };
        let d2 = job(format!("request:{id}:reminder:2026-07-02:d2"))
            .await
            .expect("the new reminder");
        assert_eq!(d2.due_at, "2026-06-30T05:00:00.000000Z");
        let old = job(format!("request:{id}:reminder:2026-05-04:d7"))
            .await
            .expect("the first reminder");
        assert_eq!(old.outcome.as_deref(), Some("cancelled"), "{old:?}");
        assert_eq!(extended["extension"]["months"], 2);
        ext(json!({ "months": 1, "reason": "igen", "requester_informed_on": "2026-04-20" }))
            .await
            .expect(StatusCode::CONFLICT);

        // The workflow: the identity before handling; the answer before it is answered.
        let step = |to: &str| {
            app.post(format!("/api/v1/data-subject-requests/{id}/transitions"))
                .by(&keeper)
                .json(json!({ "to": to }))
        };
        step("identitet_kontrollerad")
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        app.patch(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .json(json!({ "identity_verified_on": "2026-04-03", "identity_method": "BankID" }))
            .await
            .expect(StatusCode::OK);
        step("identitet_kontrollerad").await.expect(StatusCode::OK);
        step("under_handlaggning").await.expect(StatusCode::OK);
        step("besvarad")
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        // A partial refusal is a decision: its ground and the appeal instructions.
        let refusal = app
            .patch(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .json(json!({ "outcome": "delvis_bifall", "answered_on": "2026-06-30" }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = refusal["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(
            fields,
            vec!["refusal_ground", "appeal_instructions"],
            "{refusal}"
        );
        let answered = app
            .patch(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .json(json!({ "outcome": "delvis_bifall", "answered_on": "2026-06-30",
                "refusal_ground": "Sekretess enligt 25 kap. 1 § OSL för uppgifter om en annan elev.",
                "appeal_instructions": "Överklaga till kammarrätten inom tre veckor." }))
            .await
            .expect(StatusCode::OK);
        assert_eq!(answered["answered_in_time"], true, "{answered}");
        step("besvarad").await.expect(StatusCode::OK);
        // The answer: the decision on the part refused, with its ground and how to appeal.
        let letter = app
            .get(format!("/api/v1/data-subject-requests/{id}/answer"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        let text = letter["text"].as_str().expect("text");
        assert!(text.contains("Eva Elevsdotter"), "{text}");
        assert!(text.contains("Överklaga till kammarrätten"), "{text}");
        // No processing activity is named yet: the answer says where, and lists it as missing.
        assert!(
            text.contains("Information om behandlingen (artikel 15.1)"),
            "{text}"
        );
        assert!(
            letter["missing"]
                .to_string()
                .contains("Behandlingarna som berörs"),
            "{letter}"
        );
        let pdf = app
            .get(format!(
                "/api/v1/data-subject-requests/{id}/answer?format=pdf"
            ))
            .by(&keeper)
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.body.starts_with(b"%PDF-"));
        // The annual report's figures: one received in 2026, answered in time with the extension.
        let f = app
            .get(format!(
                "/api/v1/organisations/{board}/request-figures?year=2026"
            ))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(f["received"], 1, "{f}");
        assert_eq!(f["answered_in_time_with_extension"], 1, "{f}");
        assert_eq!(f["partly_refused"], 1);
        assert_eq!(f["median_days_to_answer"], 89.0);
        app.get(format!("/api/v1/organisations/{board}/request-figures"))
            .by(&teacher)
            .await
            .expect(StatusCode::FORBIDDEN);
        // The audit trail shows every change, and never who the requester is (a retention rule
        // can then remove the identity for good).
        let events = app.events_of("data_subject_request", &id).await;
        assert!(events.len() >= 6, "{}", events.len());
        for e in &events {
            for snapshot in [&e.before, &e.after].into_iter().flatten() {
                assert!(!snapshot.contains("Elevsdotter"), "{snapshot}");
            }
        }
        // Answered: no longer to be extended.
        ext(json!({ "months": 1, "reason": "x", "requester_informed_on": "2026-04-20" }))
            .await
            .expect(StatusCode::CONFLICT);
    }
);

both!(
    retention_removes_the_identity_by_the_rule_and_keeps_the_figures,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Kulturnämnden", "board", Some(&city)).await,
            "id",
        );
        let unit = text(
            &app.org(&admin, "Biblioteket", "unit", Some(&board)).await,
            "id",
        );
        let keeper = app
            .person("kim@kultur.exempelstad.se", "Kim Registrator")
            .await;
        app.grant(&board, &keeper.id, &[Role::RecordsKeeper]).await;
        let librarian = app.person("lo@kultur.exempelstad.se", "Lo Chef").await;
        app.grant(&unit, &librarian.id, &[Role::Manager]).await;

        // Decided for the controller as a whole, by those who handle requests there; bounded.
        let rules = json!({ "granted_identity_months": 6, "refused_identity_years": 10 });
        app.put(format!("/api/v1/organisations/{unit}/request-retention"))
            .by(&librarian)
            .json(rules.clone())
            .await
            .expect(StatusCode::FORBIDDEN);
        let bad = app
            .put(format!("/api/v1/organisations/{board}/request-retention"))
            .by(&keeper)
            .json(json!({ "granted_identity_months": 0, "refused_identity_years": 99 }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["errors"].as_array().map(Vec::len), Some(2), "{bad}");
        app.put(format!("/api/v1/organisations/{board}/request-retention"))
            .by(&keeper)
            .json(rules.clone())
            .await
            .expect(StatusCode::OK);
        let seen = app
            .get(format!("/api/v1/organisations/{unit}/request-retention"))
            .by(&librarian)
            .await
            .expect(StatusCode::OK);
        assert_eq!(seen, rules);

        let granted = text(
            &app.post("/api/v1/data-subject-requests")
                .by(&keeper)
                .json(json!({ "organisation_id": unit, "type": "access", "received_on": "2025-01-02",
                    "requester": { "name": "Greta Granskare", "contact": "greta@example.se", "category": "Låntagare" },
                    "description": "Greta vill se sina lån", "identity_verified_on": "2025-01-03",
                    "outcome": "bifall", "answered_on": "2025-01-20" }))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        let refused = text(
            &app.post("/api/v1/data-subject-requests")
                .by(&keeper)
                .json(json!({ "organisation_id": unit, "type": "erasure", "received_on": "2025-01-02",
                    "requester": { "name": "Rolf Raderare" }, "outcome": "avslag", "answered_on": "2025-01-20",
                    "refusal_ground": "Arkivlagen kräver att handlingen bevaras.",
                    "appeal_instructions": "Överklaga till förvaltningsrätten inom tre veckor." }))
                .await
                .expect(StatusCode::CREATED),
            "id",
        );
        let figures = |year: i32| {
            app.get(format!(
                "/api/v1/organisations/{board}/request-figures?year={year}"
            ))
            .by(&keeper)
        };
        let before = figures(2025).await.expect(StatusCode::OK);

        // The daily run, as the scheduler makes it.
        let actor = ombud_store::Actor::system("Gallring", ombud_domain::audit::Channel::System);
        let mut w = ombud_store::WriteTx::begin(&app.store, &actor)
            .await
            .expect("tx");
        let removed = ombud_app::retention::apply_retention(&app.store, &mut w, ombud_app::today())
            .await
            .expect("retention");
        w.commit().await.expect("commit");
        assert_eq!(removed, 1);

        let gone = app
            .get(format!("/api/v1/data-subject-requests/{granted}"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        let text_of = gone.to_string();
        assert!(!text_of.contains("Greta"), "{text_of}");
        assert_eq!(
            gone["identity_removed"]["rule"],
            "bifall: 6 månader efter svaret"
        );
        assert_eq!(gone["requester"]["category"], "Låntagare");
        assert_eq!(gone["received_on"], "2025-01-02");
        // A refusal is kept whole for its ten years.
        let kept = app
            .get(format!("/api/v1/data-subject-requests/{refused}"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(kept["requester"]["name"], "Rolf Raderare");
        // The figures survive the removal.
        assert_eq!(figures(2025).await.expect(StatusCode::OK), before);
        // The audit trail says a removal happened, by whom and under which rule; never the identity.
        let events = app.events_of("data_subject_request", &granted).await;
        let last = events.iter().max_by_key(|e| e.seq).expect("events");
        assert_eq!(last.actor_name, "Gallring");
        assert!(
            last.after
                .as_deref()
                .unwrap_or_default()
                .contains("bifall: 6 månader efter svaret")
        );
        for e in &events {
            for s in [&e.before, &e.after].into_iter().flatten() {
                assert!(!s.contains("Greta"), "{s}");
            }
        }
        // Run again: nothing more to remove.
        let mut w = ombud_store::WriteTx::begin(&app.store, &actor)
            .await
            .expect("tx");
        let again = ombud_app::retention::apply_retention(&app.store, &mut w, ombud_app::today())
            .await
            .expect("retention");
        w.commit().await.expect("commit");
        assert_eq!(again, 0);
    }
);

both!(
    a_controllers_own_days_off_count_for_requests_registered_after_and_every_new_request_is_reminded,
    |app| async move {
        let admin = app.admin().await;
        let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
        let board = text(
            &app.org(&admin, "Kulturnämnden", "board", Some(&city)).await,
            "id",
        );
        let unit = text(
            &app.org(&admin, "Biblioteket", "unit", Some(&board)).await,
            "id",
        );
        let keeper = app
            .person("rut@kultur.exempelstad.se", "Rut Registrator")
            .await;
        app.grant(&board, &keeper.id, &[Role::RecordsKeeper]).await;
        let librarian = app
            .person("lo@bibl.exempelstad.se", "Lo Bibliotekarie")
            .await;
        app.grant(&unit, &librarian.id, &[Role::RecordsKeeper]).await;
        let register = |received: &str, name: &str| {
            app.post("/api/v1/data-subject-requests")
                .by(&keeper)
                .json(json!({ "organisation_id": unit, "type": "access",
                    "received_on": received, "requester": { "name": name } }))
        };
        // Received on 24 November 2026: due on julafton, a Thursday, a working day by law.
        let before = register("2026-11-24", "Före Inställningen")
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(before["due_on"], "2026-12-24", "{before}");

        let days = app
            .get(format!("/api/v1/organisations/{unit}/request-days-off"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            days,
            json!({ "midsommarafton": false, "julafton": false, "nyarsafton": false })
        );
        // Decided at the controller, by those who handle requests for all of it; an unknown field
        // or a role held only at a unit is refused.
        let all = json!({ "midsommarafton": true, "julafton": true, "nyarsafton": true });
        app.put(format!("/api/v1/organisations/{unit}/request-days-off"))
            .by(&librarian)
            .json(all.clone())
            .await
            .expect(StatusCode::FORBIDDEN);
        app.put(format!("/api/v1/organisations/{board}/request-days-off"))
            .by(&keeper)
            .json(json!({ "midsommarafton": false, "julafton": true, "nyarsafton": false, "påskafton": true }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let set = app
            .put(format!("/api/v1/organisations/{unit}/request-days-off"))
            .by(&keeper)
            .json(all.clone())
            .await
            .expect(StatusCode::OK);
        assert_eq!(set, all);

        // A request registered now is counted with them: julafton, juldagen, annandag jul and the
        // Sunday pass → Monday 28 December. The one registered before keeps its deadline.
        let after = register("2026-11-24", "Efter Inställningen")
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(after["due_on"], "2026-12-28", "{after}");
        assert_eq!(after["days_off"]["julafton"], true, "{after}");
        let again = app
            .get(format!(
                "/api/v1/data-subject-requests/{}",
                text(&before, "id")
            ))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(again["due_on"], "2026-12-24", "{again}");
        // Nor can a client set the calendar itself.
        app.patch(format!("/api/v1/data-subject-requests/{}", text(&before, "id")))
            .by(&keeper)
            .json(json!({ "days_off": all }))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        // The change is on the record, under the controller.
        let events = app.events_of("controller_settings", &board).await;
        assert!(
            events.iter().any(|e| e
                .after
                .as_deref()
                .is_some_and(|a| a.contains("request_days_off"))
                && e.actor_name == "Rut Registrator"),
            "{events:?}"
        );

        // A request loaded from a file is reminded like one registered by hand, and counted with
        // the controller's days off; one whose deadline passed long ago gets no reminders.
        let today = ombud_app::today();
        let csv = format!(
            "Typ,Mottagen,Namn\naccess,{today},Ida Import\naccess,2020-01-07,Olle Gammal\n"
        );
        let (ct, body) = import_form(&unit, "begaranden.csv", csv.as_bytes(), false);
        let report = app
            .post("/api/v1/data-subject-requests/import")
            .by(&keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["created"], 2, "{report}");
        let list = app
            .get(format!(
                "/api/v1/data-subject-requests?organisation_id={unit}&q=import"
            ))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        let id = text(&list["items"][0], "id");
        let imported = app
            .get(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        let due = text(&imported, "due_on");
        assert_eq!(imported["days_off"]["nyarsafton"], true, "{imported}");
        let d7 = app
            .store
            .scheduled_job(&format!("request:{id}:reminder:{due}:d7"))
            .await
            .expect("job read");
        assert!(d7.is_some_and(|j| j.outcome.is_none()), "the imported request is reminded");

        // Correcting the day of receipt moves the deadline, and the reminders with it.
        let current = app
            .get(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        let later = today
            .checked_add(jiff::Span::new().days(3))
            .expect("a date");
        let moved = app
            .patch(format!("/api/v1/data-subject-requests/{id}"))
            .by(&keeper)
            .if_match(&format!("\"{}\"", current["version"]))
            .json(json!({ "received_on": later.to_string() }))
            .await
            .expect(StatusCode::OK);
        let new_due = text(&moved, "due_on");
        assert_ne!(new_due, due);
        let job = |key: String| {
            let store = app.store.clone();
            async move { store.scheduled_job(&key).await.expect("job read") }
        };
        let old = job(format!("request:{id}:reminder:{due}:d2")).await;
        assert_eq!(
            old.and_then(|j| j.outcome).as_deref(),
            Some("cancelled"),
            "the old deadline's reminder"
        );
        assert!(
            job(format!("request:{id}:reminder:{new_due}:d2"))
                .await
                .is_some_and(|j| j.outcome.is_none()),
            "the new deadline's reminder"
        );
    }
);
