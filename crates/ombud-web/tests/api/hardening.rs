//! What a city's IT department tries when it decides whether Ombud may run: oversized bodies and
//! files, text a database refuses, characters that make text lie, answers a browser or proxy could
//! keep, cookies and transport under https, CSV that a spreadsheet would run, slow clients.

use crate::helpers::*;
use axum::http::StatusCode;
use ombud_domain::role::Role;
use serde_json::json;

/// A city with a board whose records keeper signs in; (board id, records keeper, administrator).
async fn city(app: &TestApp) -> (String, Person, Person) {
    let admin = app.admin().await;
    let city = text(&app.org(&admin, "Exempelstad", "city", None).await, "id");
    let board = text(
        &app.org(&admin, "Kommunstyrelsen", "board", Some(&city))
            .await,
        "id",
    );
    let keeper = app.person("rut@ks.exempelstad.se", "Rut Registrator").await;
    app.grant(&board, &keeper.id, &[Role::RecordsKeeper, Role::Dpo])
        .await;
    (board, keeper, admin)
}

both!(
    a_body_over_the_limit_is_413_and_nothing_is_written,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        let before = app.audit_events().await;
        let name = "x".repeat(3 * 1024 * 1024);
        let res = app
            .post("/api/v1/processing-activities")
            .by(&keeper)
            .json(json!({ "organisation_id": board, "name": name }))
            .await;
        let p = res.problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
        assert!(
            p["detail"].as_str().is_some_and(|d| d.contains("kB")),
            "{p}"
        );
        assert_eq!(app.audit_events().await, before);
    }
);

both!(
    what_a_signed_in_person_sees_is_never_stored_by_a_browser_or_proxy,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        for path in [
            "/api/v1/processing-activities".to_string(),
            format!("/api/v1/organisations/{board}"),
            format!("/api/v1/processing-activities/export?organisation_id={board}&format=csv"),
        ] {
            let res = app.get(&path).by(&keeper).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
            assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
        }
        // Styles and scripts are the same for everyone.
        let css = app.get("/static/ombud.css").await;
        assert!(
            css.header("cache-control")
                .is_some_and(|c| c.starts_with("public"))
        );
        // Over plain http (a developer's machine) no HSTS, and the cookie has its plain name.
        let s = app
            .post("/api/v1/session")
            .json(json!({ "email": keeper.email, "password": PASSWORD }))
            .await;
        assert!(s.header("strict-transport-security").is_none());
        assert!(
            s.header("set-cookie")
                .is_some_and(|c| c.starts_with("ombud_session="))
        );
    }
);

both!(
    under_an_https_address_transport_security_is_required_and_the_cookie_is_host_only,
    |app| async move {
        let (_, keeper, _) = city(&app).await;
        let tls = app.under("https://ombud.exempelstad.se");
        let page = tls.get("/logga-in").await;
        assert_eq!(
            page.header("strict-transport-security"),
            Some("max-age=63072000")
        );
        let s = tls
            .post("/api/v1/session")
            .json(json!({ "email": keeper.email, "password": PASSWORD }))
            .await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text());
        let cookie = s
            .header("set-cookie")
            .expect("a session cookie")
            .to_string();
        assert!(cookie.starts_with("__Host-ombud_session="), "{cookie}");
        assert!(
            cookie.contains("; Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Domain="), "{cookie}");
        // The cookie under its host-only name signs the browser in; the plain name does not.
        let token = cookie
            .split(';')
            .next()
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v.to_string())
            .expect("a token");
        let me = tls
            .get("/api/v1/users/me")
            .header("cookie", &format!("__Host-ombud_session={token}"))
            .await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        let plain = tls
            .get("/api/v1/users/me")
            .header("cookie", &format!("ombud_session={token}"))
            .await;
        assert_eq!(plain.status, StatusCode::UNAUTHORIZED);
    }
);

both!(
    text_a_database_refuses_or_that_hides_what_it_says_is_bad_input_everywhere,
    |app| async move {
        let (board, keeper, admin) = city(&app).await;
        // U+0000 in a search: the same 422 on both databases (PostgreSQL failed with 500).
        for path in [
            "/api/v1/processing-activities?q=a%00b".to_string(),
            "/api/v1/data-subject-requests?q=%00".to_string(),
            "/api/v1/organisations?q=x%00".to_string(),
        ] {
            let res = app.get(&path).by(&keeper).await;
            let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(p["errors"][0]["field"], "q", "{path}: {p}");
        }
        let res = app.get("/api/v1/users?q=%00").by(&admin).await;
        res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        // In a sign-in address: a failed sign-in, not a server error.
        app.post("/api/v1/session")
            .json(json!({ "email": "a\u{0}@b.se", "password": PASSWORD }))
            .await
            .problem(StatusCode::UNAUTHORIZED, "bad_credentials");
        // A name that shows something other than it holds, or breaks a line unseen.
        for bad in [
            "Elev\u{202E}gpj.exe",
            "Elev\u{2028}register",
            "\u{FEFF}Elevregister",
        ] {
            let res = app
                .post("/api/v1/processing-activities")
                .by(&keeper)
                .json(json!({ "organisation_id": board, "name": bad }))
                .await;
            let p = res.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
            assert_eq!(p["errors"][0]["field"], "name", "{bad:?}: {p}");
        }
        // In an import: a row's id of 3,000 characters, or with U+0000, is a problem of that row,
        // and nothing is created (the dry run said "created: 1" before).
        for id in ["x".repeat(3000), "a\u{0}b".to_string()] {
            for dry_run in [true, false] {
                let csv = format!("Id;Behandling\n{id};Elevregister\n");
                let (ct, body) = import_form(&board, "b.csv", csv.as_bytes(), dry_run);
                let res = app
                    .post("/api/v1/processing-activities/import")
                    .by(&keeper)
                    .raw(Some(&ct), body)
                    .await;
                // A dry run reports; an import with problems is refused with the report inside.
                let report = if dry_run {
                    res.expect(StatusCode::OK)
                } else {
                    res.problem(StatusCode::UNPROCESSABLE_ENTITY, "import_has_errors")["report"]
                        .clone()
                };
                assert_eq!(report["created"], 0, "{report}");
                assert_eq!(report["problems"][0]["row"], 2, "{report}");
            }
        }
        let list = app
            .get(format!(
                "/api/v1/processing-activities?organisation_id={board}"
            ))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
    }
);

/// A workbook of two cells, A1 and XFD1048576: 2 KB that declares 17 billion cells.
fn sparse_xlsx() -> Vec<u8> {
    let t = ombud_report::Table {
        title: "x".into(),
        headers: vec!["Behandling".into()],
        rows: Vec::new(),
    };
    // Our own writer makes a valid package; the sheet is then replaced by the sparse one.
    let base = ombud_report::xlsx::to_xlsx(&t).expect("an xlsx");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(base)).expect("a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("a part");
        let name = f.name().expect("a name").to_string();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut body).expect("read");
        if name == "xl/worksheets/sheet1.xml" {
            body = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Behandling</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#.to_vec();
        }
        out.start_file(name, opts).expect("a part");
        std::io::Write::write_all(&mut out, &body).expect("written");
    }
    out.finish().expect("a zip").into_inner()
}

both!(
    a_sparse_sheet_spanning_the_grid_is_refused_as_too_large_and_nothing_is_written,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        let before = app.audit_events().await;
        for dry_run in [true, false] {
            let (ct, body) = import_form(&board, "gles.xlsx", &sparse_xlsx(), dry_run);
            let res = app
                .post("/api/v1/processing-activities/import")
                .by(&keeper)
                .raw(Some(&ct), body)
                .await;
            let p = res.problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
            assert!(
                p["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("256 kolumner")),
                "{p}"
            );
        }
        assert_eq!(app.audit_events().await, before);
    }
);

both!(
    a_csv_export_runs_no_formula_whatever_separator_the_spreadsheet_reads_it_with,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        let name = "x,=1+2,y";
        let purposes = "a;@SUM(1)\t-b,+c";
        app.post("/api/v1/processing-activities")
            .by(&keeper)
            .json(json!({ "organisation_id": board, "name": name, "purposes": purposes }))
            .await
            .expect(StatusCode::CREATED);
        let file = app
            .get(format!(
                "/api/v1/processing-activities/export?organisation_id={board}&format=csv"
            ))
            .by(&keeper)
            .await;
        assert_eq!(file.status, StatusCode::OK);
        let text = file.text();
        for delimiter in [b',', b';', b'\t'] {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
            for rec in r.records() {
                let rec = rec.expect("a row");
                for cell in rec.iter() {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@']),
                        "{cell:?} read with {:?}",
                        delimiter as char
                    );
                }
            }
        }
        // Imported back, the values are as they were: the marks are not part of them.
        let (ct, body) = import_form(&board, "export.csv", file.body.as_slice(), false);
        let report = app
            .post("/api/v1/processing-activities/import")
            .by(&keeper)
            .raw(Some(&ct), body)
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["unchanged"], 1, "{report}");
    }
);

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::sqlite().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ombud_web::serve::serve(
        listener,
        app.router.clone(),
        ombud_web::serve::Limits {
            header_read: std::time::Duration::from_millis(500),
        },
        async {
            let _ = stopped.await;
        },
    ));
    // A whole request is answered.
    let mut ok = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    ok.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("sent");
    let mut answer = String::new();
    ok.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Half a head, then nothing: closed once the time is up, not held.
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("sent");
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(read.is_ok(), "the slow connection was still open after 5 s");
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
    // And one that connects and says nothing.
    let mut silent = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        silent.read_to_end(&mut rest),
    )
    .await;
    assert!(
        read.is_ok(),
        "the silent connection was still open after 5 s"
    );
    let _ = stop.send(());
    server.await.expect("the server stops");
}

both!(
    a_patch_naming_a_field_the_record_does_not_have_is_refused_even_as_null,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        let pa = app
            .post("/api/v1/processing-activities")
            .by(&keeper)
            .json(json!({ "organisation_id": board, "name": "Elevregister" }))
            .await
            .expect(StatusCode::CREATED);
        let id = text(&pa, "id");
        for body in [json!({ "colour": null }), json!({ "colour": "blå" })] {
            app.patch(format!("/api/v1/processing-activities/{id}"))
                .by(&keeper)
                .json(body)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable");
        }
        let after = app
            .get(format!("/api/v1/processing-activities/{id}"))
            .by(&keeper)
            .await
            .expect(StatusCode::OK);
        assert_eq!(after["version"], pa["version"]);
    }
);

both!(
    a_file_full_of_bad_rows_lists_a_bounded_number_of_problems_and_says_how_many_more,
    |app| async move {
        let (board, keeper, _) = city(&app).await;
        let max = ombud_domain::kernel::sheet::PROBLEMS_MAX;
        // Every row has an impossible date (the bad rows of a 781 KB file answered 44.6 MB once).
        let rows = max + 2_500;
        let mut csv = String::from("Behandling;Nästa översyn\n");
        for i in 0..rows {
            csv.push_str(&format!("Behandling {i};2026-13-45\n"));
        }
        let (ct, body) = import_form(&board, "fel.csv", csv.as_bytes(), true);
        let res = app
            .post("/api/v1/processing-activities/import")
            .by(&keeper)
            .raw(Some(&ct), body)
            .await;
        let report = res.expect(StatusCode::OK);
        assert_eq!(report["problems"].as_array().map(Vec::len), Some(max));
        assert_eq!(
            report["more_problems"],
            rows - max,
            "{}",
            report["more_problems"]
        );
        assert!(
            res.body.len() < 512 * 1024,
            "the answer is {} bytes",
            res.body.len()
        );
        // Past the row bound, the file is refused before it is read into rows.
        let huge =
            "Behandling\n".to_string() + &"x\n".repeat(ombud_report::read::MAX_ROWS as usize + 1);
        let (ct, body) = import_form(&board, "stor.csv", huge.as_bytes(), true);
        app.post("/api/v1/processing-activities/import")
            .by(&keeper)
            .raw(Some(&ct), body)
            .await
            .problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    }
);
