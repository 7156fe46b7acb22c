//! Writing many records in one transaction as Ombud itself — the demo city, a synthetic city for
//! benchmarks — through the same parsing, grants and workflow as a person's requests: all of it, or
//! nothing.

use crate::{AppError, Result, records, today};
use ombud_domain::audit::Channel;
use ombud_domain::authz::{Action, Principal};
use ombud_domain::kernel::Descriptor;
use ombud_domain::kernel::parse;
use ombud_domain::kernel::workflow::StepInput;
use ombud_domain::register::agreement::{AgreementDetails, NewComplianceCheck};
use ombud_domain::role::RoleSet;
use ombud_store::organisations::Organisation;
use ombud_store::records::Stored;
use ombud_store::{Actor, Store, WriteTx};
use serde_json::Value;

/// A transaction that Ombud writes in as a system administrator, named in the audit trail.
pub struct Bulk<'a> {
    pub w: WriteTx<'a>,
    principal: Principal,
}

impl<'a> Bulk<'a> {
    /// Begins; `actor` names who the audit trail says did it (e.g. "Ombuds exempeldata" at the command line).
    pub async fn begin(store: &Store, actor: &'a Actor) -> Result<Bulk<'a>> {
        Ok(Bulk {
            w: WriteTx::begin(store, actor).await?,
            principal: Principal::system(&actor.name),
        })
    }

    /// The actor of a bulk load at the command line.
    pub fn cli_actor(name: &str) -> Actor {
        Actor::system(name, Channel::Cli)
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Registers a record of `D` owned by `org`, from its draft as a client would send it.
    pub async fn create<D: Descriptor>(
        &mut self,
        org: &Organisation,
        draft: Value,
        import_key: Option<&str>,
    ) -> Result<Stored<D::Details>> {
        let Value::Object(draft) = draft else {
            return Err(AppError::Unprocessable("expected a JSON object".into()));
        };
        let mut details = parse::parse::<D>(draft)?.into_inner();
        crate::kinds::before_insert::<D>(&mut self.w, org, &mut details).await?;
        let valid = parse::revalidate::<D>(&details)?;
        let grant = self
            .principal
            .authorize(Action::Edit(D::KIND), &org.scope())?;
        let r = self
            .w
            .insert::<D>(&grant, org, valid, import_key, &self.principal)
            .await?;
        crate::kinds::after_load::<D>(&mut self.w, &r).await?;
        Ok(r)
    }

    /// Registers a record of `D` as reported by someone (the demo's breach reports): the server's
    /// part of a new record names them, as it names whoever reports through the API.
    pub async fn report<D: Descriptor>(
        &mut self,
        org: &Organisation,
        draft: Value,
        by_id: &str,
        by_name: &str,
    ) -> Result<Stored<D::Details>> {
        let Value::Object(draft) = draft else {
            return Err(AppError::Unprocessable("expected a JSON object".into()));
        };
        let mut details = parse::parse::<D>(draft)?.into_inner();
        D::on_create(&mut details, by_id, by_name, self.w.now());
        crate::kinds::before_insert::<D>(&mut self.w, org, &mut details).await?;
        let valid = parse::revalidate::<D>(&details)?;
        let grant = self
            .principal
            .authorize(Action::Edit(D::KIND), &org.scope())?;
        let r = self
            .w
            .insert::<D>(&grant, org, valid, None, &self.principal)
            .await?;
        crate::kinds::after_load::<D>(&mut self.w, &r).await?;
        Ok(r)
    }

    /// Saves a changed record, checked as if a client had sent it (the server's own fields pass).
    pub async fn save<D: Descriptor>(
        &mut self,
        current: &Stored<D::Details>,
        after: Stored<D::Details>,
    ) -> Result<Stored<D::Details>> {
        parse::revalidate::<D>(&after.details)?;
        let grant = self
            .principal
            .authorize(Action::Edit(D::KIND), &current.scope())?;
        let saved = self
            .w
            .save::<D>(&grant, current, after, &self.principal)
            .await?;
        crate::kinds::after_save::<D>(&mut self.w, current, &saved).await?;
        Ok(saved)
    }

    /// Takes a workflow step (any step the workflow has: the system administrator may), with what a
    /// person would send with it.
    pub async fn step<D: Descriptor>(
        &mut self,
        record: &Stored<D::Details>,
        to: &'static str,
        input: &StepInput,
    ) -> Result<Stored<D::Details>> {
        let name = self.principal.name.clone();
        self.step_named::<D>(record, to, input, &name).await
    }

    /// [`Bulk::step`] with the workflow's facts naming someone (the demo's DPO who sent a record back;
    /// the audit trail still names the bulk load).
    pub async fn step_named<D: Descriptor>(
        &mut self,
        record: &Stored<D::Details>,
        to: &'static str,
        input: &StepInput,
        name: &str,
    ) -> Result<Stored<D::Details>> {
        let wf = D::info().workflow.ok_or(AppError::NotFound)?;
        let from = record.status.as_deref().unwrap_or(wf.initial);
        let step = wf
            .check(from, to, RoleSet::default(), true)
            .map_err(|e| AppError::Workflow(e.to_string()))?;
        let grant = self
            .principal
            .authorize(Action::Edit(D::KIND), &record.scope())?;
        records::step_in::<D>(
            &mut self.w,
            &grant,
            record,
            step,
            input,
            &self.principal,
            name,
        )
        .await
        .map_err(|e| match e {
            records::StepRefused::Step(e) => AppError::Workflow(e.to_string()),
            records::StepRefused::App(e) => e,
        })
    }

    /// Appends a compliance check to an agreement's log.
    pub async fn compliance_check(
        &mut self,
        agreement: &Stored<AgreementDetails>,
        check: NewComplianceCheck,
    ) -> Result<Stored<AgreementDetails>> {
        let grant = self.principal.authorize(
            Action::Edit(ombud_domain::kernel::Kind::Agreement),
            &agreement.scope(),
        )?;
        let checked = check.validate(today()).map_err(AppError::Invalid)?;
        let name = self.principal.name.clone();
        crate::kinds::check_in(
            &mut self.w,
            &grant,
            agreement,
            checked,
            &self.principal,
            &name,
        )
        .await
    }

    /// Creates an organisation.
    pub async fn organisation(
        &mut self,
        new: &ombud_store::organisations::NewOrganisation,
    ) -> Result<Organisation> {
        let at = match &new.parent_id {
            Some(pid) => self.w.organisation(pid).await?.scope(),
            None => ombud_store::organisations::root_scope(),
        };
        let grant = self.principal.authorize(Action::CreateChild, &at)?;
        Ok(self.w.create_organisation(&grant, new).await?)
    }

    /// Gives a person roles in an organisation.
    pub async fn roles(
        &mut self,
        org: &Organisation,
        user_id: &str,
        roles: ombud_domain::role::RoleSet,
    ) -> Result<()> {
        let grant = self
            .principal
            .authorize(Action::ManageMembers, &org.scope())?;
        self.w.set_roles(&grant, org, user_id, roles, None).await?;
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        Ok(self.w.commit().await?)
    }

    /// Tells another controller of a breach (see [`crate::notices`]), as the bulk load; no e-mail.
    pub async fn notify_controller(
        &mut self,
        breach: &Stored<ombud_domain::register::breach::BreachDetails>,
        from: &Organisation,
        to: &Organisation,
        message: &str,
    ) -> Result<ombud_store::notices::Notice> {
        let grant = self.principal.authorize(
            Action::Edit(ombud_domain::kernel::Kind::Breach),
            &breach.scope(),
        )?;
        let facts = ombud_domain::breach::SharedFacts::of(&breach.details, Some(message))?;
        let from_name = crate::notices::sender_name(&mut self.w, from).await?;
        Ok(self
            .w
            .send_notice(
                &grant,
                ombud_store::notices::NewNotice {
                    breach_id: breach.id.as_str(),
                    breach_scope: breach.scope(),
                    from,
                    from_name,
                    to,
                    sent_by_email: None,
                    facts,
                },
            )
            .await?)
    }
}
