//! Keyset pagination: a page ends with an opaque cursor naming the last row's sort key and id, and
//! the next page starts strictly after it, so page 1,000 costs what page 1 costs.

/// Longest page a client may ask for.
pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 50;

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub after: Option<Cursor>,
    pub limit: i64,
}

impl PageRequest {
    pub fn first(limit: i64) -> Self {
        PageRequest {
            after: None,
            limit: limit.clamp(1, MAX_LIMIT),
        }
    }
}

/// The sort key and id of the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: String,
}

impl Cursor {
    /// Opaque to clients: hex of `key NUL id`.
    pub fn encode(&self) -> String {
        let raw = format!("{}\u{0}{}", self.key, self.id);
        raw.bytes().map(|b| format!("{b:02x}")).collect()
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        if !s.len().is_multiple_of(2) || s.len() > 4096 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect();
        let raw = String::from_utf8(bytes?).ok()?;
        let (key, id) = raw.split_once('\u{0}')?;
        // Every row has an id: a cursor without one was not made by `encode`.
        if id.is_empty() {
            return None;
        }
        Some(Cursor {
            key: key.to_string(),
            id: id.to_string(),
        })
    }
}

/// Cuts a fetched `limit + 1` rows down to a page, with a cursor when more follow.
pub(crate) fn finish<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> Cursor) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next = if more {
        rows.last().map(|r| key(r).encode())
    } else {
        None
    };
    Page { items: rows, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_with_swedish_letters() {
        let c = Cursor {
            key: "Älvsjö stadsdelsnämnd".into(),
            id: "0190-x".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
    }

    #[test]
    fn junk_cursors_are_refused() {
        for junk in ["", "zz", "abc", "00"] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_follow() {
        let p = finish(vec![1, 2, 3], 2, |n| Cursor {
            key: n.to_string(),
            id: n.to_string(),
        });
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(
            p.next.as_deref().and_then(Cursor::decode).map(|c| c.key),
            Some("2".into())
        );
        let last = finish(vec![1, 2], 2, |n| Cursor {
            key: n.to_string(),
            id: n.to_string(),
        });
        assert_eq!(last.next, None);
    }
}
