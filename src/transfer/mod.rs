//! Getting business data out of and into guanxi. Export writes its own JSON format:
//! a faithful dump of every entity, table by table, in a stable order, so two
//! exports of the same data are identical and an import can restore them. Import
//! reads that JSON, CSV files through a column mapping and calendars (.ics).

pub mod calendar;
pub mod csv_file;
pub mod generate;
pub mod import;
pub mod mapping;
pub mod read;
pub mod values;

pub use crate::store::ImportOptions;
pub use calendar::{import_calendars, CalendarSummary, PersonToAdd};
pub use csv_file::{import_csv, CsvFile};
pub use generate::{generate_portfolio, Generated, PortfolioSpec};
pub use import::{import, ImportReport, Rejected};
pub use mapping::Mapping;

use uuid::Uuid;

use crate::{store::Store, Result};

pub use crate::store::{tables, Export, FORMAT};

/// Reads every business record (of one account, when given) into an [`Export`]
/// (see [`Store::export`]).
pub async fn export(store: &Store, account: Option<Uuid>) -> Result<Export> {
    store.export(account).await
}
