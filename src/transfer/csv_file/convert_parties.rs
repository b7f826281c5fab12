//! Accounts, our employees, competitors and customer people, record by record.

use super::*;

impl Converter {
    /// An account, matched by the system's id, then by name; a stored one keeps
    /// what a default or a missing column would change.
    pub(super) fn account(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let now = self.now;
        let name = r.required("name")?;
        let key = normalise_organisation(&name);
        let own = self.resolver.id("account", ext.as_deref().unwrap_or(&key));
        // By the system's id first (an account renamed there is the same
        // account), then by name, else a new one.
        let by_ext = ext.as_deref().and_then(|e| {
            self.resolver
                .account_ext
                .get(self.resolver.external(e))
                .copied()
                .or_else(|| self.resolver.known_accounts.contains(&own).then_some(own))
        });
        let id = by_ext
            .or_else(|| self.resolver.accounts_by_key.get(&key).copied())
            .unwrap_or(own);
        self.resolver.accounts_by_key.insert(key, id);
        self.resolver.known_accounts.insert(id);
        if let Some(e) = &ext {
            let e = self.resolver.external(e).to_owned();
            self.resolver.account_ext.insert(e, id);
        }
        let mut row = AccountRow {
            account_id: id,
            name,
            industry: r.id("industry").unwrap_or_default(),
            region: r.id("region").unwrap_or_default(),
            tier: r.id("tier").unwrap_or_default(),
            owner_team: r.text("owner_team"),
            created_at: now,
            updated_at: now,
        };
        // An earlier, different record of the files is this account:
        // its values stand, and the merge is reported.
        if let Some((first, first_ext)) = self.resolver.seen.get(&id) {
            if *first_ext != ext || ext.is_none() {
                self.merged.push(Merged {
                    place: r.place(),
                    kind: "accounts",
                    message: format!(
                        "'{}' has the same name as the account at {first}: one account, that record's values kept",
                        row.name
                    ),
                });
                if id != own {
                    self.remember_external("account", ext.as_deref(), id, Some(id), chunk);
                }
                return Ok(());
            }
        }
        self.resolver
            .seen
            .entry(id)
            .or_insert_with(|| (r.place(), ext.clone()));
        if id != own {
            self.remember_external("account", ext.as_deref(), id, Some(id), chunk);
        }
        if let Some(stored) = self.resolver.stored_accounts.get(&id) {
            if id != own {
                // Matched by name to an account this system did not
                // create: it keeps its name and values.
                let kept = keep_stored_account(&mut row, stored, &r.section.update_matched);
                self.merged.extend(Merged::kept_on_match(
                    r,
                    "accounts",
                    "account",
                    "same name",
                    &stored.name,
                    &kept,
                ));
            } else {
                // A default never overwrites what is stored, nor does a
                // column the file does not have.
                for field in ["industry", "region", "tier"] {
                    if r.defaulted(field) {
                        r.kept_stored(field);
                        match field {
                            "industry" => row.industry = stored.industry.clone(),
                            "region" => row.region = stored.region.clone(),
                            _ => row.tier = stored.tier.clone(),
                        }
                    }
                }
                if !r.has_column("owner_team") {
                    row.owner_team = stored.owner_team.clone();
                }
            }
        }
        chunk.push_account(row);
        Ok(())
    }

    /// One of ours, known by e-mail; the system's id for them is kept.
    pub(super) fn employee(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let now = self.now;
        let name = r.required("name")?;
        let raw_email = r.required("email")?;
        let email = Email::parse("email", &raw_email)
            .map_err(|_| err("email", format!("'{raw_email}' is not an e-mail address")))?
            .as_ref()
            .to_owned();
        let id = match self.resolver.employees_by_email.get(&email) {
            Some(id) => *id,
            None => self.resolver.id("employee", &email),
        };
        self.resolver.employees_by_email.insert(email.clone(), id);
        let by_name = self
            .resolver
            .employees_by_name
            .entry(name.trim().to_lowercase())
            .or_default();
        if !by_name.contains(&id) {
            by_name.push(id);
        }
        if let Some(e) = &ext {
            let e = self.resolver.external(e).to_owned();
            self.resolver.employee_ext.insert(e, id);
        }
        let support_limit = r
            .int("support_limit")?
            .map(|n| i32::try_from(n).map_err(|_| err("support_limit", "is too large")))
            .transpose()?;
        let status = r.id("status").unwrap_or_else(|| "active".into());
        // Someone marked inactive without a date left when first seen so.
        let departed_on = match r.date("departed_on")? {
            Some(d) => Some(d),
            None if status == "departed" => Some(
                self.resolver
                    .departed_on
                    .get(&id)
                    .copied()
                    .unwrap_or(self.today),
            ),
            None => None,
        };
        let leaving_on = match r.date("leaving_on")? {
            Some(d) => Some(d),
            None => self.resolver.leaving_on.get(&id).copied(),
        };
        let mut row = EmployeeRow {
            employee_id: id,
            name,
            email,
            role: r.id("role").unwrap_or_default(),
            team: r.text("team"),
            status,
            departed_on,
            support_limit,
            created_at: now,
            updated_at: now,
            leaving_on,
        };
        // Employees are known by e-mail: the system's own id for them is
        // kept, for its later files that name an owner by that id.
        self.remember_external("employee", ext.as_deref(), id, None, chunk);
        if let Some(stored) = self.resolver.stored_employees.get(&id) {
            if id != self.resolver.id("employee", &row.email) {
                let kept = keep_stored_employee(&mut row, stored, &r.section.update_matched);
                self.merged.extend(Merged::kept_on_match(
                    r,
                    "employees",
                    "employee",
                    "same e-mail",
                    &stored.name,
                    &kept,
                ));
            } else {
                // A default, or a column the file does not have, never
                // overwrites what is stored: a departed colleague does
                // not come back through a file without a status.
                if r.defaulted("role") || !r.has_column("role") {
                    r.kept_stored("role");
                    row.role = stored.role.clone();
                }
                if r.date("departed_on")?.is_some() && !r.has_column("status") {
                    // A departure day without a status column: they left.
                    row.status = "departed".into();
                } else if r.defaulted("status") || !r.has_column("status") {
                    r.kept_stored("status");
                    row.status = stored.status.clone();
                    row.departed_on = stored.departed_on;
                }
                if !r.has_column("team") {
                    row.team = stored.team.clone();
                }
            }
        }
        chunk.push_employee(row);
        Ok(())
    }

    /// A competitor, by normalised name.
    pub(super) fn competitor(&mut self, r: &Record, chunk: &mut Chunk) -> Conv<()> {
        let now = self.now;
        let name = r.required("name")?;
        let key = normalise_organisation(&name);
        let id = match self.resolver.competitors_by_key.get(&key) {
            Some(id) => *id,
            None => self.resolver.id("competitor", &key),
        };
        self.resolver.competitors_by_key.insert(key, id);
        chunk.push_competitor(CompetitorRow {
            competitor_id: id,
            name,
            note: r.text("note"),
            created_at: now,
            updated_at: now,
        });
        Ok(())
    }

    /// A customer person at an account, with their position and reporting lines
    /// (into `later`: managers may come further down the file).
    pub(super) fn person(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        later: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let now = self.now;
        let account = r.required("account")?;
        let account_id = self.resolver.account_ref("account", &account)?;
        let name = r
            .text("name")
            .or_else(|| full_name(r.text("first_name"), r.text("last_name")))
            .ok_or_else(|| {
                let field = if r.spec("name").is_some() {
                    "name"
                } else {
                    "last_name"
                };
                err(field, "is empty: a person needs a name")
            })?;
        let key = ext
            .clone()
            .unwrap_or_else(|| format!("{account_id}/{name}"));
        let id = self.resolver.id("person", &key);
        // Two records of one name at one account, neither with an id:
        // one person when nothing tells them apart (that record's
        // values stand, reported); refused when their e-mails or phones
        // differ, as two people the files cannot tell apart.
        if ext.is_none() {
            let email = r.text("email").map(|e| e.to_lowercase());
            let phone = r.text("phone");
            if let Some((first, e, p)) = self.people_seen.get_mut(&id) {
                let differ = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if a != b);
                if differ(e, &email) || differ(p, &phone) {
                    let field = if differ(e, &email) { "email" } else { "phone" };
                    return Err(err(
                        field,
                        format!("'{name}' has the same name as the person at {first} at this account but another {}, and neither has an id: give the file an id column to tell them apart", if field == "email" { "e-mail" } else { "phone" }),
                    ));
                }
                let message = format!(
                    "'{name}' has the same name as the person at {first} at this account, and neither has an id: one person, that record's values kept"
                );
                // What this record adds tells the next namesake apart.
                if e.is_none() {
                    *e = email;
                }
                if p.is_none() {
                    *p = phone;
                }
                self.merged.push(Merged {
                    place: r.place(),
                    kind: "people",
                    message,
                });
                return Ok(());
            }
            self.people_seen.insert(id, (r.place(), email, phone));
        }
        self.resolver.person_account.insert(id, account_id);
        let since = r.date("since")?.unwrap_or(self.today);
        let mut department = r.id("department").unwrap_or_default();
        let mut level = r.id("level").unwrap_or_default();
        // A default never overwrites what is stored.
        let stored = self.resolver.stored_people.get(&id);
        if let Some((_, d, l, ..)) = stored {
            if r.defaulted("department") {
                r.kept_stored("department");
                department = d.clone();
            }
            if r.defaulted("level") {
                r.kept_stored("level");
                level = l.clone();
            }
        }
        // A column the file does not have keeps what is stored.
        let kept = |field: &str, read: Option<String>, stored: Option<&Option<String>>| match stored
        {
            Some(s) if !r.has_column(field) => s.clone(),
            _ => read,
        };
        let title = kept("title", r.text("title"), stored.map(|p| &p.3));
        let email = kept(
            "email",
            r.text("email").map(|e| e.to_lowercase()),
            stored.map(|p| &p.4),
        );
        let phone = kept("phone", r.text("phone"), stored.map(|p| &p.5));
        chunk.push_person(PersonRow {
            person_id: id,
            account_id,
            name,
            title: title.clone(),
            department: department.clone(),
            level: level.clone(),
            email,
            phone,
            created_at: now,
            updated_at: now,
        });
        chunk.push_position(PositionRow {
            position_id: self.resolver.id("position", &id.to_string()),
            person_id: id,
            account_id,
            title,
            department,
            level,
            valid_from: since,
            valid_to: None,
        });
        for (field, kind) in [("reports_to", "solid"), ("dotted_to", "dotted")] {
            if let Some(manager) = r.raw(field) {
                later.line = chunk.line;
                later.push_line(ReportingLineRow {
                    reporting_line_id: self
                        .resolver
                        .id("reporting_line", &format!("{id}/{kind}/{manager}")),
                    account_id,
                    person_id: id,
                    manager_id: self.resolver.id("person", &manager),
                    kind: kind.into(),
                    valid_from: since,
                    valid_to: None,
                });
            }
        }
        Ok(())
    }
}

impl Merged {
    /// A record matched to a stored one another system created, with the
    /// stored values it kept; none when it kept none that differ.
    fn kept_on_match(
        r: &Record,
        kind: &'static str,
        noun: &str,
        by: &str,
        stored_name: &str,
        kept: &[&str],
    ) -> Option<Merged> {
        (!kept.is_empty()).then(|| Merged {
            place: r.place(),
            kind,
            message: format!(
                "'{}' is the stored {noun} '{stored_name}' ({by}); kept its stored {}",
                r.text("name").unwrap_or_default(),
                kept.join(", ")
            ),
        })
    }
}
