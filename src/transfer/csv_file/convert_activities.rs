//! Ties, interactions and the parties to them, record by record.

use super::*;

impl Converter {
    /// A meeting, call or task that happened, with who was there.
    pub(super) fn interaction(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let now = self.now;
        let account_id = self
            .resolver
            .account_ref("account", &r.required("account")?)?;
        let occurred_on = r
            .date("occurred_on")?
            .ok_or_else(|| err("occurred_on", "is empty"))?;
        // A meeting or task still to come has not happened: passed over
        // and counted, as a calendar's upcoming meetings are.
        if occurred_on > self.today {
            self.planned.push(r.place());
            return Ok(());
        }
        let subject = r.text("subject");
        // Salesforce's WhatId names a deal or any other record (the
        // account, a case): only a deal is the interaction's deal.
        let opportunity_id = match r.raw("opportunity") {
            Some(o) => match self.resolver.opportunity_ref("opportunity", &o) {
                Ok((id, _)) => Some(id),
                Err(_) if r.column("opportunity").as_deref() == Some("WhatId") => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let key = ext.clone().unwrap_or_else(|| {
            format!(
                "{account_id}/{occurred_on}/{}",
                subject.as_deref().unwrap_or("")
            )
        });
        let id = self.resolver.id("interaction", &key);
        self.resolver.interaction_account.insert(id, account_id);
        let employees = r
            .list("employees")
            .iter()
            .map(|e| self.resolver.employee_ref("employees", e))
            .collect::<Conv<Vec<_>>>()?;
        let people = r
            .list("people")
            .iter()
            .map(|p| {
                let (id, at) = self.resolver.person_ref("people", p)?;
                // As the API: the people at a meeting of an account are its own.
                if at != account_id {
                    return Err(err(
                        "people",
                        format!("'{p}' is a contact of another account than the interaction's"),
                    ));
                }
                Ok(id)
            })
            .collect::<Conv<Vec<_>>>()?;
        chunk.push_interaction(InteractionRow {
            interaction_id: id,
            account_id,
            opportunity_id,
            kind: r.id("kind").unwrap_or_default(),
            occurred_on,
            subject,
            note: r.text("note"),
            created_at: now,
        });
        for employee_id in employees {
            chunk.push_attendee(InteractionEmployeeRow {
                interaction_id: id,
                employee_id,
                account_id,
            });
        }
        for person_id in people {
            chunk.push_guest(InteractionPersonRow {
                interaction_id: id,
                person_id,
                account_id,
            });
        }
        Ok(())
    }

    /// One more party to an interaction: a contact becomes a guest, a user an
    /// attendee. A relation to a record that is no person (`IsWhat`: the
    /// account, a deal; a lead) or an invitation declined is passed over and
    /// listed; a party that is in neither the files nor the database is refused.
    pub(super) fn party(&mut self, r: &Record, chunk: &mut Chunk) -> Conv<()> {
        let interaction = r.required("interaction")?;
        let interaction_id = self.resolver.id("interaction", &interaction);
        let Some(&account_id) = self.resolver.interaction_account.get(&interaction_id) else {
            return Err(err(
                "interaction",
                format!("no interaction '{interaction}' in the files or the database"),
            ));
        };
        let party = r.required("party")?;
        let declined = r.text("response").is_some_and(|s| {
            matches!(
                s.to_lowercase().as_str(),
                "declined" | "uninvited" | "拒绝" | "已拒绝"
            )
        });
        let lead = self.resolver.system == "salesforce" && party.starts_with("00Q");
        if r.flag("is_what")? == Some(true) || declined || lead {
            self.not_parties.push(r.place());
            return Ok(());
        }
        if let Ok((person_id, at)) = self.resolver.person_ref("party", &party) {
            if at != account_id {
                return Err(err(
                    "party",
                    format!("'{party}' is a contact of another account than the interaction's"),
                ));
            }
            chunk.push_guest(InteractionPersonRow {
                interaction_id,
                person_id,
                account_id,
            });
        } else if let Ok(employee_id) = self.resolver.employee_ref("party", &party) {
            chunk.push_attendee(InteractionEmployeeRow {
                interaction_id,
                employee_id,
                account_id,
            });
        } else {
            return Err(err(
                "party",
                format!("'{party}' is neither a contact nor a user in the files or the database"),
            ));
        }
        Ok(())
    }

    /// One assessment of a tie: the relationship (found by its ends) and the
    /// assessment; the newest assessment sets the current strength.
    pub(super) fn relationship(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let kind = r.id("kind").unwrap_or_else(|| "employee_person".into());
        let person = |field: &'static str| -> Conv<(Uuid, Uuid)> {
            let v = r.raw(field).ok_or_else(|| err(field, "is empty"))?;
            self.resolver.person_ref(field, &v)
        };
        let employee = |field: &'static str| -> Conv<Uuid> {
            let v = r.raw(field).ok_or_else(|| err(field, "is empty"))?;
            self.resolver.employee_ref(field, &v)
        };
        let (ends, account_id) = match kind.as_str() {
            "employee_person" => {
                let employee_id = employee("employee")?;
                let (person_id, a) = person("person")?;
                (
                    Endpoints::EmployeePerson {
                        employee_id,
                        person_id,
                    },
                    Some(a),
                )
            }
            "person_person" => {
                let (person_id, a) = person("person")?;
                let (other_person_id, _) = person("other_person")?;
                let tie = r.id("tie").unwrap_or_else(|| "informal".into());
                let tie = match tie.as_str() {
                    "informal" => TieKind::Informal,
                    "influences" => TieKind::Influences,
                    _ => {
                        return Err(err("tie", format!("'{tie}' is not a tie (informal, influences)")))
                    }
                };
                (
                    Endpoints::PersonPerson {
                        person_id,
                        other_person_id,
                        tie,
                    },
                    Some(a),
                )
            }
            "competitor_person" => {
                let name = r.raw("competitor").ok_or_else(|| err("competitor", "is empty"))?;
                let (person_id, a) = person("person")?;
                (
                    Endpoints::CompetitorPerson {
                        competitor_id: self.resolver.competitor(&name, chunk, self.now),
                        person_id,
                    },
                    Some(a),
                )
            }
            "employee_employee" => (
                Endpoints::EmployeeEmployee {
                    employee_id: employee("employee")?,
                    other_employee_id: employee("other_employee")?,
                },
                None,
            ),
            other => {
                return Err(err(
                    "kind",
                    format!(
                        "'{other}' is not a relationship kind (employee_person, person_person, competitor_person, employee_employee)"
                    ),
                ))
            }
        };
        let key = ends_key(&ends);
        let id = match self.resolver.relationship_by_ends.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.resolver.id("relationship", &key);
                self.resolver.relationship_by_ends.insert(key, id);
                id
            }
        };
        let strength = r
            .int("strength")?
            .ok_or_else(|| err("strength", "is empty"))?;
        let strength = i32::try_from(strength)
            .map_err(|_| err("strength", format!("must be within 0..5, got {strength}")))?;
        let assessed_at = Self::midnight(
            r.date("assessed_on")?
                .ok_or_else(|| err("assessed_on", "is empty"))?,
        );
        let source = r.id("source").unwrap_or_else(|| "import".into());
        let assessed_by = r
            .raw("assessed_by")
            .map(|e| self.resolver.employee_ref("assessed_by", &e))
            .transpose()?;
        let assessment_key =
            ext.unwrap_or_else(|| format!("{id}/{assessed_at}/{strength}/{source}"));
        chunk.push_relationship(RelationshipRow::new(
            id,
            account_id,
            &ends,
            strength,
            assessed_at,
        ));
        chunk.push_assessment(AssessmentRow {
            assessment_id: self.resolver.id("assessment", &assessment_key),
            relationship_id: id,
            account_id,
            strength,
            source,
            assessed_by,
            assessed_at,
            note: r.text("note"),
            methodology_version: self.m.version.clone(),
            recorded_by: None,
        });
        Ok(())
    }
}
