//! E-mail through the transactional outbox, and jobs through the scheduler: sent, and run, exactly
//! once, across rollbacks, failures, restarts and two instances. Mail goes to an SMTP sink that each
//! test starts on a port of its own and reads back.

use crate::helpers::*;
use base64::Engine as _;
use jiff::Timestamp;
use ombud_app::jobs::{BoxFuture, Handlers, JobHandler, Outcome, SchedulerConfig, spawn_scheduler};
use ombud_app::mail::{MailConfig, Worker, spawn_mail_worker};
use ombud_domain::Lang;
use ombud_domain::audit::{Channel, Operation};
use ombud_store::outbox::{ClaimedJob, Job, JobKeys, Mail};
use ombud_store::{Actor, Store, StoreError, WriteTx};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// How long to wait for what should happen within a poll or two, before calling it a failure.
const PATIENCE: Duration = Duration::from_secs(20);
/// How long nothing more must arrive for "exactly once": several polls of the workers below.
const QUIET: Duration = Duration::from_millis(400);
const POLL: Duration = Duration::from_millis(40);

// ---------------------------------------------------------------------------------------------
// The SMTP sink

#[derive(Debug, Clone)]
struct Received {
    rcpt_to: Vec<String>,
    data: String,
}

#[derive(Default)]
struct SinkState {
    received: Mutex<Vec<Received>>,
    refusals: Mutex<Vec<String>>,
    /// Answer 451 to DATA.
    busy: AtomicBool,
    /// Answer 550 to RCPT for this address.
    unknown: Mutex<Option<String>>,
    changed: Notify,
}

/// Enough of an SMTP server for lettre: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
struct Sink {
    addr: std::net::SocketAddr,
    state: Arc<SinkState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("its address");
        let state = Arc::new(SinkState::default());
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = converse(stream, &state).await;
                });
            }
        });
        Sink { addr, state, task }
    }

    fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("lock").clone()
    }

    fn refusals(&self) -> Vec<String> {
        self.state.refusals.lock().expect("lock").clone()
    }

    /// Waits until at least `n` messages have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        self.wait_until(|s| s.received().len() >= n, &format!("{n} messages"))
            .await;
        self.received()
    }

    async fn wait_until(&self, done: impl Fn(&Sink) -> bool, what: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            // Created before the check, so a change between the check and the wait is not missed.
            let changed = self.state.changed.notified();
            if done(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!(
                    "the sink waited {PATIENCE:?} for {what}; it has {} messages, refusals {:?}",
                    self.received().len(),
                    self.refusals()
                );
            }
        }
    }

    /// Asserts that no more than `n` messages arrive over a few polls.
    async fn stays_at(&self, n: usize) {
        tokio::time::sleep(QUIET).await;
        assert_eq!(self.received().len(), n, "messages sent more than once");
    }
}

async fn converse(stream: TcpStream, state: &SinkState) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut rcpt_to = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_string();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-sink.test\r\n250 8BITMIME".to_string(),
            "HELO" | "NOOP" | "MAIL" => "250 2.1.0 OK".to_string(),
            "RSET" => {
                rcpt_to.clear();
                "250 2.0.0 OK".to_string()
            }
            "RCPT" => {
                let to = command
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default();
                if state.unknown.lock().expect("lock").as_deref() == Some(to.as_str()) {
                    state
                        .refusals
                        .lock()
                        .expect("lock")
                        .push(format!("RCPT {to}"));
                    state.changed.notify_waiters();
                    format!("550 5.1.1 <{to}>: no such user")
                } else {
                    rcpt_to.push(to);
                    "250 2.1.5 OK".to_string()
                }
            }
            "DATA" if state.busy.load(Ordering::SeqCst) => {
                state.refusals.lock().expect("lock").push("DATA".into());
                state.changed.notify_waiters();
                "451 4.3.0 try again later".to_string()
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if r.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    let text = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    data.extend_from_slice(text);
                }
                let data = String::from_utf8(data).expect("a message is UTF-8 (or 7-bit)");
                state.received.lock().expect("lock").push(Received {
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                });
                state.changed.notify_waiters();
                "250 2.0.0 queued".to_string()
            }
            "QUIT" => {
                w.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 not implemented".to_string(),
        };
        w.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a message as a mail client would

struct Parsed {
    headers: Vec<(String, String)>,
    body: String,
}

impl Parsed {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A header's value with its RFC 2047 encoded words decoded.
    fn decoded(&self, name: &str) -> String {
        decode_words(
            self.header(name)
                .unwrap_or_else(|| panic!("a {name} header")),
        )
    }
}

fn parse(data: &str) -> Parsed {
    let (head, body) = data
        .split_once("\r\n\r\n")
        .expect("a blank line after the headers");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("a folded line follows a header");
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("a header has a colon");
            headers.push((name.to_string(), value.trim_start().to_string()));
        }
    }
    let encoding = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-transfer-encoding"))
        .map_or("7bit".to_string(), |(_, v)| v.trim().to_ascii_lowercase());
    let bytes = match encoding.as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .expect("base64"),
        _ => body.as_bytes().to_vec(),
    };
    Parsed {
        headers,
        body: String::from_utf8(bytes)
            .expect("the text is UTF-8")
            .replace("\r\n", "\n"),
    }
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("=XX"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words; the space between two such words is dropped.
fn decode_words(v: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut rest = v;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        if !(after_word && before.trim().is_empty()) {
            out.extend_from_slice(before.as_bytes());
        }
        let mut parts = rest[start + 2..].splitn(3, '?');
        let charset = parts.next().expect("a charset");
        assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
        let encoding = parts.next().expect("an encoding").to_ascii_lowercase();
        let tail = parts.next().expect("encoded text");
        let end = tail.find("?=").expect("the end of an encoded word");
        let text = &tail[..end];
        match encoding.as_str() {
            "b" => out.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .expect("base64 word"),
            ),
            "q" => out.extend(quoted_printable(&text.replace('_', " "))),
            other => panic!("encoding {other}"),
        }
        rest = &tail[end + 2..];
        after_word = true;
    }
    out.extend_from_slice(rest.as_bytes());
    String::from_utf8(out).expect("UTF-8 words")
}

// ---------------------------------------------------------------------------------------------
// Queuing, workers and a job handler

const SUBJECT: &str = "Påminnelse: personuppgiftsincident – åtgärd krävs";
const BODY: &str = "Hej Åsa!\n\nIncidenten i Förskoleförvaltningen har ännu inte bedömts.\nÖppna ärendet i Ombud och gör en bedömning före fredag.\n\n.En rad som börjar med punkt.\n";

fn mail(key: &str) -> Mail {
    Mail {
        dedupe_key: key.to_string(),
        to_address: "asa.oberg@exempelstad.se".into(),
        to_name: "Åsa Öberg".into(),
        subject: SUBJECT.into(),
        body: BODY.into(),
        lang: Lang::Sv,
        organisation_id: None,
        not_before: None,
    }
}

fn actor() -> Actor {
    Actor::system("testet", Channel::System)
}

/// Queues the messages in one committed transaction; answers which were queued.
async fn queue(store: &Store, mails: Vec<Mail>) -> Vec<bool> {
    let actor = actor();
    let mut w = WriteTx::begin(store, &actor).await.expect("begins");
    let mut queued = Vec::new();
    for m in mails {
        queued.push(w.queue_mail(m).await.expect("queued"));
    }
    w.commit().await.expect("commits");
    queued
}

fn mail_config(sink: &Sink) -> MailConfig {
    let mut c = MailConfig::new(Some(sink.url()), "Ombud <ombud@exempelstad.se>");
    c.poll = POLL;
    c.send_timeout = Duration::from_secs(10);
    c.retry_delays = vec![Duration::from_millis(700); 3];
    c
}

fn mail_worker(store: &Store, config: MailConfig) -> Worker {
    spawn_mail_worker(store.clone(), config).expect("the mail settings are valid")
}

/// Polls `check` until it answers, or fails the test after [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(t) = check().await {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {PATIENCE:?} for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn entry(store: &Store, key: &str) -> ombud_store::outbox::OutboxEntry {
    store
        .outbox_entry(key)
        .await
        .expect("the outbox can be read")
        .unwrap_or_else(|| panic!("{key} is in the outbox"))
}

const KIND: &str = "test-reminder";

/// A reminder job as the breach code will have one: it records an audit event and queues a mail in
/// the transaction it is given, and notes when it ran.
#[derive(Clone, Default)]
struct Remind {
    runs: Arc<Mutex<Vec<(String, Timestamp)>>>,
}

impl Remind {
    fn runs_of(&self, key: &str) -> Vec<Timestamp> {
        self.runs
            .lock()
            .expect("lock")
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, t)| *t)
            .collect()
    }
}

impl JobHandler for Remind {
    fn run<'a>(&'a self, job: &'a ClaimedJob, tx: &'a mut WriteTx<'_>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            self.runs
                .lock()
                .expect("lock")
                .push((job.key.clone(), Timestamp::now()));
            tx.record_event(
                Operation::Create,
                "test_job_run",
                &job.key,
                None,
                None::<&()>,
                Some(&job.payload),
            )
            .await?;
            tx.queue_mail(mail(&format!("{}:mail", job.key))).await?;
            Ok("påminnelse köad".to_string())
        })
    }
}

fn scheduler(store: &Store, remind: &Remind) -> Worker {
    let mut handlers = Handlers::new();
    handlers.register(KIND, remind.clone());
    spawn_scheduler(
        store.clone(),
        handlers,
        SchedulerConfig {
            poll: POLL,
            job_timeout: Duration::from_secs(10),
            retry_delays: vec![Duration::from_millis(200)],
            ..Default::default()
        },
    )
}

fn job(key: &str, due_at: Timestamp) -> Job {
    Job {
        key: key.to_string(),
        kind: KIND.to_string(),
        payload: serde_json::json!({ "breach": "b-1", "hours": 24 }),
        due_at,
    }
}

fn in_ms(ms: i64) -> Timestamp {
    Timestamp::now()
        .checked_add(jiff::SignedDuration::from_millis(ms))
        .expect("in range")
}

async fn schedule(store: &Store, jobs: Vec<Job>) -> Vec<bool> {
    let actor = actor();
    let mut w = WriteTx::begin(store, &actor).await.expect("begins");
    let mut scheduled = Vec::new();
    for j in jobs {
        scheduled.push(w.schedule(j).await.expect("scheduled"));
    }
    w.commit().await.expect("commits");
    scheduled
}

/// Committed runs of a job: each leaves one audit event (a run rolled back leaves none).
async fn committed_runs(app: &TestApp, key: &str) -> usize {
    app.events_of("test_job_run", key).await.len()
}

// ---------------------------------------------------------------------------------------------
// E-mail

both!(
    mail_queued_in_a_rolled_back_transaction_is_never_sent,
    |app| async move {
        let sink = Sink::start().await;
        let actor = actor();
        let mut w = WriteTx::begin(&app.store, &actor).await.expect("begins");
        assert!(w.queue_mail(mail("rolled-back")).await.expect("queued"));
        drop(w);
        queue(&app.store, vec![mail("committed")]).await;

        let worker = mail_worker(&app.store, mail_config(&sink));
        sink.wait_for(1).await;
        sink.stays_at(1).await;
        worker.stop().await;
        assert!(
            app.store
                .outbox_entry("rolled-back")
                .await
                .expect("read")
                .is_none()
        );
        assert!(entry(&app.store, "committed").await.sent_at.is_some());
    }
);

both!(
    committed_mail_is_sent_once_with_its_recipient_subject_and_swedish_text,
    |app| async move {
        let sink = Sink::start().await;
        // A poll far longer than the test: the commit itself must wake the worker.
        let mut config = mail_config(&sink);
        config.poll = Duration::from_secs(600);
        let worker = mail_worker(&app.store, config);
        queue(&app.store, vec![mail("breach:1:notice")]).await;

        let got = sink.wait_for(1).await;
        sink.stays_at(1).await;
        worker.stop().await;

        assert_eq!(got[0].rcpt_to, vec!["asa.oberg@exempelstad.se".to_string()]);
        let m = parse(&got[0].data);
        assert_eq!(m.decoded("Subject"), SUBJECT);
        assert_eq!(
            m.decoded("To"),
            "Åsa Öberg <asa.oberg@exempelstad.se>",
            "{:?}",
            m.header("To")
        );
        assert!(m.decoded("From").contains("<ombud@exempelstad.se>"));
        // The blank line lettre leaves before the end of the data is no part of the text.
        assert_eq!(m.body.trim_end(), BODY.trim_end());
        let content_type = m.header("Content-Type").expect("a content type");
        assert!(
            content_type.to_ascii_lowercase().contains("text/plain")
                && content_type.to_ascii_lowercase().contains("charset=utf-8"),
            "{content_type}"
        );
        assert_eq!(m.header("Content-Language"), Some("sv"));
        let stored = entry(&app.store, "breach:1:notice").await;
        assert_eq!(
            m.header("Message-ID"),
            Some(format!("<{}.outbox@exempelstad.se>", stored.id).as_str())
        );
        assert_eq!(stored.attempts, 1);
        assert!(stored.sent_at.is_some() && stored.last_error.is_none());
        let status = app.store.outbox_status().await.expect("status");
        assert_eq!(
            (status.queued, status.failed, status.sent),
            (0, 0, 1),
            "{status:?}"
        );
    }
);

both!(the_same_dedupe_key_is_queued_once, |app| async move {
    let sink = Sink::start().await;
    assert_eq!(
        queue(
            &app.store,
            vec![mail("dsr:7:reminder"), mail("dsr:7:reminder")]
        )
        .await,
        vec![true, false]
    );
    assert_eq!(
        queue(&app.store, vec![mail("dsr:7:reminder")]).await,
        vec![false]
    );
    let worker = mail_worker(&app.store, mail_config(&sink));
    sink.wait_for(1).await;
    sink.stays_at(1).await;
    // Sent, the key still holds: the same message is not queued again.
    assert_eq!(
        queue(&app.store, vec![mail("dsr:7:reminder")]).await,
        vec![false]
    );
    sink.stays_at(1).await;
    worker.stop().await;
});

both!(
    a_refused_mail_stays_queued_with_its_error_and_a_later_run_sends_it,
    |app| async move {
        let sink = Sink::start().await;
        sink.state.busy.store(true, Ordering::SeqCst);
        queue(&app.store, vec![mail("refused")]).await;
        let worker = mail_worker(&app.store, mail_config(&sink));

        sink.wait_until(|s| !s.refusals().is_empty(), "a refusal")
            .await;
        let failed = eventually("the failure recorded", || async {
            let e = entry(&app.store, "refused").await;
            (e.attempts > 0).then_some(e)
        })
        .await;
        assert_eq!(failed.attempts, 1);
        assert!(
            failed
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("451")),
            "{failed:?}"
        );
        assert!(failed.sent_at.is_none() && failed.given_up_at.is_none());
        let status = app.store.outbox_status().await.expect("status");
        assert_eq!((status.queued, status.retrying, status.sent), (1, 1, 0));
        assert_eq!(status.recent_errors.len(), 1);
        assert_eq!(sink.received().len(), 0);

        sink.state.busy.store(false, Ordering::SeqCst);
        sink.wait_for(1).await;
        sink.stays_at(1).await;
        worker.stop().await;
        let sent = entry(&app.store, "refused").await;
        assert!(sent.sent_at.is_some());
        assert_eq!(sent.attempts, 2);
    }
);

both!(
    a_permanent_refusal_is_given_up_at_once_and_shown_to_administrators,
    |app| async move {
        let sink = Sink::start().await;
        *sink.state.unknown.lock().expect("lock") = Some("finns.inte@exempelstad.se".into());
        let mut bad = mail("to-nobody");
        bad.to_address = "finns.inte@exempelstad.se".into();
        queue(&app.store, vec![bad, mail("to-someone")]).await;
        let worker = mail_worker(&app.store, mail_config(&sink));

        // The other message is not held up by it.
        sink.wait_for(1).await;
        let given_up = eventually("the message given up", || async {
            let e = entry(&app.store, "to-nobody").await;
            e.given_up_at.is_some().then_some(e)
        })
        .await;
        sink.stays_at(1).await;
        worker.stop().await;
        assert_eq!(given_up.attempts, 1);
        assert!(given_up.sent_at.is_none());
        assert!(
            given_up
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("550")),
            "{given_up:?}"
        );
        assert_eq!(sink.refusals().len(), 1, "tried once only");
        let status = app.store.outbox_status().await.expect("status");
        assert_eq!((status.queued, status.failed, status.sent), (0, 1, 1));
        assert_eq!(status.recent_errors[0].dedupe_key, "to-nobody");
    }
);

both!(
    two_instances_racing_over_fifty_mails_send_each_exactly_once,
    |app| async move {
        let sink = Sink::start().await;
        let other = app.second_instance().await;
        queue(
            &app.store,
            (0..50).map(|i| mail(&format!("race:{i}"))).collect(),
        )
        .await;
        let mut config = mail_config(&sink);
        // Small claims, so that the two instances interleave over the queue.
        config.batch = 3;
        let a = mail_worker(&app.store, config.clone());
        let b = mail_worker(&other.store, config);

        let got = sink.wait_for(50).await;
        sink.stays_at(50).await;
        a.stop().await;
        b.stop().await;
        let ids: HashSet<String> = got
            .iter()
            .map(|r| {
                parse(&r.data)
                    .header("Message-ID")
                    .expect("a Message-ID")
                    .to_string()
            })
            .collect();
        assert_eq!(ids.len(), 50, "each message once");
        for i in 0..50 {
            let e = entry(&app.store, &format!("race:{i}")).await;
            assert!(e.sent_at.is_some());
            assert_eq!(e.attempts, 1, "race:{i}");
        }
        let status = app.store.outbox_status().await.expect("status");
        assert_eq!((status.queued, status.sent), (0, 50));
        other.store.close().await;
    }
);

both!(
    a_lapsed_claim_passes_to_another_instance_and_the_late_holder_cannot_undo_it,
    |app| async move {
        let store = &app.store;
        let lease = Duration::from_secs(60);
        queue(store, vec![mail("lease:1"), mail("lease:2")]).await;
        let now = Timestamp::now();
        let later = now.checked_add(Duration::from_secs(61)).expect("in range");

        // A claims both and "dies"; B finds nothing until A's lease has run out.
        let a = store.claim_mail("a", now, lease, 10).await.expect("claims");
        assert_eq!(a.len(), 2);
        assert!(
            store
                .claim_mail("b", now, lease, 10)
                .await
                .expect("claims")
                .is_empty()
        );
        let b = store
            .claim_mail("b", later, lease, 10)
            .await
            .expect("claims");
        assert_eq!(b.len(), 2);
        let (one, two) = (&b[0].id, &b[1].id);

        // lease:1: B sends it; A, late, can neither fail it nor count it again.
        assert!(store.mark_sent(one, "b").await.expect("marked"));
        assert!(
            !store
                .mark_failed(one, "a", "late", Some(now))
                .await
                .expect("no-op")
        );
        assert!(!store.mark_sent(one, "a").await.expect("no-op"));
        let e = entry(store, "lease:1").await;
        assert_eq!((e.attempts, e.last_error), (1, None));

        // lease:2: A had sent it after all; B's send fails. A's record stands, so B's failure cannot
        // queue it for a third send.
        assert!(
            !store
                .mark_sent(two, "a")
                .await
                .expect("recorded, claim lost")
        );
        assert!(
            !store
                .mark_failed(two, "b", "451", Some(later))
                .await
                .expect("no-op")
        );
        let e = entry(store, "lease:2").await;
        assert!(e.sent_at.is_some() && e.last_error.is_none());

        let much_later = later
            .checked_add(Duration::from_secs(3600))
            .expect("in range");
        assert!(
            store
                .claim_mail("c", much_later, lease, 10)
                .await
                .expect("claims")
                .is_empty()
        );

        // The same for a job: the holder whose lease ran out cannot complete it.
        schedule(store, vec![job("lease:job", now)]).await;
        let kinds = [KIND];
        let held = store
            .claim_due_jobs("a", now, lease, 10, &kinds)
            .await
            .expect("claims");
        assert_eq!(held.len(), 1);
        assert!(
            store
                .claim_due_jobs("b", now, lease, 10, &kinds)
                .await
                .expect("claims")
                .is_empty()
        );
        let taken = store
            .claim_due_jobs("b", later, lease, 10, &kinds)
            .await
            .expect("claims");
        assert_eq!(taken.len(), 1);
        let actor = actor();
        let mut late = WriteTx::begin(store, &actor).await.expect("begins");
        assert!(matches!(
            late.finish_job(&held[0].id, "a", "done by a").await,
            Err(StoreError::Conflict("job_claim_lost"))
        ));
        drop(late);
        let mut w = WriteTx::begin(store, &actor).await.expect("begins");
        w.finish_job(&taken[0].id, "b", "done by b")
            .await
            .expect("b holds it");
        w.commit().await.expect("commits");
        let j = store
            .scheduled_job("lease:job")
            .await
            .expect("read")
            .expect("there");
        assert_eq!(j.outcome.as_deref(), Some("done by b"));
    }
);

both!(
    without_a_mail_server_mail_stays_queued_until_one_is_configured,
    |app| async move {
        let sink = Sink::start().await;
        let mut config = mail_config(&sink);
        config.smtp_url = None;
        let idle = mail_worker(&app.store, config);
        queue(&app.store, vec![mail("waiting")]).await;
        tokio::time::sleep(QUIET).await;
        idle.stop().await;
        let e = entry(&app.store, "waiting").await;
        assert_eq!((e.attempts, e.sent_at, e.given_up_at), (0, None, None));
        assert_eq!(app.store.outbox_status().await.expect("status").queued, 1);

        let worker = mail_worker(&app.store, mail_config(&sink));
        sink.wait_for(1).await;
        worker.stop().await;
    }
);

both!(
    mail_that_could_forge_headers_or_is_too_long_is_refused,
    |app| async move {
        let actor = actor();
        let mut w = WriteTx::begin(&app.store, &actor).await.expect("begins");
        let mut forged = mail("forged");
        forged.subject = "Hej\r\nBcc: alla@exempelstad.se".into();
        let mut named = mail("named");
        named.to_name = "Åsa\nBcc: alla@exempelstad.se".into();
        let mut long = mail("long");
        long.body = "å".repeat(ombud_store::outbox::BODY_MAX + 1);
        let mut nowhere = mail("nowhere");
        nowhere.to_address = "inte en adress".into();
        for m in [forged, named, long, nowhere] {
            let key = m.dedupe_key.clone();
            assert!(
                matches!(w.queue_mail(m).await, Err(StoreError::Invalid(_))),
                "{key}"
            );
        }
        assert!(matches!(
            w.cancel_jobs(JobKeys::Prefix("")).await,
            Err(StoreError::Invalid(_))
        ));
    }
);

// ---------------------------------------------------------------------------------------------
// Scheduled jobs

both!(
    a_scheduled_job_runs_once_after_its_time_and_not_before,
    |app| async move {
        let remind = Remind::default();
        let due = in_ms(600);
        assert_eq!(
            schedule(&app.store, vec![job("breach:1:reminder:24", due)]).await,
            vec![true]
        );
        // Scheduling it again changes nothing.
        assert_eq!(
            schedule(&app.store, vec![job("breach:1:reminder:24", in_ms(0))]).await,
            vec![false]
        );
        let s = scheduler(&app.store, &remind);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            remind.runs_of("breach:1:reminder:24").is_empty(),
            "ran early"
        );

        eventually("the job to run", || async {
            (committed_runs(&app, "breach:1:reminder:24").await == 1).then_some(())
        })
        .await;
        tokio::time::sleep(QUIET).await;
        s.stop().await;
        let runs = remind.runs_of("breach:1:reminder:24");
        assert_eq!(runs.len(), 1);
        assert!(runs[0] >= due, "ran at {} before {due}", runs[0]);
        assert_eq!(committed_runs(&app, "breach:1:reminder:24").await, 1);
        let j = app
            .store
            .scheduled_job("breach:1:reminder:24")
            .await
            .expect("read")
            .expect("there");
        assert_eq!(j.outcome.as_deref(), Some("påminnelse köad"));
        // Its effect committed with it.
        entry(&app.store, "breach:1:reminder:24:mail").await;
    }
);

both!(
    a_scheduled_job_survives_a_restart_and_still_runs_once,
    |app| async move {
        let remind = Remind::default();
        schedule(&app.store, vec![job("restart:1", in_ms(400))]).await;
        let before = scheduler(&app.store, &remind);
        before.stop().await;

        // The server restarts: a new store, a new scheduler.
        let restarted = app.second_instance().await;
        let after = scheduler(&restarted.store, &remind);
        eventually("the job to run after the restart", || async {
            (committed_runs(&app, "restart:1").await == 1).then_some(())
        })
        .await;
        after.stop().await;

        // Restarting once more does not run it again. A job whose instance died while holding it
        // runs once its lease has run out.
        schedule(&app.store, vec![job("restart:2", in_ms(0))]).await;
        let held = app
            .store
            .claim_due_jobs(
                "died",
                Timestamp::now(),
                Duration::from_millis(300),
                10,
                &[KIND],
            )
            .await
            .expect("claims");
        assert_eq!(held.len(), 1);
        let again = scheduler(&restarted.store, &remind);
        eventually("the dead instance's job to run", || async {
            (committed_runs(&app, "restart:2").await == 1).then_some(())
        })
        .await;
        tokio::time::sleep(QUIET).await;
        again.stop().await;
        assert_eq!(committed_runs(&app, "restart:1").await, 1);
        assert_eq!(committed_runs(&app, "restart:2").await, 1);
        assert_eq!(remind.runs_of("restart:1").len(), 1);
        assert_eq!(remind.runs_of("restart:2").len(), 1);
        restarted.store.close().await;
    }
);

both!(
    a_job_cancelled_before_its_time_never_runs,
    |app| async move {
        let remind = Remind::default();
        let due = in_ms(300);
        schedule(
            &app.store,
            vec![
                job("t:1:reminder:24", due),
                job("t:1:reminder:48", due),
                job("t:2:reminder:24", due),
                job("t:10:reminder:24", due),
            ],
        )
        .await;
        let actor = actor();
        let mut w = WriteTx::begin(&app.store, &actor).await.expect("begins");
        assert_eq!(
            w.cancel_jobs(JobKeys::Prefix("t:1:"))
                .await
                .expect("cancels"),
            2
        );
        assert_eq!(
            w.cancel_jobs(JobKeys::Key("t:2:reminder:24"))
                .await
                .expect("cancels"),
            1
        );
        w.commit().await.expect("commits");

        let s = scheduler(&app.store, &remind);
        // The job whose key only looks like the prefix still runs.
        eventually("the job not cancelled to run", || async {
            (committed_runs(&app, "t:10:reminder:24").await == 1).then_some(())
        })
        .await;
        tokio::time::sleep(QUIET).await;
        for key in ["t:1:reminder:24", "t:1:reminder:48", "t:2:reminder:24"] {
            assert!(remind.runs_of(key).is_empty(), "{key} ran");
            let j = app
                .store
                .scheduled_job(key)
                .await
                .expect("read")
                .expect("there");
            assert_eq!(j.outcome.as_deref(), Some("cancelled"), "{key}");
        }

        // Scheduled anew after its cancellation, a job runs; a job that ran does not run again.
        assert_eq!(
            schedule(
                &app.store,
                vec![
                    job("t:2:reminder:24", in_ms(0)),
                    job("t:10:reminder:24", in_ms(0))
                ]
            )
            .await,
            vec![true, false]
        );
        eventually("the job scheduled anew to run", || async {
            (committed_runs(&app, "t:2:reminder:24").await == 1).then_some(())
        })
        .await;
        tokio::time::sleep(QUIET).await;
        s.stop().await;
        assert_eq!(committed_runs(&app, "t:10:reminder:24").await, 1);
        assert_eq!(remind.runs_of("t:10:reminder:24").len(), 1);
    }
);
