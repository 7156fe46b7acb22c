//! The audit trail: an append-only, hash-chained list of every change (GDPR art. 5.2, accountability).
//!
//! Each event's hash is SHA-256 over a canonical, length-prefixed encoding of all its fields and the
//! previous event's hash, so that editing, removing or reordering any event breaks the chain at that
//! point. Anyone can recompute a hash from the stored columns with [`canonical_bytes`]'s rules.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Ui,
    Api,
    Cli,
    Import,
    System,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Ui => "ui",
            Channel::Api => "api",
            Channel::Cli => "cli",
            Channel::Import => "import",
            Channel::System => "system",
        }
    }
}

/// What happened to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// One stored event, exactly as the chain hashes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    pub event_id: String,
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub channel: String,
    pub operation: String,
    pub record_type: String,
    pub record_id: String,
    pub organisation_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The bytes hashed for an event: a version tag, then each field as an 8-byte big-endian length and
/// its UTF-8 bytes (an absent value is the length `u64::MAX` and no bytes).
pub fn canonical_bytes(e: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut put = |v: Option<&str>| match v {
        Some(s) => {
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        None => out.extend_from_slice(&u64::MAX.to_be_bytes()),
    };
    put(Some("ombud-audit-v1"));
    put(Some(&e.seq.to_string()));
    put(Some(&e.event_id));
    put(Some(&e.occurred_at));
    put(e.actor_id.as_deref());
    put(Some(&e.actor_name));
    put(Some(&e.channel));
    put(Some(&e.operation));
    put(Some(&e.record_type));
    put(Some(&e.record_id));
    put(e.organisation_id.as_deref());
    put(e.before.as_deref());
    put(e.after.as_deref());
    put(Some(&e.prev_hash));
    out
}

/// The hash an event must carry.
pub fn hash_of(e: &Event) -> String {
    let digest = Sha256::digest(canonical_bytes(e));
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Where and how a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {seq}: sequence gap, expected {expected}")]
    Gap { seq: i64, expected: i64 },
    #[error("event {seq}: previous hash does not match the event before it")]
    Link { seq: i64 },
    #[error("event {seq}: contents do not match its hash")]
    Tampered { seq: i64 },
    #[error("the chain ends at event {last} but its head says {head}")]
    Head { last: i64, head: i64 },
    #[error("the head hash does not match the last event")]
    HeadHash,
}

/// Checks events in sequence order, one at a time, so that millions of events verify in constant memory.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl Verifier {
    pub fn push(&mut self, e: &Event) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq: e.seq,
                expected: self.expected_seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { seq: e.seq });
        }
        if hash_of(e) != e.hash {
            return Err(ChainBreak::Tampered { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        Ok(())
    }

    /// Ends the check against the stored head (last sequence number and hash), which catches a
    /// removed tail. Returns how many events were verified.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        if last != head_seq {
            return Err(ChainBreak::Head {
                last,
                head: head_seq,
            });
        }
        if head_hash != self.prev_hash {
            return Err(ChainBreak::HeadHash);
        }
        Ok(last)
    }
}

/// One field's change, for the history view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The fields that differ between two JSON snapshots of a record, in the order of the later one.
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| match v {
                serde_json::Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let show = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    keys.into_iter()
        .filter(|k| k.as_str() != "version" && k.as_str() != "updated_at")
        .filter_map(|k| {
            let (from, to) = (show(b.get(k)), show(a.get(k)));
            (from != to).then(|| FieldChange {
                field: k.clone(),
                from,
                to,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Event> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Event {
                    seq,
                    event_id: format!("e{seq}"),
                    occurred_at: "2026-11-25T10:00:00.000000Z".into(),
                    actor_id: Some("u1".into()),
                    actor_name: "Åsa".into(),
                    channel: "api".into(),
                    operation: "update".into(),
                    record_type: "organisation".into(),
                    record_id: "o1".into(),
                    organisation_id: Some("o1".into()),
                    before: Some(format!("{{\"name\":\"v{}\"}}", seq - 1)),
                    after: Some(format!("{{\"name\":\"v{seq}\"}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = hash_of(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[Event], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = Verifier::default();
        for e in events {
            v.push(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
    }

    #[test]
    fn an_empty_chain_verifies_against_the_genesis_head() {
        assert_eq!(verify(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn an_edited_field_is_detected_whichever_field_it_is() {
        let edits: [fn(&mut Event); 11] = [
            |e| e.event_id.push('x'),
            |e| e.occurred_at.push('x'),
            |e| e.actor_id = None,
            |e| e.actor_name.push('x'),
            |e| e.channel.push('x'),
            |e| e.operation.push('x'),
            |e| e.record_type.push('x'),
            |e| e.record_id.push('x'),
            |e| e.organisation_id = None,
            |e| e.before = None,
            |e| e.after = Some("{}".into()),
        ];
        for edit in edits {
            let mut c = chain(3);
            edit(&mut c[1]);
            assert_eq!(
                verify(&c, (3, &c[2].hash.clone())),
                Err(ChainBreak::Tampered { seq: 2 })
            );
        }
    }

    #[test]
    fn an_edited_hash_is_detected() {
        let mut c = chain(3);
        c[1].hash.push('x');
        assert!(verify(&c, (3, &c[2].hash.clone())).is_err());
    }

    #[test]
    fn a_removed_event_is_detected() {
        let mut c = chain(4);
        c.remove(1);
        assert_eq!(
            verify(&c, (4, &c[2].hash.clone())),
            Err(ChainBreak::Gap {
                seq: 3,
                expected: 2
            })
        );
    }

    #[test]
    fn a_removed_tail_is_detected_by_the_head() {
        let c = chain(4);
        let head = c[3].hash.clone();
        assert_eq!(
            verify(&c[..3], (4, &head)),
            Err(ChainBreak::Head { last: 3, head: 4 })
        );
    }

    #[test]
    fn reordered_events_are_detected() {
        let mut c = chain(4);
        c.swap(1, 2);
        assert!(verify(&c, (4, &c[3].hash.clone())).is_err());
    }

    #[test]
    fn a_renumbered_rewrite_is_detected_by_the_link() {
        let mut c = chain(3);
        // Rebuild event 2 with new contents and a fresh hash: event 3 no longer links to it.
        c[1].after = Some("{\"name\":\"forged\"}".into());
        c[1].hash = hash_of(&c[1]);
        assert_eq!(
            verify(&c, (3, &c[2].hash.clone())),
            Err(ChainBreak::Link { seq: 3 })
        );
    }

    #[test]
    fn absent_and_empty_values_hash_differently() {
        let mut a = chain(1).remove(0);
        let mut b = a.clone();
        a.actor_id = None;
        b.actor_id = Some(String::new());
        assert_ne!(hash_of(&a), hash_of(&b));
    }

    #[test]
    fn changes_list_only_what_differs() {
        let c = changes(
            Some(r#"{"name":"A","kind":"unit","version":1}"#),
            Some(r#"{"name":"B","kind":"unit","version":2}"#),
        );
        assert_eq!(
            c,
            vec![FieldChange {
                field: "name".into(),
                from: Some("A".into()),
                to: Some("B".into())
            }]
        );
        let created = changes(None, Some(r#"{"name":"A"}"#));
        assert_eq!(
            created,
            vec![FieldChange {
                field: "name".into(),
                from: None,
                to: Some("A".into())
            }]
        );
    }
}
