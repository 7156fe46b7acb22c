//! The worklist: what waits for this person, from every kind alike — records waiting for their
//! review (for those who review), records sent back with the reviewer's comment, drafts, passed
//! review dates (for those who edit), the gaps where they hold roles, and whom to tell about a
//! breach or a request (for everyone). Each item names the place where it is done.

use crate::{App, Caller, Result, today};
use ombud_domain::authz::Reach;
use ombud_domain::kernel::query::{Cond, Condition, Sort};
use ombud_domain::kernel::{Descriptor, Kind, KindVisitor, for_each_kind};
use ombud_domain::role::Role;
use ombud_store::paging::PageRequest;
use ombud_store::records::{ListQuery, ListRow};
use serde_json::Value;

/// How many items of one list a worklist names; the rest are counted.
pub const ITEMS: i64 = 10;

/// One record on a worklist.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub organisation_name: String,
    /// Its review date (for a passed one), `YYYY-MM-DD`.
    pub review_on: Option<String>,
    /// The reviewer's comment, for a record sent back.
    pub comment: Option<String>,
    /// Who sent it back, for a record sent back.
    pub returned_by: Option<String>,
    /// The instant its deadline falls (storage form), for a record against the clock.
    pub deadline: Option<String>,
    /// Its workflow state.
    pub status: Option<String>,
}

/// Some of a list's records, and how many there are.
#[derive(Debug, Clone, Default)]
pub struct WorkList {
    pub items: Vec<WorkItem>,
    pub total: i64,
    /// How many there are of each kind, and of which workflow state (for a link to the rest).
    pub by_kind: Vec<(Kind, Option<&'static str>, i64)>,
}

impl WorkList {
    fn add(&mut self, kind: Kind, state: Option<&'static str>, rows: Vec<ListRow>, total: i64) {
        self.total += total;
        if total > 0 {
            self.by_kind.push((kind, state, total));
        }
        self.items.extend(rows.into_iter().map(|r| WorkItem {
            kind,
            id: r.id,
            name: r.name,
            organisation_name: r.organisation_name,
            review_on: r.review_on,
            comment: None,
            returned_by: None,
            deadline: None,
            status: r.status,
        }));
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// A place where the person holds roles, with its gaps.
#[derive(Debug, Clone)]
pub struct PlaceGaps {
    pub organisation_id: String,
    pub organisation_name: String,
    /// Records with at least one gap.
    pub records: usize,
    pub gaps: usize,
}

/// The data protection officer to tell, for one controller.
#[derive(Debug, Clone)]
pub struct Contact {
    pub controller_name: String,
    pub name: String,
    pub email: String,
}

/// Everything on one person's worklist.
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    /// Whether the person reviews anywhere (the section is shown, empty or not).
    pub reviews: bool,
    pub awaiting_review: WorkList,
    /// Whether the person edits records anywhere.
    pub edits: bool,
    pub returned: WorkList,
    pub drafts: WorkList,
    pub overdue: WorkList,
    pub gaps: Vec<PlaceGaps>,
    /// Records against a running clock (breaches before the decision on notification), the most
    /// urgent first.
    pub deadlines: WorkList,
    /// What the person reported themself, newest first.
    pub reports: WorkList,
    /// Whom to tell about a personal data breach or a data subject's request.
    pub contacts: Vec<Contact>,
}

impl App {
    /// The caller's worklist. Every list is limited by the same reach as the kind's own lists, so
    /// nothing appears here that the person could not open.
    pub async fn worklist(&self, caller: &Caller) -> Result<Worklist> {
        let mut out = Worklist::default();
        let today = today();
        let mut gather = Gather {
            caller,
            out: &mut out,
            jobs: Vec::new(),
        };
        for_each_kind(&mut gather);
        let jobs = std::mem::take(&mut gather.jobs);
        for job in jobs {
            job.run(self, today, &mut out).await?;
        }
        out.gaps = self.gap_places(caller).await?;
        out.contacts = self.dpo_contacts(caller).await?;
        Ok(out)
    }

    /// The gaps of each topmost place where the caller reads records.
    pub async fn gap_places(&self, caller: &Caller) -> Result<Vec<PlaceGaps>> {
        let p = &caller.principal;
        let readers: Vec<Role> = Kind::ALL
            .into_iter()
            .flat_map(|k| k.info().access.read.iter().copied())
            .collect();
        let mut places: Vec<&ombud_domain::authz::Membership> = p
            .memberships
            .iter()
            .filter(|m| m.roles.any(&readers) && m.controller_id.is_some())
            .collect();
        // A place under another of the person's places is counted there already.
        let all = places.clone();
        places.retain(|m| {
            !all.iter().any(|o| {
                o.organisation_id != m.organisation_id
                    && m.path.starts_with(&o.path)
                    && m.path.len() > o.path.len()
            })
        });
        let mut out = Vec::new();
        for m in places {
            let (org, gaps) = match self.gaps(caller, m.organisation_id.as_str()).await {
                Ok(found) => found,
                Err(crate::AppError::Forbidden | crate::AppError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            let mut records: Vec<(Kind, &str)> = gaps
                .iter()
                .map(|g| (g.kind, g.record_id.as_str()))
                .collect();
            records.sort_unstable();
            records.dedup();
            out.push(PlaceGaps {
                organisation_id: org.id.to_string(),
                organisation_name: org.name.clone(),
                records: records.len(),
                gaps: gaps.len(),
            });
        }
        Ok(out)
    }

    /// The data protection officers of the controllers where the caller holds a role: whom an
    /// employee tells about a breach or a request (art. 37.7 makes their contact details public).
    async fn dpo_contacts(&self, caller: &Caller) -> Result<Vec<Contact>> {
        let mut controllers: Vec<&str> = caller
            .principal
            .memberships
            .iter()
            .filter_map(|m| m.controller_id.as_ref().map(|c| c.as_str()))
            .collect();
        controllers.sort_unstable();
        controllers.dedup();
        let mut out = Vec::new();
        for c in controllers {
            let org = self.store.organisation(c).await?;
            for m in self.store.members(c).await? {
                if m.roles.contains(&Role::Dpo.as_str()) {
                    out.push(Contact {
                        controller_name: org.name.clone(),
                        name: m.name,
                        email: m.email,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// One list to read for one kind.
enum Job {
    Awaiting(Kind, Reach, Vec<&'static str>),
    Returned(Kind, Reach, &'static str),
    Drafts(Kind, Reach, &'static str),
    Overdue(Kind, Reach),
    Deadlines(Kind, Reach, ombud_domain::kernel::Deadline),
    Reports(Kind, &'static str, String),
}

impl Job {
    async fn run(self, app: &App, today: jiff::civil::Date, out: &mut Worklist) -> Result<()> {
        let page = PageRequest::first(ITEMS);
        match self {
            Job::Awaiting(kind, reach, states) => {
                for state in states {
                    let q = query(
                        vec![Condition::Equals("status", state)],
                        Sort::RecentlyUpdated,
                    );
                    let (rows, total) = read(app, kind, &reach, &q, &page).await?;
                    out.awaiting_review.add(kind, Some(state), rows, total);
                }
            }
            Job::Returned(kind, reach, initial) => {
                let q = query(
                    vec![
                        Condition::Equals("status", initial),
                        Condition::Cond(Cond::HasKey("state", "returned")),
                    ],
                    Sort::RecentlyUpdated,
                );
                let (rows, total) = read(app, kind, &reach, &q, &page).await?;
                let start = out.returned.items.len();
                out.returned.add(kind, Some(initial), rows, total);
                // The comment is what the person needs: read for the named records at once.
                let ids: Vec<String> = out.returned.items[start..]
                    .iter()
                    .map(|i| i.id.clone())
                    .collect();
                let states = app.store.record_states(kind, &ids).await?;
                for item in &mut out.returned.items[start..] {
                    let returned = states.get(&item.id).and_then(|s| s.get("returned"));
                    let text = |k: &str| {
                        returned
                            .and_then(|r| r.get(k))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    };
                    item.comment = text("comment");
                    item.returned_by = text("by");
                }
            }
            Job::Drafts(kind, reach, initial) => {
                let q = query(
                    vec![Condition::Equals("status", initial)],
                    Sort::RecentlyUpdated,
                );
                let (rows, total) = read(app, kind, &reach, &q, &page).await?;
                out.drafts.add(kind, Some(initial), rows, total);
            }
            Job::Overdue(kind, reach) => {
                let mut q = query(
                    vec![Condition::Cond(Cond::BeforeToday("review_on"))],
                    Sort::NextReview,
                );
                q.today = Some(today);
                let (rows, total) = read(app, kind, &reach, &q, &page).await?;
                out.overdue.add(kind, None, rows, total);
            }
            Job::Deadlines(kind, reach, deadline) => {
                let info = kind.info();
                for state in deadline.running_in {
                    let q = query(vec![Condition::Equals("status", state)], Sort::NextReview);
                    let (rows, total) = read(app, kind, &reach, &q, &page).await?;
                    let at: Vec<Option<String>> = rows
                        .iter()
                        .map(|r| r.column(info, deadline.column).map(str::to_string))
                        .collect();
                    let start = out.deadlines.items.len();
                    out.deadlines.add(kind, Some(state), rows, total);
                    for (item, at) in out.deadlines.items[start..].iter_mut().zip(at) {
                        item.deadline = at;
                    }
                }
                // Storage form sorts as time does; the most urgent first, those without last.
                out.deadlines
                    .items
                    .sort_by(|a, b| match (&a.deadline, &b.deadline) {
                        (Some(x), Some(y)) => x.cmp(y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    });
            }
            Job::Reports(kind, column, user_id) => {
                let mut q = query(Vec::new(), Sort::RecentlyUpdated);
                q.matching = vec![(column, user_id)];
                // Only the person's own: the column bounds it, whatever they may read.
                let (rows, total) = read(app, kind, &Reach::Everywhere, &q, &page).await?;
                out.reports.add(kind, None, rows, total);
            }
        }
        Ok(())
    }
}

fn query(conditions: Vec<Condition>, sort: Sort) -> ListQuery {
    ListQuery {
        conditions,
        sort,
        ..ListQuery::default()
    }
}

/// Some rows of a kind's list, and how many match.
async fn read(
    app: &App,
    kind: Kind,
    reach: &Reach,
    q: &ListQuery,
    page: &PageRequest,
) -> Result<(Vec<ListRow>, i64)> {
    if reach.is_nowhere() {
        return Ok((Vec::new(), 0));
    }
    // Counted in the same statement: cheaper than a second one even when the page holds them all.
    let c = app
        .store
        .list_counted_of(kind.info(), reach, q, page)
        .await?;
    let total = c.counts.iter().map(|(_, n)| n).sum();
    Ok((c.page.items, total))
}

/// Decides, kind by kind, which lists the person's worklist reads.
struct Gather<'a> {
    caller: &'a Caller,
    out: &'a mut Worklist,
    jobs: Vec<Job>,
}

impl KindVisitor for Gather<'_> {
    fn visit<D: Descriptor>(&mut self) {
        let info = D::info();
        let p = &self.caller.principal;
        // The worklist is about the person's own roles: the system administrator's powers reach
        // everything, and would make every record of the city an item.
        let edit = p.reach_of_roles(info.access.edit);
        if let Some(wf) = info.workflow {
            let reviewers = p.reach_of_roles(wf.reviewers());
            if !reviewers.is_nowhere() {
                self.out.reviews = true;
                self.jobs
                    .push(Job::Awaiting(D::KIND, reviewers, wf.awaiting_review()));
            }
            // A record against the clock is on the list of deadlines instead.
            if !edit.is_nowhere() && info.deadline.is_none() {
                self.out.edits = true;
                self.jobs
                    .push(Job::Returned(D::KIND, edit.clone(), wf.initial));
                self.jobs
                    .push(Job::Drafts(D::KIND, edit.clone(), wf.initial));
            }
        }
        if let Some(deadline) = info.deadline {
            let readers = p.reach_of_roles(info.access.read);
            if !readers.is_nowhere() {
                self.jobs.push(Job::Deadlines(D::KIND, readers, deadline));
            }
        }
        if let Some(column) = info.access.creator_column {
            self.jobs.push(Job::Reports(
                D::KIND,
                column,
                self.caller.user.id.as_str().to_string(),
            ));
        }
        if info.overdue_gap.is_some() && !edit.is_nowhere() {
            self.out.edits = true;
            self.jobs.push(Job::Overdue(D::KIND, edit));
        }
    }
}
