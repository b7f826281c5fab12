use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_org, check_revision, current_row, new_id, now, revised, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{Employee, EmployeeInput, EmployeePatch},
    Error, Result,
};

impl Store {
    pub async fn employees(&self, include_departed: bool) -> Result<Vec<Employee>> {
        let sql = if include_departed {
            "select * from employee order by name, employee_id"
        } else {
            "select * from employee where status = 'active' order by name, employee_id"
        };
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Employee>(sql).fetch_all(pool).await?))
    }

    pub async fn employee(&self, id: Uuid) -> Result<Option<Employee>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Employee>("select * from employee where employee_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn employee_required(&self, id: Uuid) -> Result<Employee> {
        self.employee(id)
            .await?
            .ok_or_else(|| Error::not_found("employee", id))
    }

    /// Our employees who touch an account: a tie to one of its people, an
    /// interaction there, or ownership of one of its opportunities.
    pub async fn employees_of_account(&self, account_id: Uuid) -> Result<Vec<Employee>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Employee>(
            "select * from employee where employee_id in (
                 select employee_id from relationship where account_id = $1 and employee_id is not null
                 union select employee_id from interaction_employee where account_id = $1
                 union select owner_id from opportunity where account_id = $1 and owner_id is not null)
             order by name, employee_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    #[tracing::instrument(skip(self))]
    pub async fn create_employee(&self, input: &EmployeeInput) -> Result<Employee> {
        self.org_write("creating and changing employees")?;
        let e = input.validate(&self.methodology)?;
        let id = new_id();
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let clash: Option<String> = sqlx::query_scalar("select name from employee where email = $1")
                .bind(e.email.as_ref())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(name) = clash {
                return Err(Error::Conflict(format!(
                    "e-mail {} already belongs to employee {name}",
                    e.email.as_ref()
                )));
            }
            sqlx::query(
                "insert into employee (employee_id, name, email, role, team, status, departed_on, support_limit,
                                       created_at, updated_at, leaving_on)
                 values ($1, $2, $3, $4, $5, $6, $7, $9, $8, $8, $10)",
            )
            .bind(id)
            .bind(e.name.as_ref())
            .bind(e.email.as_ref())
            .bind(&e.role)
            .bind(&e.team)
            .bind(e.status.as_str())
            .bind(e.departed_on)
            .bind(at)
            .bind(e.support_limit)
            .bind(e.leaving_on)
            .execute(&mut *tx)
            .await?;
            let after = current_row!(self, tx, Employee, "employee", "employee", id);
            audit!(self, tx, Change::new("create employee", "employee", id).after(&after));
        });
        self.employee_required(id).await
    }

    /// Changes an employee. A departure bumps every account the employee has ties
    /// into, because their relationships stop counting there.
    #[tracing::instrument(skip(self))]
    pub async fn update_employee(&self, id: Uuid, patch: EmployeePatch) -> Result<Employee> {
        self.org_write("creating and changing employees")?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, Employee, "employee", "employee", id);
            check_revision(&current, expected, "employee", id)?;
            let e = current.patched(patch).validate(&self.methodology)?;
            let clash: Option<String> = sqlx::query_scalar(
                "select name from employee where email = $1 and employee_id <> $2",
            )
            .bind(e.email.as_ref())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(name) = clash {
                return Err(Error::Conflict(format!(
                    "e-mail {} already belongs to employee {name}",
                    e.email.as_ref()
                )));
            }
            let done = sqlx::query(
                "update employee set revision = revision + 1, name = $2, email = $3, role = $4, team = $5, status = $6,
                        departed_on = $7, updated_at = $8, support_limit = $9, leaving_on = $11
                 where employee_id = $1 and revision = $10",
            )
            .bind(id)
            .bind(e.name.as_ref())
            .bind(e.email.as_ref())
            .bind(&e.role)
            .bind(&e.team)
            .bind(e.status.as_str())
            .bind(e.departed_on)
            .bind(now())
            .bind(e.support_limit)
            .bind(current.revision)
            .bind(e.leaving_on)
            .execute(&mut *tx)
            .await?;
            revised!(self, tx, done, Employee, "employee", "employee", id, expected.unwrap_or(current.revision))?;
            sqlx::query(
                "update account set version = version + 1 where account_id in (
                     select account_id from relationship where employee_id = $1 or other_employee_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            bump_org!(tx);
            let after = current_row!(self, tx, Employee, "employee", "employee", id);
            audit!(self, tx, Change::new("update employee", "employee", id).before(&current).after(&after));
        });
        self.employee_required(id).await
    }
}
